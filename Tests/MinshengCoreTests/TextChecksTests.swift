import Foundation
import MinshengCore
import Testing

/// The intake checks written on scalars agree with Foundation's and the standard library's own.
@Suite struct TextChecksTests {
  /// Every white-space or line-break scalar Foundation knows, and some that look alike but are not.
  static let edges: [Unicode.Scalar] = [
    "\t", "\n", "\u{0B}", "\u{0C}", "\r", " ", "\u{85}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{200A}", "\u{2028}",
    "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{200B}", "\u{FEFF}", "\u{180E}", "\u{1C}", "\u{7F}", "\u{301}",
    "a", "中", "。", "😀",
  ]

  static func sample(_ generator: inout some RandomNumberGenerator) -> String {
    var scalars = String.UnicodeScalarView()
    for _ in 0..<Int.random(in: 0...8, using: &generator) {
      if Bool.random(using: &generator) {
        scalars.append(edges.randomElement(using: &generator)!)
      } else if let scalar = Unicode.Scalar(UInt32.random(in: 0...0x3100, using: &generator)) {
        scalars.append(scalar)
      }
    }
    return String(scalars)
  }

  @Test func trimming_isFoundationsTrimming() {
    var generator = SystemRandomNumberGenerator()
    var texts = ["", " ", "\u{3000}留言\u{3000}", "  噪音扰民 \n", "\n\t", "a\u{301} ", " \u{301}", "中 文"]
    texts += Self.edges.map { "\($0)x\($0)" } + Self.edges.map { String($0) }
    texts += (0..<20_000).map { _ in Self.sample(&generator) }
    for value in UInt32(0)...0x10FFFF {
      guard let scalar = Unicode.Scalar(value) else { continue }
      let text = "\(scalar)"
      #expect(text.trimmedOfWhitespace == text.trimmingCharacters(in: .whitespacesAndNewlines), "U+\(value)")
    }
    for text in texts {
      #expect(
        text.trimmedOfWhitespace == text.trimmingCharacters(in: .whitespacesAndNewlines),
        "\(Array(text.unicodeScalars))")
    }
  }

  @Test func controlCharacters_areCategoryCcBesidesTabAndLineBreaks() {
    for value in UInt32(0)...0x3100 {
      guard let scalar = Unicode.Scalar(value) else { continue }
      let expected = scalar.properties.generalCategory == .control && scalar != "\n" && scalar != "\t" && scalar != "\r"
      #expect("前\(scalar)后".hasControlCharacter == expected, "U+\(String(value, radix: 16))")
    }
    #expect(!"夜间施工噪音扰民\r\n请尽快处理\t谢谢".hasControlCharacter)
  }

  @Test func lengthLimit_countsCharacters() {
    var generator = SystemRandomNumberGenerator()
    // Combining marks and flags make characters of several scalars: the limit counts characters.
    let pieces = ["a", "中", "e\u{301}", "🇨🇳", "👨‍👩‍👧", "\r\n", "。"]
    for _ in 0..<2_000 {
      let text = (0..<Int.random(in: 0...40, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
        .joined()
      let limit = Int.random(in: 0...45, using: &generator)
      #expect(text.hasAtMost(limit) == (text.count <= limit), "\(text) \(limit)")
    }
  }

  @Test func validation_stillTrimsAndRefusesAsBefore() throws {
    let contact = Contact(name: "\u{3000}顾女士 ", phone: " 138-0013-8000\n")
    let message = NewMessage(type: .complaint, title: " 噪音\u{2028}", body: "\n夜里施工\t", contact: contact)
    let valid = try message.validated()
    #expect(valid.title == "噪音")
    #expect(valid.body == "夜里施工")
    #expect(valid.contact.name == "顾女士")
    #expect(valid.contact.phone == "13800138000")

    let long = NewMessage(
      type: .complaint, title: String(repeating: "e\u{301}", count: NewMessage.maxTitleLength),
      body: String(repeating: "中", count: NewMessage.maxBodyLength + 1) + "\u{7}", contact: contact)
    #expect(throws: ValidationError.self) { try long.validated() }
    do {
      _ = try long.validated()
    } catch {
      #expect(error.problems.map(\.field) == ["body", "body"])
    }
  }
}

/// The byte-level phone checks give what the earlier character-level ones gave.
@Suite struct PhoneNumberTests {
  static func plausibleBefore(_ text: String) -> Bool {
    let allowed = text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || $0 == "-" || $0 == " " || $0 == "+" }
    guard allowed, !text.dropFirst().contains("+") else { return false }
    return (7...20).contains(text.unicodeScalars.filter { ("0"..."9").contains($0) }.count)
  }

  static func mobileBefore(_ text: String) -> String? {
    guard plausibleBefore(text) else { return nil }
    var digits = text.filter(\.isASCII).filter(\.isNumber)
    if digits.count == 13, digits.hasPrefix("86") { digits.removeFirst(2) }
    guard digits.count == 11, digits.hasPrefix("1"), let second = digits.dropFirst().first, ("3"..."9").contains(second)
    else { return nil }
    return digits
  }

  @Test func phoneChecks_agreeWithTheCharacterLevelOnes() {
    var generator = SystemRandomNumberGenerator()
    let pieces = ["1", "3", "8", "6", "0", "5", "9", "2", " ", "-", "+", "８", "a", "（", "\u{301}", "86", "138"]
    var texts = ["", "+", "+86 138-0013-8000", "86 13800138000", "+8613800138000", "138 0013 8000", "1+3800138000"]
    texts += (0..<20_000).map { _ in
      (0..<Int.random(in: 0...16, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }
    for text in texts {
      #expect(PhoneNumber.isPlausible(text) == Self.plausibleBefore(text), "\(text)")
      #expect(PhoneNumber.mobile(text) == Self.mobileBefore(text), "\(text)")
    }
  }
}
