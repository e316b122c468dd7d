import Foundation
import MinshengCore

/// Why a store operation did not happen; nothing was written when one of these is thrown.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No such record (or, for a tracking code, none that matches).
  case notFound(String)
  /// Someone else changed the message first: the version the caller acted on is no longer current.
  case conflict(messageID: UUID, expectedVersion: Int, currentVersion: Int?)
  /// A code (region, unit, leader, category) is already taken.
  case duplicate(String)
  /// The store is shutting down and takes no more work.
  case unavailable
  /// The caller may not do this to this message (403).
  case forbidden(String)
  /// A rate limit of intake was reached (429); the window ends at `retryAfter`.
  case rateLimited(what: String, limit: RateLimit, retryAfter: Date)

  public var description: String { message }

  /// The error in Chinese, safe to show.
  public var message: String {
    switch self {
    case .notFound(let what): "未找到\(what)"
    case .conflict: "该留言已被他人处理，请刷新后重试"
    case .duplicate(let what): "\(what)已存在"
    case .unavailable: "服务正在停止，请稍后再试"
    case .forbidden(let why): why
    case .rateLimited(let what, let limit, _):
      "\(what)\(limit.chineseWindow)最多提交 \(limit.count) 条留言，已达上限，请稍后再试"
    }
  }
}

/// Makes identifiers and tracking codes; injected so tests can pin them.
public protocol IdentifierSource: Sendable {
  func newID() -> UUID
  /// A fresh secret tracking code for a message's author.
  func trackingCode() -> String
}

/// Random identifiers and tracking codes from the system's secure generator.
public struct RandomIdentifiers: IdentifierSource {
  public init() {}

  public func newID() -> UUID { UUID() }

  /// Sixteen characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 79 bits,
  /// shown in groups of four: `K7PQ-2M9X-H4TR-WB3N`.
  public func trackingCode() -> String {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array(TrackingCode.alphabet)
    let characters = (0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
    return stride(from: 0, to: 16, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
  }
}

/// 查询码: the author's secret key to a message; only its hash is stored.
public enum TrackingCode {
  static let alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

  /// The code as compared: upper case, without separators or spaces; nil when it has characters
  /// outside the alphabet or the wrong length.
  public static func normalized(_ code: String) -> String? {
    let cleaned = code.uppercased().filter { $0 != "-" && $0 != " " }
    guard cleaned.count == 16, cleaned.allSatisfy({ alphabet.contains($0) }) else { return nil }
    return cleaned
  }
}
