import Foundation

/// 状态: where a message stands in the workflow.
public enum Status: String, Sendable, Codable, CaseIterable, Named {
  /// 待交办: in the dispatcher's pool.
  case received
  /// 待签收: assigned to a lead unit, waiting for it to accept.
  case assigned
  /// 办理中: accepted by the lead unit, being handled.
  case accepted
  /// 延期审批中: handling continues while the dispatcher decides on an extension.
  case extensionRequested = "extension_requested"
  /// 答复审核中: a reply waits for the unit's reviewer.
  case reviewing
  /// 退回待改派: the unit returned it; the dispatcher re-assigns or rejects the return.
  case returned
  /// 已答复: the reply is out; the author may evaluate.
  case replied
  /// 重办申请中: the author was unsatisfied; the dispatcher grants or declines a reopen.
  case reopenRequested = "reopen_requested"
  /// 已办结: final.
  case closed

  /// Every status but `closed` still needs someone to act.
  public var isOpen: Bool { self != .closed }

  /// 已答复: the unit's answer is published and stands — nobody has asked to handle the message again
  /// and it is not being handled again. What the home page's 最新答复 lists.
  public static let answered: [Status] = [.replied, .closed]

  /// Where the public sees a message stand, as the 领导留言板's tabs have it: 待回复 (not yet with the
  /// unit that handles it), 办理中 (with the unit, or asked to be handled again), 已办结 (answered).
  public var publicStage: PublicStage {
    switch self {
    case .received, .assigned, .returned: .waiting
    case .accepted, .extensionRequested, .reviewing, .reopenRequested: .handling
    case .replied, .closed: .answered
    }
  }

  public var nameKey: String { "status_" + rawValue }
}

/// 角色: what a person may do; staff roles are always held within a unit.
public enum Role: String, Sendable, Codable, CaseIterable, Named {
  /// The author of the message (proved by account or tracking code).
  case citizen
  /// 交办员: staff of a dispatching office (信访办, 网信办 …).
  case dispatcher
  /// 承办人: staff of a handling unit.
  case handler
  /// 审核人: a unit's reviewer of replies.
  case reviewer
  /// 单位领导: a unit's head — reads the unit's cases and receives copies of supervision notices
  /// (督办), but takes no step in the workflow.
  case leader
  /// 督查: supervision office staff, across all units.
  case supervisor
  /// 管理员
  case admin
  /// The platform itself, for scheduled jobs (auto-close, reminders).
  case system

  public var nameKey: String { "role_" + rawValue }
}

/// Who acts: a role, the unit it is held in, and an identifier for the audit trail.
public struct Actor: Sendable, Equatable, Codable {
  public var role: Role
  public var unitID: UUID?
  /// The account (or, for a citizen, a pseudonymous marker) that acted.
  public var id: String

  public init(role: Role, unitID: UUID? = nil, id: String) {
    self.role = role
    self.unitID = unitID
    self.id = id
  }

  /// The platform acting on its own.
  public static let system = Actor(role: .system, id: "system")
}

/// The public list's status tabs (`Status.publicStage`).
public enum PublicStage: String, Sendable, Codable, CaseIterable, Named {
  case waiting, handling, answered

  /// The statuses of the stage.
  public var statuses: [Status] { Status.allCases.filter { $0.publicStage == self } }

  public var nameKey: String { "stage_" + rawValue }
}
