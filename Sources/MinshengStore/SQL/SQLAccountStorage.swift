import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// `StaffStorage` through SQLKit, on both databases (accounts and sessions are small, rarely written
/// tables; a session is read on each staff request, from the read handle).
struct SQLStaffStorage: StaffStorage {
  let connection: SQLConnection

  func insertAccount(_ record: StaffRecord, change: ReferenceChangeEntry) async throws {
    do {
      try await connection.transaction { sql in
        try await sql.insert(record, into: "staff_accounts")
        try await SQLReferenceStorage.record(change, on: sql)
      }
    } catch let error as any DatabaseError where error.isConstraintFailure {
      throw StoreError.duplicate(.username, key: record.username)
    }
  }

  func account(username: String) async throws -> StaffRecord? {
    try await connection.sql.select().column("*").from("staff_accounts").where("username", .equal, username)
      .first(decoding: StaffRecord.self)
  }

  func accounts() async throws -> [StaffRecord] {
    try await connection.sql.select().column("*").from("staff_accounts").orderBy("username")
      .all(decoding: StaffRecord.self)
  }

  func updateAccount(
    _ id: UUID, set values: [String: StoreValue], endSessions: Bool, change: ReferenceChangeEntry?
  ) async throws {
    try await connection.transaction { sql in
      if !values.isEmpty {
        let update = sql.update("staff_accounts")
        for (column, value) in values.sorted(by: { $0.key < $1.key }) {
          update.set(SQLIdentifier(column), to: value.bind)
        }
        try await update.where("id", .equal, id).run()
      }
      if endSessions {
        try await sql.delete(from: "access_tokens").where("account_id", .equal, id).run()
        try await sql.delete(from: "staff_sessions").where("account_id", .equal, id).run()
      }
      if let change { try await SQLReferenceStorage.record(change, on: sql) }
    }
  }

  func countLoginAttempt(_ limit: CountedLimit, at now: Date) async throws {
    // Counted with `INSERT … ON CONFLICT … RETURNING`: attempts in parallel each take the next count,
    // so no more than the limit ever reach the password check.
    try await connection.transaction { sql in try await sql.count([limit], at: now) }
  }

  func clearCounter(key: String) async throws {
    try await connection.sql.delete(from: "intake_counters").where("key", .equal, key).run()
  }

  func tokens(account: UUID, at now: Date) async throws -> [StaffToken] {
    try await connection.read.select().columns("id", "created_at", "expires_at").from("access_tokens")
      .where("account_id", .equal, account).where("expires_at", .greaterThan, now)
      .orderBy("created_at", .descending).orderBy("id").all(decoding: StaffToken.self)
  }

  func deleteToken(id: UUID, account: UUID) async throws -> Bool {
    !(try await connection.sql.delete(from: "access_tokens").where("id", .equal, id)
      .where("account_id", .equal, account).returning("id").all().isEmpty)
  }

  func insertToken(id: UUID, account: UUID, hash: String, at now: Date, expires: Date) async throws {
    try await connection.transaction { sql in
      try await sql.insert(into: "access_tokens").columns("id", "account_id", "token_hash", "created_at", "expires_at")
        .values(SQLBind(id), SQLBind(account), SQLBind(hash), SQLBind(now), SQLBind(expires)).run()
    }
  }

  func insertSession(id: UUID, account: UUID, hash: String, csrf: String, at now: Date, expires: Date) async throws {
    try await connection.transaction { sql in
      try await sql.insert(into: "staff_sessions")
        .columns("id", "account_id", "session_hash", "csrf_token", "created_at", "expires_at")
        .values(SQLBind(id), SQLBind(account), SQLBind(hash), SQLBind(csrf), SQLBind(now), SQLBind(expires)).run()
    }
  }

  func accountForToken(hash: String, at now: Date) async throws -> StaffRecord? {
    try await connection.read.raw(
      """
      SELECT a.* FROM access_tokens t JOIN staff_accounts a ON a.id = t.account_id
      WHERE t.token_hash = \(bind: hash) AND t.expires_at > \(bind: now)
      """
    ).first(decoding: StaffRecord.self)
  }

  func session(hash: String, at now: Date) async throws -> (account: StaffRecord, csrf: String)? {
    let sql = try connection.read
    guard
      let row = try await sql.raw(
        """
        SELECT account_id, csrf_token FROM staff_sessions
        WHERE session_hash = \(bind: hash) AND expires_at > \(bind: now)
        """
      ).first(),
      let account = try await sql.select().column("*").from("staff_accounts")
        .where("id", .equal, try row.decode(column: "account_id", as: UUID.self)).first(decoding: StaffRecord.self)
    else { return nil }
    return (account, try row.decode(column: "csrf_token", as: String.self))
  }

  func deleteSession(hash: String) async throws {
    try await connection.sql.delete(from: "staff_sessions").where("session_hash", .equal, hash).run()
  }

  func emailAddresses(unit: UUID?, username: String?) async throws -> [String] {
    let query = try connection.sql.select().column("email").from("staff_accounts").where("disabled", .equal, false)
      .where("email", .isNot, SQLLiteral.null)
    if let unit { query.where("unit_id", .equal, unit) }
    if let username { query.where("username", .equal, username) }
    return try await query.orderBy("username").all(decodingColumn: "email", as: String.self)
  }

  func usernames(unit: UUID, role: Role) async throws -> [String] {
    try await connection.sql.select().column("username").from("staff_accounts")
      .where("unit_id", .equal, unit).where("role", .equal, role.rawValue).where("disabled", .equal, false)
      .orderBy("username").all(decodingColumn: "username", as: String.self)
  }
}

/// `CitizenStorage` through SQLKit, on both databases.
struct SQLCitizenStorage: CitizenStorage {
  let connection: SQLConnection

  func codeSentAt(phoneHash: String) async throws -> Date? {
    try await connection.sql.select().column("sent_at").from("phone_codes").where("phone_hash", .equal, phoneHash)
      .first(decodingColumn: "sent_at", as: Date.self)
  }

  func issueCode(
    phoneHash: String, codeHash: String, at now: Date, expires: Date, limits: [CountedLimit], sms: OutboxRow
  ) async throws {
    try await connection.transaction { sql in
      try await sql.count(limits, at: now)
      try await sql.delete(from: "phone_codes").where("phone_hash", .equal, phoneHash).run()
      try await sql.insert(into: "phone_codes").columns("phone_hash", "code_hash", "sent_at", "expires_at", "attempts")
        .values(SQLBind(phoneHash), SQLBind(codeHash), SQLBind(now), SQLBind(expires), SQLBind(0)).run()
      try await sql.enqueue(sms)
    }
  }

  func attemptCode(phoneHash: String, at now: Date, maxAttempts: Int) async throws -> String? {
    // The attempt is counted first, so that guesses in parallel cannot all be checked against one count.
    try await connection.sql.raw(
      """
      UPDATE phone_codes SET attempts = attempts + 1
      WHERE phone_hash = \(bind: phoneHash) AND expires_at > \(bind: now) AND attempts < \(bind: maxAttempts)
      RETURNING code_hash
      """
    ).first(decodingColumn: "code_hash", as: String.self)
  }

  func consumeCode(phoneHash: String, codeHash: String) async throws -> Bool {
    !(try await connection.sql.raw(
      "DELETE FROM phone_codes WHERE phone_hash = \(bind: phoneHash) AND code_hash = \(bind: codeHash) RETURNING phone_hash"
    ).all().isEmpty)
  }

  func openSession(hash: String, phone: String, at now: Date, expires: Date) async throws {
    let sql = try connection.sql
    try await sql.delete(from: "citizen_sessions").where("expires_at", .lessThan, now).run()
    try await sql.insert(into: "citizen_sessions").columns("session_hash", "phone", "created_at", "expires_at")
      .values(SQLBind(hash), SQLBind(phone), SQLBind(now), SQLBind(expires)).run()
  }

  func phone(sessionHash: String, at now: Date) async throws -> String? {
    try await connection.sql.select().column("phone").from("citizen_sessions")
      .where("session_hash", .equal, sessionHash).where("expires_at", .greaterThan, now)
      .first(decodingColumn: "phone", as: String.self)
  }

  func closeSession(hash: String) async throws {
    try await connection.sql.delete(from: "citizen_sessions").where("session_hash", .equal, hash).run()
  }

  func write(_ statements: [SQLFragment]) async throws {
    try await connection.transaction { sql in
      for statement in statements { try await sql.run(statement) }
    }
  }

  func setNoticesOff(_ off: Bool, phoneHash: String, at now: Date) async throws {
    let sql = try connection.sql
    if off {
      try await sql.raw(
        """
        INSERT INTO notice_opt_outs (phone_hash, created_at) VALUES (\(bind: phoneHash), \(bind: now))
        ON CONFLICT (phone_hash) DO NOTHING
        """
      ).run()
    } else {
      try await sql.delete(from: "notice_opt_outs").where("phone_hash", .equal, phoneHash).run()
    }
  }

  func noticesOff(phoneHash: String) async throws -> Bool {
    try await connection.sql.select().column("phone_hash").from("notice_opt_outs")
      .where("phone_hash", .equal, phoneHash).first() != nil
  }

  func secret(named name: String, candidate: String) async throws -> String {
    let sql = try connection.sql
    try await sql.raw(
      "INSERT INTO store_secrets (name, value) VALUES (\(bind: name), \(bind: candidate)) ON CONFLICT (name) DO NOTHING"
    ).run()
    guard
      let value = try await sql.select().column("value").from("store_secrets").where("name", .equal, name)
        .first(decodingColumn: "value", as: String.self)
    else { throw StoreError.internal("the secret \(name) was not stored") }
    return value
  }
}
