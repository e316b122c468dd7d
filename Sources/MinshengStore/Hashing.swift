import Crypto
import Foundation
import MinshengCore

enum Hashing {
  /// Lower-case hex SHA-256 of the UTF-8 text.
  static func sha256Hex(_ text: String) -> String {
    sha256Hex(Data(text.utf8))
  }

  /// Lower-case hex SHA-256 of the bytes.
  static func sha256Hex(_ data: Data) -> String {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in SHA256.hash(data: data) {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The next hash of a chain: SHA-256(previous hash ‖ canonical encoding).
  static func chain(previous: String, canonical: String) -> String {
    sha256Hex(previous + canonical)
  }
}
