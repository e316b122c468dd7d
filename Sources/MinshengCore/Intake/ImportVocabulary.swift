import Foundation

/// The words exports use for a status, a message type or a yes/no, and the marks of a Chinese date
/// (`2026年3月5日 9时30分`), kept as data (`Data/import-vocabulary.json`) so that a new export's words
/// are added there, not in code.
public struct ImportVocabulary: Sendable, Decodable {
  public struct TimeMarks: Sendable, Decodable {
    public var year: [String]
    public var month: [String]
    public var day: [String]
    public var hour: [String]
    public var minute: [String]
    public var second: [String]
    public var space: [String]
  }

  /// For each `ImportedStatus`, the words that mean it, the usual ones first.
  public var statuses: [String: [String]]
  /// For each `MessageType`, the words that mean it.
  public var types: [String: [String]]
  /// `yes` and `no`.
  public var flags: [String: [String]]
  public var timeMarks: TimeMarks

  enum CodingKeys: String, CodingKey {
    case statuses, types, flags
    case timeMarks = "time_marks"
  }

  /// The vocabulary shipped with Minsheng (a package without it is broken).
  public static let bundled: ImportVocabulary = {
    guard let url = Bundle.module.url(forResource: "import-vocabulary", withExtension: "json", subdirectory: "Data"),
      let data = try? Data(contentsOf: url),
      let vocabulary = try? JSONDecoder().decode(ImportVocabulary.self, from: data)
    else { preconditionFailure("Data/import-vocabulary.json is missing or damaged: the package is incomplete") }
    return vocabulary
  }()

  /// The key whose words hold `word` exactly, if any.
  func key(of word: String, in table: [String: [String]]) -> String? {
    table.first { $0.value.contains(word) }?.key
  }

  /// Characters of a time mark list, for the date scanner.
  static func characters(_ marks: [String]) -> Set<Character> { Set(marks.compactMap(\.first)) }
}
