import Foundation

/// Text normalisation for Chinese citizens' messages, before any feature is taken from them.
public enum Normalizer {
  /// The normal form used for matching and classification.
  ///
  /// Steps: Unicode NFKC (which also turns full-width Latin letters, digits and punctuation into
  /// their half-width forms), Latin letters to lower case, every run of white space to one space,
  /// and, when `foldDigits` is set, every ASCII digit to `0` so that numbers match by shape.
  public static func normalize(_ text: String, foldDigits: Bool = false) -> String {
    let nfkc = text.precomposedStringWithCompatibilityMapping
    var out = String.UnicodeScalarView()
    var lastWasSpace = true
    for scalar in nfkc.unicodeScalars {
      if scalar.properties.isWhitespace || scalar == "\u{3000}" {
        if !lastWasSpace { out.append(" ") }
        lastWasSpace = true
        continue
      }
      lastWasSpace = false
      if ("A"..."Z").contains(scalar) {
        out.append(Unicode.Scalar(scalar.value + 32)!)
      } else if foldDigits, ("0"..."9").contains(scalar) {
        out.append("0")
      } else {
        out.append(scalar)
      }
    }
    if out.last == " " { out.removeLast() }
    return String(out)
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
