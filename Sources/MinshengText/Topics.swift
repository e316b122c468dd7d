import Foundation

/// A message as topic detection sees it.
public struct TopicMessage: Sendable, Equatable {
  /// The caller's identifier of the message (a topic's examples carry it, to link to them).
  public var id: String?
  public var title: String
  public var body: String
  public var likes: Int?

  public init(id: String? = nil, title: String, body: String, likes: Int? = nil) {
    self.id = id
    self.title = title
    self.body = body
    self.likes = likes
  }
}

/// 热点: a group of messages of a period about the same thing.
public struct Topic: Sendable, Equatable {
  /// The characteristic terms, most characteristic first.
  public var terms: [String]
  /// What the topic is called: words its members' titles contain — the longest phrase (of at least
  /// four characters) that half of them share, or else the title (shortened to 24 characters) that
  /// holds most of the terms.
  public var label: String
  public var size: Int
  /// How many messages of the previous period of the same length belong to it.
  public var previousSize: Int
  /// The sum of the messages' likes, when the source has them.
  public var likes: Int?
  /// Up to three of its messages, as examples: their identifiers (as given) and titles.
  public var examples: [(id: String?, title: String)]

  public var titles: [String] { examples.map(\.title) }

  public static func == (a: Topic, b: Topic) -> Bool {
    (a.terms, a.label, a.size, a.previousSize, a.likes) == (b.terms, b.label, b.size, b.previousSize, b.likes)
      && a.titles == b.titles && a.examples.map(\.id) == b.examples.map(\.id)
  }

  /// Relative growth against the previous period: (size − previous) / previous; nil when the topic is
  /// new (nothing before).
  public var growth: Double? { previousSize == 0 ? nil : Double(size - previousSize) / Double(previousSize) }
}

/// Finds the topics of a period: messages are grouped by the cosine similarity of their character 2–3
/// gram TF-IDF vectors to each group's centre (a message joins the closest group at or above
/// `threshold`, or starts a new one); candidate groups come from the messages' most distinctive
/// n-grams, so each message is compared with a few groups rather than all. Groups are labelled by
/// n-grams that occur in many of their messages (titles count double) and are rare in the period,
/// none a part of another.
public struct TopicFinder: Sendable {
  public var threshold: Float
  public var minimumSize: Int
  let features = TextFeatures(bits: 20, sizes: 2...3)
  /// How many of a message's heaviest n-grams lead to candidate groups.
  let distinctive = 24

  public init(threshold: Float = 0.25, minimumSize: Int = 2) {
    self.threshold = threshold
    self.minimumSize = minimumSize
  }

  private struct Group {
    var centre: [Int32: Float] = [:]
    /// The squared length of `centre`, kept as vectors are added.
    var normSquared: Float = 0
    var members: [Int] = []
    var previous = 0

    func dot(_ vector: SparseVector) -> Float {
      zip(vector.indices, vector.values).reduce(0) { $0 + $1.1 * (centre[$1.0] ?? 0) }
    }

    mutating func add(_ vector: SparseVector, weight: Float = 1) {
      normSquared += 2 * weight * dot(vector) + weight * weight * vector.squaredNorm
      for (index, value) in zip(vector.indices, vector.values) { centre[index, default: 0] += weight * value }
    }

    /// The centre scaled to unit length.
    var centreVector: SparseVector {
      let norm = normSquared.squareRoot()
      let entries = centre.sorted { $0.key < $1.key }
      return SparseVector(indices: entries.map(\.key), values: entries.map { norm > 0 ? $0.value / norm : 0 })
    }
  }

  /// The topics of `current`, biggest first, with growth against `previous` (the period before, of
  /// the same length).
  public func topics(current: [TopicMessage], previous: [TopicMessage] = [], limit: Int = 20) -> [Topic] {
    let counts = (current + previous).map { features.counts(title: $0.title, body: $0.body) }
    let tfidf = TFIDF.fit(counts, features: features)
    let vectors = counts.map { tfidf.vector($0) }
    var groups: [Group] = []
    var postings: [Int32: [Int]] = [:]

    func heaviest(_ vector: SparseVector) -> [Int32] {
      zip(vector.indices, vector.values).sorted { $0.1 > $1.1 }.prefix(distinctive).map(\.0)
    }
    func closest(_ vector: SparseVector, excluding: Int? = nil) -> (group: Int, similarity: Float)? {
      var candidates = Set<Int>()
      for index in heaviest(vector) { candidates.formUnion(postings[index] ?? []) }
      var best: (Int, Float)?
      for g in candidates.sorted() where !groups[g].members.isEmpty && g != excluding {
        let norm = groups[g].normSquared
        let cosine = norm > 0 ? groups[g].dot(vector) / norm.squareRoot() : 0
        if cosine >= threshold, cosine > (best?.1 ?? -1) { best = (g, cosine) }
      }
      return best
    }

    for i in current.indices {
      let vector = vectors[i]
      let g: Int
      if let found = closest(vector) {
        g = found.group
      } else {
        g = groups.count
        groups.append(Group())
      }
      groups[g].members.append(i)
      groups[g].add(vector)
      // Every n-gram of a member leads to its group; a message looks up only its heaviest ones,
      // which are rare ones, so common n-grams do not make every group a candidate.
      for index in vector.indices where postings[index]?.last != g { postings[index, default: []].append(g) }
    }
    // One pass depends on the order of the messages: two groups may have started apart that belong
    // together. Groups whose centres are as close as the threshold are merged, until none are.
    var merging = true
    while merging {
      merging = false
      for g in groups.indices where !groups[g].members.isEmpty {
        let centre = groups[g].centreVector
        guard let (h, _) = closest(centre, excluding: g) else { continue }
        let (keep, fold) = (min(g, h), max(g, h))
        groups[keep].members += groups[fold].members
        groups[keep].add(groups[fold].centreVector, weight: groups[fold].normSquared.squareRoot())
        for index in groups[fold].centre.keys where postings[index]?.last != keep {
          postings[index, default: []].append(keep)
        }
        groups[fold] = Group()
        merging = true
      }
    }
    for j in previous.indices {
      if let found = closest(vectors[current.count + j]) { groups[found.group].previous += 1 }
    }

    var topics: [Topic] = []
    for group in groups where group.members.count >= minimumSize {
      // A term's score: in how many of the group's messages it occurs (titles count double), times
      // its rarity in the whole period, so that "A市" or "请问" do not name a topic.
      var score: [String: Float] = [:]
      var rarity: [String: Float] = [:]
      for i in group.members {
        var inTitle = Set<String>()
        var inText = Set<String>()
        for (index, gram) in features.grams(title: current[i].title, body: current[i].body) {
          let titleGram = gram.hasPrefix("标题:")
          let term = titleGram ? String(gram.dropFirst(3)) : gram
          guard Self.isTerm(term) else { continue }
          if titleGram { inTitle.insert(term) } else { inText.insert(term) }
          if !titleGram { rarity[term] = tfidf.idf[Int(index)] }
        }
        for term in inTitle { score[term, default: 0] += 1 }
        for term in inText { score[term, default: 0] += 1 }
      }
      let shared = Self.sharedPhrases(group.members.map { current[$0].title })
      var terms = shared
      let weighted: [(term: String, weight: Float)] = score.map { ($0.key, $0.value * (rarity[$0.key] ?? 1)) }
      let ranked = weighted.sorted { a, b in
        if a.weight != b.weight { return a.weight > b.weight }
        if a.term.count != b.term.count { return a.term.count > b.term.count }
        return a.term < b.term
      }
      for (term, _) in ranked where terms.count < 3 {
        // Not a part of a chosen term, and not straddling one (its first or last two characters in it).
        let scalars = Array(term.unicodeScalars)
        let edges = [
          String(String.UnicodeScalarView(scalars.prefix(2))), String(String.UnicodeScalarView(scalars.suffix(2))),
        ]
        if terms.contains(where: { chosen in
          chosen.contains(term) || term.contains(chosen) || edges.contains { chosen.contains($0) }
        }) {
          continue
        }
        terms.append(term)
      }
      let likes = group.members.compactMap { current[$0].likes }
      // The examples: the member titles that hold most of the terms first.
      let members = group.members.sorted { a, b in
        let (ca, cb) = (Self.covered(terms, in: current[a].title), Self.covered(terms, in: current[b].title))
        if ca != cb { return ca > cb }
        if current[a].title.count != current[b].title.count { return current[a].title.count < current[b].title.count }
        return a < b
      }
      // A shared phrase of two or three characters is as likely a fragment across words ("卖过期") as
      // a word; a whole title then reads better.
      let label =
        shared.first.flatMap { $0.count >= 4 ? $0 : nil } ?? Self.shortened(current[members[0]].title, to: 24)
      topics.append(
        Topic(
          terms: terms, label: label, size: group.members.count, previousSize: group.previous,
          likes: likes.isEmpty ? nil : likes.reduce(0, +),
          examples: Array(members.prefix(3).map { (current[$0].id, current[$0].title) })))
    }
    topics.sort { ($0.size, $0.likes ?? 0, $1.label) > ($1.size, $1.likes ?? 0, $0.label) }
    return Array(topics.prefix(limit))
  }

  /// The longest phrase (2–12 characters, letters only) that at least half of the titles share:
  /// "捆绑销售车位" rather than three of its trigrams; empty when they share none.
  static func sharedPhrases(_ titles: [String]) -> [String] {
    let texts = titles.map { title in
      TextFeatures.symbols(title).split { !isTerm(String($0)) }.map { String(String.UnicodeScalarView($0)) }
    }
    let needed = max(2, (titles.count + 1) / 2)
    var count: [String: Int] = [:]
    for pieces in texts {
      var seen = Set<String>()
      for piece in pieces {
        let scalars = Array(piece.unicodeScalars)
        for start in scalars.indices {
          for length in 2...12 where start + length <= scalars.count {
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[start..<(start + length)])
            seen.insert(String(text))
          }
        }
      }
      for phrase in seen { count[phrase, default: 0] += 1 }
    }
    let shared = count.filter { $0.value >= needed }.keys.sorted { a, b in
      a.unicodeScalars.count != b.unicodeScalars.count ? a.unicodeScalars.count > b.unicodeScalars.count : a < b
    }
    var phrases: [String] = []
    for phrase in shared where phrases.isEmpty {
      if phrases.contains(where: { $0.contains(phrase) || phrase.contains($0) }) { continue }
      phrases.append(phrase)
    }
    return phrases
  }

  /// How many of the terms a title contains.
  static func covered(_ terms: [String], in title: String) -> Int {
    terms.filter { title.contains($0) }.count
  }

  /// The text cut to `limit` characters, with an ellipsis when cut.
  static func shortened(_ text: String, to limit: Int) -> String {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    return trimmed.count <= limit ? trimmed : String(trimmed.prefix(limit - 1)) + "…"
  }

  /// Whether a gram can name a topic: no punctuation, no masked or folded number.
  static func isTerm(_ gram: String) -> Bool {
    gram.unicodeScalars.allSatisfy { scalar in
      switch scalar.properties.generalCategory {
      case .otherLetter, .lowercaseLetter, .uppercaseLetter: return true
      default: return false
      }
    }
  }
}
