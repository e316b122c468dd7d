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
}
