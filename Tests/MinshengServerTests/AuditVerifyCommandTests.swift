import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing

@Suite struct AuditVerifyCommandTests {
  @Test(arguments: TestDatabase.available)
  func intactChain_printsOkWithTheEventCount(db: TestDatabase) async throws {
    try await db.withStore { store in
      let w = try await SeededWorld.create(in: store)
      let id = try await store.submit(Fixtures.newMessage(leader: w.secretary.id), at: Fixtures.now).message.id
      try await store.perform(.assign(lead: w.housing.id), on: id, by: w.dispatcher, at: Fixtures.now)
      // On PostgreSQL the sealer links events into the global chain a moment after they commit.
      let (code, output) = try await AuditVerification.run(store)
      #expect(code == 0)
      #expect(output == (db == .postgres ? "ok: 2 events (2 not sealed into the global chain yet)" : "ok: 2 events"))
      try await store.sealAllEvents()
      #expect(try await AuditVerification.run(store) == (0, "ok: 2 events"))
    }
  }

  @Test(arguments: TestDatabase.available)
  func handEditedEventRow_exitsOneNamingTheEvent(db: TestDatabase) async throws {
    try await db.withStore { store in
      let w = try await SeededWorld.create(in: store)
      for title in ["夜间施工噪音", "路灯不亮", "校门口摊点"] {
        let id = try await store.submit(Fixtures.newMessage(title: title, leader: w.secretary.id), at: Fixtures.now)
          .message.id
        try await store.perform(.assign(lead: w.housing.id), on: id, by: w.dispatcher, at: Fixtures.now)
      }
      try await store.database.executeAdministrative("UPDATE events SET actor_id = 'someone-else' WHERE seq = 4")
      let (code, output) = try await AuditVerification.run(store)
      #expect(code == 1)
      #expect(output.hasPrefix("broken: event seq=4 id="))
      #expect(output.contains("3 events verified before it"))
    }
  }
}

@Suite struct ConfigurationTests {
  @Test func defaults_useTheEmbeddedSQLiteFile() throws {
    let configuration = try Configuration.read(from: [:])
    #expect(configuration.database == .sqlite(path: "minsheng.sqlite"))
    #expect(configuration.logLevel == .info)
  }

  @Test func postgresURL_switchesEngine_andIsPrintedWithoutItsPassword() throws {
    let configuration = try Configuration.read(from: [
      "DATABASE_URL": "postgres://minsheng:s3cret@db.example:5432/minsheng"
    ])
    #expect(configuration.database.isPostgres)
    #expect(configuration.database.description == "postgres://minsheng:***@db.example:5432/minsheng")
  }

  @Test func everyBadVariable_isListedAtOnce_withoutSecrets() {
    do {
      _ = try Configuration.read(from: [
        "DATABASE_URL": "mysql://root:hunter2@localhost/x", "LOG_LEVEL": "loud",
        "MINSHENG_SLA_FILE": "/nonexistent/sla.json", "MINSHENG_CALENDAR_FILES": "/nonexistent/cn-2027.json",
      ])
      Issue.record("a bad configuration was accepted")
    } catch {
      #expect(error.lines.count == 4)
      #expect(
        error.lines.map { $0.split(separator: ":")[0] } == [
          "DATABASE_URL", "LOG_LEVEL", "MINSHENG_CALENDAR_FILES", "MINSHENG_SLA_FILE",
        ])
      #expect(!error.description.contains("hunter2"))
    }
  }

  @Test func extraCalendarFile_addsAYear() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("cn-2027-\(UUID().uuidString).json")
    try Data(
      #"{"year": 2027, "source": "test", "holidays": [{"name": "元旦", "offFrom": "2027-01-01", "offTo": "2027-01-01", "work": []}]}"#
        .utf8
    ).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let rules = try Configuration.read(from: ["MINSHENG_CALENDAR_FILES": file.path]).caseRules()
    #expect(rules.calendar.covers(2027))
    #expect(!rules.calendar.isWorkingDay(LocalDate("2027-01-01")!))
  }

  @Test func sqliteLocations_parse() throws {
    #expect(
      try DatabaseLocation.parse("sqlite:///var/lib/minsheng/data.sqlite")
        == .sqlite(path: "/var/lib/minsheng/data.sqlite"))
    #expect(try DatabaseLocation.parse("sqlite:data.sqlite") == .sqlite(path: "data.sqlite"))
    #expect(try DatabaseLocation.parse("/tmp/x.sqlite") == .sqlite(path: "/tmp/x.sqlite"))
    #expect(try DatabaseLocation.parse("") == .sqlite(path: "minsheng.sqlite"))
    #expect(throws: DatabaseLocationError.self) { try DatabaseLocation.parse("postgres://nohost") }
  }
}
