import Foundation
import MinshengCore

/// What kind of record an error is about, by its name in the catalogue.
public enum StoredRecord: String, Sendable, Equatable, Named {
  case message, unit, region, leader, category, routingRule, knowledgeEntry, account, image, bannedWord
  case duplicateCandidate, thanksLetter, trackingCode, board, regionCode, unitCode, leaderCode, categoryCode
  case username, demonstration, secret, apiKey, webhook, token, holiday, honours
  case campaign, proposal, support, awardRound, awardScore, document

  public var nameKey: String { "record_" + rawValue }
}

/// What a rate limit counts: each has its own refusal in the catalogue (`error_rate_limited_…`).
public enum RateLimitSubject: String, Sendable, Equatable {
  /// Messages per mobile number.
  case phone
  /// Messages per network address.
  case address
  /// Requests per partner system's API key.
  case apiKey
  /// One-time codes per mobile number.
  case phoneCodes
  /// Login attempts per username.
  case login
  /// One-time codes per mobile number in the policy's window.
  case phoneCodesPerNumber
  /// One-time codes per network address.
  case phoneCodesPerAddress
  /// One-time codes on the whole platform.
  case phoneCodesOverall
  /// Expensive public reads (searches, the overdue list, metrics) per network address.
  case reads
}

/// Why a store operation did not happen; nothing was written when one of these is thrown.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No such record (or, for a tracking code, none that matches).
  case notFound(StoredRecord)
  /// Someone else changed the message first: the version the caller acted on is no longer current.
  case conflict(messageID: UUID, expectedVersion: Int, currentVersion: Int?)
  /// A record with this key (a code, a name) already exists.
  case duplicate(StoredRecord, key: String)
  /// The store is shutting down and takes no more work.
  case unavailable
  /// The caller may not do this to this message (403).
  case forbidden(LocalizedText)
  /// A rate limit of intake was reached (429); the window ends at `retryAfter`.
  case rateLimited(what: RateLimitSubject, limit: RateLimit, retryAfter: Date)
  /// A scheduled job was already done for this message and deadline (by another instance).
  case alreadyDone
  /// The store failed inside (a database answer it cannot read, a broken invariant): never the
  /// caller's fault, reported as an internal error with the detail only in the log.
  case `internal`(String)

  public var description: String {
    if case .internal(let detail) = self { return "internal store failure: " + detail }
    return text.chinese
  }

  /// The error in Chinese, safe to show.
  public var message: String { text.chinese }

  /// The error as a catalogue text, for any language.
  public var text: LocalizedText {
    switch self {
    case .notFound(let record): LocalizedText("error_not_found", ["what": .key(record.nameKey)])
    case .conflict: LocalizedText("error_conflict")
    case .duplicate(let record, let key) where key.isEmpty:
      LocalizedText("error_duplicate_record", ["what": .key(record.nameKey)])
    case .duplicate(let record, let key):
      LocalizedText("error_duplicate", ["what": .key(record.nameKey), "key": .plain(key)])
    case .unavailable: LocalizedText("error_unavailable")
    case .forbidden(let why): why
    case .rateLimited(let what, let limit, _):
      LocalizedText(
        "error_rate_limited_" + what.rawValue, ["window": .text(limit.windowText), "count": .number(limit.count)])
    case .alreadyDone: LocalizedText("error_already_done")
    case .internal: LocalizedText("error_internal")
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

  /// A random (version 4) UUID. Foundation's `UUID()` opens and reads `/dev/urandom` each time on
  /// Linux; this asks the kernel for 16 bytes in two calls.
  public func newID() -> UUID {
    var generator = SystemRandomNumberGenerator()
    var bytes = (generator.next() as UInt64, generator.next() as UInt64)
    return withUnsafeMutableBytes(of: &bytes) { raw in
      raw[6] = raw[6] & 0x0F | 0x40  // version 4
      raw[8] = raw[8] & 0x3F | 0x80  // RFC 4122 variant
      return UUID(uuid: raw.load(as: uuid_t.self))
    }
  }

  /// Sixteen characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 79 bits,
  /// shown in groups of four: `K7PQ-2M9X-H4TR-WB3N`.
  ///
  /// Each character comes from one random byte below 248 (8 × 31), taken modulo 31, so every letter
  /// is equally likely; a byte of 248 or more is skipped. Bytes are drawn 8 at a time.
  public func trackingCode() -> String {
    var generator = SystemRandomNumberGenerator()
    let alphabet = TrackingCode.letters
    let accepted = 256 - 256 % alphabet.count
    var characters: [UInt8] = []
    characters.reserveCapacity(19)
    while characters.count < 19 {
      var word: UInt64 = generator.next()
      for _ in 0..<8 where characters.count < 19 {
        let byte = Int(word & 0xFF)
        word >>= 8
        guard byte < accepted else { continue }
        if characters.count % 5 == 4 { characters.append(UInt8(ascii: "-")) }
        characters.append(alphabet[byte % alphabet.count])
      }
    }
    return String(decoding: characters, as: UTF8.self)
  }
}

/// 查询码: the author's secret key to a message; only its hash is stored.
public enum TrackingCode {
  static let alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

  /// The code as compared: upper case, without separators or spaces; nil when it has characters
  /// outside the alphabet or the wrong length.
  ///
  /// Codes are typed in ASCII, which is read byte by byte; any other text takes the general path
  /// (Unicode upper case, then the same checks), so both give the same answer.
  public static func normalized(_ code: String) -> String? {
    guard code.utf8.allSatisfy({ $0 < 0x80 }) else {
      let cleaned = code.uppercased().filter { $0 != "-" && $0 != " " }
      guard cleaned.count == 16, cleaned.allSatisfy({ alphabet.contains($0) }) else { return nil }
      return cleaned
    }
    var letters: [UInt8] = []
    letters.reserveCapacity(16)
    for byte in code.utf8 where byte != UInt8(ascii: "-") && byte != UInt8(ascii: " ") {
      let upper = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 0x20 : byte
      guard letters.count < 16, alphabetBytes.contains(upper) else { return nil }
      letters.append(upper)
    }
    return letters.count == 16 ? String(decoding: letters, as: UTF8.self) : nil
  }

  /// The alphabet's letters as bytes, in order.
  static let letters = Array(alphabet.utf8)
  private static let alphabetBytes = Set(letters)
}
