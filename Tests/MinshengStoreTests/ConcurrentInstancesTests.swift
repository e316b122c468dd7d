import Foundation
import Logging
import MinshengCore
import MinshengTestSupport
import SQLKit
import Testing

@testable import MinshengStore

/// A province runs several `serve` instances on one PostgreSQL: two stores on one database write at
/// once, each sealing the global chain now and then as `serve` does, and each reads what the other
/// acknowledged.
@Suite struct ConcurrentInstancesTests {
  static var logger: Logger {
    var logger = Logger(label: "minsheng.test")
    logger.logLevel = .warning
    return logger
  }

  @Test(.enabled(if: TestDatabase.available.contains(.postgres)))
  func twoInstancesWritingAtOnce_numberUniquely_andTheChainVerifies() async throws {
    try await TestDatabase.postgres.withDatabase { location in
      let first = try await StoreDatabase.open(location, logger: Self.logger)
      try await first.migrate()
      let a = Store(database: first, rules: Fixtures.rules)
      let w = try await SeededWorld.create(in: a)
      let second = try await StoreDatabase.open(location, logger: Self.logger)
      let b = Store(database: second, rules: Fixtures.rules)
      do {
        try await write(a, b, w)
      } catch {
        await first.close()
        await second.close()
        throw error
      }
      await first.close()
      await second.close()
    }
  }

  func write(_ a: Store, _ b: Store, _ w: SeededWorld) async throws {
    do {
      // 16 writers on each instance, each taking 5 messages in and assigning them, while each
      // instance's sealer runs.
      let (writers, each) = (16, 5)
      let sealing = Task {
        while !Task.isCancelled {
          try await a.sealEvents()
          try await b.sealEvents()
          try await Task.sleep(for: .milliseconds(5))
        }
      }
      let written = try await withThrowingTaskGroup(of: [(UUID, Serial, Bool)].self) { group in
        for writer in 0..<(2 * writers) {
          let store = writer % 2 == 0 ? a : b
          group.addTask {
            var done: [(UUID, Serial, Bool)] = []
            for i in 0..<each {
              let message = try await store.submit(
                Fixtures.newMessage(title: "并发留言 \(writer)-\(i)", leader: w.secretary.id), at: Fixtures.now
              ).message
              try await store.perform(.assign(lead: w.market.id), on: message.id, by: w.dispatcher, at: Fixtures.now)
              done.append((message.id, message.serial, writer % 2 == 0))
            }
            return done
          }
        }
        return try await group.reduce(into: []) { $0 += $1 }
      }
      sealing.cancel()
      _ = await sealing.result
      let count = 2 * writers * each
      #expect(written.count == count)
      // Every acknowledged message is there, read from the instance that did not write it.
      for (id, serial, byFirst) in written {
        let message = try await (byFirst ? b : a).message(id)
        #expect(message?.serial == serial)
        #expect(message?.status == .assigned)
      }
      // Serial numbers are unique; nothing failed, so none was used up: 1 to `count`.
      #expect(Set(written.map(\.1.number)) == Set(1...count))
      // Intakes and changes queued up and shared transactions.
      let shared = [a, b].compactMap { $0.database.groupCommit?.committed }
      #expect(shared.map(\.jobs).reduce(0, +) == 2 * count)
      #expect(shared.map(\.transactions).reduce(0, +) < 2 * count)
      try await b.sealAllEvents()
      #expect(try await a.verifyAudit() == AuditReport(eventCount: 2 * count, firstBreak: nil))
      #expect(try await b.verifyAudit() == AuditReport(eventCount: 2 * count, firstBreak: nil))
    }
  }

  /// Intakes that queue up share a transaction; one refused inside it (over a rate limit) undoes only
  /// itself, and the others are stored.
  @Test(arguments: TestDatabase.available)
  func refusedIntakesInASharedTransaction_undoOnlyThemselves(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let w = try await SeededWorld.create(in: store)
      let limited = Store(
        database: store.database, rules: Fixtures.rules,
        policy: IntakePolicy(moderation: false, perAddress: RateLimit(count: 10, window: 3_600)))
      let outcomes = await withTaskGroup(of: Result<Serial, any Error>.self) { group in
        for i in 0..<24 {
          group.addTask {
            do {
              return .success(
                try await limited.submit(
                  Fixtures.newMessage(title: "同一地址 \(i)", leader: w.secretary.id), at: Fixtures.now,
                  origin: IntakeOrigin(address: "198.18.0.7", region: nil)
                ).message.serial)
            } catch {
              return .failure(error)
            }
          }
        }
        return await group.reduce(into: []) { $0.append($1) }
      }
      let stored = outcomes.compactMap { try? $0.get() }
      let refused = outcomes.compactMap { outcome -> StoreError? in
        if case .failure(let error) = outcome { return error as? StoreError }
        return nil
      }
      #expect(stored.count == 10)
      #expect(refused.count == 14)
      #expect(refused.allSatisfy { if case .rateLimited = $0 { true } else { false } })
      #expect(Set(stored).count == 10)
      #expect(try await store.countByStatus().values.reduce(0, +) == 10)
      try await store.sealAllEvents()
      #expect(try await store.verifyAudit() == AuditReport(eventCount: 10, firstBreak: nil))
    }
  }

  /// An instance keeps the public stamps it read while it listens for changes: another instance's
  /// change reaches it when the change commits, its own at once.
  @Test(.enabled(if: TestDatabase.available.contains(.postgres)))
  func keptPublicStamps_followChangesMadeByEitherInstance() async throws {
    try await TestDatabase.postgres.withDatabase { location in
      let first = try await StoreDatabase.open(location, logger: Self.logger)
      try await first.migrate()
      let second = try await StoreDatabase.open(location, logger: Self.logger)
      do {
        let (a, b) = (Store(database: first, rules: Fixtures.rules), Store(database: second, rules: Fixtures.rules))
        let w = try await SeededWorld.create(in: a)
        first.listenForChanges()
        for _ in 0..<100 where first.stamps?.token() == nil { try await Task.sleep(for: .milliseconds(50)) }
        #expect(first.stamps?.token() != nil)
        let id = try await b.submit(Fixtures.newMessage(leader: w.secretary.id), at: Fixtures.now).message.id
        let read = try #require(try await a.publicStamp(of: id))
        #expect(first.stamps?.stamp(of: id) == read)
        // Changed by the other instance: heard when it commits.
        try await b.perform(.assign(lead: w.market.id), on: id, by: w.dispatcher, at: Fixtures.now)
        var seen = try await a.publicStamp(of: id)
        for _ in 0..<100 where seen?.version == read.version {
          try await Task.sleep(for: .milliseconds(20))
          seen = try await a.publicStamp(of: id)
        }
        #expect(seen?.version == read.version + 1)
        // Changed by this instance: its next read has it, without waiting for the notification.
        _ = try await a.publicStamp(of: id)
        try await a.perform(.accept(), on: id, by: w.marketHandler, at: Fixtures.now)
        #expect(try await a.publicStamp(of: id)?.version == read.version + 2)
      } catch {
        await first.close()
        await second.close()
        throw error
      }
      await first.close()
      await second.close()
    }
  }
}
