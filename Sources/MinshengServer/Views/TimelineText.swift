import Foundation
import MinshengCore
import MinshengStore

/// 办理过程: an event as one line of a timeline — 交办至 市住建委, 延期至 12月20日 …
enum TimelineText {
  static func describe(_ event: PublicEvent, names: ReferenceNames, language: Language) -> String {
    func unit(_ key: String) -> LocalizedText.Argument {
      .plain(event.payload[key].flatMap(UUID.init(uuidString:)).flatMap { names.units[$0]?.name } ?? "")
    }
    func due(_ key: String) -> LocalizedText.Argument {
      guard let text = event.payload[key], let ms = Double(text) else { return .plain("") }
      return .plain(language.deadline(Date(timeIntervalSince1970: ms / 1_000)))
    }
    let actor = LocalizedText.Argument.plain(event.unitID.flatMap { names.units[$0]?.name } ?? "")
    switch event.action {
    case .received: return language.text("event_received")
    case .thanked: return language.text("event_thanked")
    case .moderated: return language.text("event_moderated")
    case .duplicateDismissed: return language.text("event_duplicate_dismissed")
    case .ratingAppealed: return language.text("event_rating_appealed")
    case .ratingAppealDecided:
      return language.text(
        event.payload["upheld"] == "true" ? "event_rating_appeal_upheld" : "event_rating_appeal_rejected")
    case .proposalOpened: return language.text("event_proposal_opened")
    case .supported: return language.text("event_supported", ["count": .plain(event.payload["supports"] ?? "")])
    case .proposalEvaluated:
      let outcome = LocalizedText.Argument.plain(
        event.payload["outcome"].flatMap(ProposalOutcome.init(rawValue:)).map(language.name) ?? "")
      return language.text("event_proposal_evaluated", ["unit": actor, "outcome": outcome])
    case .awarded: return language.text("event_awarded")
    case .reviewersNamed: return language.text("event_reviewers_named")
    case .proposalReviewed: return language.text("event_proposal_reviewed")
    case .proposalInstructed:
      return language.text("event_proposal_instructed", ["leader": .plain(event.payload["leader"] ?? "")])
    case .adoptionRecorded:
      if event.payload["implemented"] == "true" { return language.text("event_adoption_implemented") }
      return language.text("event_adoption_recorded", ["progress": .plain(event.payload["progress"] ?? "")])
    case .workflow(let action):
      switch action {
      case .assign: return language.text("event_assign", ["unit": unit("lead_unit")])
      case .reassign: return language.text("event_reassign", ["unit": unit("lead_unit")])
      case .transfer: return language.text("event_transfer", ["unit": unit("lead_unit")])
      case .accept: return language.text("event_accept", ["unit": actor, "due": due("reply_due")])
      case .approveExtension: return language.text("event_extended", ["due": due("reply_due")])
      case .reply, .approveReply: return language.text("event_replied", ["unit": actor])
      case .evaluate:
        let level = LocalizedText.Argument.plain(
          event.payload["level"].flatMap(SatisfactionLevel.init(rawValue:)).map(language.name) ?? "")
        return language.text(
          event.to == .reopenRequested ? "event_evaluated_reopen" : "event_evaluated", ["level": level])
      case .grantReopen: return language.text("event_reopened", ["due": due("reply_due")])
      case .declineReopen: return language.text("event_reopen_declined")
      case .close: return language.text("event_closed")
      case .markInvalid: return language.text("event_invalid")
      case .merge: return language.text("event_merged")
      case .setUrgent: return language.text("event_urgent")
      case .withdraw: return language.text("event_withdrawn")
      default: return language.name(event.to)
      }
    }
  }
}
