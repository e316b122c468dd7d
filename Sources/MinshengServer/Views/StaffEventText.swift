import Foundation
import MinshengCore
import MinshengStore
import Vapor

extension StaffEventView {
  /// An event as staff read it: when, who (role, unit, account), what, the note, whether internal.
  init(_ event: EventDraft, names: ReferenceNames, language: Language) {
    let unit = event.actor.unitID.flatMap { names.units[$0]?.name }.map { " · " + $0 } ?? ""
    let account = event.actor.id.isEmpty ? "" : language.text("in_brackets", ["text": .plain(event.actor.id)])
    self.init(
      at: language.dateTime(event.at), who: language.name(event.actor.role) + unit + account,
      what: Self.describe(event, names: names, language: language), note: event.note ?? "",
      isInternal: event.visibility == .internal)
  }

  /// An event for staff: the public wording, or the internal one.
  static func describe(_ event: EventDraft, names: ReferenceNames, language: Language) -> String {
    switch event.action {
    case .moderated:
      guard event.payload["publication"] == "published" else { return language.text("staff_event_withheld") }
      return language.text((event.payload["redacted"] ?? "").isEmpty ? "staff_event_published" : "staff_event_redacted")
    case .duplicateDismissed:
      return language.text("staff_event_duplicate_dismissed")
    case .workflow(.note) where event.payload["contact_kind"] != nil:
      let kind =
        event.payload["contact_kind"].flatMap(ContactRecord.Kind.init(rawValue:)).map(language.name)
        ?? language.text("staff_event_contact")
      let at = event.payload["contacted_at"].flatMap(Double.init).map {
        language.text("in_brackets", ["text": .plain(language.dateTime(Date(timeIntervalSince1970: $0 / 1000)))])
      }
      return language.text("staff_event_contact_log", ["kind": .plain(kind)]) + (at ?? "")
    case .workflow(.approveReply) where event.payload["reply_edited"] == "true":
      return language.text("staff_event_reply_edited")
    case .workflow(.returnToDispatcher):
      guard let code = event.payload["return_code"].flatMap(ReturnReason.init(rawValue:)) else {
        return language.name(Action.returnToDispatcher)
      }
      return language.name(Action.returnToDispatcher)
        + language.text("in_brackets", ["text": .plain(language.name(code))])
    case .workflow(.supervise) where event.payload["answer_due"] != nil:
      let due = event.payload["answer_due"].flatMap(Double.init).map { Date(timeIntervalSince1970: $0 / 1000) }
      return language.name(Action.supervise)
        + language.text(
          "in_brackets",
          ["text": .plain(language.text("staff_event_answer_due", ["due": .plain(language.dateTime(due ?? event.at))]))]
        )
    case .workflow(let action)
    where [.note, .contribute, .remind, .supervise, .instruct, .answerSupervision].contains(action):
      return language.name(action)
    default:
      let event = PublicEvent(
        action: event.action, from: event.from, to: event.to, unitID: event.actor.unitID, payload: event.payload,
        at: event.at)
      return TimelineText.describe(event, names: names, language: language)
    }
  }
}
