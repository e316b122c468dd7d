import Foundation
import Logging
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// 只读副本 (#21): with `DATABASE_READ_URLS`, the public's reads and searches go to a streaming
/// replica made by `pg_basebackup` (`scripts/with-postgres.sh` with `MINSHENG_PG_REPLICA=1`, as
/// `scripts/test.sh` runs it); when the replica stops, the same reads are answered by the primary,
/// without an error.
@Suite struct ReadReplicaTests {
  static let environment = ProcessInfo.processInfo.environment

  @Test func publicReads_useTheReplica_andThePrimaryOnceItStops() async throws {
    guard TestDatabase.available.contains(.postgres) else { return }
    guard let replica = Self.environment["MINSHENG_TEST_POSTGRES_REPLICA_URL"],
      let stop = Self.environment["MINSHENG_TEST_PG_REPLICA_STOP"]
    else {
      // Only a PostgreSQL given by hand may come without a replica; CI's always has one.
      if Self.environment["CI"] == "true" { Issue.record("CI's PostgreSQL has no streaming replica") }
      return
    }
    try await TestDatabase.postgres.withDatabase { location in
      guard case .postgres(let url) = location, var components = URLComponents(string: url),
        let replicaComponents = URLComponents(string: replica)
      else { throw TestDatabaseError.postgresNotConfigured }
      // The same database on the replica's port.
      components.port = replicaComponents.port
      var logger = Logger(label: "minsheng.test")
      logger.logLevel = .critical
      let database = try await StoreDatabase.open(
        location, logger: logger, maxConnections: 4, readReplicas: [components.string ?? replica])
      do {
        try await database.migrate()
        let store = Store(database: database, rules: try CaseRules.bundled())
        let world = try await SeededWorld.create(in: store)
        var input = Fixtures.newMessage(title: "副本读取测试：路灯不亮", leader: world.secretary.id)
        input.body = "滨江路路灯坏了半个月。"
        let id = try await store.submit(input, at: Fixtures.now).message.id
        try await store.indexPendingSearch()
        let query = try #require(SearchQuery("路灯"))

        // A moment later the replica has it (it is checked every two seconds) and answers.
        var seen = false
        for _ in 0..<60 where !seen {
          try await Task.sleep(for: .milliseconds(250))
          let list = try await store.publicMessages(matching: MessageFilter()).items.map(\.id)
          seen = list.contains(id) && database.readReplicaState.first?.usable == true
        }
        #expect(seen, "the replica caught up and was used")
        let before = database.readReplicaState.first?.answered ?? 0
        #expect(try await store.searchPublic(query).hits.map(\.item.id) == [id])
        #expect(try await store.publicStamp(of: id)?.isPublic == true)
        #expect((database.readReplicaState.first?.answered ?? 0) > before, "the replica answered")

        // Stopped: the same reads, answered by the primary, no error.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", stop]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try await store.publicMessages(matching: MessageFilter()).items.map(\.id).contains(id))
        #expect(try await store.searchPublic(query).hits.map(\.item.id) == [id])
        #expect(try await store.publicStamp(of: id)?.isPublic == true)
        #expect(database.readReplicaState.first?.usable == false)
      } catch {
        await database.close()
        throw error
      }
      await database.close()
    }
  }
}
