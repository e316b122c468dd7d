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
    hex(SHA256.hash(data: data))
  }

  /// The next hash of a chain: SHA-256(previous hash ‖ canonical encoding), hashed from the two
  /// texts' bytes as they are, without joining them first.
  static func chain(previous: String, canonical: String) -> String {
    var hasher = SHA256()
    var previous = previous
    var canonical = canonical
    previous.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    canonical.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    return hex(hasher.finalize())
  }

  private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

  private static func hex(_ digest: SHA256.Digest) -> String {
    String(unsafeUninitializedCapacity: 64) { buffer in
      var index = 0
      for byte in digest {
        buffer[index] = digits[Int(byte >> 4)]
        buffer[index + 1] = digits[Int(byte & 0x0f)]
        index += 2
      }
      return 64
    }
  }
}
