import Foundation

/// 文本指纹: a message's MinHash signature (from `MinshengText`) and the band keys under which it is
/// filed, so that the store can find near-duplicates on any instance without holding an index in
/// memory. Two fingerprints agree in a position with probability equal to the Jaccard similarity of
/// the messages' character shingles.
public struct Fingerprint: Sendable, Equatable {
  public var values: [UInt32]
  public var bandKeys: [UInt32]

  public init(values: [UInt32], bandKeys: [UInt32]) {
    self.values = values
    self.bandKeys = bandKeys
  }

  /// The share of positions where two fingerprints agree (0 when their sizes differ).
  public func similarity(to other: Fingerprint) -> Double {
    guard values.count == other.values.count, !values.isEmpty else { return 0 }
    var same = 0
    for i in values.indices where values[i] == other.values[i] { same += 1 }
    return Double(same) / Double(values.count)
  }

  /// As stored: the values, a colon, the band keys, each as eight hexadecimal digits.
  public var stored: String { Self.hex(values) + ":" + Self.hex(bandKeys) }

  /// A fingerprint read back from its stored form.
  public init?(stored text: String) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let values = Self.values(fromHex: String(parts[0])),
      let bands = Self.values(fromHex: String(parts[1]))
    else { return nil }
    self.init(values: values, bandKeys: bands)
  }

  static func hex(_ values: [UInt32]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(values.count * 8)
    for value in values {
      for shift in stride(from: 28, through: 0, by: -4) { out.append(digits[Int((value >> UInt32(shift)) & 0xF)]) }
    }
    return String(decoding: out, as: UTF8.self)
  }

  static func values(fromHex text: String) -> [UInt32]? {
    let bytes = Array(text.utf8)
    guard !bytes.isEmpty, bytes.count % 8 == 0 else { return nil }
    var values: [UInt32] = []
    values.reserveCapacity(bytes.count / 8)
    for start in stride(from: 0, to: bytes.count, by: 8) {
      guard let value = UInt32(String(decoding: bytes[start..<start + 8], as: UTF8.self), radix: 16) else { return nil }
      values.append(value)
    }
    return values
  }

  /// Candidates at or above this similarity are attached to a new message (the same threshold as the
  /// `DuplicateIndex`, where the 16×4 bands find a pair about two times in three).
  public static let threshold = 0.5
}
