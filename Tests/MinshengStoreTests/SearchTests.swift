import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// Full-text search on a fixed corpus, on every database: what each query finds, in which order,
/// and that the answers are the same on SQLite and PostgreSQL.
@Suite struct SearchTests {
  /// The corpus: title, body, whether the author made it public.
  static let corpus: [(title: String, body: String, isPublic: Bool)] = [
    ("夜间施工噪音扰民", "滨江路工地每天夜里十一点后仍在施工，噪音很大。", true),
    ("工地噪音", "白天施工的噪音也很大，希望限制作业时间。", true),
    ("施工单位乱停车", "施工车辆占用人行道，夜间施工时尤其严重。", true),
    ("小区供暖不热", "3号楼2单元室温只有十四度，请检查供暖管道。联系电话13912345678", true),
    ("路灯不亮", "滨江路路灯坏了半个月，夜间出行不便。", true),
    ("不公开的投诉", "我不希望公开：楼上装修声音太大。", false),
    ("Bus stop moved", "The No. 66 bus stop on Binjiang Road was moved without notice.", true),
    ("垃圾清运不及时", "小区门口堆满了杂物。", true),
    ("小区门口杂物", "物业说垃圾清运要等到周末。", true),
    ("物业服务差", "保洁员很少来。", true),
  ]

  /// The queries and, for each, the corpus positions found, in order.
  static let expected: [(query: String, order: SearchOrder, found: [Int])] = [
    ("施工 噪音", .relevance, [0, 1]),
    ("施工噪音", .relevance, [0]),
    ("夜间 施工", .newest, [2, 0]),
    ("施工 -夜间", .relevance, [1]),
    ("灯", .relevance, [4]),
    ("3号楼", .relevance, [3]),
    ("号楼2单元", .relevance, [3]),
    ("BUS Stop", .relevance, [6]),
    ("\"stop on\"", .relevance, [6]),
    ("\"on stop\"", .relevance, []),
    ("stops", .relevance, []),
    // The title outweighs the body, the body a reply.
    ("垃圾清运", .relevance, [7, 8, 9]),
    ("垃圾清运", .newest, [9, 8, 7]),
    ("灯泡", .relevance, [4]),
    // Masked: the number cannot be found, not even in part; the private message not at all.
    ("13912345678", .relevance, []),
    ("12345", .relevance, []),
    ("装修", .relevance, []),
  ]

  /// Loads the corpus (the last message's reply and the street light's reply published) and indexes it.
  static func load(_ store: Store) async throws -> (world: SeededWorld, ids: [UUID]) {
    let world = try await SeededWorld.create(in: store)
    var ids: [UUID] = []
    for (index, entry) in corpus.enumerated() {
      var input = Fixtures.newMessage(title: entry.title, leader: world.secretary.id)
      input.body = entry.body
      input.isPublic = entry.isPublic
      if index == 1 { input.categoryID = world.noise.id }
      ids.append(try await store.submit(input, at: Fixtures.now.addingTimeInterval(Double(index) * 60)).message.id)
    }
    let at = Fixtures.now.addingTimeInterval(3_600)
    for (id, reply) in [(ids[4], "已更换灯泡，恢复照明。"), (ids[9], "已督促物业加强保洁，垃圾清运改为每日一次。")] {
      _ = try await store.perform(.assign(lead: world.market.id), on: id, by: world.dispatcher, at: at)
      _ = try await store.perform(.accept(), on: id, by: world.marketHandler, at: at)
      _ = try await store.perform(.reply(body: reply), on: id, by: world.marketHandler, at: at)
    }
    while try await store.indexPendingSearch(limit: 3) > 0 {}
    return (world, ids)
  }

  /// What every expected query finds here, as corpus positions.
  static func observed(_ store: Store, ids: [UUID]) async throws -> [[Int]] {
    var results: [[Int]] = []
    for entry in expected {
      let query = try #require(SearchQuery(entry.query))
      let found = try await store.searchPublic(query, order: entry.order).hits.map { hit in
        ids.firstIndex(of: hit.item.id) ?? -1
      }
      results.append(found)
    }
    return results
  }

  @Test(arguments: TestDatabase.available)
  func queries_findWhatTheyShould_inOrder(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let (_, ids) = try await Self.load(store)
      let observed = try await Self.observed(store, ids: ids)
      for (entry, found) in zip(Self.expected, observed) {
        #expect(found == entry.found, "\(entry.query) (\(entry.order))")
      }
    }
  }

  @Test func everyDatabase_givesTheSameResults() async throws {
    let databases = TestDatabase.available
    var answers: [[[Int]]] = []
    for db in databases {
      answers.append(
        try await db.withStore { (store: Store) async throws in
          let (_, ids) = try await Self.load(store)
          return try await Self.observed(store, ids: ids)
        })
    }
    for (db, answer) in zip(databases, answers) { #expect(answer == answers[0], "\(db) differs from \(databases[0])") }
  }

  @Test(arguments: TestDatabase.available)
  func filters_combineWithText_andSnippetsMarkTheMatch(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let (world, ids) = try await Self.load(store)
      var filter = MessageFilter()
      filter.categoryID = world.noise.id
      let query = try #require(SearchQuery("噪音"))
      let inCategory = try await store.searchPublic(query, filter: filter)
      #expect(inCategory.hits.map(\.item.id) == [ids[1]] && inCategory.total == 1)
      filter = MessageFilter()
      filter.status = .replied
      let replied = try await store.searchPublic(try #require(SearchQuery("滨江路")), filter: filter).hits
      // Every fixture's address is on 滨江路 (the public address is searched as the body is).
      #expect(Set(replied.map(\.item.id)) == [ids[4], ids[9]])
      // The snippet of a match found only in a reply is that reply, its words marked.
      let bulb = try await store.searchPublic(try #require(SearchQuery("灯泡"))).hits
      #expect(bulb.first?.snippet.parts.filter(\.matched).map(\.text) == ["灯泡"])
      #expect(bulb.first?.title.matched == false)
      let noise = try await store.searchPublic(query)
      #expect(noise.total == 2 && noise.hits.first?.title.parts.contains { $0.matched && $0.text == "噪音" } == true)
      // Paging: one a page.
      let first = try await store.searchPublic(query, limit: 1)
      let second = try await store.searchPublic(query, limit: 1, offset: try #require(first.nextOffset))
      #expect(first.hits.map(\.item.id) + second.hits.map(\.item.id) == noise.hits.map(\.item.id))
      #expect(second.nextOffset == nil)
    }
  }

  @Test(arguments: TestDatabase.available)
  func staff_findByNumberNameAndSerial_onlyWhatTheyMayRead(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let (world, ids) = try await Self.load(store)
      let supervisor = Actor(role: .supervisor, id: "dc")
      func found(_ text: String, by actor: Actor) async throws -> [UUID] {
        try await store.searchStaff(try #require(SearchQuery(text)), by: actor, order: .newest).hits.map(\.item.id)
      }
      // Every fixture message was written from 13800138000 by 顾女士.
      #expect(try await found("13800138000", by: supervisor).count == Self.corpus.count)
      #expect(try await found("13912345678", by: supervisor) == [ids[3]])
      #expect(try await found("装修", by: supervisor) == [ids[5]])
      let serial = try #require(try await store.message(ids[6])?.serial.description)
      #expect(try await found(serial, by: supervisor) == [ids[6]])
      // The market unit reads the two it handles; the housing unit none; the office all it dispatches.
      #expect(Set(try await found("13800138000", by: world.marketHandler)) == [ids[4], ids[9]])
      #expect(try await found("13800138000", by: world.housingHandler).isEmpty)
      #expect(try await found("13800138000", by: world.dispatcher).count == Self.corpus.count)
      #expect(try await found("13800138000", by: Actor(role: .citizen, id: "c")).isEmpty)
    }
  }

  @Test(arguments: TestDatabase.available)
  func theIndex_followsChanges_andIsRebuilt(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let (world, ids) = try await Self.load(store)
      #expect(try await store.searchBacklog() == 0)
      let query = try #require(SearchQuery("照明"))
      // A new reply is found once indexed.
      _ = try await store.perform(.assign(lead: world.market.id), on: ids[3], by: world.dispatcher, at: Fixtures.now)
      _ = try await store.perform(.accept(), on: ids[3], by: world.marketHandler, at: Fixtures.now)
      _ = try await store.perform(.reply(body: "已恢复供暖和照明。"), on: ids[3], by: world.marketHandler, at: Fixtures.now)
      #expect(try await store.searchBacklog() == 1)
      try await store.indexPendingSearch()
      #expect(Set(try await store.searchPublic(query).hits.map(\.item.id)) == [ids[3], ids[4]])
      // Accepting changes nothing searchable: no mark.
      _ = try await store.perform(.assign(lead: world.market.id), on: ids[0], by: world.dispatcher, at: Fixtures.now)
      #expect(try await store.searchBacklog() == 0)
      #expect(try await store.rebuildSearchIndex(batch: 4) == Self.corpus.count)
      #expect(try await Self.observed(store, ids: ids) == Self.expected.map(\.found))
      // A message withheld is not found even before the index follows (its words still there).
      _ = try await store.moderate(
        ids[4], decision: .withhold(reason: "涉及个人信息"), by: world.dispatcher, at: Fixtures.now)
      #expect(try await store.searchBacklog() == 1)
      #expect(try await store.searchPublic(query).hits.map(\.item.id) == [ids[3]])
      #expect(try await store.searchPublic(query, order: .newest).hits.map(\.item.id) == [ids[3]])
      var filter = MessageFilter()
      filter.text = "照明"
      #expect(try await store.publicMessages(matching: filter).items.map(\.id) == [ids[3]])
    }
  }
}
