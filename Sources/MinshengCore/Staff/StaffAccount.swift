import Foundation

/// 工作人员账号: a staff account with one role, held in one unit (none for supervisors and admins).
public struct StaffAccount: Sendable, Equatable, Identifiable {
  public var id: UUID
  public var username: String
  public var role: Role
  public var unitID: UUID?
  public var disabled: Bool

  public init(id: UUID, username: String, role: Role, unitID: UUID?, disabled: Bool = false) {
    self.id = id
    self.username = username
    self.role = role
    self.unitID = unitID
    self.disabled = disabled
  }

  /// The account as the workflow sees it.
  public var actor: Actor { Actor(role: role, unitID: unitID, id: username) }

  /// Checks a new account: a username of 3–32 letters, digits, `.`, `-` or `_`; a staff role; a unit
  /// for dispatchers, handlers and reviewers; a password of at least 10 characters.
  public static func validate(username: String, role: Role, unitID: UUID?, password: String?) throws(ValidationError) {
    var problems: [ValidationError.Problem] = []
    let allowed = username.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
        || "._-".unicodeScalars.contains($0)
    }
    if !(3...32).contains(username.count) || !allowed {
      problems.append(.init(field: "username", reason: .invalid("用户名须为 3 到 32 位字母、数字或 . - _")))
    }
    if role == .citizen || role == .system {
      let roles = "dispatcher、handler、reviewer、leader、supervisor 或 admin"
      problems.append(.init(field: "role", reason: .invalid("工作人员角色须为 " + roles)))
    }
    if role.belongsToUnit, unitID == nil {
      problems.append(.init(field: "unit", reason: .invalid("该角色须属于一个单位")))
    }
    if let password, password.count < 10 {
      problems.append(.init(field: "password", reason: .invalid("密码至少 10 位")))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
  }
}

/// 登录限制: five failed logins lock an account for fifteen minutes.
public enum LoginThrottle {
  public static let maxFailures = 5
  public static let lockDuration: TimeInterval = 15 * 60

  /// Whether the account is locked at `now`.
  public static func isLocked(until lockedUntil: Date?, at now: Date) -> Bool {
    guard let lockedUntil else { return false }
    return now < lockedUntil
  }

  /// After a failed login: the new failure count and, when it reaches the limit, the lock's end
  /// (the count then starts again).
  public static func afterFailure(failures: Int, at now: Date) -> (failures: Int, lockedUntil: Date?) {
    let count = failures + 1
    return count >= maxFailures ? (0, now.addingTimeInterval(lockDuration)) : (count, nil)
  }
}

/// 查看权限: which staff may read a message's whole case file (contact details, internal notes):
/// its dispatching office, its lead and assisting units, supervisors and administrators.
public enum CaseAccess {
  public static func mayRead(_ actor: Actor, _ message: Message) -> Bool {
    switch actor.role {
    case .supervisor, .admin: true
    case .dispatcher: actor.unitID != nil && actor.unitID == message.dispatchingUnitID
    case .handler, .reviewer, .leader:
      actor.unitID != nil
        && (actor.unitID == message.leadUnitID || message.assistingUnitIDs.contains { $0 == actor.unitID })
    case .citizen, .system: false
    }
  }

  /// Who decides for the dispatching office (publication, duplicates): its dispatchers, and admins.
  public static func mayDispatch(_ actor: Actor, _ message: Message) -> Bool {
    switch actor.role {
    case .admin: true
    case .dispatcher: actor.unitID != nil && actor.unitID == message.dispatchingUnitID
    default: false
    }
  }
}
