import VaporCSQLite

/// The SQLite library in the binary: the copy sqlite-nio vendors and compiles (C module
/// `VaporCSQLite`, its functions prefixed `sqlite_nio_`). The store's own connections call it
/// directly, as SQLiteNIO does; there is no second copy, and `Package.swift` pins sqlite-nio to the
/// minor version this was tested with. What those connections rely on is checked when a store opens
/// (and by `SQLiteBuildTests`), so an upgrade that changes it fails loudly instead of subtly.
enum SQLiteBuild {
  /// `RETURNING` (3.35.0) is the newest feature the statements use.
  static let minimumVersionNumber: Int32 = 3_035_000

  /// The version, as `3.54.1`.
  static var version: String { String(cString: sqlite_nio_sqlite3_libversion()) }

  /// The version as a number, as `3054001`.
  static var versionNumber: Int32 { sqlite_nio_sqlite3_libversion_number() }

  /// Whether the library was compiled with `option` (without its `SQLITE_` prefix), as `THREADSAFE=1`.
  static func uses(_ option: String) -> Bool { sqlite_nio_sqlite3_compileoption_used(option) == 1 }

  /// The library's thread-safety mode: 0 single-thread, 1 serialized, 2 multi-thread.
  static var threadSafety: Int32 { sqlite_nio_sqlite3_threadsafe() }

  /// What the store's connections rely on and this build lacks; empty when all is there: a version
  /// with `RETURNING`; connections used from several threads (one at a time each), so not the
  /// single-thread build; the write-ahead log; shared cache off (each connection its own cache).
  static var missing: [String] {
    var missing: [String] = []
    if versionNumber < minimumVersionNumber { missing.append("version ≥ 3.35.0 (RETURNING), found \(version)") }
    if threadSafety == 0 { missing.append("a thread-safe build (THREADSAFE=1 or 2)") }
    if uses("OMIT_WAL") { missing.append("the write-ahead log (built with OMIT_WAL)") }
    return missing
  }
}
