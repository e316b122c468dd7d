import Crypto
import Foundation
import MinshengCore

enum Hashing {
  /// Lower-case hex SHA-256 of the UTF-8 text.
  static func sha256Hex(_ text: String) -> String {
    SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
  }

  /// The next hash of a chain: SHA-256(previous hash ‖ canonical encoding).
  static func chain(previous: String, canonical: String) -> String {
    sha256Hex(previous + canonical)
  }
}
