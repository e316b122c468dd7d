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
  /// for dispatchers, handlers, reviewers and unit leaders; a password that `PasswordPolicy` accepts.
  public static func validate(username: String, role: Role, unitID: UUID?, password: String?) throws(ValidationError) {
    var problems: [ValidationError.Problem] = []
    let allowed = username.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
        || "._-".unicodeScalars.contains($0)
    }
    if !(3...32).contains(username.count) || !allowed {
      problems.append(.init(field: "username", reason: .invalid(LocalizedText("error_username_format"))))
    }
    if role == .citizen || role == .system {
      problems.append(.init(field: "role", reason: .invalid(LocalizedText("error_staff_role"))))
    }
    if role.belongsToUnit, unitID == nil {
      problems.append(.init(field: "unit", reason: .invalid(LocalizedText("error_role_needs_unit"))))
    }
    if let password {
      do throws(ValidationError) {
        try PasswordPolicy.check(password)
      } catch {
        problems += error.problems
      }
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
  }
}

/// 登录限制: five attempts per name in each quarter of an hour; the sixth waits for the next.
public enum LoginThrottle {
  public static let maxFailures = 5
  public static let lockDuration: TimeInterval = 15 * 60

  /// At most five attempts per name in a quarter of an hour, counted before the password is checked,
  /// failures and successes alike (a success clears the count): a sixth is refused without looking.
  public static let attempts = RateLimit(count: maxFailures, window: lockDuration)
}

/// 密码规则: what a staff password must be, for every door that sets one (the command line, the
/// administration pages, the API).
public enum PasswordPolicy {
  /// The shortest password accepted.
  public static let minimumLength = 10

  /// Why a password is refused, or nil when it is acceptable.
  public static func problem(with password: String) -> LocalizedText? {
    password.count < minimumLength ? LocalizedText("error_password_length", ["min": .number(minimumLength)]) : nil
  }

  /// Refuses an unacceptable password as a problem with the `password` field.
  public static func check(_ password: String) throws(ValidationError) {
    if let problem = problem(with: password) { throw ValidationError(field: "password", reason: .invalid(problem)) }
  }
}
