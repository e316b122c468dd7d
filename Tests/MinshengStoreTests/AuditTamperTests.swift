import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

@testable import MinshengStore

@Suite struct AuditTamperTests {
  /// A store with three messages and a few transitions each, their events sealed into the global
  /// chain (on PostgreSQL, where a moment passes between a commit and its sealing, unless `sealed`
  /// is false).
  func populated(_ store: Store, sealed: Bool = true) async throws -> [UUID] {
    try await populatedWorld(store, sealed: sealed).ids
  }

  /// The same with the world it was written in.
  func populatedWorld(_ store: Store, sealed: Bool = true) async throws -> (world: SeededWorld, ids: [UUID]) {
    let w = try await SeededWorld.create(in: store)
    var ids: [UUID] = []
    for i in 0..<3 {
      let id = try await store.submit(Fixtures.newMessage(title: "留言 \(i)", leader: w.secretary.id), at: Fixtures.now)
        .message.id
      try await store.perform(.assign(lead: w.market.id), on: id, by: w.dispatcher, at: Fixtures.now)
      try await store.perform(.accept(), on: id, by: w.marketHandler, at: Fixtures.now)
      ids.append(id)
    }
    if sealed { try await store.sealAllEvents() }
    return (w, ids)
  }

  @Test(arguments: TestDatabase.available)
  func eventsNotSealedYet_areCheckedByTheirMessagesChains_andCounted(db: TestDatabase) async throws {
    let postgres = db == .postgres
    try await db.withStore { (store: Store) async throws in
      _ = try await populated(store, sealed: false)
      #expect(
        try await store.verifyAudit() == AuditReport(eventCount: 9, unsealedCount: postgres ? 9 : 0, firstBreak: nil))
      try await store.sealAllEvents()
      #expect(try await store.verifyAudit() == AuditReport(eventCount: 9, firstBreak: nil))
    }
    // Edited before the sealer came by: its message's chain shows it, and the sealer does not hide it.
    try await db.withStore { (store: Store) async throws in
      _ = try await populated(store, sealed: false)
      try await store.database.executeAdministrative("UPDATE events SET note = '篡改' WHERE seq = 5")
      #expect(try await store.verifyAudit().firstBreak?.sequence == 5)
      try await store.sealAllEvents()
      #expect(try await store.verifyAudit().firstBreak?.sequence == 5)
    }
    // Deleted before the sealer came by: a gap in its message's chain (on SQLite, where every event is
    // sealed as it is written, in the global chain first).
    try await db.withStore { (store: Store) async throws in
      _ = try await populated(store, sealed: false)
      try await store.database.executeAdministrative("DELETE FROM events WHERE seq = 4")
      let report = try await store.verifyAudit()
      #expect(report.firstBreak?.sequence == 5)
      #expect(report.firstBreak?.reason.key == (postgres ? "audit_message_sequence" : "audit_sequence_gap"))
    }
  }

  @Test(arguments: TestDatabase.available)
  func eventsSealedLater_continueTheChain_afterTheSealedOnes(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let (w, ids) = try await populatedWorld(store)
      try await store.perform(.reply(body: "已处理。"), on: ids[0], by: w.marketHandler, at: Fixtures.now)
      _ = try await store.submit(Fixtures.newMessage(title: "第四条", leader: w.secretary.id), at: Fixtures.now)
      let before = try await store.verifyAudit()
      #expect(before.isIntact)
      #expect(before.eventCount == 11)
      try await store.sealAllEvents()
      #expect(try await store.verifyAudit() == AuditReport(eventCount: 11, firstBreak: nil))
      #expect(try await store.audit.auditHead() == 11)
      // A sealed event moved to another place breaks the global chain there.
      try await store.database.executeAdministrative(
        "UPDATE events SET chain_pos = -chain_pos WHERE chain_pos IN (10, 11)")
      try await store.database.executeAdministrative(
        "UPDATE events SET chain_pos = CASE WHEN chain_pos = -10 THEN 11 ELSE 10 END WHERE chain_pos < 0")
      #expect(try await store.verifyAudit().firstBreak?.reason.key == "audit_chain_hash")
    }
  }

  @Test(arguments: TestDatabase.available)
  func editedNote_isFoundAtItsEvent(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      _ = try await populated(store)
      #expect(try await store.verifyAudit() == AuditReport(eventCount: 9, firstBreak: nil))
      try await store.database.executeAdministrative("UPDATE events SET note = '篡改' WHERE seq = 5")
      let report = try await store.verifyAudit()
      #expect(report.firstBreak?.sequence == 5)
      #expect(report.eventCount == 4)
    }
  }

  @Test(arguments: TestDatabase.available)
  func editedStatusOrTime_isFound(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      _ = try await populated(store)
      try await store.database.executeAdministrative("UPDATE events SET at_ms = at_ms + 1 WHERE seq = 7")
      #expect(try await store.verifyAudit().firstBreak?.sequence == 7)
    }
    try await db.withStore { (store: Store) async throws in
      _ = try await populated(store)
      try await store.database.executeAdministrative("UPDATE events SET to_status = 'closed' WHERE seq = 2")
      #expect(try await store.verifyAudit().firstBreak?.sequence == 2)
    }
  }

  @Test(arguments: TestDatabase.available)
  func deletedEvent_inTheMiddleOrAtTheEnd_isFound(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      _ = try await populated(store)
      try await store.database.executeAdministrative("DELETE FROM events WHERE seq = 4")
      #expect(try await store.verifyAudit().firstBreak?.sequence == 5)
    }
    try await db.withStore { (store: Store) async throws in
      _ = try await populated(store)
      try await store.database.executeAdministrative("DELETE FROM events WHERE seq = 9")
      let report = try await store.verifyAudit()
      #expect(report.firstBreak != nil)
      #expect(report.eventCount == 8)
    }
  }

  @Test(arguments: TestDatabase.available)
  func deletedLastEventOfAMessage_withTheHeadWoundBack_isFoundByTheMessageTip(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      _ = try await populated(store)
      try await store.database.executeAdministrative("DELETE FROM events WHERE seq = 9")
      try await store.database.executeAdministrative("UPDATE audit_head SET last_seq = 8")
      let report = try await store.verifyAudit()
      #expect(report.firstBreak?.reason.chinese.contains("记录 3 个事件，链上实有 2 个") == true)
    }
  }

  @Test(arguments: TestDatabase.available)
  func rehashingOneEvent_stillBreaksTheNextOne(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      _ = try await populated(store)
      // A forger who rewrites an event's own hashes is caught by the event after it.
      try await store.database.executeAdministrative(
        "UPDATE events SET payload = '{}', message_hash = 'x', chain_hash = 'y' WHERE seq = 3")
      #expect(try await store.verifyAudit().firstBreak?.sequence == 3)
    }
  }
}
