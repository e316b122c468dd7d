import Crypto
import Foundation
import MinshengCore

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

  /// The refusal in Chinese.
  public var message: String { text.chinese }

  /// The refusal as a catalogue text, for any language.
  public var text: LocalizedText {
    switch self {
    case .notMobile: LocalizedText("error_phone_not_mobile")
    case .tooSoon(let seconds): LocalizedText("error_phone_code_too_soon", ["seconds": .number(seconds)])
    case .wrongOrExpired: LocalizedText("error_phone_code_wrong")
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
  /// The case a staff notice is about.
  public var messageID: UUID? = nil
  /// Why the last attempt failed, and when the outbox gave the notice up (`OutboxRetry`).
  public var lastError: String? = nil
  public var failedAt: Date? = nil
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
  ///
  /// Counted, in the same transaction, against the number's daily limit and the policy's limits per
  /// number, per address (`origin`) and overall; past any of them it refuses (`rateLimited`, 429).
  public func issuePhoneCode(to phone: String, from origin: IntakeOrigin? = nil, at now: Date) async throws {
    guard let mobile = PhoneNumber.mobile(phone) else { throw PhoneCodeError.notMobile }
    let phoneHash = try await counterKey("code-phone", mobile)
    if let sent = try await citizens.codeSentAt(phoneHash: phoneHash),
      now.timeIntervalSince(sent) < PhoneCodeRules.resendInterval
    {
      throw PhoneCodeError.tooSoon(
        seconds: Int((PhoneCodeRules.resendInterval - now.timeIntervalSince(sent)).rounded(.up)))
    }
    var limits = [
      CountedLimit(key: try await counterKey("codes-sent", mobile), limit: PhoneCodeRules.perDay, what: .phoneCodes)
    ]
    if let limit = policy.codesPerNumber {
      limits.append(
        CountedLimit(key: try await counterKey("codes-number", mobile), limit: limit, what: .phoneCodesPerNumber))
    }
    if let limit = policy.codesPerAddress, let address = origin?.address {
      limits.append(
        CountedLimit(key: try await counterKey("codes-address", address), limit: limit, what: .phoneCodesPerAddress))
    }
    if let limit = policy.codesOverall {
      limits.append(CountedLimit(key: "codes-overall", limit: limit, what: .phoneCodesOverall))
    }
    var generator = SystemRandomNumberGenerator()
    let code = String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
    try await citizens.issueCode(
      phoneHash: phoneHash, codeHash: try await counterKey("code", mobile + ":" + code), at: now,
      expires: now.addingTimeInterval(PhoneCodeRules.lifetime), limits: limits,
      sms: OutboxRow(
        id: ids.newID(), channel: "sms", recipient: mobile,
        body: LocalizedText("sms_code", ["code": .plain(code)]).chinese, createdAt: now))
  }

  /// Checks a code for a mobile number. A right code is used up; a wrong one counts as an attempt,
  /// and after five the code is void.
  public func verifyPhoneCode(_ code: String, for phone: String, at now: Date) async throws {
    guard let mobile = PhoneNumber.mobile(phone) else { throw PhoneCodeError.notMobile }
    let digits = code.filter(\.isNumber)
    let phoneHash = try await counterKey("code-phone", mobile)
    let codeHash = try await counterKey("code", mobile + ":" + digits)
    guard
      let stored = try await citizens.attemptCode(
        phoneHash: phoneHash, at: now, maxAttempts: PhoneCodeRules.maxAttempts),
      stored == codeHash, digits.count == 6,
      try await citizens.consumeCode(phoneHash: phoneHash, codeHash: codeHash)
    else { throw PhoneCodeError.wrongOrExpired }
  }
}

// MARK: - Citizens' sessions

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
    try await citizens.openSession(
      hash: Hashing.sha256Hex(key), phone: mobile, at: now, expires: now.addingTimeInterval(30 * 86_400))
    return key
  }

  /// The mobile number of a live citizen's session.
  public func citizenPhone(forSession key: String, at now: Date) async throws -> String? {
    try await citizens.phone(sessionHash: Hashing.sha256Hex(key), at: now)
  }

  /// Ends a citizen's session.
  /// 不再提醒: the author of the messages written with a mobile number turns 办理提醒 off, or on again.
  public func setNoticesOff(_ off: Bool, phone: String, at now: Date) async throws {
    guard let mobile = PhoneNumber.mobile(phone) else { throw ValidationError(field: "phone", reason: .missing) }
    try await citizens.setNoticesOff(off, phoneHash: Hashing.sha256Hex(mobile), at: now)
  }

  /// Whether the number's author turned 办理提醒 off.
  public func noticesOff(phone: String) async throws -> Bool {
    guard let mobile = PhoneNumber.mobile(phone) else { return false }
    return try await citizens.noticesOff(phoneHash: Hashing.sha256Hex(mobile))
  }

  public func closeCitizenSession(_ key: String) async throws {
    try await citizens.closeSession(hash: Hashing.sha256Hex(key))
  }
}

// MARK: - Outbox

extension Store {
  /// The outbox, newest first (for one recipient, or all).
  public func outbox(recipient: String? = nil, limit: Int = 50) async throws -> [OutboxMessage] {
    try await outbox(recipients: recipient.map { [$0] }, limit: limit)
  }

  /// The outbox for any of `recipients` (all when nil), newest first.
  public func outbox(recipients: [String]?, limit: Int = 50) async throws -> [OutboxMessage] {
    try await jobs.outbox(recipients: recipients, limit: limit)
  }

  /// Of these notices, the ones `username` has marked read.
  public func readNotices(_ ids: [UUID], by username: String) async throws -> Set<UUID> {
    try await jobs.readNotices(ids, by: username)
  }

  /// Marks notices read for one staff member, among those addressed to `recipients` (their unit and
  /// themselves): any other id is left alone. Returns how many were marked.
  @discardableResult
  public func markNoticesRead(
    _ ids: [UUID], by username: String, among recipients: [String], at now: Date
  )
    async throws -> Int
  {
    let theirs = Set(try await jobs.outbox(recipients: recipients, limit: 1_000).map(\.id))
    let marked = ids.filter(theirs.contains)
    try await jobs.markNoticesRead(marked, by: username, at: now)
    return marked.count
  }

  /// Sends what waits in the outbox on the senders' channels, oldest first. Each row is claimed
  /// (marked sent) before it is sent, so two instances never send it twice; a failed send is put
  /// back with its error and tried again when `OutboxRetry` says (a text five times within minutes, a
  /// webhook delivery with doubling waits for 24 hours), then given up. Returns how many were sent.
  @discardableResult
  public func deliverOutbox(using senders: [any OutboxSender], at now: Date, limit: Int = 100) async throws -> Int {
    guard !senders.isEmpty else { return 0 }
    var sent = 0
    for notice in try await jobs.waitingNotices(channels: senders.map(\.channel), at: now, limit: limit) {
      guard try await jobs.claimNotice(notice.id, at: now),
        let sender = senders.first(where: { $0.channel == notice.channel })
      else { continue }
      do {
        try await sender.send(to: notice.recipient, body: notice.body)
        sent += 1
      } catch {
        let retryAt = OutboxRetry.next(
          channel: notice.channel, attempts: notice.attempts + 1, createdAt: notice.createdAt, now: now)
        try await jobs.releaseNotice(notice.id, error: String(describing: error), retryAt: retryAt, at: now)
      }
    }
    return sent
  }
}
