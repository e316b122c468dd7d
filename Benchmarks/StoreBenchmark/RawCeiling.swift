// The ceilings of the store benchmark: the same raw SQLite C API that Minsheng's writer uses
// (VaporCSQLite, the library SQLiteNIO vendors), statements prepared once, ids from the same
// generator, and the same durability and log policy as the writer: WAL, synchronous=FULL, SQLite's
// own checkpoint off and a passive checkpoint between commits each time the log has grown by 1,000
// pages. Nothing here goes through SQLiteNIO or Foundation's `UUID()`.
import Foundation
import Logging
import MinshengStore
import VaporCSQLite

private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

struct CeilingFailure: Error, CustomStringConvertible {
  var description: String
}

final class RawCeiling {
  enum Kind {
    /// A. A minimal row: ten columns, a primary key only, one commit per row.
    case minimal
    /// B. Minsheng's own `messages` row in the table its migrations make (same columns, same
    /// indexes), one commit per row.
    case sameRow
    /// C. The same rows as B, 64 to a transaction: what group commit can reach.
    case sameRowBatched
  }

  static let batch = 64

  private var db: OpaquePointer?
  private var insert: OpaquePointer?
  private var begin: OpaquePointer?
  private var commit: OpaquePointer?
  private let kind: Kind
  private let ids = RandomIdentifiers()
  private var serial = 0
  /// Set by the log hook after each commit, as in Minsheng's writer.
  private final class LogLength { var frames = 0 }
  private let logLength = LogLength()
  private var framesAtCheckpoint = 0

  init(path: String, kind: Kind, logger: Logger) async throws {
    self.kind = kind
    if kind != .minimal {
      let schema = try await StoreDatabase.open(.sqlite(path: path), logger: logger)
      try await schema.migrate()
      await schema.close()
    }
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
    guard sqlite_nio_sqlite3_open_v2(path, &db, flags, nil) == SQLITE_OK else {
      throw CeilingFailure(description: "cannot open \(path)")
    }
    for pragma in [
      "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
      "PRAGMA wal_autocheckpoint = 0",
    ] {
      try execute(pragma)
    }
    sqlite_nio_sqlite3_wal_hook(
      db,
      { context, _, _, frames in
        if let context { Unmanaged<LogLength>.fromOpaque(context).takeUnretainedValue().frames = Int(frames) }
        return SQLITE_OK
      }, Unmanaged.passUnretained(logLength).toOpaque())
    if kind == .minimal {
      try execute(
        """
        CREATE TABLE messages (id TEXT PRIMARY KEY, serial INTEGER NOT NULL, type TEXT NOT NULL, title TEXT NOT NULL,
          body TEXT NOT NULL, contact_name TEXT NOT NULL, contact_phone TEXT NOT NULL, status TEXT NOT NULL,
          version INTEGER NOT NULL, created_at REAL NOT NULL)
        """)
      insert = try prepare(
        "INSERT INTO messages VALUES (?1, ?2, 'complaint', ?3, ?4, '顾女士', '13800138000', 'received', 1, ?5)")
    } else {
      insert = try prepare(
        """
        INSERT INTO messages (id, serial_year, serial_number, tracking_hash, type, title, body, channel,
          contact_name, contact_phone, is_public, urgent, status, reply_needs_review, version, event_count,
          last_event_hash, created_at, updated_at)
        VALUES (?1, 2026, ?2, ?6, 'complaint', ?3, ?4, 'web', '顾女士', '13800138000', 1, 0, 'received', 0, 1, 1,
          ?7, ?5, ?5)
        """)
    }
    begin = try prepare("BEGIN IMMEDIATE")
    commit = try prepare("COMMIT")
  }

  deinit {
    for statement in [insert, begin, commit] { sqlite_nio_sqlite3_finalize(statement) }
    sqlite_nio_sqlite3_close(db)
  }

  /// Writes `count` rows; returns rows per second.
  func insert(_ count: Int, body: String) throws -> Double {
    let perTransaction = kind == .sameRowBatched ? Self.batch : 1
    let start = DispatchTime.now().uptimeNanoseconds
    var written = 0
    while written < count {
      try step(begin)
      for _ in 0..<min(perTransaction, count - written) {
        try insertRow(body: body)
        written += 1
      }
      try step(commit)
      checkpointIfDue()
    }
    return Double(count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }

  private func insertRow(body: String) throws {
    serial += 1
    sqlite_nio_sqlite3_bind_text(insert, 1, ids.newID().uuidString, -1, transient)
    sqlite_nio_sqlite3_bind_int64(insert, 2, Int64(serial))
    sqlite_nio_sqlite3_bind_text(insert, 3, "夜间施工噪音扰民 \(serial)", -1, transient)
    sqlite_nio_sqlite3_bind_text(insert, 4, body, -1, transient)
    sqlite_nio_sqlite3_bind_double(insert, 5, Date().timeIntervalSince1970)
    if kind != .minimal {
      // A tracking-code hash and a chain hash: 64 hexadecimal digits each, as Minsheng stores them.
      sqlite_nio_sqlite3_bind_text(insert, 6, randomHex(), -1, transient)
      sqlite_nio_sqlite3_bind_text(insert, 7, randomHex(), -1, transient)
    }
    try step(insert)
  }

  private func randomHex() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<4).map { _ in
      let word: UInt64 = generator.next()
      let hex = String(word, radix: 16)
      return String(repeating: "0", count: 16 - hex.count) + hex
    }.joined()
  }

  private func checkpointIfDue() {
    let frames = logLength.frames
    if frames < framesAtCheckpoint { framesAtCheckpoint = 0 }
    guard frames - framesAtCheckpoint >= 1_000 else { return }
    sqlite_nio_sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    framesAtCheckpoint = frames
  }

  private func prepare(_ sql: String) throws -> OpaquePointer? {
    var statement: OpaquePointer?
    guard sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK
    else { throw CeilingFailure(description: String(cString: sqlite_nio_sqlite3_errmsg(db))) }
    return statement
  }

  private func step(_ statement: OpaquePointer?) throws {
    defer { sqlite_nio_sqlite3_reset(statement) }
    let status = sqlite_nio_sqlite3_step(statement)
    guard status == SQLITE_DONE || status == SQLITE_ROW else {
      throw CeilingFailure(description: String(cString: sqlite_nio_sqlite3_errmsg(db)))
    }
  }

  private func execute(_ sql: String) throws {
    let statement = try prepare(sql)
    defer { sqlite_nio_sqlite3_finalize(statement) }
    try step(statement)
  }
}
