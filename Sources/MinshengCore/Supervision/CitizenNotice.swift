import Foundation

/// 办理提醒: the steps of a case that its author is told of — a unit took it up (受理), a reply became
/// public (答复), it is handled again after a reopen (重办), it was merged with another (并单), it was
/// closed (办结, 不予重办). The text names the serial and 我的留言, never the matter or the tracking code.
public enum CitizenNotice: String, Sendable, CaseIterable {
  case accepted, replied, reopened, merged, closed

  /// The notice a transition gives its author, if any.
  public static func of(_ transition: Transition) -> CitizenNotice? {
    switch transition.action {
    case .accept: return .accepted
    case .grantReopen: return .reopened
    case .merge: return .merged
    case .close, .declineReopen: return .closed
    default: return transition.to == .replied && transition.from != .replied ? .replied : nil
    }
  }

  /// The SMS text (and an e-mail's body); `unit` names who took the case up.
  public func text(serial: String, unit: String?) -> LocalizedText {
    switch self {
    case .accepted:
      LocalizedText("sms_case_accepted", ["serial": .plain(serial), "unit": .plain(unit ?? "")])
    case .replied: LocalizedText("sms_reply_published", ["serial": .plain(serial)])
    case .reopened: LocalizedText("sms_case_reopened", ["serial": .plain(serial)])
    case .merged: LocalizedText("sms_case_merged", ["serial": .plain(serial)])
    case .closed: LocalizedText("sms_case_closed", ["serial": .plain(serial)])
    }
  }

  /// An e-mail's subject.
  public func subject(serial: String) -> LocalizedText {
    LocalizedText(
      "email_case_subject", ["serial": .plain(serial), "step": .text(LocalizedText("notice_step_" + rawValue))])
  }
}
