import Foundation

/// 语言: a language the platform speaks. Chinese is the platform's own language: what is stored in
/// events and notices, logged and sent, is written in it.
public enum Language: String, Sendable, CaseIterable, Codable {
  case zhHans = "zh-Hans"
  case en

  /// The `lang` attribute of a page.
  public var htmlTag: String { self == .zhHans ? "zh-CN" : "en" }

  /// The other language, for the switch in a page's header.
  public var other: Language { self == .zhHans ? .en : .zhHans }

  /// The short code used in URLs and cookies (`zh`, `en`).
  public var code: String { self == .zhHans ? "zh" : "en" }

  /// The language of a short code (`zh`, `en`, or the full tag); nil for any other.
  public init?(code: String) {
    switch code {
    case "zh", "zh-Hans", "zh-CN": self = .zhHans
    case "en": self = .en
    default: return nil
    }
  }
}

/// 文本: a text to show, named by its key in the catalogue, with the values put into it.
///
/// Errors and rules carry one of these instead of a sentence, so every door (page, API, command line,
/// SMS) says it in its reader's language from the same catalogue entry.
public struct LocalizedText: Sendable, Hashable, CustomStringConvertible {
  /// A value put into a text: as it is, or the catalogue's text of another key (a status, an action)
  /// in the same language.
  public enum Argument: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case plain(String)
    case text(LocalizedText)

    public init(stringLiteral value: String) { self = .plain(value) }
    public init(integerLiteral value: Int) { self = .plain(String(value)) }
  }

  public var key: String
  public var arguments: [String: Argument]

  public init(_ key: String, _ arguments: [String: Argument] = [:]) {
    self.key = key
    self.arguments = arguments
  }

  /// The text in Chinese, the platform's own language (for logs, events and `description`).
  public var chinese: String { Catalogue.zhHans.text(self) }

  public var description: String { chinese }
}

extension LocalizedText.Argument {
  /// A number as an argument.
  public static func number(_ value: Int) -> Self { .plain(String(value)) }
  /// Another catalogue entry as an argument.
  public static func key(_ key: String) -> Self { .text(LocalizedText(key)) }
}

/// 文本目录: every text the platform shows, in one language, read from `Localization/<language>.json`.
///
/// Both catalogues have the same keys (a test checks it). A value names its placeholders in braces,
/// `{max}`; `text(_:)` fills them in.
public struct Catalogue: Sendable {
  public let language: Language
  /// The entries by key.
  public let entries: [String: String]
  /// The entries with placeholders, cut once into their literal pieces and slots: a queue page fills
  /// a few hundred texts, and scanning each template per call was a tenth of its time.
  private let templates: [String: Template]

  public init(language: Language, entries: [String: String]) {
    self.language = language
    self.entries = entries
    var templates: [String: Template] = [:]
    for (key, value) in entries where value.utf8.contains(UInt8(ascii: "{")) {
      templates[key] = Template(value)
    }
    self.templates = templates
  }

  /// The Chinese catalogue.
  public static let zhHans = bundled(.zhHans)
  /// The English catalogue.
  public static let en = bundled(.en)

  /// The catalogue of a language.
  public static func of(_ language: Language) -> Catalogue {
    language == .zhHans ? zhHans : en
  }

  /// An entry with its placeholders filled in. A missing key falls back to the Chinese entry, and
  /// then to the key itself, so a page never breaks over a missing text (the catalogue test finds it).
  public func callAsFunction(_ key: String, _ arguments: [String: LocalizedText.Argument] = [:]) -> String {
    text(LocalizedText(key, arguments))
  }

  /// The text in this language.
  public func text(_ text: LocalizedText) -> String {
    guard let entry = entries[text.key] else {
      return language == .zhHans ? text.key : Catalogue.zhHans.text(text)
    }
    guard !text.arguments.isEmpty, let template = templates[text.key] else { return entry }
    return template.filled { name in
      switch text.arguments[String(name)] {
      case .plain(let value)?: value
      case .text(let nested)?: self.text(nested)
      case nil: nil
      }
    }
  }

  /// The entry of `key` with each placeholder given by `value` (nil leaves it as written): for the
  /// texts a page fills by the hundred, without building a dictionary of arguments each time.
  public func text(_ key: String, value: (Substring) -> String?) -> String {
    guard let entry = entries[key] else {
      return language == .zhHans ? key : Catalogue.zhHans.text(key, value: value)
    }
    return templates[key]?.filled(value) ?? entry
  }

  /// A template cut into literal text and `{name}` slots; other braces are literal text.
  struct Template: Sendable {
    enum Piece: Sendable {
      case literal(Substring)
      case slot(Substring)
    }

    let pieces: [Piece]
    let length: Int

    init(_ text: String) {
      var pieces: [Piece] = []
      var literalStart = text.startIndex
      var index = text.startIndex
      while let open = text[index...].firstIndex(of: "{") {
        let afterOpen = text.index(after: open)
        guard let close = text[afterOpen...].firstIndex(of: "}") else { break }
        let name = text[afterOpen..<close]
        if !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
          if literalStart < open { pieces.append(.literal(text[literalStart..<open])) }
          pieces.append(.slot(name))
          literalStart = text.index(after: close)
          index = literalStart
        } else {
          index = afterOpen
        }
      }
      if literalStart < text.endIndex { pieces.append(.literal(text[literalStart...])) }
      self.pieces = pieces
      self.length = text.utf8.count
    }

    func filled(_ value: (Substring) -> String?) -> String {
      var result = ""
      result.reserveCapacity(length + 16)
      for piece in pieces {
        switch piece {
        case .literal(let text): result += text
        case .slot(let name):
          if let filled = value(name) {
            result += filled
          } else {
            result += "{" + name + "}"
          }
        }
      }
      return result
    }
  }

  /// The catalogue shipped with the platform.
  static func bundled(_ language: Language) -> Catalogue {
    guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json"),
      let data = try? Data(contentsOf: url),
      let entries = try? JSONDecoder().decode([String: String].self, from: data)
    else {
      preconditionFailure("the text catalogue \(language.rawValue).json is missing from the package's resources")
    }
    return Catalogue(language: language, entries: entries)
  }
}

/// A value with a name in the catalogue: statuses, actions, roles, types.
public protocol Named {
  /// The catalogue key of the value's name.
  var nameKey: String { get }
}

extension Named {
  /// The name in Chinese, the platform's own language.
  public var chinese: String { Catalogue.zhHans(nameKey) }
  /// The name in a language.
  public func name(in language: Language) -> String { Catalogue.of(language)(nameKey) }
}
