import Foundation

/// 检索式: what someone typed in a search box, as the terms each database looks for.
///
/// Words separated by spaces must all be found (AND); `"…"` (or “…”) is one phrase, its words in
/// order; `-word` leaves out what contains it. A Chinese word is itself a phrase of adjacent pairs
/// (`SearchTerms`), so 施工噪音 finds the four characters together, while 施工 噪音 finds both anywhere.
public struct SearchQuery: Sendable, Equatable {
  /// One term of a phrase; `prefix` when it matches any term that starts with it (a single
  /// character at the end of a word).
  public struct Term: Sendable, Equatable {
    public var text: String
    public var prefix: Bool
  }

  /// Terms that must stand at adjacent positions.
  public struct Phrase: Sendable, Equatable {
    public var terms: [Term]
    /// The runs of text it was made from, as they appear in normalized text (what is highlighted).
    public var surfaces: [String]
  }

  /// At most this many phrases are looked for; more words are ignored.
  public static let mostPhrases = 8
  /// At most this many characters of a query are read.
  public static let longestQuery = 100

  public var required: [Phrase]
  public var excluded: [Phrase]

  /// The query in `text`, or nil when it holds nothing to look for (only spaces, punctuation or
  /// exclusions).
  public init?(_ text: String) {
    var required: [Phrase] = []
    var excluded: [Phrase] = []
    for piece in Self.pieces(of: String(text.prefix(Self.longestQuery))) {
      guard let phrase = Self.phrase(piece.text) else { continue }
      if piece.excluded {
        if !excluded.contains(phrase) { excluded.append(phrase) }
      } else if !required.contains(phrase) {
        required.append(phrase)
      }
    }
    guard !required.isEmpty else { return nil }
    self.required = Array(required.prefix(Self.mostPhrases))
    self.excluded = Array(excluded.prefix(Self.mostPhrases))
  }

  /// Every run of text that the query looks for, longest first (what a snippet highlights).
  public var surfaces: [String] {
    Array(Set(required.flatMap(\.surfaces))).sorted { ($0.count, $0) > ($1.count, $1) }
  }

  /// The words and quoted phrases of a query, each marked when it is excluded (`-word`, `-"…"`).
  static func pieces(of text: String) -> [(text: String, excluded: Bool)] {
    var pieces: [(String, Bool)] = []
    var current = ""
    var quoted = false
    var excluded = false
    func flush() {
      if !current.isEmpty { pieces.append((current, excluded)) }
      current = ""
      excluded = false
    }
    for character in text {
      let isQuote = character == "\"" || character == "“" || character == "”"
      if quoted {
        if isQuote {
          flush()
          quoted = false
        } else {
          current.append(character)
        }
      } else if isQuote {
        if !current.isEmpty { flush() }
        quoted = true
      } else if character.isWhitespace {
        flush()
      } else if current.isEmpty && !excluded && (character == "-" || character == "－") {
        excluded = true
      } else {
        current.append(character)
      }
    }
    flush()
    return pieces
  }

  /// The phrase of one word or quoted text: each run's terms, a Han run's last character alone
  /// only when a word follows it (at the end of the phrase, the run may go on in the text); nil when
  /// nothing in it can be looked for.
  static func phrase(_ text: String) -> Phrase? {
    let runs = SearchTerms.runs(of: SearchTerms.normalized(text))
    var terms: [Term] = []
    var surfaces: [String] = []
    for (index, run) in runs.enumerated() {
      let last = index == runs.count - 1
      switch run {
      case .word(let word):
        let cut = String(word.prefix(SearchTerms.longestWord))
        terms.append(Term(text: cut, prefix: false))
        surfaces.append(cut)
      case .han(let characters):
        let pairs = SearchTerms.pairs(characters, closed: !last)
        terms += pairs.enumerated().map { position, pair in
          Term(text: pair, prefix: last && characters.count == 1 && position == 0)
        }
        surfaces.append(String(characters))
      }
    }
    guard !terms.isEmpty else { return nil }
    return Phrase(terms: Array(terms.prefix(16)), surfaces: surfaces)
  }
}

extension SearchQuery {
  /// The query in FTS5's syntax, every term quoted: `("施工" AND "噪音") NOT ("夜间")`.
  public var fts5: String {
    func phrase(_ phrase: Phrase) -> String {
      let prefix = phrase.terms.last?.prefix == true
      return "\"" + phrase.terms.map { $0.text.replacingOccurrences(of: "\"", with: "\"\"") }.joined(separator: " ")
        + "\"" + (prefix ? "*" : "")
    }
    let wanted = "(" + required.map(phrase).joined(separator: " AND ") + ")"
    guard !excluded.isEmpty else { return wanted }
    return wanted + " NOT (" + excluded.map(phrase).joined(separator: " OR ") + ")"
  }

  /// The query as PostgreSQL's `tsquery` text: `'施工' & '噪音' & !('夜间')`, a phrase's terms joined by
  /// `<->` (adjacent positions).
  public var tsquery: String {
    func phrase(_ phrase: Phrase) -> String {
      "(" + phrase.terms.map { SearchVector.quoted($0.text) + ($0.prefix ? ":*" : "") }.joined(separator: " <-> ")
        + ")"
    }
    var parts = required.map(phrase)
    parts += excluded.map { "!" + phrase($0) }
    return parts.joined(separator: " & ")
  }
}
