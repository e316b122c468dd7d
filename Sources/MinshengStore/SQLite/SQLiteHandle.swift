import Foundation
// The sqlite3 library that SQLiteNIO vendors (its C functions carry a `sqlite_nio_` prefix). It is
// not a product of sqlite-nio, but SwiftPM makes a dependency's C modules visible to its dependents;
// using it keeps one copy of SQLite in the binary, with the same compile options as Fluent's.
import VaporCSQLite

private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A value bound to or read from an SQLite statement, stored the way SQLiteNIO stores it:
/// UUIDs as upper-case text, dates as seconds since 1970, booleans as 0 or 1.
enum SQLiteValue: Sendable, Equatable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob(Data)

  /// A store value as SQLite keeps it (the representation SQLiteNIO uses, so rows written either
  /// way read back alike).
  init(_ value: StoreValue) {
    switch value {
    case .null: self = .null
    case .text(let text): self = .text(text)
    case .integer(let int): self = .integer(int)
    case .real(let double): self = .real(double)
    case .bool(let bool): self = .integer(bool ? 1 : 0)
    case .uuid(let uuid): self = .text(uuid.uuidString)
    case .date(let date): self = date.sqliteValue
    case .blob(let data): self = .blob(data)
    }
  }
}

/// An error reported by SQLite, with its extended result code.
struct SQLiteFailure: Error, CustomStringConvertible {
  var code: Int32
  var message: String

  /// A UNIQUE, NOT NULL, CHECK or FOREIGN KEY constraint failed.
  var isConstraint: Bool { code & 0xff == SQLITE_CONSTRAINT }
  var description: String { "SQLite error \(code): \(message)" }
}

/// One SQLite connection with its prepared statements, used by exactly one thread at a time.
///
/// Statements are prepared once per SQL text and reused, which is most of what makes a whole
/// transaction run in tens of microseconds.
final class SQLiteHandle {
  /// Set by SQLite's log hook after each commit; read on the same thread.
  private final class LogLength {
    var frames = 0
  }

  private var db: OpaquePointer?
  private let logLength = LogLength()
  private var statements: [String: OpaquePointer] = [:]
  private var texts: [ObjectIdentifier: String] = [:]

  /// Opens the file read-write (creating nothing: the store's migrations make the schema) or
  /// read-only, in WAL mode with full synchronous commits and foreign keys enforced.
  init(path: String, readOnly: Bool) throws {
    let flags =
      (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
      | SQLITE_OPEN_EXRESCODE
    let status = sqlite_nio_sqlite3_open_v2(path, &db, flags, nil)
    guard status == SQLITE_OK else {
      let message = db.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open \(path)"
      sqlite_nio_sqlite3_close(db)
      db = nil
      throw SQLiteFailure(code: status, message: message)
    }
    // Writers queue on SQLite's lock for up to 10 s (Fluent's connection writes reference data).
    sqlite_nio_sqlite3_busy_timeout(db, 10_000)
    if !readOnly {
      try execute("PRAGMA journal_mode = WAL")
    }
    try execute("PRAGMA synchronous = FULL")
    try execute("PRAGMA foreign_keys = ON")
    // Checkpoints run on their own thread (SQLiteCheckpointer) and between the writer's jobs
    // (SQLiteWorker), never inside a commit. Turning SQLite's own off also removes its log hook;
    // ours takes its place and only counts.
    try execute("PRAGMA wal_autocheckpoint = 0")
    if !readOnly {
      sqlite_nio_sqlite3_wal_hook(
        db,
        { context, _, _, frames in
          if let context { Unmanaged<LogLength>.fromOpaque(context).takeUnretainedValue().frames = Int(frames) }
          return SQLITE_OK
        }, Unmanaged.passUnretained(logLength).toOpaque())
    }
  }

  /// The frames in the write-ahead log after this connection's last commit (0 before the first).
  var framesInLog: Int { logLength.frames }

  /// Copies what it can of the log into the database without waiting for anyone (a passive
  /// checkpoint); once everything is copied and no reader still uses the log, the next write
  /// starts the log over from its beginning.
  func checkpoint() {
    sqlite_nio_sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
  }

  deinit { close() }

  /// Finalises the prepared statements and closes the connection; nothing may follow.
  func close() {
    for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
    statements = [:]
    sqlite_nio_sqlite3_close(db)
    db = nil
  }

  /// The SQL text of the statement that writes records of one type, built once per connection
  /// (a record always encodes the same columns in the same order).
  func statementText(for record: Any.Type, _ build: () -> String) -> String {
    if let text = texts[ObjectIdentifier(record)] { return text }
    let text = build()
    texts[ObjectIdentifier(record)] = text
    return text
  }

  /// Runs a statement that returns no rows of interest (kept prepared, like every other).
  func execute(_ sql: String, _ binds: [SQLiteValue] = []) throws {
    _ = try query(sql, binds)
  }

  /// Runs one statement and returns its rows; the statement stays prepared for the next call.
  @discardableResult
  func query(_ sql: String, _ binds: [SQLiteValue] = [], cached: Bool = true) throws -> [SQLiteRow] {
    let statement = try prepared(sql, keep: cached)
    defer {
      // Bindings are not cleared: every call binds every parameter, and clearing one that the
      // query plan depends on would make SQLite re-prepare the statement on the next bind.
      sqlite_nio_sqlite3_reset(statement)
      if !cached { sqlite_nio_sqlite3_finalize(statement) }
    }
    for (offset, value) in binds.enumerated() {
      try check(bind(value, at: Int32(offset + 1), in: statement))
    }
    let count = sqlite_nio_sqlite3_column_count(statement)
    let names = SQLiteColumns((0..<count).map { String(cString: sqlite_nio_sqlite3_column_name(statement, $0)) })
    var rows: [SQLiteRow] = []
    while true {
      let status = sqlite_nio_sqlite3_step(statement)
      if status == SQLITE_DONE { break }
      guard status == SQLITE_ROW else { throw failure(status) }
      rows.append(SQLiteRow(columns: names, values: (0..<count).map { column(Int32($0), of: statement) }))
    }
    return rows
  }

  /// Runs `body` in a transaction that takes the write lock at once; commits when it returns,
  /// rolls back when it throws.
  func transaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN IMMEDIATE")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  /// Runs reads that must see one consistent state of the database.
  func snapshot<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN")
    defer { try? execute("COMMIT") }
    return try body()
  }

  /// Runs `body` inside a savepoint of the current transaction: when it throws, only its own
  /// changes are undone.
  func savepoint<T>(_ body: () throws -> T) throws -> T {
    try execute("SAVEPOINT item")
    do {
      let result = try body()
      try execute("RELEASE item")
      return result
    } catch {
      try? execute("ROLLBACK TO item")
      try? execute("RELEASE item")
      throw error
    }
  }

  private func prepared(_ sql: String, keep: Bool) throws -> OpaquePointer {
    if let statement = statements[sql] { return statement }
    var statement: OpaquePointer?
    let flags = keep ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
    try check(sqlite_nio_sqlite3_prepare_v3(db, sql, -1, flags, &statement, nil))
    guard let statement else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "empty statement: \(sql)") }
    if keep { statements[sql] = statement }
    return statement
  }

  private func bind(_ value: SQLiteValue, at index: Int32, in statement: OpaquePointer) -> Int32 {
    switch value {
    case .null: return sqlite_nio_sqlite3_bind_null(statement, index)
    case .integer(let int): return sqlite_nio_sqlite3_bind_int64(statement, index, int)
    case .real(let double): return sqlite_nio_sqlite3_bind_double(statement, index, double)
    case .text(let text):
      return sqlite_nio_sqlite3_bind_text64(
        statement, index, text, UInt64(text.utf8.count), transient, UInt8(SQLITE_UTF8))
    case .blob(let data):
      return data.withUnsafeBytes { bytes in
        sqlite_nio_sqlite3_bind_blob64(statement, index, bytes.baseAddress, UInt64(bytes.count), transient)
      }
    }
  }

  private func column(_ index: Int32, of statement: OpaquePointer) -> SQLiteValue {
    switch sqlite_nio_sqlite3_column_type(statement, index) {
    case SQLITE_INTEGER: return .integer(sqlite_nio_sqlite3_column_int64(statement, index))
    case SQLITE_FLOAT: return .real(sqlite_nio_sqlite3_column_double(statement, index))
    case SQLITE_TEXT:
      guard let bytes = sqlite_nio_sqlite3_column_text(statement, index) else { return .null }
      return .text(String(cString: bytes))
    case SQLITE_BLOB:
      let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
      guard count > 0, let bytes = sqlite_nio_sqlite3_column_blob(statement, index) else { return .blob(Data()) }
      return .blob(Data(bytes: bytes, count: count))
    default: return .null
    }
  }

  private func check(_ status: Int32) throws {
    guard status == SQLITE_OK else { throw failure(status) }
  }

  private func failure(_ status: Int32) -> SQLiteFailure {
    SQLiteFailure(
      code: sqlite_nio_sqlite3_extended_errcode(db), message: String(cString: sqlite_nio_sqlite3_errmsg(db)))
  }
}

/// The column names of a result, shared by its rows.
final class SQLiteColumns: Sendable {
  let names: [String]
  let index: [String: Int]

  init(_ names: [String]) {
    self.names = names
    var index: [String: Int] = [:]
    for (offset, name) in names.enumerated() where index[name] == nil { index[name] = offset }
    self.index = index
  }
}

/// A result row.
struct SQLiteRow: Sendable {
  let columns: SQLiteColumns
  let values: [SQLiteValue]

  subscript(_ name: String) -> SQLiteValue? {
    columns.index[name].map { values[$0] }
  }
}

extension SQLiteHandle {
  /// 备份: copies the whole database into `destination` (a new file) with SQLite's online backup
  /// API, a hundred pages a step. Writers may go on meanwhile: when one changes the database the copy
  /// starts over from that state, so the file holds one consistent moment. Nothing is written to
  /// this database.
  static func backup(from source: String, to destination: String) throws {
    let from = try SQLiteHandle(path: source, readOnly: true)
    defer { from.close() }
    let to = try SQLiteHandle(path: destination, readOnly: false)
    defer { to.close() }
    guard let backup = sqlite_nio_sqlite3_backup_init(to.db, "main", from.db, "main") else {
      throw SQLiteFailure(
        code: sqlite_nio_sqlite3_errcode(to.db), message: String(cString: sqlite_nio_sqlite3_errmsg(to.db)))
    }
    var status: Int32
    repeat {
      status = sqlite_nio_sqlite3_backup_step(backup, 100)
      if status == SQLITE_BUSY || status == SQLITE_LOCKED { sqlite_nio_sqlite3_sleep(20) }
    } while status == SQLITE_OK || status == SQLITE_BUSY || status == SQLITE_LOCKED
    let finished = sqlite_nio_sqlite3_backup_finish(backup)
    guard status == SQLITE_DONE, finished == SQLITE_OK else {
      throw SQLiteFailure(code: finished == SQLITE_OK ? status : finished, message: "the backup did not finish")
    }
    // The copy is a database of its own: its log folded in, so one file is the whole backup.
    try to.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    try to.execute("PRAGMA journal_mode = DELETE")
  }

  /// SQLite's own check of a database file: "ok", or the first problems it finds.
  static func integrityCheck(_ path: String) throws -> String {
    let handle = try SQLiteHandle(path: path, readOnly: true)
    defer { handle.close() }
    var lines: [String] = []
    var statement: OpaquePointer?
    guard sqlite_nio_sqlite3_prepare_v2(handle.db, "PRAGMA integrity_check(20)", -1, &statement, nil) == SQLITE_OK
    else {
      throw SQLiteFailure(
        code: sqlite_nio_sqlite3_errcode(handle.db), message: String(cString: sqlite_nio_sqlite3_errmsg(handle.db)))
    }
    defer { sqlite_nio_sqlite3_finalize(statement) }
    while sqlite_nio_sqlite3_step(statement) == SQLITE_ROW {
      lines.append(sqlite_nio_sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "")
    }
    return lines.joined(separator: "\n")
  }
}
