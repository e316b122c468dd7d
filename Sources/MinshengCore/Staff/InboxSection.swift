/// 办件箱's sections: a unit's cases to accept, in hand, with a reply waiting for review, and those it
/// assists.
public enum InboxSection: String, Sendable, CaseIterable {
  /// 待签收
  case accept
  /// 办理中 (accepted, an extension asked for, sent back to the unit)
  case handling
  /// 待审核答复
  case review
  /// 协办
  case assist

  /// The lead unit's statuses the section lists (none for `assist`, which is read by assisting unit).
  public var statuses: [Status] {
    switch self {
    case .accept: [.assigned]
    case .handling: [.accepted, .extensionRequested, .returned]
    case .review: [.reviewing]
    case .assist: []
    }
  }

  /// The sections in the order `role` works them: its own next step first — a reviewer's replies to
  /// approve before the cases a handler accepts — and the rest of the unit's work after.
  public static func order(for role: Role) -> [InboxSection] {
    switch role {
    case .reviewer: [.review, .accept, .handling, .assist]
    case .leader: [.handling, .review, .accept, .assist]
    default: [.accept, .handling, .assist, .review]
    }
  }
}
