import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

@testable import MinshengStore

/// 备份与恢复 on SQLite: a copy taken while messages keep arriving is one consistent moment, checked,
/// and restores into an empty place with the same counts and the same audit head.
@Suite struct BackupTests {
  @Test func aBackupTakenWhileWriting_restoresIntoAnEmptyPlace_withTheSameCountsAndAuditHead() async throws {
    try await TestDatabase.sqlite.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      for index in 0..<50 {
        _ = try await store.submit(
          Fixtures.newMessage(title: "留言 \(index)", leader: world.secretary.id), at: Fixtures.now)
      }
      guard case .sqlite(let path) = store.database.location else { return }
      let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
      let backup = directory.appendingPathComponent("backup.sqlite").path
      // Messages keep arriving while the copy is taken.
      let writer = Task {
        for index in 0..<100 {
          _ = try await store.submit(
            Fixtures.newMessage(title: "写入中 \(index)", leader: world.secretary.id), at: Fixtures.now)
        }
      }
      let summary = try await store.database.backup(to: backup)
      try await writer.value
      #expect(summary.integrity == "ok")
      #expect((50...150).contains(summary.messages))
      #expect(summary.events == summary.messages, "one received event per message")
      #expect(summary.auditHead == Int64(summary.events))
      await #expect(throws: BackupError.self) { _ = try await store.database.backup(to: backup) }

      let restoredPath = directory.appendingPathComponent("restored/minsheng.sqlite").path
      try FileManager.default.createDirectory(
        atPath: (restoredPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      let restored = try await StoreDatabase.restore(from: backup, to: .sqlite(path: restoredPath))
      #expect(restored == summary)
      let database = try await StoreDatabase.open(.sqlite(path: restoredPath))
      let reopened = Store(database: database, rules: store.rules)
      #expect(try await reopened.countByStatus().values.reduce(0, +) == summary.messages)
      #expect(try await reopened.verifyAudit().isIntact)
      #expect(try await reopened.audit.auditHead() == summary.auditHead)
      await database.close()
      // A database that exists is not replaced unless asked, and a damaged backup is refused.
      await #expect(throws: BackupError.self) {
        _ = try await StoreDatabase.restore(from: backup, to: .sqlite(path: restoredPath))
      }
      var damaged = try Data(contentsOf: URL(fileURLWithPath: backup))
      damaged.replaceSubrange(4_096..<8_192, with: Data(repeating: 0xAB, count: 4_096))
      let broken = directory.appendingPathComponent("broken.sqlite").path
      try damaged.write(to: URL(fileURLWithPath: broken))
      await #expect(throws: (any Error).self) { _ = try await StoreDatabase.summary(ofSQLite: broken) }
    }
  }
}
