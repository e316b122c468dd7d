import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

@testable import MinshengServer

@Suite struct DemoTests {
  func load(_ db: TestDatabase, seed: UInt64) async throws -> (Demo.Summary, [String], AuditReport) {
    try await db.withDatabase { location in
      let database = try await StoreDatabase.open(location, implementation: db.implementation)
      do {
        try await database.migrate()
        let store = Store(database: database, rules: Fixtures.rules, ids: SeededIdentifiers(seed: seed))
        var reported: [(stage: DemoStage, done: Int, total: Int)] = []
        let summary = try await Demo.load(
          into: store, messages: 120, seed: seed, now: Fixtures.now, passwords: PasswordHashing(cost: 4)
        ) { reported.append(($0, $1, $2)) }
        // Each stage is reported in turn, counting up to its whole, and leaves nothing behind.
        let stages = reported.map(\.stage).reduce(into: [DemoStage]()) { if $0.last != $1 { $0.append($1) } }
        #expect(stages.first == .messages && stages.contains(.rollups), "\(stages)")
        #expect(stages == DemoStage.allCases.filter(stages.contains))
        #expect(reported.allSatisfy { $0.done <= $0.total })
        #expect(reported.last { $0.stage == .messages }.map { [$0.done, $0.total] } == [120, 120])
        #expect(try await store.rollupBacklog() == 0)
        #expect(try await store.searchBacklog() == 0)
        #expect(try await store.duplicateBacklog() == 0)
        let lines = try await store.allMessages().map { "\($0.serial) \($0.type) \($0.status) \($0.title)" }
        let audit = try await store.verifyAudit()
        await database.close()
        return (summary, lines.sorted(), audit)
      } catch {
        await database.close()
        throw error
      }
    }
  }

  @Test(arguments: TestDatabase.available)
  func demo_fillsEveryStatus_keepsTheChainIntact_andIsDeterministic(db: TestDatabase) async throws {
    let (summary, lines, audit) = try await load(db, seed: 7)
    #expect(summary.messages == 120)
    #expect(summary.units >= 20)
    #expect(summary.regions == 7)
    #expect(audit.isIntact)
    let open = Status.allCases.filter { (summary.byStatus[$0] ?? 0) > 0 }
    #expect(open.count >= 8, "statuses used: \(open)")
    #expect(lines.allSatisfy { !$0.contains("{place}") })
    #expect(Set(summary.accounts.map(\.role)) == [.dispatcher, .handler, .reviewer, .supervisor, .admin])
    let (_, again, _) = try await load(db, seed: 7)
    #expect(again == lines)
    let (_, other, _) = try await load(db, seed: 8)
    #expect(other != lines)
  }

  /// Everyone in the demonstration has someone to act (#22): each message waiting in a pool has a
  /// dispatcher account in its office, each message with a unit a handler account there; and each
  /// title comes with its own body and its own reply.
  @Test func demo_everyWaitingMessageHasStaff_andTitlesMatchBodiesAndReplies() async throws {
    try await TestDatabase.sqlite.withStore { (store: Store) async throws in
      let summary = try await Demo.load(
        into: store, messages: 200, seed: 11, now: Fixtures.now, passwords: PasswordHashing(cost: 4))
      let accounts = try await store.staffAccounts()
      func has(_ role: Role, in unit: UUID?) -> Bool {
        accounts.contains { $0.role == role && $0.unitID == unit && unit != nil }
      }
      let messages = try await store.allMessages()
      for message in messages where [.received, .returned].contains(message.status) {
        #expect(has(.dispatcher, in: message.dispatchingUnitID), "\(message.serial) waits for a dispatcher")
      }
      for message in messages where [.assigned, .accepted, .extensionRequested].contains(message.status) {
        #expect(has(.handler, in: message.leadUnitID), "\(message.serial) waits for a handler")
      }
      #expect(summary.accounts.contains { $0.username == "zxq.dispatcher" })
      // Titles and bodies from the same case; replies from that case too.
      func matches(_ template: String, _ text: String) -> Bool {
        DemoCatalogue.places.contains { template.replacingOccurrences(of: "{place}", with: $0) == text }
      }
      let cases = DemoCatalogue.topics.flatMap(\.cases)
      var replied = 0
      // The suggestions of the demonstration's campaigns have their own texts (`DemoProposals`).
      #expect(summary.proposals == 3)
      #expect(Set(try await store.publicProposals().map(\.stage)) == [.collecting, .adopted, .answered])
      for message in messages where message.type != .thanks {
        if try await store.proposal(message.id) != nil { continue }
        let matter = cases.first { matches($0.title, message.title) }
        #expect(matter.map { matches($0.body, message.body) } == true, "\(message.title): \(message.body)")
        for reply in try await store.publishedReplies(of: message.id) {
          #expect(matter.map { matches($0.reply, reply.body) } == true, "\(message.title): \(reply.body)")
          replied += 1
        }
      }
      #expect(replied > 20)
    }
  }

  @Test func demo_refusesADatabaseThatHasData() async throws {
    try await TestDatabase.sqlite.withStore { (store: Store) async throws in
      _ = try await store.createRegion(code: "990000", name: "示范市")
      await #expect(throws: StoreError.self) {
        try await Demo.load(into: store, messages: 1, seed: 1, now: Fixtures.now)
      }
    }
  }

  /// The demonstration's ids come from its seed (a repeatable city), its tracking codes never: with the
  /// seed known, seeded codes would open every message, private ones too.
  @Test func demoTrackingCodes_comeFromTheSystemGenerator() {
    let (one, two) = (SeededIdentifiers(seed: 2023), SeededIdentifiers(seed: 2023))
    #expect(one.newID() == two.newID())
    let codes = Set((0..<20).map { _ in one.trackingCode() } + (0..<20).map { _ in two.trackingCode() })
    #expect(codes.count == 40)
  }
}
