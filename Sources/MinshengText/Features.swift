import Foundation

/// A sparse vector: distinct indices with their values.
public struct SparseVector: Sendable, Equatable {
  public var indices: [Int32]
  public var values: [Float]

  public init(indices: [Int32] = [], values: [Float] = []) {
    self.indices = indices
    self.values = values
  }

  /// The sum of the squared values.
  public var squaredNorm: Float { values.reduce(0) { $0 + $1 * $1 } }
}

/// Character n-gram features of a message, hashed into a fixed number of dimensions.
///
/// The text is normalised (`Normalizer.normalize`: NFKC, full-width to half-width, Latin lower case),
/// white space is dropped, a mobile number becomes one symbol (☎), an 18-digit ID number another (🆔),
/// and every other digit folds to `0`, so that numbers match by shape and never by value. The title
/// and the body are one text (title first); the title's n-grams are counted a second time in their
/// own hash space, because a title says in a dozen characters what the message is about.
public struct TextFeatures: Sendable, Equatable, Codable {
  /// The number of hash dimensions is `1 << bits`.
  public var bits: Int
  /// The n-gram sizes.
  public var smallest: Int
  public var largest: Int
  /// Whether punctuation gives way to a clause boundary: a run of punctuation becomes one `|`, so
  /// that n-grams stop at the boundary and "，我" or "。请" count for nothing. Punctuation says little
  /// about what a message is about and much about how its author types. (Model files from before
  /// this setting keep every character.)
  public var clauses: Bool

  public init(bits: Int = 18, sizes: ClosedRange<Int> = 1...3, clauses: Bool = true) {
    self.bits = bits
    self.smallest = sizes.lowerBound
    self.largest = sizes.upperBound
    self.clauses = clauses
  }

  enum CodingKeys: String, CodingKey {
    case bits, smallest, largest, clauses
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    bits = try container.decode(Int.self, forKey: .bits)
    smallest = try container.decode(Int.self, forKey: .smallest)
    largest = try container.decode(Int.self, forKey: .largest)
    clauses = try container.decodeIfPresent(Bool.self, forKey: .clauses) ?? false
  }

  /// Stands for a run of punctuation when `clauses` is on.
  public static let boundary: Unicode.Scalar = "|"

  /// The symbols the n-grams are taken from: `symbols(text)`, with punctuation runs made one boundary
  /// when `clauses` is on.
  func gramSymbols(_ text: String) -> [Unicode.Scalar] {
    let symbols = Self.symbols(text)
    guard clauses else { return symbols }
    var out: [Unicode.Scalar] = []
    out.reserveCapacity(symbols.count)
    for scalar in symbols {
      if Self.isPunctuation(scalar) {
        if let last = out.last, last != Self.boundary { out.append(Self.boundary) }
      } else {
        out.append(scalar)
      }
    }
    if out.last == Self.boundary { out.removeLast() }
    return out
  }

  /// Whether the scalar is punctuation (general category P*). Ideographs and ASCII, nearly all of a
  /// message, are answered without asking the Unicode tables, which cost a third of a prediction.
  static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if value < 0x80 { return asciiPunctuation[Int(value)] }
    if (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) { return false }
    return hasPunctuationCategory(scalar)
  }

  private static let asciiPunctuation: [Bool] = (0..<0x80).map {
    hasPunctuationCategory(Unicode.Scalar(UInt8($0)))
  }

  static func hasPunctuationCategory(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
      .finalPunctuation, .otherPunctuation:
      true
    default: false
    }
  }

  public var dimension: Int { 1 << bits }

  /// Stands for a mobile number inside a text.
  public static let phoneSymbol: Unicode.Scalar = "☎"
  /// Stands for an 18-digit ID number inside a text.
  public static let idSymbol: Unicode.Scalar = "🆔"

  /// The text as the features see it: normalised, without white space, numbers masked or folded.
  public static func symbols(_ text: String) -> [Unicode.Scalar] {
    let normalized = Normalizer.normalizedScalars(text)
    var out: [Unicode.Scalar] = []
    out.reserveCapacity(normalized.count)
    var digits = 0
    var firstDigit: Unicode.Scalar = "0"
    func flushDigits() {
      if digits == 11, firstDigit == "1" {
        out.append(phoneSymbol)
      } else if digits == 18 {
        out.append(idSymbol)
      } else {
        out.append(contentsOf: repeatElement("0", count: digits))
      }
      digits = 0
    }
    for scalar in normalized {
      if ("0"..."9").contains(scalar) {
        if digits == 0 { firstDigit = scalar }
        digits += 1
        continue
      }
      if digits == 17, scalar == "x" {
        out.append(idSymbol)
        digits = 0
        continue
      }
      flushDigits()
      if scalar == " " { continue }  // the only white space left after normalising
      out.append(scalar)
    }
    flushDigits()
    return out
  }

  /// Each n-gram occurrence of the message as (hashed index, the gram), title grams twice.
  public func grams(title: String, body: String) -> [(index: Int32, gram: String)] {
    var result: [(Int32, String)] = []
    let titleSymbols = gramSymbols(title)
    forEachGram(of: titleSymbols + [separator] + gramSymbols(body), space: 0) { result.append(($0, $1())) }
    forEachGram(of: titleSymbols, space: 1) { result.append(($0, "标题:" + $1())) }
    return result
  }

  /// The n-gram counts of the message by hashed index.
  public func counts(title: String, body: String) -> GramCounts {
    var indices: [Int32] = []
    let titleSymbols = gramSymbols(title)
    let text = titleSymbols + [separator] + gramSymbols(body)
    indices.reserveCapacity((text.count + titleSymbols.count) * (largest - smallest + 1))
    forEachGram(of: text, space: 0) { index, _ in indices.append(index) }
    forEachGram(of: titleSymbols, space: 1) { index, _ in indices.append(index) }
    return GramCounts(occurrences: indices)
  }

  /// Between the title and the body.
  private var separator: Unicode.Scalar { clauses ? Self.boundary : "。" }

  /// Calls `body` with the hashed index of every n-gram, and a way to spell the gram when needed.
  private func forEachGram(of symbols: [Unicode.Scalar], space: UInt64, _ body: (Int32, () -> String) -> Void) {
    let mask = UInt64(dimension - 1)
    for start in symbols.indices {
      // FNV-1a over the space, then the scalars of the gram; each longer gram extends the shorter.
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ space
      hash = hash &* 0x0000_0100_0000_01B3
      for length in 1...largest {
        let end = start + length
        guard end <= symbols.count else { break }
        hash = (hash ^ UInt64(symbols[end - 1].value)) &* 0x0000_0100_0000_01B3
        if length >= smallest {
          // Mix the final hash so that low bits depend on every scalar.
          var mixed = hash ^ (hash >> 29)
          mixed = mixed &* 0xbf58_476d_1ce4_e5b9
          mixed ^= mixed >> 32
          body(Int32(truncatingIfNeeded: mixed & mask)) {
            var text = String.UnicodeScalarView()
            text.append(contentsOf: symbols[start..<end])
            return String(text)
          }
        }
      }
    }
  }
}

/// How often each hashed n-gram occurs in a text: distinct indices with their counts.
public struct GramCounts: Sendable, Equatable {
  public var indices: [Int32] = []
  public var counts: [Float] = []

  /// Counts the occurrences, given in any order. The distinct indices come out in a fixed order
  /// for the same occurrences (an open-addressing table, no sort).
  public init(occurrences: [Int32]) {
    var capacity = 16
    while capacity < occurrences.count * 2 { capacity <<= 1 }
    let mask = capacity - 1
    var keys = [Int32](repeating: -1, count: capacity)
    var tally = [Float](repeating: 0, count: capacity)
    for index in occurrences {
      var slot = Int(UInt32(bitPattern: index) &* 0x9E37_79B1) & mask
      while keys[slot] != -1 && keys[slot] != index { slot = (slot + 1) & mask }
      keys[slot] = index
      tally[slot] += 1
    }
    for slot in 0..<capacity where keys[slot] != -1 {
      indices.append(keys[slot])
      counts.append(tally[slot])
    }
  }
}

/// TF-IDF weighting fitted on a collection: sublinear term frequency (1 + ln tf), smoothed inverse
/// document frequency (ln((1 + N) / (1 + df)) + 1), each vector scaled to unit length.
public struct TFIDF: Sendable, Equatable {
  public var features: TextFeatures
  public var idf: [Float]

  public init(features: TextFeatures, idf: [Float]) {
    self.features = features
    self.idf = idf
  }

  /// 1 + ln n for the small counts that almost every n-gram has.
  private static let sublinear: [Float] = (0..<64).map { $0 == 0 ? 0 : 1 + log(Float($0)) }

  /// The sublinear weight 1 + ln n of a term counted n times.
  @inline(__always)
  static func termWeight(_ count: Float) -> Float {
    let n = Int(count)
    return n < sublinear.count ? sublinear[n] : 1 + log(count)
  }

  /// Fits the document frequencies of `documents` (already counted).
  public static func fit(_ documents: [GramCounts], features: TextFeatures) -> TFIDF {
    var df = [Int32](repeating: 0, count: features.dimension)
    for document in documents {
      for index in document.indices { df[Int(index)] += 1 }
    }
    let n = Float(documents.count)
    return TFIDF(features: features, idf: df.map { log((1 + n) / (1 + Float($0))) + 1 })
  }

  /// The weighted, unit-length vector of counted n-grams.
  public func vector(_ counts: GramCounts) -> SparseVector {
    var values = zip(counts.indices, counts.counts).map { index, count in Self.termWeight(count) * idf[Int(index)] }
    let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
    if norm > 0 { values = values.map { $0 / norm } }
    return SparseVector(indices: counts.indices, values: values)
  }
}
