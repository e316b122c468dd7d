import Foundation

/// 知识库 by relevance: the entries a case's reply is most likely to draw on come first on its page.
///
/// Text is compared by pairs of adjacent characters (Chinese has no spaces to split words at, and a
/// pair is about a word): a pair that the entry shares with the case counts double when it is in the
/// case's title and double again when it is in the entry's title; the sum is divided by the square
/// root of the entry's number of pairs, so that a long entry does not win by length alone. An entry
/// of the case's area gets a fixed bonus. Ties keep the order given (templates and answers by kind,
/// the newest first).
public enum KnowledgeRelevance {
  public struct Text: Sendable {
    public var title: String
    public var body: String
    public var categoryID: UUID?

    public init(title: String, body: String, categoryID: UUID?) {
      self.title = title
      self.body = body
      self.categoryID = categoryID
    }
  }

  /// The indices of `entries`, most relevant to `case` first.
  public static func order(_ entries: [Text], for case: Text) -> [Int] {
    var weights: [String: Double] = [:]
    for pair in pairs(of: `case`.body) { weights[pair] = 1 }
    for pair in pairs(of: `case`.title) { weights[pair] = 2 }
    let scores = entries.map { score($0, weights: weights, category: `case`.categoryID) }
    return entries.indices.sorted { a, b in scores[a] != scores[b] ? scores[a] > scores[b] : a < b }
  }

  static func score(_ entry: Text, weights: [String: Double], category: UUID?) -> Double {
    let titlePairs = pairs(of: entry.title)
    let all = titlePairs.union(pairs(of: entry.body))
    guard !all.isEmpty else { return 0 }
    var shared = 0.0
    for pair in all {
      guard let weight = weights[pair] else { continue }
      shared += weight * (titlePairs.contains(pair) ? 2 : 1)
    }
    let bonus = category != nil && entry.categoryID == category ? 3.0 : 0
    return shared / Double(all.count).squareRoot() + bonus
  }

  /// The pairs of adjacent letters or digits, lowercased; punctuation and spaces break a run.
  static func pairs(of text: String) -> Set<String> {
    var result: Set<String> = []
    var previous: Character?
    for character in text.lowercased() {
      guard character.isLetter || character.isNumber else {
        previous = nil
        continue
      }
      if let previous { result.insert(String([previous, character])) }
      previous = character
    }
    return result
  }
}
