import Foundation

extension MailMessage {
  /// A Date header (RFC 5322: `Mon, 6 Jan 2026 12:09:38 +0800`, the weekday and seconds optional, a
  /// zone as an offset or `GMT`/`UT`).
  static func date(_ text: String) -> Date? {
    var text = text
    if let comment = text.firstIndex(of: "(") { text = String(text[..<comment]) }
    text = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "  ", with: " ")
    if text.hasSuffix(" GMT") || text.hasSuffix(" UT") {
      text = String(text[..<text.lastIndex(of: " ")!]) + " +0000"
    }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    for format in [
      "EEE, d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm Z", "d MMM yyyy HH:mm Z",
    ] {
      formatter.dateFormat = format
      if let date = formatter.date(from: text) { return date }
    }
    return nil
  }

  /// A From header's display name (its encoded words decoded) and address.
  static func mailbox(_ text: String) -> (name: String?, address: String?) {
    let decoded = decodedWords(text)
    if let open = decoded.lastIndex(of: "<"), let close = decoded.lastIndex(of: ">"), open < close {
      let address = String(decoded[decoded.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
      let name = decoded[..<open].trimmingCharacters(in: CharacterSet(charactersIn: "\" \t"))
      return (name.isEmpty ? nil : name, address.contains("@") ? address : nil)
    }
    let address = decoded.trimmingCharacters(in: .whitespaces)
    return (nil, address.contains("@") ? address : nil)
  }

  /// A header with its RFC 2047 encoded words (`=?GB2312?B?…?=`, `=?UTF-8?Q?…?=`) decoded; the space
  /// between two encoded words is dropped, as the RFC says.
  static func decodedWords(_ text: String) -> String {
    var out = ""
    var rest = text[...]
    var lastWasEncoded = false
    while let start = rest.range(of: "=?") {
      let before = rest[..<start.lowerBound]
      let afterStart = rest[start.upperBound...]
      let pieces = afterStart.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
      guard pieces.count == 4, pieces[3].hasPrefix("="), ["b", "q"].contains(pieces[1].lowercased()) else {
        out += before + "=?"
        rest = afterStart
        lastWasEncoded = false
        continue
      }
      if !(lastWasEncoded && before.allSatisfy(\.isWhitespace)) { out += before }
      let payload = Array(pieces[2].utf8)
      let bytes: Data =
        pieces[1].lowercased() == "b"
        ? Data(base64Encoded: Data(payload), options: .ignoreUnknownCharacters) ?? Data()
        : Data(quotedPrintable(payload, underscoreIsSpace: true))
      out += string(bytes, charset: String(pieces[0]))
      rest = pieces[3].dropFirst()
      lastWasEncoded = true
    }
    return out + rest
  }

  /// The text of an HTML body: tags dropped, each block on a line of its own, the common entities read.
  static func textOfHTML(_ html: String) -> String {
    var text = ""
    var inTag = false
    var tag = ""
    for character in html {
      if inTag {
        if character == ">" {
          inTag = false
          let name = tag.lowercased().split(whereSeparator: { $0 == " " || $0 == "/" }).first.map(String.init) ?? ""
          if ["br", "p", "div", "li", "tr", "h1", "h2", "h3"].contains(name) { text += "\n" }
        } else {
          tag.append(character)
        }
      } else if character == "<" {
        inTag = true
        tag = ""
      } else {
        text.append(character)
      }
    }
    for (entity, character) in [
      ("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&"),
    ] {
      text = text.replacingOccurrences(of: entity, with: character)
    }
    return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      .joined(separator: "\n")
  }
}
