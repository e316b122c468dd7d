import Foundation

/// 隐私遮蔽: personal numbers inside text that the public sees.
///
/// Every public view and the public API pass titles, bodies and replies through `mask(_:)`. The
/// original text stays stored for the units that handle the message.
public enum PrivacyMask {
  /// The text with 18-digit ID numbers, mainland mobile numbers, e-mail addresses and car plates
  /// masked: `510102199001011234` → `5101************34`, `13800138000` → `138****8000`,
  /// `gu@example.com` → `g***@example.com`, `渝A12345` → `渝A***45`.
  public static func mask(_ text: String) -> String {
    var result = text
    for rule in rules {
      result = rule.apply(to: result)
    }
    return result
  }

  private struct Rule: @unchecked Sendable {
    let expression: NSRegularExpression
    let keepPrefix: Int
    let keepSuffix: Int
    /// For e-mail: mask only up to the `@`.
    let untilAt: Bool

    func apply(to text: String) -> String {
      let ns = text as NSString
      var output = ""
      var last = 0
      for match in expression.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
        output += ns.substring(with: NSRange(location: last, length: match.range.location - last))
        output += masked(ns.substring(with: match.range))
        last = match.range.location + match.range.length
      }
      output += ns.substring(from: last)
      return output
    }

    private func masked(_ found: String) -> String {
      let characters = Array(found)
      if untilAt, let at = characters.firstIndex(of: "@") {
        return String(characters[0]) + "***" + String(characters[at...])
      }
      let hidden = max(characters.count - keepPrefix - keepSuffix, 1)
      return String(characters.prefix(keepPrefix)) + String(repeating: "*", count: hidden)
        + String(characters.suffix(keepSuffix))
    }
  }

  private static let rules: [Rule] = {
    func rule(_ pattern: String, _ prefix: Int, _ suffix: Int, untilAt: Bool = false) -> Rule {
      guard let expression = try? NSRegularExpression(pattern: pattern) else {
        preconditionFailure("bad masking pattern \(pattern)")
      }
      return Rule(expression: expression, keepPrefix: prefix, keepSuffix: suffix, untilAt: untilAt)
    }
    let provinces = language.platePrefixes
    return [
      rule("(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])", 4, 2),
      rule("(?<![0-9])(?:\\+?86[- ]?)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9])", 3, 4),
      rule("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", 0, 0, untilAt: true),
      rule("[\(provinces)][A-Z][A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9])", 2, 2),
    ]
  }()
}

extension PrivacyMask {
  /// How an author's name appears in public.
  public enum NameStyle: String, Sendable, CaseIterable {
    /// 顾女士, 陈先生 when the author wrote a form of address; otherwise the surname and three stars.
    case address
    /// Always the surname and three stars: 陈***.
    case stars
  }

  /// Forms of address that may stay after the surname.
  private static let addresses = language.formsOfAddress

  /// The author's name as public pages show it: never the full name.
  ///
  /// `顾女士` stays `顾女士`; `顾晓红女士` becomes `顾女士`; `陈建国` becomes `陈***`; with `.stars` every
  /// name becomes its first character and `***`. An empty name becomes `网友`.
  ///
  /// A signature that names a place first (`和平小区 顾女士`) is read by its last part: the name.
  public static func displayName(_ name: String, style: NameStyle = .address) -> String {
    let parts = name.split { $0.isWhitespace || "，,、·/".contains($0) }
    let trimmed = parts.last.map(String.init) ?? ""
    guard let first = trimmed.first else { return LocalizedText("privacy_anonymous").chinese }
    if style == .address, let address = addresses.first(where: { trimmed.hasSuffix($0) }),
      trimmed.count > address.count
    {
      return String(first) + address
    }
    return String(first) + "***"
  }
}

extension PrivacyMask {
  /// What masking knows of Chinese names and plates, as data (`Data/privacy.json`).
  struct LanguageData: Decodable {
    /// Forms of address that may follow a surname: 女士, 先生 …
    var formsOfAddress: [String]
    /// The one-character province prefixes of car plates.
    var platePrefixes: String

    enum CodingKeys: String, CodingKey {
      case formsOfAddress = "forms_of_address"
      case platePrefixes = "plate_provinces"
    }
  }

  static let language: LanguageData = {
    guard let url = Bundle.module.url(forResource: "privacy", withExtension: "json", subdirectory: "Data"),
      let data = try? Data(contentsOf: url), let decoded = try? JSONDecoder().decode(LanguageData.self, from: data)
    else { preconditionFailure("Data/privacy.json is missing from the package's resources") }
    return decoded
  }()
}
