import Foundation

/// 命中高亮: a text cut into the parts that matched a query and the parts between, for a page to
/// mark (each part escaped by the template; no markup is ever built from the text).
public struct Highlighted: Sendable, Equatable {
  public struct Part: Sendable, Equatable, Codable {
    public var text: String
    public var matched: Bool
  }

  public var parts: [Part]

  /// Whether any part matched.
  public var matched: Bool { parts.contains(where: \.matched) }

  /// The whole text, unmarked.
  public var text: String { parts.map(\.text).joined() }

  /// `text` with the runs of `surfaces` (normalized, as `SearchQuery.surfaces` gives them) marked;
  /// with `around`, only a window of about that many characters from a little before the first
  /// match (or from the start), cut ends shown as `…`.
  public init(_ text: String, surfaces: [String], around: Int? = nil) {
    let characters = Array(text)
    var marked = [Bool](repeating: false, count: characters.count)
    // The normalized text, each of its characters with the index of the character it came from.
    var normalized: [(character: Character, source: Int)] = []
    for (index, character) in characters.enumerated() {
      for piece in SearchTerms.normalized(String(character)) { normalized.append((piece, index)) }
    }
    for surface in surfaces.map(Array.init) where !surface.isEmpty && surface.count <= normalized.count {
      let isWord = SearchTerms.kind(of: surface[0]) == .word
      for start in 0...(normalized.count - surface.count) {
        guard normalized[start].character == surface[0] else { continue }
        guard (1..<surface.count).allSatisfy({ normalized[start + $0].character == surface[$0] }) else { continue }
        // A word matches whole words only: `ab` is not found inside `cab`.
        if isWord {
          if start > 0, SearchTerms.kind(of: normalized[start - 1].character) == .word { continue }
          let end = start + surface.count
          if end < normalized.count, SearchTerms.kind(of: normalized[end].character) == .word { continue }
        }
        for offset in 0..<surface.count { marked[normalized[start + offset].source] = true }
      }
    }
    var range = 0..<characters.count
    if let around, characters.count > around {
      let first = marked.firstIndex(of: true) ?? 0
      let start = max(0, min(first - around / 4, characters.count - around))
      range = start..<min(characters.count, start + around)
    }
    var parts: [Part] = []
    if range.lowerBound > 0 { parts.append(Part(text: "…", matched: false)) }
    for index in range {
      if let last = parts.last, last.matched == marked[index], last.text != "…" || index != range.lowerBound {
        parts[parts.count - 1].text.append(characters[index])
      } else {
        parts.append(Part(text: String(characters[index]), matched: marked[index]))
      }
    }
    if range.upperBound < characters.count { parts.append(Part(text: "…", matched: false)) }
    self.parts = parts
  }
}
