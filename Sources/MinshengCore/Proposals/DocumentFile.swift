import Foundation

/// A document file published with an adoption step or a campaign: what the office uploaded, checked
/// by its content (PDF, JPEG or PNG), whatever it is called.
public struct DocumentFile: Sendable, Equatable {
  public var fileName: String
  public var data: Data

  public init(fileName: String, data: Data) {
    self.fileName = fileName
    self.data = data
  }

  /// The largest file accepted, in bytes.
  public static let maxBytes = 10 * 1024 * 1024

  /// The type the bytes announce, or nil for anything else.
  public static func contentType(of data: Data) -> String? {
    let bytes = [UInt8](data.prefix(8))
    if bytes.count >= 5, bytes[0..<5] == [0x25, 0x50, 0x44, 0x46, 0x2D] { return "application/pdf" }
    if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return "image/jpeg" }
    if bytes.count >= 8, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return "image/png" }
    return nil
  }

  /// The name as shown: the last part of what the browser sent, without control characters or
  /// quotes, at most 100 characters; `fallback` when nothing is left.
  public static func displayName(_ sent: String, fallback: String) -> String {
    let last = sent.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
    let clean = String(
      last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) && $0 != "\"" }.map(Character.init)
    ).trimmedOfWhitespace
    return clean.isEmpty ? fallback : String(clean.prefix(100))
  }

  /// Checked: not empty, not too large, of a type accepted; the content type.
  public func checked(field: String) throws(ValidationError) -> String {
    guard !data.isEmpty, data.count <= Self.maxBytes else {
      throw ValidationError(
        field: field, reason: .invalid(LocalizedText("error_document_size", ["max": .number(Self.maxBytes >> 20)])))
    }
    guard let type = Self.contentType(of: data) else {
      throw ValidationError(field: field, reason: .invalid(LocalizedText("error_document_type")))
    }
    return type
  }
}

/// A stored document file as lists show it (without its bytes).
public struct DocumentInfo: Sendable, Equatable, Identifiable {
  public var id: UUID
  public var ownerID: UUID
  public var fileName: String
  public var contentType: String
  public var byteCount: Int
  public var createdAt: Date

  public init(id: UUID, ownerID: UUID, fileName: String, contentType: String, byteCount: Int, createdAt: Date) {
    self.id = id
    self.ownerID = ownerID
    self.fileName = fileName
    self.contentType = contentType
    self.byteCount = byteCount
    self.createdAt = createdAt
  }

  /// The file's extension for a download's name.
  public var fileExtension: String {
    switch contentType {
    case "application/pdf": "pdf"
    case "image/jpeg": "jpg"
    case "image/png": "png"
    default: "bin"
    }
  }
}
