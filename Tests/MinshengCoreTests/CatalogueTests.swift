import Foundation
import MinshengCore
import Testing

/// The text catalogues: the same keys and placeholders in both languages, every key the templates and
/// the code name is there, and placeholders fill as they should.
@Suite struct CatalogueTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func placeholders(_ text: String) -> Set<String> {
    Set(text.matches(of: /\{([A-Za-z0-9_]+)\}/).map { String($0.output.1) })
  }

  @Test func bothLanguages_haveTheSameKeys_andTheSamePlaceholders() {
    let (zh, en) = (Catalogue.zhHans.entries, Catalogue.en.entries)
    #expect(
      Set(zh.keys) == Set(en.keys),
      "only in zh: \(Set(zh.keys).subtracting(en.keys)); only in en: \(Set(en.keys).subtracting(zh.keys))")
    // A date is written from its parts in Chinese (2026年12月6日) and whole in English (2026-12-06):
    // the code gives both, each language takes what it writes.
    let differing: Set<String> = ["date_long"]
    for (key, text) in zh where !differing.contains(key) {
      #expect(Self.placeholders(text) == Self.placeholders(en[key] ?? ""), "\(key)")
    }
  }

  @Test func everyKeyTheTemplatesAndTheCodeName_isInTheCatalogue() throws {
    var used: [String: String] = [:]
    let files = FileManager.default.enumerator(at: Self.root, includingPropertiesForKeys: nil)!
    for case let url as URL in files {
      let path = url.path
      guard !path.contains("/.build/"), !path.contains("/Tests/"), !path.contains("/Migrations/") else { continue }
      if path.hasSuffix(".leaf") {
        for match in try String(contentsOf: url, encoding: .utf8).matches(of: /#\(t\.([a-z0-9_]+)\)/) {
          used[String(match.output.1)] = url.lastPathComponent
        }
      } else if path.hasSuffix(".swift"), path.contains("/Sources/") {
        let text = try String(contentsOf: url, encoding: .utf8)
        let calls =
          /(?:LocalizedText\(|language\.text\(|\bsay\(|Catalogue\.zhHans\(|PageError\(\.[a-zA-Z]+,)\s*"([a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9])"\s*[,)]/
        for match in text.matches(of: calls) {
          used[String(match.output.1)] = url.lastPathComponent
        }
      }
    }
    #expect(used.count > 300, "the scan found \(used.count) keys")
    for (key, file) in used.sorted(by: { $0.key < $1.key }) {
      #expect(Catalogue.zhHans.entries[key] != nil, "\(key), used in \(file), is not in the catalogue")
    }
  }

  @Test func placeholders_fillAsWritten() {
    let catalogue = Catalogue(
      language: .en,
      entries: [
        "a": "{n} of {total} left", "b": "braces {not a name} and {} stay", "c": "status: {status}",
        "s": "Replied", "d": "{x}{x}",
      ])
    #expect(catalogue("a", ["n": 3, "total": "5"]) == "3 of 5 left")
    #expect(catalogue("a", ["n": 3]) == "3 of {total} left", "a missing value leaves the placeholder")
    #expect(catalogue("b", ["not a name": "x"]) == "braces {not a name} and {} stay")
    #expect(catalogue("c", ["status": .key("s")]) == "status: Replied")
    #expect(catalogue("d", ["x": "ab"]) == "abab")
    #expect(catalogue("a") == "{n} of {total} left")
    #expect(catalogue.text("a") { $0 == "n" ? "1" : nil } == "1 of {total} left")
    // A key this catalogue lacks falls back to the Chinese one, then to the key itself.
    #expect(catalogue("status_replied") == Catalogue.zhHans("status_replied"))
    #expect(catalogue("no_such_key_anywhere") == "no_such_key_anywhere")
  }
}
