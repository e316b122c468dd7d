import Foundation
import Testing

@testable import MinshengStore

@Suite struct IdentifierTests {
  @Test func newIDs_areRandomVersion4UUIDs() {
    let ids = (0..<10_000).map { _ in RandomIdentifiers().newID() }
    #expect(Set(ids).count == ids.count)
    for id in ids {
      let text = id.uuidString
      #expect(Array(text)[14] == "4", "\(text)")
      #expect("89AB".contains(Array(text)[19]), "\(text)")
    }
    // Every other hex digit varies: 10,000 ids show all 16 values in each random position.
    for position in [0, 12, 20, 35] {
      #expect(Set(ids.map { Array($0.uuidString)[position] }).count == 16, "position \(position)")
    }
  }

  @Test func trackingCodes_areSixteenEvenlyDrawnLettersInGroupsOfFour() {
    let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    var counts: [Character: Int] = [:]
    var codes = Set<String>()
    for _ in 0..<5_000 {
      let code = RandomIdentifiers().trackingCode()
      #expect(code.count == 19 && code.split(separator: "-").map(\.count) == [4, 4, 4, 4], "\(code)")
      #expect(TrackingCode.normalized(code) != nil, "\(code)")
      codes.insert(code)
      for character in code where character != "-" { counts[character, default: 0] += 1 }
    }
    #expect(codes.count == 5_000)
    #expect(Set(counts.keys) == Set(alphabet))
    // 80,000 letters over 31: about 2,581 each, standard deviation about 50. A plain byte modulo 31
    // would favour the first eight letters (9 chances in 256 against 8): about 2,812 each.
    for letter in alphabet {
      #expect((2_380...2_780).contains(counts[letter] ?? 0), "\(letter): \(counts[letter] ?? 0)")
    }
  }
}

/// The chain's hashes are plain SHA-256 of the texts joined, as `sha256sum` computes them: events
/// stored by earlier versions verify with this one.
@Suite struct HashingTests {
  @Test func chainHash_isSHA256OfPreviousHashThenCanonicalText() {
    // printf 'genesis4:minsheng-event-v1;1:1;' | sha256sum
    #expect(
      Hashing.chain(previous: "genesis", canonical: "4:minsheng-event-v1;1:1;")
        == "47422dd9f777adff40a87253dcc7f50c63300d90a91b539e7fbcaa2facc980e9")
    // printf '' | sha256sum
    #expect(
      Hashing.chain(previous: "", canonical: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(Hashing.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    let long = String(repeating: "民生之声", count: 100)
    #expect(
      Hashing.chain(previous: String(long.prefix(7)), canonical: String(long.dropFirst(7))) == Hashing.sha256Hex(long))
  }
}

@Suite struct TrackingCodeTests {
  /// The code as the Unicode path reads it (upper case, separators dropped, 16 letters of the alphabet).
  static func unicodeNormalized(_ code: String) -> String? {
    let cleaned = code.uppercased().filter { $0 != "-" && $0 != " " }
    guard cleaned.count == 16, cleaned.allSatisfy({ "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains($0) }) else {
      return nil
    }
    return cleaned
  }

  @Test func normalizing_readsCodesAsTypedInAnyCaseWithSeparators() {
    #expect(TrackingCode.normalized("k7pq-2m9x-h4tr-wb3n") == "K7PQ2M9XH4TRWB3N")
    #expect(TrackingCode.normalized(" K7PQ 2M9X H4TR WB3N ") == "K7PQ2M9XH4TRWB3N")
    #expect(TrackingCode.normalized("K7PQ-2M9X-H4TR-WB3") == nil)
    #expect(TrackingCode.normalized("K7PQ-2M9X-H4TR-WB3NN") == nil)
    #expect(TrackingCode.normalized("K7PQ-2M9X-H4TR-WB3O") == nil)  // O is not in the alphabet
    #expect(TrackingCode.normalized("ＫＺＰＱ-2M9X-H4TR-WB3N") == nil)
    var generator = SystemRandomNumberGenerator()
    let pieces = ["K", "7", "p", "q", "-", " ", "0", "O", "i", "2", "ﬀ", "ſ", "中", "Z", "x", "\t"]
    for _ in 0..<20_000 {
      let code = (0..<Int.random(in: 0...22, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
        .joined()
      #expect(TrackingCode.normalized(code) == Self.unicodeNormalized(code), "\(code)")
    }
    for _ in 0..<1_000 {
      let code = RandomIdentifiers().trackingCode()
      #expect(TrackingCode.normalized(code.lowercased()) == Self.unicodeNormalized(code))
    }
  }
}
