import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

@Suite struct IntakeTests {
  @Test(arguments: TestDatabase.available)
  func submit_storesTheMessage_withSerialTrackingCodeAndReceivedEvent(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let first = try await store.submit(
        Fixtures.newMessage(leader: world.secretary.id, category: world.noise.id), at: Fixtures.now)
      let second = try await store.submit(Fixtures.newMessage(title: "路灯不亮"), at: Fixtures.now)
      #expect(first.message.serial.description == "2026-000001")
      #expect(second.message.serial.description == "2026-000002")
      #expect(first.message.status == .received)
      #expect(first.message.regionID == world.city.id)
      #expect(first.message.dispatchingUnitID == world.petitionOffice.id)
      #expect(first.message.suggestedUnitID == world.housing.id)

      let stored = try #require(try await store.message(first.message.id))
      #expect(stored == first.message)
      #expect(try await store.message(trackingCode: first.trackingCode)?.id == first.message.id)
      #expect(
        try await store.message(trackingCode: first.trackingCode.lowercased().replacingOccurrences(of: "-", with: ""))?
          .id == first.message.id)
      #expect(try await store.message(trackingCode: "2222-2222-2222-2222") == nil)
      #expect(try await store.message(trackingCode: "'; DROP TABLE messages; --") == nil)

      let events = try await store.events(of: first.message.id)
      #expect(events.count == 1)
      #expect(events[0].draft.action == .received)
      #expect(events[0].draft.to == .received)
      #expect(events[0].messageSequence == 1)
    }
  }

  @Test(arguments: TestDatabase.available)
  func countyMessage_isRoutedByTheCountyRule_andDispatchedByTheCountyOffice(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let submission = try await store.submit(
        Fixtures.newMessage(region: world.county.id, category: world.noise.id), at: Fixtures.now)
      #expect(submission.message.suggestedUnitID == world.market.id)
      #expect(submission.message.dispatchingUnitID == world.countyOffice.id)
    }
  }

  @Test(arguments: TestDatabase.available)
  func unknownReferences_areRefusedAndNothingIsStored(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      _ = try await SeededWorld.create(in: store)
      await #expect(throws: ValidationError.self) {
        try await store.submit(Fixtures.newMessage(leader: UUID(), category: UUID()), at: Fixtures.now)
      }
      var bad = Fixtures.newMessage()
      bad.title = ""
      await #expect(throws: ValidationError.self) { try await store.submit(bad, at: Fixtures.now) }
      #expect(try await store.countByStatus().isEmpty)
      #expect(try await store.verifyAudit().eventCount == 0)
    }
  }

  @Test(arguments: TestDatabase.available)
  func chineseText_andEmoji_roundTripExactly(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      var input = Fixtures.newMessage(title: "噪音扰民😡「深夜」施工")
      input.body = "第一行\n第二行：𠮷野家门口，‘引号’与\u{3000}全角空格。"
      input.location = Location(address: "示范市中心区 18 号", latitude: 29.563_01, longitude: 106.551_55)
      let submission = try await store.submit(input, at: Fixtures.now)
      let stored = try #require(try await store.message(submission.message.id))
      #expect(stored.title == "噪音扰民😡「深夜」施工")
      #expect(stored.body == input.body)
      #expect(stored.location == input.location)
    }
  }

  @Test(arguments: TestDatabase.available)
  func referenceCodes_areUnique(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let city = try await store.createRegion(code: "990000", name: "示范市")
      await #expect(throws: StoreError.duplicate(.regionCode, key: "990000")) {
        try await store.createRegion(code: "990000", name: "又一个示范市")
      }
      _ = try await store.createUnit(code: "ZJW", name: "市住建委", region: city.id)
      await #expect(throws: StoreError.self) { try await store.createUnit(code: "ZJW", name: "重复", region: city.id) }
    }
  }

  @Test(arguments: TestDatabase.available)
  func migrations_leaveNothingPending(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      #expect(try await store.database.pendingMigrations().isEmpty)
    }
  }

  @Test func sqlite_commitsDurably_inWALWithFullSync() async throws {
    try await TestDatabase.sqlite.withStore { (store: Store) async throws in
      #expect(try await store.database.sqlitePragma("journal_mode") == "wal")
      #expect(try await store.database.sqlitePragma("synchronous") == "2")
      #expect(try await store.database.sqlitePragma("foreign_keys") == "1")
    }
  }
}

@Suite struct ReferenceDataTests {
  @Test(arguments: TestDatabase.available)
  func unitAddedByAnotherInstance_isFoundAtOnce(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let w = try await SeededWorld.create(in: store)
      let id = try await store.submit(Fixtures.newMessage(leader: w.secretary.id), at: Fixtures.now).message.id
      // Another instance on the same database: its own store and cache.
      let other = Store(database: store.database, rules: store.rules)
      let newUnit = try await other.createUnit(code: "GAJ", name: "市公安局交警支队", region: w.city.id)
      let assigned = try await store.perform(.assign(lead: newUnit.id), on: id, by: w.dispatcher, at: Fixtures.now)
      #expect(assigned.leadUnitID == newUnit.id)
    }
  }

  @Test(arguments: TestDatabase.available)
  func serialNumbers_restartEachYear(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let late = Fixtures.at("2026-12-31", 23, 59)
      let early = Fixtures.at("2027-01-01", 0, 1)
      #expect(try await store.submit(Fixtures.newMessage(), at: late).message.serial.description == "2026-000001")
      #expect(try await store.submit(Fixtures.newMessage(), at: late).message.serial.description == "2026-000002")
      #expect(try await store.submit(Fixtures.newMessage(), at: early).message.serial.description == "2027-000001")
      #expect(try await store.submit(Fixtures.newMessage(), at: late).message.serial.description == "2026-000003")
    }
  }
}
