import FluentKit
import Foundation
import MinshengCore
import SQLKit

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
  public var lockedUntil: Date?
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
  )
    async throws -> StaffAccount
  {
    try StaffAccount.validate(username: username, role: role, unitID: unitID, password: nil)
    if let unitID, try await unit(unitID) == nil { throw ValidationError(field: "unit", reason: .unknownReference) }
    let record = StaffRecord(
      id: ids.newID(), username: username, passwordHash: passwordHash, role: role.rawValue, unitID: unitID,
      disabled: false, failedLogins: 0, lockedUntil: nil, createdAt: now, email: nil)
    guard let account = record.account else { throw StoreError.notFound("账号") }
    do {
      try await db.transaction { tx in
        try await Self.sql(tx).insert(into: "staff_accounts").model(record, nilEncodingStrategy: .asNil).run()
        try await self.record(.staff(account), action: "create", by: actor, at: now, on: tx)
      }
    } catch let error as any DatabaseError where error.isConstraintFailure {
      throw StoreError.duplicate("用户名 \(username)")
    }
    return account
  }

  /// Sets (or, with nil, removes) the address where the account's notices are mailed; recorded in
  /// `reference_changes`.
  public func setEmail(username: String, email: String?, by actor: String, at now: Date) async throws {
    let email = email.map(Self.trimmed).flatMap { $0.isEmpty ? nil : $0 }
    if let email, !Self.isEmailAddress(email) {
      throw ValidationError(field: "email", reason: .invalid("邮箱地址格式不对"))
    }
    guard let account = try await staffRecord(username: username)?.account else {
      throw StoreError.notFound("用户 \(username)")
    }
    try await db.transaction { tx in
      try await Self.sql(tx).update("staff_accounts").set("email", to: email).where("id", .equal, account.id).run()
      var change = ReferenceChange.staff(account)
      change.after["email"] = email ?? ""
      try await self.record(change, action: "update", by: actor, at: now, on: tx)
    }
  }

  /// The e-mail addresses of the enabled accounts a staff notice is addressed to: `unit:CODE` (every
  /// account of the unit) or `user:NAME`.
  public func emailAddresses(forStaffRecipient recipient: String) async throws -> [String] {
    let query = try Self.sql(db).select().column("email").from("staff_accounts").where("disabled", .equal, false)
      .where("email", .isNot, SQLLiteral.null)
    if recipient.hasPrefix("unit:") {
      guard let unit = try await unit(code: String(recipient.dropFirst(5))) else { return [] }
      query.where("unit_id", .equal, unit.id)
    } else if recipient.hasPrefix("user:") {
      query.where("username", .equal, String(recipient.dropFirst(5)))
    } else {
      return []
    }
    return try await query.orderBy("username").all(decodingColumn: "email", as: String.self)
  }

  /// Each account's e-mail address, by username (for the administration pages).
  public func staffEmails() async throws -> [String: String] {
    let rows = try await Self.sql(db).select().column("username").column("email").from("staff_accounts")
      .where("email", .isNot, SQLLiteral.null).all()
    var result: [String: String] = [:]
    for row in rows {
      result[try row.decode(column: "username", as: String.self)] = try row.decode(column: "email", as: String.self)
    }
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
    try await Self.sql(db).select().column("*").from("staff_accounts").orderBy("username")
      .all(decoding: StaffRecord.self).compactMap(\.account)
  }

  /// The unit with this code.
  public func unit(code: String) async throws -> MinshengCore.Unit? {
    try await references.find({ $0.units.values.first { $0.code == code } }, in: db)
  }

  private func staffRecord(username: String) async throws -> StaffRecord? {
    try await Self.sql(db).select().column("*").from("staff_accounts").where("username", .equal, username)
      .first(decoding: StaffRecord.self)
  }

  /// The account with this username, for a login.
  public func loginCandidate(username: String) async throws -> LoginCandidate? {
    guard let record = try await staffRecord(username: username), let account = record.account else { return nil }
    return LoginCandidate(account: account, passwordHash: record.passwordHash, lockedUntil: record.lockedUntil)
  }

  /// Records a failed login; five in a row lock the account for fifteen minutes.
  public func recordFailedLogin(username: String, at now: Date) async throws {
    guard let record = try await staffRecord(username: username) else { return }
    let (failures, lockedUntil) = LoginThrottle.afterFailure(failures: record.failedLogins, at: now)
    try await Self.sql(db).update("staff_accounts").set("failed_logins", to: failures)
      .set("locked_until", to: lockedUntil ?? record.lockedUntil).where("id", .equal, record.id).run()
  }

  /// Issues an access token for the account after a successful login; stores only its hash.
  public func issueToken(
    for account: StaffAccount, token: String, at now: Date, lifetime: TimeInterval = 30 * 86_400
  )
    async throws
  {
    let sql = try Self.sql(db)
    try await sql.update("staff_accounts").set("failed_logins", to: 0).where("id", .equal, account.id).run()
    try await sql.insert(into: "access_tokens")
      .columns("id", "account_id", "token_hash", "created_at", "expires_at")
      .values(
        SQLBind(ids.newID()), SQLBind(account.id), SQLBind(Hashing.sha256Hex(token)), SQLBind(now),
        SQLBind(now.addingTimeInterval(lifetime))
      ).run()
  }

  /// The enabled account that holds this unexpired token.
  public func account(forToken token: String, at now: Date) async throws -> StaffAccount? {
    let sql = try Self.sql(db)
    guard
      let row = try await sql.select().column("account_id").column("expires_at").from("access_tokens")
        .where("token_hash", .equal, Hashing.sha256Hex(token)).first(),
      try row.decode(column: "expires_at", as: Date.self) > now
    else { return nil }
    let id = try row.decode(column: "account_id", as: UUID.self)
    let record = try await sql.select().column("*").from("staff_accounts").where("id", .equal, id)
      .first(decoding: StaffRecord.self)
    guard let account = record?.account, !account.disabled else { return nil }
    return account
  }

  /// Sets a new password hash and clears any lock.
  /// Recorded in `reference_changes` (without the hash).
  public func setPassword(
    username: String, passwordHash: String, by actor: String = "system", at now: Date = Date()
  ) async throws {
    guard let account = try await staffRecord(username: username)?.account else {
      throw StoreError.notFound("用户 \(username)")
    }
    try await db.transaction { tx in
      try await Self.sql(tx).update("staff_accounts").set("password_hash", to: passwordHash).set("failed_logins", to: 0)
        .set("locked_until", to: Date?.none).where("username", .equal, username).run()
      try await self.record(.staff(account), action: "set_password", by: actor, at: now, on: tx)
    }
  }

  /// Opens a browser session for the account after a successful login; stores only the hash of
  /// the session key. Sessions live in the database, so every instance behind a load balancer
  /// knows them.
  public func openSession(
    for account: StaffAccount, key: String, csrfToken: String, at now: Date, lifetime: TimeInterval
  ) async throws {
    let sql = try Self.sql(db)
    try await sql.update("staff_accounts").set("failed_logins", to: 0).where("id", .equal, account.id).run()
    try await sql.insert(into: "staff_sessions")
      .columns("id", "account_id", "session_hash", "csrf_token", "created_at", "expires_at")
      .values(
        SQLBind(ids.newID()), SQLBind(account.id), SQLBind(Hashing.sha256Hex(key)), SQLBind(csrfToken),
        SQLBind(now), SQLBind(now.addingTimeInterval(lifetime))
      ).run()
  }

  /// The enabled account of an unexpired session, with the session's CSRF token.
  public func session(forKey key: String, at now: Date) async throws -> (account: StaffAccount, csrfToken: String)? {
    let sql = try Self.sql(readDB)
    guard
      let row = try await sql.select().column("account_id").column("csrf_token").column("expires_at")
        .from("staff_sessions").where("session_hash", .equal, Hashing.sha256Hex(key)).first(),
      try row.decode(column: "expires_at", as: Date.self) > now
    else { return nil }
    let id = try row.decode(column: "account_id", as: UUID.self)
    let record = try await sql.select().column("*").from("staff_accounts").where("id", .equal, id)
      .first(decoding: StaffRecord.self)
    guard let account = record?.account, !account.disabled else { return nil }
    return (account, try row.decode(column: "csrf_token", as: String.self))
  }

  /// Ends a session (logout).
  public func closeSession(key: String) async throws {
    try await Self.sql(db).delete(from: "staff_sessions").where("session_hash", .equal, Hashing.sha256Hex(key)).run()
  }

  /// Disables an account and revokes its tokens and sessions.
  /// Recorded in `reference_changes`.
  public func disable(username: String, by actor: String = "system", at now: Date = Date()) async throws {
    guard let record = try await staffRecord(username: username), var found = record.account else {
      throw StoreError.notFound("用户 \(username)")
    }
    found.disabled = true
    let account = found
    try await db.transaction { tx in
      let sql = try Self.sql(tx)
      try await sql.update("staff_accounts").set("disabled", to: true).where("id", .equal, record.id).run()
      try await sql.delete(from: "access_tokens").where("account_id", .equal, record.id).run()
      try await sql.delete(from: "staff_sessions").where("account_id", .equal, record.id).run()
      try await self.record(.staff(account), action: "disable", by: actor, at: now, on: tx)
    }
  }

  /// Enables a disabled account again (it logs in with its password); recorded in `reference_changes`.
  public func enable(username: String, by actor: String, at now: Date) async throws {
    guard let record = try await staffRecord(username: username), var found = record.account else {
      throw StoreError.notFound("用户 \(username)")
    }
    found.disabled = false
    let account = found
    try await db.transaction { tx in
      try await Self.sql(tx).update("staff_accounts").set("disabled", to: false).set("failed_logins", to: 0)
        .set("locked_until", to: Date?.none).where("id", .equal, record.id).run()
      try await self.record(.staff(account), action: "enable", by: actor, at: now, on: tx)
    }
  }
}
