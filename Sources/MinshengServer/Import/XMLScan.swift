/// Just enough XML for a spreadsheet's parts, read over bytes: find an element's start tags, read
/// their attributes, and collect text with its entities decoded. SpreadsheetML is machine-written
/// (no DTD, no CDATA in cells), which is what makes this enough.
enum XMLScan {
  /// Where the next start tag `<name …>` (or `<name/>`) begins at or after `from`, below `end`; a
  /// longer name that begins the same (`<rowBreaks>` for `row`) does not count.
  static func start(of name: String, in bytes: UnsafeBufferPointer<UInt8>, from: Int, end: Int? = nil) -> Int? {
    let name = Array(name.utf8)
    let end = end ?? bytes.count
    var at = from
    while at + name.count + 1 < end {
      if bytes[at] == UInt8(ascii: "<"), matches(name, in: bytes, at: at + 1) {
        let after = bytes[at + 1 + name.count]
        if after == UInt8(ascii: ">") || after == UInt8(ascii: "/") || isSpace(after) { return at }
      }
      at += 1
    }
    return nil
  }

  /// Where `</name>` begins at or after `from`.
  static func close(of name: String, in bytes: UnsafeBufferPointer<UInt8>, from: Int, end: Int? = nil) -> Int? {
    let pattern = Array("</\(name)>".utf8)
    let end = end ?? bytes.count
    var at = from
    while at + pattern.count <= end {
      if bytes[at] == UInt8(ascii: "<"), matches(pattern, in: bytes, at: at) { return at }
      at += 1
    }
    return nil
  }

  /// The end of the start tag that begins at `at` (the index after its `>`), and whether it closes
  /// itself (`/>`); quoted attribute values may hold `>`.
  static func tagEnd(in bytes: UnsafeBufferPointer<UInt8>, at: Int, end: Int? = nil) -> (end: Int, empty: Bool)? {
    let end = end ?? bytes.count
    var quote: UInt8?
    var index = at
    while index < end {
      let byte = bytes[index]
      if let open = quote {
        if byte == open { quote = nil }
      } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
        quote = byte
      } else if byte == UInt8(ascii: ">") {
        return (index + 1, index > at && bytes[index - 1] == UInt8(ascii: "/"))
      }
      index += 1
    }
    return nil
  }

  /// A start tag's attributes by local name (a prefix such as `r:` dropped), values decoded.
  static func attributes(in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> [String: String] {
    var result: [String: String] = [:]
    var at = from + 1
    while at < to, !isSpace(bytes[at]), bytes[at] != UInt8(ascii: ">"), bytes[at] != UInt8(ascii: "/") { at += 1 }
    while at < to {
      while at < to, isSpace(bytes[at]) { at += 1 }
      let nameStart = at
      while at < to, bytes[at] != UInt8(ascii: "="), !isSpace(bytes[at]), bytes[at] != UInt8(ascii: ">"),
        bytes[at] != UInt8(ascii: "/")
      {
        at += 1
      }
      guard at > nameStart else {
        at += 1
        continue
      }
      var name = String(decoding: UnsafeBufferPointer(rebasing: bytes[nameStart..<at]), as: UTF8.self)
      if let colon = name.lastIndex(of: ":") { name = String(name[name.index(after: colon)...]) }
      while at < to, isSpace(bytes[at]) || bytes[at] == UInt8(ascii: "=") { at += 1 }
      guard at < to, bytes[at] == UInt8(ascii: "\"") || bytes[at] == UInt8(ascii: "'") else { continue }
      let quote = bytes[at]
      let valueStart = at + 1
      at = valueStart
      while at < to, bytes[at] != quote { at += 1 }
      result[name] = decode(bytes, from: valueStart, to: min(at, to))
      at += 1
    }
    return result
  }

  /// The text of every `<t>` element between `from` and `to`, joined: a cell's inline string or a
  /// shared string, rich-text runs included, the phonetic reading (`<rPh>`) left out.
  static func text(in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> String {
    var text = ""
    var at = from
    while let tag = start(of: "t", in: bytes, from: at, end: to), let open = tagEnd(in: bytes, at: tag, end: to) {
      if let phonetic = start(of: "rPh", in: bytes, from: at, end: tag),
        let phoneticEnd = close(of: "rPh", in: bytes, from: phonetic, end: to), phoneticEnd > tag
      {
        at = phoneticEnd
        continue
      }
      guard !open.empty else {
        at = open.end
        continue
      }
      guard let close = close(of: "t", in: bytes, from: open.end, end: to) else { break }
      text += decode(bytes, from: open.end, to: close)
      at = close + 4
    }
    return text
  }

  /// Text with the five named entities and numeric references decoded; anything else kept as written.
  static func decode(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> String {
    let raw = UnsafeBufferPointer(rebasing: bytes[from..<to])
    guard raw.contains(UInt8(ascii: "&")) || raw.contains(UInt8(ascii: "_")) else {
      return String(decoding: raw, as: UTF8.self)
    }
    var text = String(decoding: raw, as: UTF8.self)
    if text.contains("&") {
      var decoded = ""
      var rest = Substring(text)
      while let amp = rest.firstIndex(of: "&") {
        decoded += rest[..<amp]
        guard let semicolon = rest[amp...].prefix(12).firstIndex(of: ";") else {
          decoded += "&"
          rest = rest[rest.index(after: amp)...]
          continue
        }
        let entity = rest[rest.index(after: amp)..<semicolon]
        if let character = character(for: entity) {
          decoded.append(character)
        } else {
          decoded += rest[amp...semicolon]
        }
        rest = rest[rest.index(after: semicolon)...]
      }
      text = decoded + rest
    }
    return unescapeOOXML(text)
  }

  private static func character(for entity: Substring) -> Character? {
    switch entity {
    case "amp": return "&"
    case "lt": return "<"
    case "gt": return ">"
    case "quot": return "\""
    case "apos": return "'"
    default:
      let code: UInt32? =
        entity.hasPrefix("#x") || entity.hasPrefix("#X")
        ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
      return code.flatMap(Unicode.Scalar.init).map(Character.init)
    }
  }

  /// Office writes a control character that XML cannot hold as `_xHHHH_` (ECMA-376 §22.9.2.19).
  private static func unescapeOOXML(_ text: String) -> String {
    guard text.contains("_x") else { return text }
    var result = ""
    var rest = Substring(text)
    while let range = rest.range(of: "_x") {
      result += rest[..<range.lowerBound]
      let hex = rest[range.upperBound...].prefix(5)
      if hex.count == 5, hex.last == "_", let code = UInt32(hex.dropLast(), radix: 16),
        let scalar = Unicode.Scalar(code)
      {
        result.unicodeScalars.append(scalar)
        rest = rest[rest.index(range.upperBound, offsetBy: 5)...]
      } else {
        result += "_x"
        rest = rest[range.upperBound...]
      }
    }
    return result + rest
  }

  private static func matches(_ pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, at: Int) -> Bool {
    guard at + pattern.count <= bytes.count else { return false }
    for index in pattern.indices where bytes[at + index] != pattern[index] { return false }
    return true
  }

  static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
  }
}
