/// 并单候选: near-duplicate messages found by MinHash over character shingles and locality-sensitive
/// hashing, indexed incrementally.
///
/// A message's shingles are its character 3-grams after `TextFeatures.symbols` (normalised, numbers
/// masked), title and body together, so the same complaint typed on the phone or written on the web
/// matches. Its signature is 64 minimum hashes; two signatures agree in a position with probability
/// equal to the Jaccard similarity of the shingle sets. The index files each signature under 16 band
/// keys (4 positions each): two messages with similarity 0.5 share a band with probability about
/// 0.65, with 0.8 almost surely, with 0.2 hardly ever. Candidates are then ranked by the similarity
/// their signatures estimate, and only those at or above `DuplicateIndex.threshold` are returned.
public struct MinHashSignature: Sendable, Equatable {
  public static let size = 64
  public static let bands = 16
  public static let rows = 4

  /// The minimum of each of the 64 hash functions over the shingles.
  public var values: [UInt32]

  public init(values: [UInt32]) {
    self.values = values
  }

  /// The hashed character 3-grams of a message, as its signature sees them.
  public static func shingles(title: String, body: String) -> [UInt64] {
    let symbols = TextFeatures.symbols(title) + ["。"] + TextFeatures.symbols(body)
    var shingles: [UInt64] = []
    if symbols.count >= 3 {
      shingles.reserveCapacity(symbols.count)
      for start in 0...(symbols.count - 3) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in start..<(start + 3) { hash = (hash ^ UInt64(symbols[k].value)) &* 0x0000_0100_0000_01B3 }
        shingles.append(hash)
      }
    }
    return shingles
  }

  /// The signature of a message.
  public init(title: String, body: String) {
    let shingles = Self.shingles(title: title, body: body)
    var values = [UInt32](repeating: .max, count: Self.size)
    for shingle in shingles {
      for i in 0..<Self.size {
        let hashed = Self.mix(shingle &+ Self.seeds[i])
        let value = UInt32(truncatingIfNeeded: hashed >> 32)
        if value < values[i] { values[i] = value }
      }
    }
    self.values = values
  }

  /// The share of positions where two signatures agree: an estimate of the Jaccard similarity.
  public func similarity(to other: MinHashSignature) -> Double {
    var same = 0
    for i in 0..<Self.size where values[i] == other.values[i] { same += 1 }
    return Double(same) / Double(Self.size)
  }

  /// The band keys under which the signature is filed.
  public var bandKeys: [UInt32] {
    (0..<Self.bands).map { band in
      var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(band + 1)
      for row in 0..<Self.rows { hash = Self.mix(hash ^ UInt64(values[band * Self.rows + row])) }
      return UInt32(truncatingIfNeeded: hash)
    }
  }

  static let seeds: [UInt64] = (0..<UInt64(size)).map { mix(0x5EED_0000 &+ $0) }

  @inline(__always)
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// An incremental LSH index of message signatures, compact enough for millions of messages: per band
/// a chained hash table in flat arrays, and the signatures themselves.
public struct DuplicateIndex: Sendable {
  /// Candidates below this estimated similarity are not returned. Set beforehand at the point where
  /// the 16×4 bands find a pair about two times in three; `DuplicatesBenchmark` reports precision and
  /// recall at it (it was not tuned on that data).
  public static let threshold = 0.5

  public struct Candidate: Sendable, Equatable {
    public var key: Int32
    public var similarity: Double
  }

  private var signatures: [UInt32] = []
  private var keys: [Int32] = []
  /// Per band: the first entry of each bucket, and per entry the next entry and its band key.
  private var heads: [[Int32]]
  private var next: [[Int32]]
  private var bandKeys: [[UInt32]]
  private let mask: Int

  /// An empty index sized for about `expected` messages (it grows past that, only less evenly).
  public init(expected: Int = 1 << 16) {
    var size = 1 << 10
    while size < expected { size <<= 1 }
    mask = size - 1
    heads = Array(repeating: [Int32](repeating: -1, count: size), count: MinHashSignature.bands)
    next = Array(repeating: [], count: MinHashSignature.bands)
    bandKeys = Array(repeating: [], count: MinHashSignature.bands)
  }

  public var count: Int { keys.count }

  /// Adds a message under its key (for example, its row number or serial).
  public mutating func add(_ signature: MinHashSignature, key: Int32) {
    let entry = Int32(keys.count)
    keys.append(key)
    signatures.append(contentsOf: signature.values)
    for (band, bandKey) in signature.bandKeys.enumerated() {
      let slot = Int(bandKey) & mask
      next[band].append(heads[band][slot])
      bandKeys[band].append(bandKey)
      heads[band][slot] = entry
    }
  }

  /// The indexed messages that share a band with `signature` and whose estimated similarity is at
  /// least `threshold`, most similar first, at most `limit`.
  public func candidates(
    of signature: MinHashSignature, threshold: Double = DuplicateIndex.threshold, limit: Int = 10
  ) -> [Candidate] {
    var seen = Set<Int32>()
    var found: [Candidate] = []
    for (band, bandKey) in signature.bandKeys.enumerated() {
      var entry = heads[band][Int(bandKey) & mask]
      while entry >= 0 {
        if bandKeys[band][Int(entry)] == bandKey, seen.insert(entry).inserted {
          let similarity = self.similarity(signature, entry: Int(entry))
          if similarity >= threshold { found.append(Candidate(key: keys[Int(entry)], similarity: similarity)) }
        }
        entry = next[band][Int(entry)]
      }
    }
    found.sort { $0.similarity > $1.similarity || ($0.similarity == $1.similarity && $0.key < $1.key) }
    return Array(found.prefix(limit))
  }

  private func similarity(_ signature: MinHashSignature, entry: Int) -> Double {
    let base = entry * MinHashSignature.size
    var same = 0
    for i in 0..<MinHashSignature.size where signatures[base + i] == signature.values[i] { same += 1 }
    return Double(same) / Double(MinHashSignature.size)
  }
}
