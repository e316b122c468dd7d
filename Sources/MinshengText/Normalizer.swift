import Foundation

/// Text normalisation for Chinese citizens' messages, before any feature is taken from them.
public enum Normalizer {
  /// The normal form used for matching and classification.
  ///
  /// Steps: Unicode NFKC (which also turns full-width Latin letters, digits and punctuation into
  /// their half-width forms), Latin letters to lower case, every run of white space to one space,
  /// and, when `foldDigits` is set, every ASCII digit to `0` so that numbers match by shape.
  public static func normalize(_ text: String, foldDigits: Bool = false) -> String {
    var out = String.UnicodeScalarView()
    out.append(contentsOf: normalizedScalars(text, foldDigits: foldDigits))
    return String(out)
  }

  /// `normalize` as scalars.
  static func normalizedScalars(_ text: String, foldDigits: Bool = false) -> [Unicode.Scalar] {
    // Most messages are ASCII, CJK ideographs and common punctuation, which NFKC leaves alone or
    // maps one to one (full-width forms); those are mapped here, everything else goes through
    // Foundation. A test checks every scalar of the fast set against Foundation's NFKC.
    let fast = text.unicodeScalars.allSatisfy { fastNFKC($0) != nil }
    let source = fast ? text.unicodeScalars : text.precomposedStringWithCompatibilityMapping.unicodeScalars
    var out: [Unicode.Scalar] = []
    out.reserveCapacity(text.utf8.count / 2)
    var lastWasSpace = true
    for original in source {
      let scalar = fast ? (fastNFKC(original) ?? original) : original
      if isWhitespace(scalar) {
        if !lastWasSpace { out.append(" ") }
        lastWasSpace = true
        continue
      }
      lastWasSpace = false
      if ("A"..."Z").contains(scalar) {
        out.append(Unicode.Scalar(UInt8(scalar.value + 32)))
      } else if foldDigits, ("0"..."9").contains(scalar) {
        out.append("0")
      } else {
        out.append(scalar)
      }
    }
    if out.last == " " { out.removeLast() }
    return out
  }

  /// What NFKC makes of a scalar in the fast set (ASCII, CJK ideographs, common CJK punctuation,
  /// full-width forms); nil outside it.
  @inline(__always)
  public static func fastNFKC(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
    switch scalar.value {
    case 0..<0x80, 0x4E00...0x9FFF, 0x3400...0x4DBF: return scalar
    case 0xFF01...0xFF5E: return Unicode.Scalar(scalar.value - 0xFEE0)
    case 0x3000: return " "
    case 0x3001, 0x3002, 0x3008...0x3011, 0x3014...0x301B: return scalar
    case 0x2018, 0x2019, 0x201C, 0x201D, 0x2014, 0x00B7, 0x2022: return scalar
    default: return nil
    }
  }

  /// White space, decided without a Unicode property look-up for the common cases.
  @inline(__always)
  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x20, 0x09...0x0D: return true
    case 0..<0x80: return false
    case 0x4E00...0x9FFF: return false
    default: return scalar.properties.isWhitespace || scalar == "\u{3000}"
    }
  }

  /// The character n-grams of `text` (after normalisation) for every n in `sizes`, spaces excluded
  /// from the grams.
  public static func characterNGrams(_ text: String, sizes: ClosedRange<Int> = 1...3) -> [String] {
    let characters = Array(normalize(text).filter { $0 != " " })
    var grams: [String] = []
    for n in sizes where n > 0 && n <= characters.count {
      for start in 0...(characters.count - n) {
        grams.append(String(characters[start..<(start + n)]))
      }
    }
    return grams
  }
}
