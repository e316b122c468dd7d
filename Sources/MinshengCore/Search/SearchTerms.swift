import Foundation
import MinshengText

/// 全文检索的词: how text is cut into the terms both databases index, the same on each.
///
/// Chinese has no spaces between words, so a run of Han (or kana, or Hangul) characters is indexed
/// as its overlapping pairs, each at its own position, with the run's last character alone at the
/// end: 施工噪音 gives 施工 工噪 噪音 音. A word of two or more characters is then a phrase of adjacent
/// pairs, and a single character is a prefix of the term at its position (every character starts
/// one). Letters and digits of other scripts are whole words. Text is compared in its compatibility
/// form and lower case, so full-width ＡＢＣ１２３ matches abc123.
public enum SearchTerms {
  /// The longest word indexed; longer ones are cut (a pasted link, a long number).
  static let longestWord = 32

  /// The terms of `text`, in order: a term's position is its index.
  public static func of(_ text: String) -> [String] {
    var terms: [String] = []
    for run in runs(of: normalized(text)) {
      switch run {
      case .word(let word): terms.append(String(word.prefix(longestWord)))
      case .han(let characters): terms += pairs(characters, closed: true)
      }
    }
    return terms
  }

  /// Text as it is compared: compatibility form (full-width to half-width), lower case. Text made
  /// only of what NFKC maps one scalar to one (ASCII, CJK ideographs, common CJK punctuation,
  /// full-width forms: `Normalizer.fastNFKC`, checked against Foundation by a test) is mapped here;
  /// anything else goes through Foundation, which costs far more per character.
  public static func normalized(_ text: String) -> String {
    var scalars = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      guard let mapped = Normalizer.fastNFKC(scalar) else {
        return text.precomposedStringWithCompatibilityMapping.lowercased()
      }
      scalars.append(("A"..."Z").contains(mapped) ? Unicode.Scalar(UInt8(mapped.value + 32)) : mapped)
    }
    return String(scalars)
  }

  /// The terms of one run of Han characters: its pairs, and (when `closed`, as in stored text, or
  /// when the run is one character) its last character alone.
  static func pairs(_ characters: [Character], closed: Bool) -> [String] {
    guard characters.count > 1 else { return characters.map { String($0) } }
    var terms = (0..<characters.count - 1).map { String(characters[$0]) + String(characters[$0 + 1]) }
    if closed { terms.append(String(characters[characters.count - 1])) }
    return terms
  }

  /// A piece of normalized text: a word of letters or digits, or a run of Han characters.
  enum Run: Equatable {
    case word(String)
    case han([Character])
  }

  /// The runs of normalized text; everything else (spaces, punctuation, the `*` of a masked number)
  /// separates them.
  static func runs(of text: String) -> [Run] {
    var runs: [Run] = []
    var word = ""
    var han: [Character] = []
    func flush() {
      if !word.isEmpty { runs.append(.word(word)) }
      if !han.isEmpty { runs.append(.han(han)) }
      word = ""
      han = []
    }
    for character in text {
      switch kind(of: character) {
      case .han:
        if !word.isEmpty { flush() }
        han.append(character)
      case .word:
        if !han.isEmpty { flush() }
        word.append(character)
      case .separator:
        flush()
      }
    }
    flush()
    return runs
  }

  enum Kind {
    case han, word, separator
  }

  /// Han, kana and Hangul characters are cut into pairs; other letters, digits and combining marks
  /// make words.
  static func kind(of character: Character) -> Kind {
    guard let scalar = character.unicodeScalars.first else { return .separator }
    switch scalar.value {
    case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FA1F:
      return .han
    default:
      let properties = scalar.properties
      if properties.isAlphabetic || properties.numericType != nil { return .word }
      return .separator
    }
  }
}
