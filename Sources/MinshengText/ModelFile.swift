import Foundation

/// The classifier's file: `MSCLASS` and a format version, a JSON header (labels, feature settings,
/// scale, training options), then the IDF weights and each label's weights as little-endian 32-bit
/// floats. A file of another version, or of the wrong length, is refused with a reason.
extension TextClassifier {
  static let magic = Array("MSCLASS\n".utf8)
  public static let fileVersion: UInt32 = 1

  struct Header: Codable {
    var labels: [String]
    var features: TextFeatures
    var scale: Double
    var options: TrainingOptions
  }

  /// The model as file contents.
  public func encoded() throws -> Data {
    var data = Data(Self.magic)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let header = try encoder.encode(Header(labels: labels, features: tfidf.features, scale: scale, options: options))
    Self.append(Self.fileVersion, to: &data)
    Self.append(UInt32(header.count), to: &data)
    data.append(header)
    Self.append(tfidf.idf, to: &data)
    for w in weights { Self.append(w, to: &data) }
    return data
  }

  /// Reads a model written by `encoded()`.
  public init(decoding data: Data) throws(ModelFileError) {
    var offset = 0
    func take(_ count: Int) throws(ModelFileError) -> Data {
      guard count >= 0, offset + count <= data.count else { throw .incomplete }
      defer { offset += count }
      return data.subdata(in: (data.startIndex + offset)..<(data.startIndex + offset + count))
    }
    func uint32() throws(ModelFileError) -> UInt32 {
      let bytes = try take(4)
      return bytes.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    }
    func floats(_ count: Int) throws(ModelFileError) -> [Float] {
      let bytes = try take(count * 4)
      return bytes.withUnsafeBytes { raw in
        (0..<count).map {
          Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
        }
      }
    }
    guard Array(try take(Self.magic.count)) == Self.magic else { throw .notAModel }
    let version = try uint32()
    guard version == Self.fileVersion else {
      throw .version(found: Int(version), expected: Int(Self.fileVersion))
    }
    let headerData = try take(Int(try uint32()))
    guard let header = try? JSONDecoder().decode(Header.self, from: headerData) else {
      throw .unreadableHeader
    }
    guard header.labels.count >= 2, (8...24).contains(header.features.bits), header.scale.isFinite else {
      throw .implausibleHeader
    }
    let dimension = header.features.dimension
    let idf = try floats(dimension)
    var weights: [[Float]] = []
    for _ in header.labels { weights.append(try floats(dimension + 1)) }
    guard offset == data.count else { throw .trailingBytes }
    self.init(
      labels: header.labels, tfidf: TFIDF(features: header.features, idf: idf), weights: weights, scale: header.scale,
      options: header.options)
  }

  private static func append(_ value: UInt32, to data: inout Data) {
    withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
  }

  private static func append(_ values: [Float], to data: inout Data) {
    data.reserveCapacity(data.count + values.count * 4)
    values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { data.append(contentsOf: $0) }
  }
}

/// A model file that cannot be used.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
  /// The file ends before the model does.
  case incomplete
  /// The file does not begin as a model file does.
  case notAModel
  /// Written by another version of the format: train again.
  case version(found: Int, expected: Int)
  case unreadableHeader
  case implausibleHeader
  /// Bytes after the model's end.
  case trailingBytes

  public var description: String {
    switch self {
    case .incomplete: "the model file is incomplete"
    case .notAModel: "not a Minsheng classifier model"
    case .version(let found, let expected): "the model file is version \(found), this program reads \(expected)"
    case .unreadableHeader: "the model file's header cannot be parsed"
    case .implausibleHeader: "the model file's header has implausible values"
    case .trailingBytes: "the model file has extra bytes at its end"
    }
  }
}
