import Foundation
import MinshengCore
import MinshengStore

/// Letters to the mailbox: `.eml` files (one letter each) or an `mbox` (letters one after another,
/// each from a `From ` line), read letter by letter. A letter's record has its Message-ID as
/// `external_id`, its Date, the sender's name and address, its subject as the title, its text
/// (plain, or else HTML without its tags) as the body, and its attachments that are images.
struct MailRecordReader: RecordReader {
  let name: String
  private var bytes: ChunkedBytes
  private let isMbox: Bool
  private var line = 1
  private var pending: [UInt8]?
  let columns: [String]? = nil

  init(path: String, mbox: Bool) throws(ImportFileError) {
    name = path
    bytes = try ChunkedBytes(path: path)
    isMbox = mbox
  }

  var fraction: Double { bytes.fraction }

  mutating func next() throws(ImportFileError) -> SourceRecord? {
    guard isMbox else {
      guard line == 1 else { return nil }
      var text: [UInt8] = []
      while let line = bytes.line() {
        text += line
        text.append(UInt8(ascii: "\n"))
      }
      line = 2
      return text.isEmpty ? nil : try record(MailMessage(text), at: 1)
    }
    // An mbox: a letter runs from its `From ` line to the next one; `>From ` in a body is unescaped.
    var start: Int?
    var text: [UInt8] = []
    while let current = pending ?? bytes.line() {
      pending = nil
      if current.starts(with: Array("From ".utf8)) {
        if start != nil {
          pending = current
          break
        }
        start = line + 1
        line += 1
        continue
      }
      line += 1
      guard start != nil else {
        if current.isEmpty { continue }
        throw ImportFileError(file: name, line: line - 1, reason: say("cli_import_mbox"))
      }
      var unescaped = current[...]
      if current.starts(with: Array(">".utf8)),
        current.drop(while: { $0 == UInt8(ascii: ">") }).starts(with: Array("From ".utf8))
      {
        unescaped = current.dropFirst()
      }
      text += unescaped
      text.append(UInt8(ascii: "\n"))
    }
    guard let start else { return nil }
    return try record(MailMessage(text), at: start)
  }

  private func record(_ mail: MailMessage, at line: Int) throws(ImportFileError) -> SourceRecord {
    var fields: [String: String] = [:]
    if let id = mail.header("message-id")?.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t")), !id.isEmpty {
      fields[ImportField.externalID.rawValue] = id
    }
    if let date = mail.header("date") {
      fields[ImportField.receivedAt.rawValue] =
        MailMessage.date(date).map { ISO8601DateFormatter().string(from: $0) } ?? date
    }
    if let from = mail.header("from") {
      let (name, address) = MailMessage.mailbox(from)
      // No display name: the address is not a name, and a name may be shown (masked) in public.
      fields[ImportField.name.rawValue] = name
      fields[ImportField.email.rawValue] = address
    }
    fields[ImportField.title.rawValue] = mail.header("subject").map(MailMessage.decodedWords)
    let (body, images) = mail.content()
    fields[ImportField.body.rawValue] = body
    return SourceRecord(line: line, fields: fields, images: images)
  }
}

/// A MIME message (RFC 5322 with RFC 2045–2047): headers, and a body that may hold parts.
struct MailMessage {
  private var headers: [(name: String, value: String)] = []
  private let body: [UInt8]

  init(_ bytes: [UInt8]) {
    var index = 0
    var lines: [String] = []
    while index < bytes.count {
      let end = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
      var line = Array(bytes[index..<end])
      if line.last == UInt8(ascii: "\r") { line.removeLast() }
      index = end + 1
      if line.isEmpty { break }
      let text = String(decoding: line, as: UTF8.self)
      if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"), !lines.isEmpty {
        lines[lines.count - 1] += " " + text.trimmingCharacters(in: .whitespaces)
      } else {
        lines.append(text)
      }
    }
    for line in lines {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers.append(
        (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
    }
    body = index < bytes.count ? Array(bytes[index...]) : []
  }

  func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

  /// The letter's text and its images (at most `Store.maxAttachments`, each an image by its content
  /// and within `Store.maxAttachmentBytes`).
  func content() -> (text: String, images: [Data]) {
    var plain: [String] = []
    var html: [String] = []
    var images: [Data] = []
    collect(into: &plain, &html, &images, depth: 0)
    let text = plain.isEmpty ? html.map(Self.textOfHTML) : plain
    return (
      text.joined(separator: "\n\n").trimmingCharacters(in: .whitespacesAndNewlines),
      Array(images.prefix(Store.maxAttachments))
    )
  }

  private func collect(into plain: inout [String], _ html: inout [String], _ images: inout [Data], depth: Int) {
    let type = Self.parameters(header("content-type") ?? "text/plain")
    let kind = type.value.lowercased()
    if kind.hasPrefix("multipart/"), let boundary = type.parameters["boundary"], depth < 8 {
      for part in Self.parts(of: body, boundary: boundary) {
        MailMessage(part).collect(into: &plain, &html, &images, depth: depth + 1)
      }
      return
    }
    let data = decodedBody()
    if kind.hasPrefix("image/") {
      if data.count <= Store.maxAttachmentBytes, Store.imageType(of: data) != nil { images.append(data) }
    } else if kind == "text/plain" || kind == "text/html" {
      let disposition = Self.parameters(header("content-disposition") ?? "").value.lowercased()
      guard disposition != "attachment" else { return }
      let text = Self.string(data, charset: type.parameters["charset"])
      if kind == "text/plain" { plain.append(text) } else { html.append(text) }
    }
  }

  private func decodedBody() -> Data {
    switch (header("content-transfer-encoding") ?? "").lowercased() {
    case "base64":
      let clean = body.filter { !($0 == 10 || $0 == 13 || $0 == 32 || $0 == 9) }
      return Data(base64Encoded: Data(clean), options: .ignoreUnknownCharacters) ?? Data()
    case "quoted-printable": return Data(Self.quotedPrintable(body, underscoreIsSpace: false))
    default: return Data(body)
    }
  }

  /// A header's value and its `name=value` parameters (names in lower case, quotes removed).
  static func parameters(_ text: String) -> (value: String, parameters: [String: String]) {
    let pieces = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
    var parameters: [String: String] = [:]
    for piece in pieces.dropFirst() {
      guard let equals = piece.firstIndex(of: "=") else { continue }
      parameters[piece[..<equals].lowercased()] = piece[piece.index(after: equals)...].trimmingCharacters(
        in: CharacterSet(charactersIn: "\" "))
    }
    return (pieces.first ?? "", parameters)
  }

  /// The parts of a multipart body, between its `--boundary` lines.
  static func parts(of body: [UInt8], boundary: String) -> [[UInt8]] {
    let marker = Array("--\(boundary)".utf8)
    var parts: [[UInt8]] = []
    var current: [UInt8]?
    var index = 0
    while index < body.count {
      let end = body[index...].firstIndex(of: UInt8(ascii: "\n")) ?? body.count
      var line = Array(body[index..<end])
      index = end + 1
      if line.last == UInt8(ascii: "\r") { line.removeLast() }
      if line.starts(with: marker) {
        if let current { parts.append(current) }
        if line.count >= marker.count + 2, line[marker.count] == UInt8(ascii: "-") { return parts }
        current = []
        continue
      }
      current? += line + [UInt8(ascii: "\n")]
    }
    if let current { parts.append(current) }
    return parts
  }

  /// Text in a charset that Chinese mail uses: UTF-8, GB2312/GBK/GB18030 (read as GB18030, which holds
  /// them), Big5; anything else is read as UTF-8 with replacement characters.
  static func string(_ data: Data, charset: String?) -> String {
    let encoding: String.Encoding? =
      switch (charset ?? "utf-8").lowercased() {
      case "gb2312", "gbk", "gb18030", "x-gbk", "cp936": String.Encoding(rawValue: 0x8000_0632)
      case "big5", "big5-hkscs": String.Encoding(rawValue: 0x8000_0A03)
      case "us-ascii", "ascii", "utf-8", "utf8": nil
      default: nil
      }
    if let encoding, let text = String(data: data, encoding: encoding) { return text }
    return String(decoding: data, as: UTF8.self)
  }

  static func quotedPrintable(_ bytes: some Collection<UInt8>, underscoreIsSpace: Bool) -> [UInt8] {
    var out: [UInt8] = []
    let bytes = Array(bytes)
    var index = 0
    func hex(_ byte: UInt8) -> UInt8? { UInt8(String(UnicodeScalar(byte)), radix: 16) }
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "="), index + 1 < bytes.count {
        if bytes[index + 1] == UInt8(ascii: "\n") {
          index += 2  // a soft line break
          continue
        }
        if bytes[index + 1] == UInt8(ascii: "\r"), index + 2 < bytes.count, bytes[index + 2] == UInt8(ascii: "\n") {
          index += 3
          continue
        }
        if index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
          out.append(high << 4 | low)
          index += 3
          continue
        }
      }
      out.append(underscoreIsSpace && byte == UInt8(ascii: "_") ? UInt8(ascii: " ") : byte)
      index += 1
    }
    return out
  }
}
