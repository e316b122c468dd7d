import Foundation
import MinshengCore

/// The statistics' roll-ups as read (on the primary), the same statements on both databases.
struct StatisticsRollupReads: Sendable {
  let runner: any StatementRunner

  struct StateRow: Decodable, Sendable {
    var last_seq: Int64
    var version: Int64
    var judged_ms: Int64
  }

  struct StoredRow: Decodable, Sendable {
    var message_id: String
    var pending_until: Int64?
    var body: String
  }

  private struct IDRow: Decodable, Sendable {
    var id: UUID
  }

  private struct TextIDRow: Decodable, Sendable {
    var id: String
  }

  private struct CountRow: Decodable, Sendable {
    var dim: String
    var bucket: Int
    var grp: String
    var kpi: String
    var counted: Int64
    var meeting: Int64
  }

  private struct ChangeRow: Decodable, Sendable {
    var dim: String
    var bucket: Int
    var grp: String
    var kpi: String
    var at_ms: Int64
    var strict: Int
    var counted: Int64
    var meeting: Int64
  }

  private struct TimeRow: Decodable, Sendable {
    var dim: String
    var bucket: Int
    var grp: String
    var kpi: String
    var tenths: Int
    var n: Int64
  }

  private struct HeatRow: Decodable, Sendable {
    var month: Int
    var category: String
    var region: String
    var n: Int64
  }

  func state(_ name: String) async throws -> StateRow? {
    try await runner.all(
      SQLFragment("SELECT last_seq, version, judged_ms FROM kpi_state WHERE name = ?", [.text(name)]),
      as: StateRow.self
    ).first
  }

  /// The messages with events in this stretch of the audit chain.
  func touched(after: Int64, upTo: Int64) async throws -> [UUID] {
    try await runner.all(
      SQLFragment(
        "SELECT DISTINCT message_id AS id FROM events WHERE chain_pos > ? AND chain_pos <= ? AND message_id IS NOT NULL",
        [.integer(after), .integer(upTo)]), as: IDRow.self
    ).map(\.id)
  }

  /// Cases counted as pending whose deadline has passed since.
  func expired(before moment: Date, limit: Int) async throws -> [UUID] {
    try await runner.all(
      SQLFragment(
        "SELECT message_id AS id FROM kpi_facts WHERE pending_until IS NOT NULL AND pending_until < ? LIMIT ?",
        [.integer(Int64(moment.timeIntervalSince1970 * 1000)), .integer(Int64(limit))]), as: TextIDRow.self
    ).compactMap { UUID(uuidString: $0.id) }
  }

  /// The facts the sums last counted for these messages.
  func stored(_ ids: [UUID]) async throws -> [UUID: StoredRow] {
    var found: [UUID: StoredRow] = [:]
    var start = 0
    while start < ids.count {
      let slice = ids[start..<min(start + 500, ids.count)]
      start += slice.count
      let statement =
        SQLFragment("SELECT message_id, pending_until, body FROM kpi_facts WHERE message_id IN (")
        + .list(slice.map { .text($0.uuidString.lowercased()) }) + SQLFragment(")")
      for row in try await runner.all(statement, as: StoredRow.self) {
        if let id = UUID(uuidString: row.message_id) { found[id] = row }
      }
    }
    return found
  }

  /// The sums for `dimensions`: counts, the changes at deadlines passed by `asOf` and the heat table
  /// over `months`; times over each of `years` whole, and over `months` for the platform (its trend)
  /// or, with `monthlyTimes`, for every group.
  func sums(
    dimensions: [StatsDimension], months: ClosedRange<Int>, years: [Int], monthlyTimes: Bool, asOf: Date
  ) async throws -> KPITally {
    var tally = KPITally()
    let dims = SQLFragment.list(dimensions.map { .text($0.rawValue) })
    for row in try await runner.all(
      SQLFragment("SELECT dim, bucket, grp, kpi, counted, meeting FROM kpi_counts WHERE dim IN (") + dims
        + SQLFragment(
          ") AND bucket >= ? AND bucket <= ?", [.integer(Int64(months.lowerBound)), .integer(Int64(months.upperBound))]),
      as: CountRow.self)
    {
      guard let dimension = StatsDimension(rawValue: row.dim) else { continue }
      tally.counts[.init(dimension: dimension, group: row.grp, kpi: row.kpi, bucket: row.bucket)] = [
        Int(row.counted), Int(row.meeting),
      ]
    }
    let milliseconds = asOf.timeIntervalSince1970 * 1000
    for row in try await runner.all(
      SQLFragment(
        "SELECT dim, bucket, grp, kpi, at_ms, strict, counted, meeting FROM kpi_changes WHERE dim IN (") + dims
        + SQLFragment(
          ") AND bucket >= ? AND bucket <= ? AND at_ms <= ?",
          [.integer(Int64(months.lowerBound)), .integer(Int64(months.upperBound)), .real(milliseconds)]),
      as: ChangeRow.self)
    {
      guard let dimension = StatsDimension(rawValue: row.dim) else { continue }
      let change = KPITally.Change(
        key: .init(dimension: dimension, group: row.grp, kpi: row.kpi, bucket: row.bucket), at: row.at_ms,
        strict: row.strict != 0)
      if change.applies(at: asOf) { tally.changes[change] = [Int(row.counted), Int(row.meeting)] }
    }
    var buckets: [StoreValue] = years.map { .integer(Int64($0)) }
    var month = months.lowerBound
    while month <= months.upperBound {
      buckets.append(.integer(Int64(month)))
      month = month % 100 == 12 ? (month / 100 + 1) * 100 + 1 : month + 1
    }
    for row in try await runner.all(
      SQLFragment("SELECT dim, bucket, grp, kpi, tenths, n FROM kpi_times WHERE dim IN (") + dims
        + SQLFragment(") AND bucket IN (") + .list(buckets)
        + SQLFragment(monthlyTimes ? ")" : ") AND (bucket < 10000 OR dim = 'platform')"), as: TimeRow.self)
    {
      guard let dimension = StatsDimension(rawValue: row.dim) else { continue }
      tally.times[.init(dimension: dimension, group: row.grp, kpi: row.kpi, bucket: row.bucket), default: [:]][
        row.tenths] = Int(row.n)
    }
    for row in try await runner.all(
      SQLFragment(
        "SELECT month, category, region, n FROM kpi_heat WHERE month >= ? AND month <= ?",
        [.integer(Int64(months.lowerBound)), .integer(Int64(months.upperBound))]), as: HeatRow.self)
    {
      tally.received[.init(month: row.month, category: row.category, region: row.region)] = Int(row.n)
    }
    return tally
  }
}

/// The statistics' roll-ups as written, in one transaction per refresh.
enum StatisticsRollupStatements {
  /// Rows to a statement.
  private static let batch = 100

  /// Moves the state on from `state` (its version must still be the one read, or the transaction
  /// fails on the state's key): up to `head`, deadlines judged at `judged` or later. Without a state,
  /// the sums of other definitions are cleared first.
  static func advance(
    _ name: String, from state: StatisticsRollupReads.StateRow?, to head: Int64, judged: Date
  ) -> [SQLFragment] {
    var statements: [SQLFragment] = []
    if let state {
      statements.append(
        SQLFragment("DELETE FROM kpi_state WHERE name = ? AND version = ?", [.text(name), .integer(state.version)]))
    } else {
      statements.append(SQLFragment("DELETE FROM kpi_state WHERE name <> ?", [.text(name)]))
      for table in ["kpi_facts", "kpi_counts", "kpi_changes", "kpi_times", "kpi_heat"] {
        statements.append(SQLFragment("DELETE FROM \(table)"))
      }
    }
    let judgedMilliseconds = max(state?.judged_ms ?? 0, Int64(judged.timeIntervalSince1970 * 1000))
    statements.append(
      SQLFragment(
        "INSERT INTO kpi_state (name, last_seq, version, judged_ms) VALUES (?, ?, ?, ?)",
        [
          .text(name), .integer(max(head, state?.last_seq ?? 0)), .integer((state?.version ?? 0) + 1),
          .integer(judgedMilliseconds),
        ]))
    return statements
  }

  /// Keeps each case's facts as counted now, and until when it is pending.
  static func keep(_ cases: [(UUID, StoredCaseFacts, Date?)]) throws -> [SQLFragment] {
    let encoder = JSONEncoder()
    return try stride(from: 0, to: cases.count, by: batch).map { start in
      let slice = cases[start..<min(start + batch, cases.count)]
      var values: [StoreValue] = []
      for (id, stored, pending) in slice {
        values += [
          .text(id.uuidString.lowercased()),
          pending.map { .integer(Int64($0.timeIntervalSince1970 * 1000)) } ?? .null,
          .text(String(decoding: try encoder.encode(stored), as: UTF8.self)),
        ]
      }
      return SQLFragment(
        "INSERT INTO kpi_facts (message_id, pending_until, body) VALUES "
          + Array(repeating: "(?, ?, ?)", count: slice.count).joined(separator: ", ")
          + " ON CONFLICT (message_id) DO UPDATE SET pending_until = excluded.pending_until, body = excluded.body",
        values)
    }
  }

  static func forget(_ ids: [UUID]) -> [SQLFragment] {
    ids.isEmpty
      ? []
      : [
        SQLFragment("DELETE FROM kpi_facts WHERE message_id IN (")
          + .list(ids.map { .text($0.uuidString.lowercased()) }) + SQLFragment(")")
      ]
  }

  /// Adds the tally's counts (negative ones take away) to the sums.
  static func add(_ tally: KPITally) -> [SQLFragment] {
    var statements: [SQLFragment] = []
    func upsert(_ head: String, _ columns: Int, _ conflict: String, _ update: String, _ rows: [[StoreValue]]) {
      let placeholders = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
      for start in stride(from: 0, to: rows.count, by: batch) {
        let slice = rows[start..<min(start + batch, rows.count)]
        statements.append(
          SQLFragment(
            head + " VALUES " + Array(repeating: placeholders, count: slice.count).joined(separator: ", ")
              + " ON CONFLICT (\(conflict)) DO UPDATE SET \(update)", slice.flatMap { $0 }))
      }
    }
    upsert(
      "INSERT INTO kpi_counts (dim, bucket, grp, kpi, counted, meeting)", 6, "dim, bucket, grp, kpi",
      "counted = kpi_counts.counted + excluded.counted, meeting = kpi_counts.meeting + excluded.meeting",
      tally.counts.map { key, count in
        [
          .text(key.dimension.rawValue), .integer(Int64(key.bucket)), .text(key.group), .text(key.kpi),
          .integer(Int64(count[0])), .integer(Int64(count[1])),
        ]
      })
    upsert(
      "INSERT INTO kpi_changes (dim, bucket, grp, kpi, at_ms, strict, counted, meeting)", 8,
      "dim, bucket, grp, kpi, at_ms, strict",
      "counted = kpi_changes.counted + excluded.counted, meeting = kpi_changes.meeting + excluded.meeting",
      tally.changes.map { change, count in
        [
          .text(change.key.dimension.rawValue), .integer(Int64(change.key.bucket)), .text(change.key.group),
          .text(change.key.kpi), .integer(change.at), .integer(change.strict ? 1 : 0), .integer(Int64(count[0])),
          .integer(Int64(count[1])),
        ]
      })
    upsert(
      "INSERT INTO kpi_times (dim, bucket, grp, kpi, tenths, n)", 6, "dim, bucket, grp, kpi, tenths",
      "n = kpi_times.n + excluded.n",
      tally.times.flatMap { key, histogram in
        histogram.map { tenths, n in
          [
            .text(key.dimension.rawValue), .integer(Int64(key.bucket)), .text(key.group), .text(key.kpi),
            .integer(Int64(tenths)), .integer(Int64(n)),
          ]
        }
      })
    upsert(
      "INSERT INTO kpi_heat (month, category, region, n)", 4, "month, category, region", "n = kpi_heat.n + excluded.n",
      tally.received.map { key, n in
        [.integer(Int64(key.month)), .text(key.category), .text(key.region), .integer(Int64(n))]
      })
    return statements
  }
}
