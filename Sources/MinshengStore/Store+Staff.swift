import Foundation
import MinshengCore

/// A stored staff account with its password hash and login state.
struct StaffRecord: Codable, Sendable {
  var id: UUID
  var username: String
  var passwordHash: String
  var role: String
  var unitID: UUID?
  var disabled: Bool
  var failedLogins: Int
  var lockedUntil: Date?
  var createdAt: Date
  var email: String?

  enum CodingKeys: String, CodingKey {
    case id, username, role, disabled, email
    case passwordHash = "password_hash"
    case unitID = "unit_id"
    case failedLogins = "failed_logins"
    case lockedUntil = "locked_until"
    case createdAt = "created_at"
  }

  var account: StaffAccount? {
    Role(rawValue: role).map { StaffAccount(id: id, username: username, role: $0, unitID: unitID, disabled: disabled) }
  }
}

/// What a login attempt found; the password itself is checked by the caller's hasher.
public struct LoginCandidate: Sendable {
  public var account: StaffAccount
  public var passwordHash: String
}

/// An API token as its holder sees it listed: its id (to revoke it) and dates, never the token.
public struct StaffToken: Sendable, Equatable, Codable {
  public var id: UUID
  public var createdAt: Date
  public var expiresAt: Date

  enum CodingKeys: String, CodingKey {
    case id
    case createdAt = "created_at"
    case expiresAt = "expires_at"
  }
}

extension ReferenceChange {
  static func staff(_ account: StaffAccount) -> ReferenceChange {
    ReferenceChange(
      entity: "staff_account", id: account.id,
      after: [
        "username": account.username, "role": account.role.rawValue, "unit_id": account.unitID?.uuidString ?? "",
        "disabled": account.disabled ? "true" : "false",
      ])
  }
}

extension Store {
  /// Creates a staff account; the password arrives already hashed. Recorded in `reference_changes`
  /// (never the hash).
  @discardableResult
  public func createStaffAccount(
    username: String, passwordHash: String, role: Role, unitID: UUID?, by actor: String = "system", at now: Date
  ) async throws -> StaffAccount {
    try StaffAccount.validate(username: username, role: role, unitID: unitID, password: nil)
    if let unitID, try await unit(unitID) == nil { throw ValidationError(field: "unit", reason: .unknownReference) }
    let record = StaffRecord(
      id: ids.newID(), username: username, passwordHash: passwordHash, role: role.rawValue, unitID: unitID,
      disabled: false, failedLogins: 0, lockedUntil: nil, createdAt: now, email: nil)
    guard let account = record.account else { throw StoreError.internal("a new account has no role") }
    try await staff.insertAccount(record, change: changeEntry(.staff(account), "create", by: actor, at: now))
    return account
  }

  /// Sets (or, with nil, removes) the address where the account's notices are mailed; recorded in
  /// `reference_changes`.
  public func setEmail(username: String, email: String?, by actor: String, at now: Date) async throws {
    let email = email.map(Self.trimmed).flatMap { $0.isEmpty ? nil : $0 }
    if let email, !Self.isEmailAddress(email) {
      throw ValidationError(field: "email", reason: .invalid(LocalizedText("error_email_address")))
    }
    let account = try await account(named: username)
    var change = ReferenceChange.staff(account)
    change.after["email"] = email ?? ""
    try await staff.updateAccount(
      account.id, set: ["email": .optional(email)], endSessions: false,
      change: changeEntry(change, "update", by: actor, at: now))
  }

  /// The e-mail addresses of the enabled accounts a staff notice is addressed to: `unit:CODE` (every
  /// account of the unit) or `user:NAME`.
  public func emailAddresses(forStaffRecipient recipient: String) async throws -> [String] {
    if recipient.hasPrefix("unit:") {
      guard let unit = try await unit(code: String(recipient.dropFirst(5))) else { return [] }
      return try await staff.emailAddresses(unit: unit.id, username: nil)
    }
    guard recipient.hasPrefix("user:") else { return [] }
    return try await staff.emailAddresses(unit: nil, username: String(recipient.dropFirst(5)))
  }

  /// Each account's e-mail address, by username (for the administration pages).
  public func staffEmails() async throws -> [String: String] {
    var result: [String: String] = [:]
    for record in try await staff.accounts() { if let email = record.email { result[record.username] = email } }
    return result
  }

  /// Whether `text` is a plain mailbox address (no name, no list).
  public static func isEmailAddress(_ text: String) -> Bool {
    let parts = text.split(separator: "@", omittingEmptySubsequences: false)
    return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
      && !parts[1].hasSuffix(".") && text.count <= 254
      && !text.contains { $0.isWhitespace || "<>\"\r\n,;".contains($0) }
  }

  /// Every staff account, by username (for administrators).
  public func staffAccounts() async throws -> [StaffAccount] {
    try await staff.accounts().compactMap(\.account)
  }

  /// The account with this username, for a login.
  public func loginCandidate(username: String) async throws -> LoginCandidate? {
    guard let record = try await staff.account(username: username), let account = record.account else { return nil }
    return LoginCandidate(account: account, passwordHash: record.passwordHash)
  }

  /// 登录限制: counts an attempt to log in as `username` — any name, known or not, so the answers do not
  /// tell them apart — before its password is checked. Past `LoginThrottle.attempts` in the window
  /// it refuses (`rateLimited`, 429): at most that many guesses a window are ever checked, however
  /// many arrive at once. Only a keyed hash of the name is kept.
  public func countLoginAttempt(username: String, at now: Date) async throws {
    let key = try await counterKey("login", username.lowercased())
    try await staff.countLoginAttempt(CountedLimit(key: key, limit: LoginThrottle.attempts, what: .login), at: now)
  }

  /// Forgets the login attempts counted for `username` (after a successful login, a new password or
  /// an unlock).
  public func clearLoginAttempts(username: String) async throws {
    try await staff.clearCounter(key: try await counterKey("login", username.lowercased()))
  }

  /// The account's unexpired API tokens, newest first (their ids and dates; the tokens themselves are
  /// never stored).
  public func tokens(of account: StaffAccount, at now: Date) async throws -> [StaffToken] {
    try await staff.tokens(account: account.id, at: now)
  }

  /// Revokes one of the account's own tokens; `notFound` when it has none of that id.
  public func revokeToken(_ id: UUID, of account: StaffAccount) async throws {
    guard try await staff.deleteToken(id: id, account: account.id) else { throw StoreError.notFound(.token) }
  }

  /// Issues an access token for the account after a successful login; stores only its hash.
  public func issueToken(
    for account: StaffAccount, token: String, at now: Date, lifetime: TimeInterval = 30 * 86_400
  )
    async throws
  {
    try await staff.insertToken(
      id: ids.newID(), account: account.id, hash: Hashing.sha256Hex(token), at: now,
      expires: now.addingTimeInterval(lifetime))
  }

  /// The enabled account that holds this unexpired token.
  public func account(forToken token: String, at now: Date) async throws -> StaffAccount? {
    guard let account = try await staff.accountForToken(hash: Hashing.sha256Hex(token), at: now)?.account,
      !account.disabled
    else { return nil }
    return account
  }

  /// Sets a new password hash and clears any lock. Recorded in `reference_changes` (without the hash).
  public func setPassword(
    username: String, passwordHash: String, by actor: String = "system", at now: Date = Date()
  )
    async throws
  {
    let account = try await account(named: username)
    // A new password ends every session and token: whoever knew the old one is out.
    try await staff.updateAccount(
      account.id, set: ["password_hash": .text(passwordHash), "failed_logins": .integer(0), "locked_until": .null],
      endSessions: true, change: changeEntry(.staff(account), "set_password", by: actor, at: now))
    try await clearLoginAttempts(username: username)
  }

  /// Opens a browser session for the account after a successful login; stores only the hash of
  /// the session key. Sessions live in the database, so every instance behind a load balancer
  /// knows them.
  public func openSession(
    for account: StaffAccount, key: String, csrfToken: String, at now: Date, lifetime: TimeInterval
  ) async throws {
    try await staff.insertSession(
      id: ids.newID(), account: account.id, hash: Hashing.sha256Hex(key), csrf: csrfToken, at: now,
      expires: now.addingTimeInterval(lifetime))
  }

  /// The enabled account of an unexpired session, with the session's CSRF token.
  public func session(forKey key: String, at now: Date) async throws -> (account: StaffAccount, csrfToken: String)? {
    guard let found = try await staff.session(hash: Hashing.sha256Hex(key), at: now),
      let account = found.account.account, !account.disabled
    else { return nil }
    return (account, found.csrf)
  }

  /// Ends a session (logout).
  public func closeSession(key: String) async throws {
    try await staff.deleteSession(hash: Hashing.sha256Hex(key))
  }

  /// Disables an account and revokes its tokens and sessions. Recorded in `reference_changes`.
  public func disable(username: String, by actor: String = "system", at now: Date = Date()) async throws {
    var account = try await account(named: username)
    account.disabled = true
    try await staff.updateAccount(
      account.id, set: ["disabled": .bool(true)], endSessions: true,
      change: changeEntry(.staff(account), "disable", by: actor, at: now))
  }

  /// Enables a disabled account again (it logs in with its password); recorded in `reference_changes`.
  public func enable(username: String, by actor: String, at now: Date) async throws {
    var account = try await account(named: username)
    account.disabled = false
    try await staff.updateAccount(
      account.id, set: ["disabled": .bool(false), "failed_logins": .integer(0), "locked_until": .null],
      endSessions: true, change: changeEntry(.staff(account), "enable", by: actor, at: now))
    try await clearLoginAttempts(username: username)
  }

  private func account(named username: String) async throws -> StaffAccount {
    guard let account = try await staff.account(username: username)?.account else {
      throw StoreError.notFound(.account)
    }
    return account
  }
}
