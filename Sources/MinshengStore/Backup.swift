import Foundation
import MinshengCore

/// What a backup holds, read back from the copy: enough to compare it with the database it was
/// taken from, and to trust it (the audit chains are verified on the copy).
public struct BackupSummary: Sendable, Equatable {
  public var messages: Int
  public var events: Int
  /// The last sequence of the global audit chain.
  public var auditHead: Int64
  /// SQLite's integrity check of the file ("ok").
  public var integrity: String
}

/// Why a backup or a restore was refused; nothing was changed.
public struct BackupError: Error, Sendable, CustomStringConvertible {
  public var text: LocalizedText
  public var description: String { text.chinese }
}

extension StoreDatabase {
  /// 备份 (SQLite): copies the database into `destination`, a new file, with SQLite's online backup
  /// API — safe while `serve` runs — then checks the copy (SQLite's integrity check, the audit
  /// chains) and returns what it holds. PostgreSQL is backed up with `pg_dump` (docs/operations.md).
  public func backup(to destination: String) async throws -> BackupSummary {
    guard case .sqlite(let path) = location else { throw BackupError(text: LocalizedText("backup_postgres")) }
    guard !FileManager.default.fileExists(atPath: destination) else {
      throw BackupError(text: LocalizedText("backup_exists", ["path": .plain(destination)]))
    }
    do {
      try await Self.onThread { try SQLiteHandle.backup(from: path, to: destination) }
      return try await Self.summary(ofSQLite: destination)
    } catch {
      try? FileManager.default.removeItem(atPath: destination)
      throw error
    }
  }

  /// What a SQLite database file holds, checked: integrity and audit chains. Throws `BackupError`
  /// when either is broken.
  public static func summary(ofSQLite path: String) async throws -> BackupSummary {
    let integrity = try await onThread { try SQLiteHandle.integrityCheck(path) }
    guard integrity == "ok" else {
      throw BackupError(text: LocalizedText("backup_damaged", ["detail": .plain(String(integrity.prefix(200)))]))
    }
    let database = try await StoreDatabase.open(.sqlite(path: path), implementation: .portable)
    do {
      let store = Store(database: database, rules: try CaseRules.bundled())
      let report = try await store.verifyAudit()
      guard report.isIntact else {
        throw BackupError(
          text: LocalizedText("backup_chain_broken", ["sequence": .plain(String(report.firstBreak?.sequence ?? 0))]))
      }
      let summary = BackupSummary(
        messages: try await store.countByStatus().values.reduce(0, +), events: report.eventCount,
        auditHead: try await store.audit.auditHead() ?? 0, integrity: integrity)
      await database.close()
      return summary
    } catch {
      await database.close()
      throw error
    }
  }

  /// 恢复 (SQLite): puts a checked backup in place of the database file at `location` — which must not
  /// hold data yet unless `replacing` — then applies any migration the backup predates. Never while
  /// `serve` runs on that file.
  public static func restore(
    from backup: String, to location: DatabaseLocation, replacing: Bool = false
  ) async throws -> BackupSummary {
    guard case .sqlite(let path) = location else { throw BackupError(text: LocalizedText("backup_postgres")) }
    let summary = try await summary(ofSQLite: backup)
    if FileManager.default.fileExists(atPath: path), !replacing {
      throw BackupError(text: LocalizedText("restore_exists", ["path": .plain(path)]))
    }
    // Copied beside the target, then renamed over it: a crash leaves the old file or the new one.
    let staging = path + ".restoring"
    try? FileManager.default.removeItem(atPath: staging)
    try FileManager.default.copyItem(atPath: backup, toPath: staging)
    for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    if FileManager.default.fileExists(atPath: path) {
      _ = try FileManager.default.replaceItemAt(URL(fileURLWithPath: path), withItemAt: URL(fileURLWithPath: staging))
    } else {
      try FileManager.default.moveItem(atPath: staging, toPath: path)
    }
    let database = try await StoreDatabase.open(location)
    do {
      try await database.migrate()
      await database.close()
    } catch {
      await database.close()
      throw error
    }
    return summary
  }

  /// Runs blocking SQLite work off the cooperative pool.
  static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread {
        continuation.resume(with: Result { try work() })
      }
    }
  }
}
