import Crypto
import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// 短信验证码: how one-time codes for mobile numbers are issued and checked.
public enum PhoneCodeRules {
  /// A code is valid for ten minutes,
  public static let lifetime: TimeInterval = 10 * 60
  /// may be tried five times,
  public static let maxAttempts = 5
  /// and a new one is sent at most once a minute and ten times a day per number.
  public static let resendInterval: TimeInterval = 60
  public static let perDay = RateLimit(count: 10, window: 86_400)
}

/// Why a one-time code was not accepted.
public enum PhoneCodeError: Error, Sendable, Equatable, CustomStringConvertible {
  case notMobile
  case tooSoon(seconds: Int)
  case wrongOrExpired

  public var description: String { message }

  public var message: String {
    switch self {
    case .notMobile: "请填写 11 位手机号码"
    case .tooSoon(let seconds): "验证码已发送，请 \(seconds) 秒后再重新获取"
    case .wrongOrExpired: "验证码不正确或已过期，请重新获取"
    }
  }
}

/// A notification waiting in (or sent from) the outbox.
public struct OutboxMessage: Sendable, Equatable {
  public var id: UUID
  public var channel: String
  public var recipient: String
  public var body: String
  public var createdAt: Date
  public var sentAt: Date?
  public var attempts: Int
}

/// Sends what the outbox holds on one channel (SMS, e-mail …). The log sender serves development.
public protocol OutboxSender: Sendable {
  var channel: String { get }
  func send(to recipient: String, body: String) async throws
}

// MARK: - One-time codes

extension Store {
  /// Issues a six-digit code for a mobile number: its keyed hash is stored (replacing any earlier
  /// code) and the text is put in the SMS outbox, in one transaction. The code is never returned.
  public func issuePhoneCode(to phone: String, at now: Date) async throws {
    guard let mobile = PhoneNumber.mobile(phone) else { throw PhoneCodeError.notMobile }
    let phoneHash = try await counterKey("code-phone", mobile)
    let sql = try Self.sql(db)
    if let sent = try await sql.select().column("sent_at").from("phone_codes").where("phone_hash", .equal, phoneHash)
      .first(decodingColumn: "sent_at", as: Date.self), now.timeIntervalSince(sent) < PhoneCodeRules.resendInterval
    {
      throw PhoneCodeError.tooSoon(
        seconds: Int((PhoneCodeRules.resendInterval - now.timeIntervalSince(sent)).rounded(.up)))
    }
    var generator = SystemRandomNumberGenerator()
    let code = String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
    let codeHash = try await counterKey("code", mobile + ":" + code)
    let daily = CountedLimit(
      key: try await counterKey("codes-sent", mobile), limit: PhoneCodeRules.perDay, what: "同一手机号获取验证码")
    let outboxID = ids.newID()
    try await db.transaction { tx in
      let sql = try Self.sql(tx)
      try await Self.count([daily], at: now, on: sql)
      try await sql.delete(from: "phone_codes").where("phone_hash", .equal, phoneHash).run()
      try await sql.insert(into: "phone_codes").columns("phone_hash", "code_hash", "sent_at", "expires_at", "attempts")
        .values(
          SQLBind(phoneHash), SQLBind(codeHash), SQLBind(now), SQLBind(now.addingTimeInterval(PhoneCodeRules.lifetime)),
          SQLBind(0)
        ).run()
      try await Self.enqueue(
        id: outboxID, channel: "sms", recipient: mobile,
        body: "【民生之声】您的验证码是 \(code)，10 分钟内有效。如非本人操作，请忽略本短信。", at: now, on: sql)
    }
  }

  /// Checks a code for a mobile number. A right code is used up; a wrong one counts as an attempt,
  /// and after five the code is void.
  public func verifyPhoneCode(_ code: String, for phone: String, at now: Date) async throws {
    guard let mobile = PhoneNumber.mobile(phone) else { throw PhoneCodeError.notMobile }
    let digits = code.filter(\.isNumber)
    let phoneHash = try await counterKey("code-phone", mobile)
    let codeHash = try await counterKey("code", mobile + ":" + digits)
    let sql = try Self.sql(db)
    // Count the attempt first, so that guesses in parallel cannot all be checked against one count.
    let rows = try await sql.raw(
      """
      UPDATE phone_codes SET attempts = attempts + 1
      WHERE phone_hash = \(bind: phoneHash) AND expires_at > \(bind: now) AND attempts < \(bind: PhoneCodeRules.maxAttempts)
      RETURNING code_hash
      """
    ).all()
    guard let stored = try rows.first?.decode(column: "code_hash", as: String.self), stored == codeHash,
      digits.count == 6
    else { throw PhoneCodeError.wrongOrExpired }
    let used = try await sql.raw(
      "DELETE FROM phone_codes WHERE phone_hash = \(bind: phoneHash) AND code_hash = \(bind: codeHash) RETURNING phone_hash"
    ).all()
    guard !used.isEmpty else { throw PhoneCodeError.wrongOrExpired }
  }
}

// MARK: - Citizens' sessions and their messages

extension Store {
  /// Opens a citizen's session for a verified mobile number; returns the key for the cookie (only
  /// its hash is stored). Sessions last thirty days.
  public func openCitizenSession(phone: String, at now: Date) async throws -> String {
    guard let mobile = PhoneNumber.mobile(phone) else { throw PhoneCodeError.notMobile }
    var bytes = [UInt8](repeating: 0, count: 32)
    var generator = SystemRandomNumberGenerator()
    for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
    let key =
      "cs_"
      + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    let sql = try Self.sql(db)
    try await sql.delete(from: "citizen_sessions").where("expires_at", .lessThan, now).run()
    try await sql.insert(into: "citizen_sessions").columns("session_hash", "phone", "created_at", "expires_at")
      .values(
        SQLBind(Hashing.sha256Hex(key)), SQLBind(mobile), SQLBind(now), SQLBind(now.addingTimeInterval(30 * 86_400))
      )
      .run()
    return key
  }

  /// The mobile number of a live citizen's session.
  public func citizenPhone(forSession key: String, at now: Date) async throws -> String? {
    try await Self.sql(db).select().column("phone").from("citizen_sessions")
      .where("session_hash", .equal, Hashing.sha256Hex(key)).where("expires_at", .greaterThan, now)
      .first(decodingColumn: "phone", as: String.self)
  }

  /// Ends a citizen's session.
  public func closeCitizenSession(_ key: String) async throws {
    try await Self.sql(db).delete(from: "citizen_sessions").where("session_hash", .equal, Hashing.sha256Hex(key)).run()
  }

  /// 我的留言: the messages written with this mobile number (stored as its 11 digits, however it was
  /// typed), newest first, private ones included.
  public func messages(ofPhone phone: String, limit: Int = 100) async throws -> [Message] {
    guard let mobile = PhoneNumber.mobile(phone) else { return [] }
    let sql = try Self.sql(db)
    let records = try await sql.select().column("*").from(MessageRecord.schema).where("contact_phone", .equal, mobile)
      .orderBy("created_at", .descending).limit(max(1, min(limit, 500))).all(decoding: MessageRecord.self)
    return try await sql.messages(records)
  }
}

// MARK: - Outbox

extension Store {
  static func enqueue(
    id: UUID, channel: String, recipient: String, body: String, at now: Date, on sql: any SQLDatabase
  ) async throws {
    try await sql.insert(into: "outbox").columns("id", "channel", "recipient", "body", "created_at", "attempts")
      .values(SQLBind(id), SQLBind(channel), SQLBind(recipient), SQLBind(body), SQLBind(now), SQLBind(0)).run()
  }

  /// The outbox, newest first (for one recipient, or all).
  public func outbox(recipient: String? = nil, limit: Int = 50) async throws -> [OutboxMessage] {
    try await outbox(recipients: recipient.map { [$0] }, limit: limit)
  }

  /// The outbox for any of `recipients` (all when nil), newest first.
  public func outbox(recipients: [String]?, limit: Int = 50) async throws -> [OutboxMessage] {
    let query = try Self.sql(readDB).select().column("*").from("outbox")
    if let recipients { query.where("recipient", .in, recipients) }
    return try await query.orderBy("created_at", .descending).limit(limit).all().map { row in
      OutboxMessage(
        id: try row.decode(column: "id", as: UUID.self), channel: try row.decode(column: "channel", as: String.self),
        recipient: try row.decode(column: "recipient", as: String.self),
        body: try row.decode(column: "body", as: String.self),
        createdAt: try row.decode(column: "created_at", as: Date.self),
        sentAt: try row.decode(column: "sent_at", as: Date?.self),
        attempts: try row.decode(column: "attempts", as: Int.self))
    }
  }

  /// Sends what waits in the outbox on the senders' channels, oldest first. Each row is claimed
  /// (marked sent) before it is sent, so two instances never send it twice; a failed send is put
  /// back with its error, and tried again on a later run, at most five times. Returns how many
  /// were sent.
  @discardableResult
  public func deliverOutbox(using senders: [any OutboxSender], at now: Date, limit: Int = 100) async throws -> Int {
    let sql = try Self.sql(db)
    let channels = senders.map(\.channel)
    guard !channels.isEmpty else { return 0 }
    let waiting = try await sql.select().column("id").column("channel").column("recipient").column("body")
      .from("outbox").where("sent_at", .is, SQLLiteral.null).where("attempts", .lessThan, 5)
      .where("channel", .in, channels).orderBy("created_at").limit(limit).all()
    var sent = 0
    for row in waiting {
      let id = try row.decode(column: "id", as: UUID.self)
      let channel = try row.decode(column: "channel", as: String.self)
      let claimed = try await sql.raw(
        """
        UPDATE outbox SET sent_at = \(bind: now), attempts = attempts + 1
        WHERE id = \(bind: id) AND sent_at IS NULL RETURNING id
        """
      ).all()
      guard !claimed.isEmpty, let sender = senders.first(where: { $0.channel == channel }) else { continue }
      do {
        try await sender.send(
          to: try row.decode(column: "recipient", as: String.self),
          body: try row.decode(column: "body", as: String.self))
        sent += 1
      } catch {
        try await sql.update("outbox").set("sent_at", to: SQLLiteral.null).set(
          "last_error", to: String(describing: error)
        )
        .where("id", .equal, id).run()
      }
    }
    return sent
  }
}
