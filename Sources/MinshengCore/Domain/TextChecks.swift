import Foundation

// Checks that intake runs on every title and body, written on Unicode scalars. Foundation's
// `trimmingCharacters(in:)` goes through NSString on Linux and `generalCategory` looks each scalar
// up in a table; on a short message the two had been half of the time spent before the database.

extension String {
  /// The text without white space or line breaks at either end: exactly what
  /// `trimmingCharacters(in: .whitespacesAndNewlines)` returns, without a copy when there is
  /// nothing to trim.
  public var trimmedOfWhitespace: String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.isWhitespaceOrNewline }) else { return "" }
    let last = scalars.lastIndex(where: { !$0.isWhitespaceOrNewline }) ?? first
    if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return self }
    return String(scalars[first...last])
  }

  /// True when the text has at most `limit` characters (grapheme clusters). Counting characters
  /// walks the text with Unicode's segmentation rules; a text of at most `limit` scalars cannot
  /// have more characters than that, so only a longer one is counted.
  public func hasAtMost(_ limit: Int) -> Bool {
    if utf8.count <= limit || unicodeScalars.count <= limit { return true }
    return count <= limit
  }

  /// True when the text has a control character (Unicode category Cc) other than a tab or a line
  /// break: U+0000–U+001F and U+007F–U+009F are exactly that category.
  public var hasControlCharacter: Bool {
    utf8.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D || $0 == 0x7F }
      || unicodeScalars.contains { (0x80...0x9F).contains($0.value) }
  }
}

extension Unicode.Scalar {
  /// In `CharacterSet.whitespacesAndNewlines` as Foundation has it here (it also counts U+200B
  /// ZERO WIDTH SPACE, which Unicode no longer calls a space); `TextChecksTests` compares the two.
  var isWhitespaceOrNewline: Bool {
    switch value {
    case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
    default: false
    }
  }
}
