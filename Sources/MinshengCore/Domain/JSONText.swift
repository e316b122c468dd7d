import Foundation

/// JSON written by hand where `JSONEncoder` would cost more than the rest of the work (the audit
/// events' payloads) or cannot keep the order of fields (Open311 documents).
public enum JSONText {
  /// A JSON string literal: quotes, backslashes and control characters escaped (`\n`, `\r`, `\t`, else
  /// `\u00XX` in lower case), everything else as it is. The audit chain hashes payloads written with
  /// it: its output must not change.
  public static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
