import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

@testable import MinshengStore

/// The SQLite layer under the store's fast paths: whole jobs on one connection, group commit,
/// and records stored exactly as SQLiteNIO stores them.
@Suite struct SQLiteWorkerTests {
  func withFile<T>(_ body: (String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "minsheng-worker-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory.appendingPathComponent("worker.sqlite").path)
  }

  /// Writes that never stop, with a reader open now and then: the log file stays near its limit
  /// instead of growing with every write (a passive checkpoint alone never starts it over).
  @Test func checkpointer_keepsTheWriteAheadLogBounded() async throws {
    try await withFile { path in
      let writer = try SQLiteHandle(path: path, readOnly: false)
      defer { writer.close() }
      try writer.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, text TEXT)")
      let limit = 256 << 10
      let checkpointer = try SQLiteCheckpointer(path: path, interval: 0.02, walLimit: limit)
      let reader = try SQLiteHandle(path: path, readOnly: true)
      defer { reader.close() }
      var largest = 0
      var previous = 0
      var shrinks = 0
      let text = String(repeating: "民生", count: 500)
      for n in 0..<3_000 {
        if n % 50 == 0 {
          _ = try reader.snapshot { try reader.query("SELECT COUNT(*) AS c FROM t") }
        }
        // A breath every 100 commits, as between bursts of intake, so the checkpointer gets its turn
        // however busy the machine is.
        if n % 100 == 99 { try await Task.sleep(for: .milliseconds(60)) }
        try writer.transaction { try writer.execute("INSERT INTO t VALUES (?, ?)", [.integer(Int64(n)), .text(text)]) }
        let size = (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        if size < previous { shrinks += 1 }
        previous = size
        largest = max(largest, size)
      }
      checkpointer.close()
      let final = (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
      // 3,000 commits of about 12 KB of log each would be 36 MB; the log is emptied again and again.
      #expect(shrinks >= 3, "the log was emptied \(shrinks) times")
      #expect(largest < 8 * 1024 * 1024, "largest log: \(largest) bytes")
      #expect(final <= limit, "log after the last checkpoint: \(final) bytes")
      #expect(try writer.query("SELECT COUNT(*) AS c FROM t").first?["c"] == .integer(3_000))
    }
  }

  /// A steady stream of commits with no checkpointer thread and no pause: the writer checkpoints
  /// between its jobs, so the log starts over instead of growing with every commit (without that,
  /// 4,000 commits of three pages or more each leave a log of about 50 MB).
  @Test func aSteadyStreamOfWrites_startsTheLogOver() async throws {
    try await withFile { path in
      let worker = try SQLiteWorker(path: path, name: "test-writer", queryOnly: false)
      defer { worker.close() }
      try await worker.run { try $0.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, id TEXT UNIQUE, text TEXT)") }
      let text = String(repeating: "民生", count: 300)
      var largest = 0
      for n in 0..<4_000 {
        _ = try await worker.grouped { handle in
          try handle.execute(
            "INSERT INTO t VALUES (?, ?, ?)", [.integer(Int64(n)), .text(UUID().uuidString), .text(text)])
          return true
        }
        let size = (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        largest = max(largest, size)
      }
      // SQLite rewrites the log from the top when it starts over, so the file stays near
      // `checkpointFrames` frames of 4 KiB plus what one more commit adds.
      let bound = (SQLiteWorker.checkpointFrames + 64) * 4_120 + 32
      #expect(largest <= bound, "largest log: \(largest) bytes, bound \(bound)")
      let count = try await worker.run { try $0.query("SELECT COUNT(*) AS c FROM t").first?["c"] }
      #expect(count == .integer(4_000))
    }
  }

  @Test func groupedJobs_commitTogether_andAFailingJobUndoesOnlyItself() async throws {
    try await withFile { path in
      let worker = try SQLiteWorker(path: path, name: "test-writer", queryOnly: false)
      defer { worker.close() }
      try await worker.run { try $0.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)") }
      // 200 concurrent jobs; every seventh inserts a duplicate key after a good row, so it fails.
      let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
        for n in 1...200 {
          group.addTask {
            do {
              _ = try await worker.grouped { handle in
                try handle.execute("INSERT INTO t VALUES (?)", [.integer(Int64(n))])
                if n % 7 == 0 { try handle.execute("INSERT INTO t VALUES (?)", [.integer(Int64(n))]) }
                return true
              }
              return (n, true)
            } catch {
              #expect((error as? SQLiteFailure)?.isConstraint == true, "\(error)")
              return (n, false)
            }
          }
        }
        var all: [Int: Bool] = [:]
        for await (n, ok) in group { all[n] = ok }
        return all
      }
      let stored = try await worker.run { handle in
        try handle.query("SELECT n FROM t ORDER BY n").compactMap { row -> Int? in
          if case .integer(let n)? = row["n"] { return Int(n) }
          return nil
        }
      }
      #expect(stored == (1...200).filter { $0 % 7 != 0 })
      #expect(outcomes.filter(\.value).map(\.key).sorted() == stored)
    }
  }

  @Test func aClosedWorker_refusesNewJobs_afterFinishingQueuedOnes() async throws {
    try await withFile { path in
      let worker = try SQLiteWorker(path: path, name: "test-writer", queryOnly: false)
      try await worker.run { try $0.execute("CREATE TABLE t (n INTEGER)") }
      worker.close()
      await #expect(throws: StoreError.unavailable) {
        try await worker.run { try $0.execute("INSERT INTO t VALUES (1)") }
      }
    }
  }

  @Test func aQueryOnlyConnection_refusesWrites() async throws {
    try await withFile { path in
      let writer = try SQLiteWorker(path: path, name: "test-writer", queryOnly: false)
      defer { writer.close() }
      try await writer.run { try $0.execute("CREATE TABLE t (n INTEGER)") }
      let readers = try SQLiteReaders(path: path, count: 2)
      defer { readers.close() }
      await #expect(throws: SQLiteFailure.self) {
        try await readers.run { try $0.execute("INSERT INTO t VALUES (1)") }
      }
    }
  }

  @Test func payloads_areJSONObjectsWithSortedKeys_thatDecodeToTheSameValues() throws {
    let payload = [
      "reason": "含 \"引号\"、反斜杠 \\ 与换行\n和制表\t及控制字符\u{01}", "channel": "web", "空": "",
      "emoji": "👍🏻", "slash": "a/b",
    ]
    let text = EventRecord.encodePayload(payload)
    #expect(text.hasPrefix("{\"channel\":\"web\""))
    #expect(text.contains("a/b"))
    let decoded = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    #expect(decoded == payload)
    #expect(EventRecord.encodePayload([:]) == "{}")
  }

  @Test func records_roundTripThroughSQLiteValues() throws {
    struct Row: Codable, Equatable {
      var id: UUID
      var name: String
      var count: Int
      var big: Int64
      var ratio: Double
      var flag: Bool
      var at: Date
      var missing: String?
    }
    let row = Row(
      id: UUID(), name: "示范市", count: 42, big: 1 << 40, ratio: 0.25, flag: true,
      at: Date(timeIntervalSince1970: 1_794_681_549.938213), missing: nil)
    let columns = try SQLiteRecordEncoder().encode(row)
    #expect(columns.map(\.column) == ["id", "name", "count", "big", "ratio", "flag", "at", "missing"])
    #expect(columns[0].value == .text(row.id.uuidString))
    #expect(columns[5].value == .integer(1))
    #expect(columns[7].value == .null)
    var filled = row
    filled.missing = "有"
    #expect(try SQLiteRecordEncoder().encode(filled).map(\.column) == columns.map(\.column))
    let decoded = try SQLiteRecordDecoder().decode(
      Row.self, from: SQLiteRow(columns: SQLiteColumns(columns.map(\.column)), values: columns.map(\.value)))
    #expect(decoded.id == row.id && decoded.name == row.name && decoded.flag && decoded.missing == nil)
    #expect(abs(decoded.at.timeIntervalSince(row.at)) < 1e-6)
    #expect(
      throws: DecodingError.self,
      performing: {
        try SQLiteRecordDecoder().decode(
          Row.self, from: SQLiteRow(columns: SQLiteColumns(["id"]), values: [.text("not a uuid")]))
      })
  }

  /// Identifiers are read back as Foundation reads them, in either case; anything malformed is not
  /// an identifier.
  @Test func identifiersParse_likeFoundation() {
    for _ in 0..<1_000 {
      let id = UUID()
      #expect(SQLiteRecordDecoder.uuid(id.uuidString) == id)
      #expect(SQLiteRecordDecoder.uuid(id.uuidString.lowercased()) == id)
    }
    #expect(
      SQLiteRecordDecoder.uuid("00000000-0000-0000-0000-000000000000")
        == UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
    for bad in [
      "", "not-a-uuid", "E621E1F8-C36C-495A-93FC-0C247A3E6E5", "E621E1F8-C36C-495A-93FC-0C247A3E6E5FF",
      "E621E1F8C36C-495A-93FC-0C247A3E6E5F0", "G621E1F8-C36C-495A-93FC-0C247A3E6E5F",
      "E621E1F8-C36C-495A-93FC-0C247A3E6E5阿",
    ] {
      #expect(SQLiteRecordDecoder.uuid(bad) == nil, "\(bad)")
      #expect(UUID(uuidString: bad) == nil, "Foundation agrees about \(bad)")
    }
  }

  /// Read connections map no part of the file and keep 2 MiB of pages unless told otherwise, so that
  /// resident memory does not grow with the database (Benchmarks/soak.py); a map and a cache given
  /// take effect in this build of SQLite.
  @Test func readers_useTheMemoryTheyAreGiven() async throws {
    try await withFile { path in
      let writer = try SQLiteHandle(path: path, readOnly: false)
      defer { writer.close() }
      try writer.execute("PRAGMA journal_mode = WAL")
      for (memory, map, cache) in [
        (SQLiteMemory.bounded, 0, -2048), (SQLiteMemory(mapBytes: 64 << 20, cacheKiB: 8192), 64 << 20, -8192),
      ] {
        let readers = try SQLiteReaders(path: path, count: 2, memory: memory)
        defer { readers.close() }
        for _ in 0..<2 {
          #expect(try await readers.run { try $0.integer("PRAGMA mmap_size", cached: false) } == map)
          #expect(try await readers.run { try $0.integer("PRAGMA cache_size", cached: false) } == cache)
        }
      }
    }
  }
}
