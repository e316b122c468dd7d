import Foundation
import MinshengCore
import MinshengTestSupport
import MinshengText
import Testing

@Suite struct SearchTermsTests {
  @Test func hanRuns_areCutIntoAdjacentPairs_andTheLastCharacter() {
    #expect(SearchTerms.of("施工噪音") == ["施工", "工噪", "噪音", "音"])
    #expect(SearchTerms.of("路") == ["路"])
    #expect(SearchTerms.of("3号楼，夜间") == ["3", "号楼", "楼", "夜间", "间"])
  }

  @Test func words_areWhole_inCompatibilityFormAndLowerCase() {
    #expect(SearchTerms.of("ＷｉＦｉ信号 Route-66") == ["wifi", "信号", "号", "route", "66"])
    // The stars of a masked number separate: the hidden digits are not there to find.
    #expect(SearchTerms.of("138****8000") == ["138", "8000"])
  }

  @Test func aChineseWord_isAPhraseOfPairs_open_atItsEnd() throws {
    let query = try #require(SearchQuery("施工噪音"))
    #expect(query.required.count == 1)
    #expect(query.required[0].terms.map(\.text) == ["施工", "工噪", "噪音"])
    #expect(query.fts5 == "(\"施工 工噪 噪音\")")
    #expect(query.tsquery == "('施工' <-> '工噪' <-> '噪音')")
  }

  @Test func oneCharacter_isAPrefix() throws {
    let query = try #require(SearchQuery("路"))
    #expect(query.fts5 == "(\"路\"*)")
    #expect(query.tsquery == "('路':*)")
  }

  @Test func aRunFollowedByAWord_keepsItsLastCharacter() throws {
    // In stored text 号楼3 is 号楼 楼 3: the phrase must step over 楼's own position.
    let query = try #require(SearchQuery("号楼3"))
    #expect(query.required[0].terms.map(\.text) == ["号楼", "楼", "3"])
    #expect(SearchTerms.of("1号楼3单元").starts(with: ["1", "号楼", "楼", "3"]))
  }

  @Test func wordsAreAnded_quotesMakeAPhrase_minusExcludes() throws {
    let query = try #require(SearchQuery("施工 噪音 -夜间 \"bus stop\" -\"road works\""))
    #expect(query.required.map(\.surfaces) == [["施工"], ["噪音"], ["bus", "stop"]])
    #expect(query.excluded.map(\.surfaces) == [["夜间"], ["road", "works"]])
    #expect(query.fts5 == "(\"施工\" AND \"噪音\" AND \"bus stop\") NOT (\"夜间\" OR \"road works\")")
    #expect(query.tsquery == "('施工') & ('噪音') & ('bus' <-> 'stop') & !('夜间') & !('road' <-> 'works')")
    // Chinese quotes and a full-width minus read the same.
    #expect(SearchQuery("“施工 噪音” －夜间")?.excluded.map(\.surfaces) == [["夜间"]])
  }

  @Test func nothingToLookFor_isNoQuery() {
    for text in ["", "   ", "，。！", "-夜间", "\"\"", "***"] { #expect(SearchQuery(text) == nil, "\(text)") }
  }

  @Test func quotesAndBackslashes_cannotBreakOutOfATerm() {
    // Terms are letters, digits and Han characters only; quoting is a second guard.
    #expect(SearchVector.quoted("a'b\\c") == "'a''b\\\\c'")
    let query = SearchQuery("a'b OR \"x\" NEAR(")
    #expect(query?.fts5 == "(\"a b\" AND \"or\" AND \"x\" AND \"near\")")
  }

  @Test func documents_numberFieldsApart_andWeighThem() {
    let document = SearchDocument(title: "噪音", body: "施工", replies: ["已处理", "谢谢"])
    #expect(document.column(.replies) == "已处 处理 理 · 谢谢 谢")
    #expect(document.tsvector == "'噪音':1A '音':2A '施工':5B '工':6B '已处':9C '处理':10C '理':11C '谢谢':13C '谢':14C")
  }

  @Test func theStaffDocument_namesTheAuthor_thePublicOneNeverDoes() {
    var message = Fixtures.message()
    message.body = "请回电13800138000"
    message.contact = Contact(name: "顾女士", phone: "13900139000")
    message.isPublic = true
    message.publication = .published
    let staff = SearchDocument.forStaff(message, replies: [])
    #expect(staff.people.contains("13900139000") && staff.body.contains("13800138000"))
    let shown = SearchDocument.forPublic(message, publishedReplies: ["已联系13800138000"])
    #expect(shown?.people == [])
    #expect(!(shown?.body.contains("13800138000") ?? true) && !(shown?.replies.contains("13800138000") ?? true))
    message.isPublic = false
    #expect(SearchDocument.forPublic(message, publishedReplies: []) == nil)
  }

  @Test func highlighting_marksMatchesInTheOriginalText() {
    let text = "夜间施工噪音扰民，ＷｉＦｉ也断了"
    let marked = Highlighted(text, surfaces: SearchQuery("施工噪音 wifi")!.surfaces)
    #expect(marked.parts.filter(\.matched).map(\.text) == ["施工噪音", "ＷｉＦｉ"])
    #expect(marked.text == text)
    // A word is found whole, not inside another.
    #expect(!Highlighted("cabin", surfaces: ["ab"]).matched)
    let long = String(repeating: "一", count: 100) + "噪音" + String(repeating: "二", count: 100)
    let window = Highlighted(long, surfaces: ["噪音"], around: 40)
    #expect(window.parts.first?.text == "…" && window.parts.last?.text == "…")
    #expect(window.parts.contains { $0.matched && $0.text == "噪音" })
  }

  /// The fast path of `normalized` gives what Foundation's NFKC and lower case give, for every
  /// scalar it maps and for mixed text; text outside it still goes through Foundation.
  @Test func normalized_fastPath_isFoundationsNFKCLowercased() {
    var checked = 0
    for value in UInt32(0)...0xFFFF {
      guard let scalar = Unicode.Scalar(value), Normalizer.fastNFKC(scalar) != nil else { continue }
      let text = String(Character(scalar))
      #expect(SearchTerms.normalized(text) == text.precomposedStringWithCompatibilityMapping.lowercased(), "U+\(value)")
      checked += 1
    }
    #expect(checked > 20_000)
    for text in ["ＷｉＦｉ信号　Route-66，“夜间”", "Ⅻ号楼 ﬁ ℃", "café Café", "施工\u{301}噪音"] {
      #expect(SearchTerms.normalized(text) == text.precomposedStringWithCompatibilityMapping.lowercased(), "\(text)")
    }
  }
}
