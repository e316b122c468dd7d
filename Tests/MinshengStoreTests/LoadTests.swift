import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// The bulk path (`Store.load`): a case loaded whole is stored as `submit` and `perform` store it,
/// on every database, and a batch is stored whole or not at all.
@Suite struct LoadTests {
  /// Three cases: one replied after review and evaluated, one merged into the first (same batch),
  /// one left waiting; each step an hour after the one before.
  static func cases(_ world: SeededWorld, first: UUID) -> [CaseToLoad] {
    let at = Fixtures.now
    func hour(_ n: Int) -> Date { at.addingTimeInterval(Double(n) * 3_600) }
    var noise = Fixtures.newMessage(title: "夜间施工噪音扰民", leader: world.secretary.id)
    noise.body = "滨江路工地每天夜里施工，噪音很大。"
    let again = Fixtures.newMessage(title: "工地夜里施工", leader: world.secretary.id)
    let waiting = Fixtures.newMessage(title: "路灯不亮", leader: world.secretary.id)
    return [
      CaseToLoad(
        id: first, noise, receivedAt: at,
        steps: [
          .init(.assign(lead: world.housing.id, instruction: "请核实"), by: world.dispatcher, at: hour(1)),
          .init(.accept(), by: world.housingHandler, at: hour(2)),
          .init(.reply(body: "已责令工地夜间停工。"), by: world.housingHandler, at: hour(3)),
          .init(.approveReply(), by: world.housingReviewer, at: hour(4)),
          .init(.evaluate(Evaluation(resolution: 5, attitude: 5, speed: 4)), by: world.author, at: hour(5)),
        ]),
      CaseToLoad(
        again, receivedAt: hour(1),
        steps: [.init(.merge(into: first, note: "同一工地"), by: world.dispatcher, at: hour(2))]),
      CaseToLoad(waiting, receivedAt: hour(2), steps: []),
    ]
  }

  /// The same cases through `submit` and `perform`, one step at a time.
  static func performed(_ cases: [CaseToLoad], on store: Store) async throws -> [UUID] {
    var ids: [UUID] = []
    var replaced: [UUID: UUID] = [:]
    for item in cases {
      let id = try await store.submit(item.input, at: item.receivedAt).message.id
      if let given = item.id { replaced[given] = id }
      for step in item.steps {
        var command = step.command
        if case .merge(let parent, let note) = command {
          command = .merge(into: replaced[parent] ?? parent, note: note)
        }
        try await store.perform(command, on: id, by: step.actor, at: step.at)
      }
      ids.append(id)
    }
    return ids
  }

  /// What a case is, leaving out what differs between any two stores (ids, hashes, tracking codes).
  static func summary(_ id: UUID, on store: Store, world: SeededWorld) async throws -> [String] {
    let units = [world.housing, world.market, world.petitionOffice]
    func name(_ text: String) -> String { units.first { $0.id.uuidString == text }?.code ?? text }
    let file = try #require(try await store.caseFile(id))
    let message = file.message
    var lines = [
      "\(message.serial) \(message.status) \(message.closure.map { "\($0)" } ?? "-") v\(message.version)"
        + " due \(message.acceptanceDue.map { "\($0)" } ?? "-")/\(message.replyDue.map { "\($0)" } ?? "-")"
        + " merged \(message.mergedIntoID != nil) lead \(name(message.leadUnitID?.uuidString ?? "-"))"
    ]
    lines += file.events.map {
      "\($0.messageSequence) \($0.draft.action) \($0.draft.from?.rawValue ?? "-")>\($0.draft.to.rawValue)"
        + " \($0.draft.actor.id) \($0.draft.at.timeIntervalSince1970) \($0.draft.note ?? "")"
        + " \($0.draft.payload.filter { $0.key != "merged_into" }.mapValues(name).sorted { $0.key < $1.key })"
    }
    lines += file.replies.map { "reply \($0.body) \($0.publishedAt.timeIntervalSince1970)" }
    lines += try await store.evaluation(of: id).map { ["evaluation \($0.evaluation.resolution)"] } ?? []
    return lines
  }

  @Test(arguments: TestDatabase.available)
  func aLoadedCase_isStoredAsPerformedOne(db: TestDatabase) async throws {
    let first = UUID()
    let viaPerform = try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let ids = try await Self.performed(Self.cases(world, first: first), on: store)
      var lines: [[String]] = []
      for id in ids { lines.append(try await Self.summary(id, on: store, world: world)) }
      return lines
    }
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      // An earlier message and event: the load numbers and chains after them.
      _ = try await store.submit(Fixtures.newMessage(title: "先到的留言", leader: world.secretary.id), at: Fixtures.now)
      while try await store.indexPendingSearch() > 0 {}
      let loaded = try await store.load(Self.cases(world, first: first))
      // Searchable at once, nothing left waiting.
      #expect(try await store.searchBacklog() == 0)
      let found = try await store.searchPublic(try #require(SearchQuery("夜间停工"))).hits.map(\.item.id)
      #expect(found == [first])
      #expect(loaded.map(\.serial.number) == [2, 3, 4])
      #expect(loaded[0].id == first && loaded[1].mergedIntoID == first)
      var lines: [[String]] = []
      for message in loaded { lines.append(try await Self.summary(message.id, on: store, world: world)) }
      // Serials differ by the earlier message; everything else is the same.
      let unnumbered = lines.map { [String($0[0].drop { $0 != " " })] + $0.dropFirst() }
      let expected = viaPerform.map { [String($0[0].drop { $0 != " " })] + $0.dropFirst() }
      #expect(unnumbered.count == expected.count)
      for (got, want) in zip(unnumbered.joined(), expected.joined()) where got != want {
        Issue.record("loaded: \(got)\nperformed: \(want)")
      }
      // A step after the load continues the same chains.
      try await store.perform(.assign(lead: world.market.id), on: loaded[2].id, by: world.dispatcher, at: Fixtures.now)
      let audit = try await store.verifyAudit()
      #expect(audit.isIntact && audit.eventCount == 1 + 6 + 2 + 1 + 1)
    }
  }

  @Test(arguments: TestDatabase.available)
  func aBatchWithARefusedStep_storesNothing(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      var cases = Self.cases(world, first: UUID())
      // A handler may not accept a case that is not assigned to the unit.
      cases[2].steps = [.init(.accept(), by: world.marketHandler, at: Fixtures.now)]
      await #expect(throws: WorkflowError.self) { try await store.load(cases) }
      var unknown = Self.cases(world, first: UUID())
      unknown[2].input.leaderID = UUID()
      await #expect(throws: ValidationError.self) { try await store.load(unknown) }
      #expect(try await store.verifyAudit().eventCount == 0)
      #expect(try await store.countByStatus().values.reduce(0, +) == 0)
    }
  }
}
