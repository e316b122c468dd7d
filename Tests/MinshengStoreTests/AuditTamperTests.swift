import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

@Suite struct AuditTamperTests {
  /// A store with three messages and a few transitions each.
  func populated(_ store: Store) async throws -> [UUID] {
    let w = try await SeededWorld.create(in: store)
    var ids: [UUID] = []
    for i in 0..<3 {
      let id = try await store.submit(Fixtures.newMessage(title: "留言 \(i)", leader: w.secretary.id), at: Fixtures.now)
        .message.id
      try await store.perform(.assign(lead: w.market.id), on: id, by: w.dispatcher, at: Fixtures.now)
      try await store.perform(.accept(), on: id, by: w.marketHandler, at: Fixtures.now)
      ids.append(id)
    }
    return ids
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
