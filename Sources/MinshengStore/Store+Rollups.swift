import Foundation
import MinshengCore
import Synchronization

/// 汇总: the figures of one block of 1,024 serial numbers of a year (`rollup_blocks`), recomputed
/// from its messages whenever an event touches one of them. The public figures and the counts by
/// status are sums of blocks, so no page reads every message to show them.
struct BlockRollup: Codable, Sendable, Equatable {
  /// One board's or lead unit's share of the block.
  struct Owner: Codable, Sendable, Equatable {
    var received = 0
    var countable = 0
    var replied = 0
    var evaluations = 0
    var satisfied = 0
    var thanks = 0
    /// How many replied messages took each time to their first published reply, in tenths of an
    /// hour (the public sees whole hours, or days to one decimal).
    var hours: [String: Int] = [:]

    /// Adds (`sign` 1) or takes away (`sign` -1) another share.
    mutating func add(_ other: Owner, sign: Int = 1) {
      received += sign * other.received
      countable += sign * other.countable
      replied += sign * other.replied
      evaluations += sign * other.evaluations
      satisfied += sign * other.satisfied
      thanks += sign * other.thanks
      for (key, n) in other.hours {
        let sum = hours[key, default: 0] + sign * n
        hours[key] = sum == 0 ? nil : sum
      }
    }

    var isEmpty: Bool { received == 0 && evaluations == 0 && thanks == 0 && hours.isEmpty }

    var figures: Figures {
      var figures = Figures()
      figures.received = received
      figures.countable = countable
      figures.replied = replied
      figures.evaluations = evaluations
      figures.satisfied = satisfied
      figures.thanks = thanks
      figures.medianHoursToReply = Self.median(hours)
      return figures
    }

    /// The median of a histogram of tenths of an hour, in hours.
    static func median(_ histogram: [String: Int]) -> Double? {
      let counts = histogram.compactMap { key, n in Int(key).map { ($0, n) } }.sorted { $0.0 < $1.0 }
      let total = counts.reduce(0) { $0 + $1.1 }
      guard total > 0 else { return nil }
      func value(at index: Int) -> Double {
        var seen = 0
        for (tenths, n) in counts {
          seen += n
          if index < seen { return Double(tenths) / 10 }
        }
        return Double(counts.last?.0 ?? 0) / 10
      }
      return total % 2 == 1 ? value(at: total / 2) : (value(at: total / 2 - 1) + value(at: total / 2)) / 2
    }
  }

  var statuses: [String: Int] = [:]
  /// Messages the public list shows (public and published).
  var shown = 0
  var leaders: [String: Owner] = [:]
  var units: [String: Owner] = [:]

  init() {}

  /// Serial numbers per block.
  static let size = 1_024

  /// Adds (`sign` 1) or takes away (`sign` -1) another block's figures.
  mutating func add(_ other: BlockRollup, sign: Int = 1) {
    shown += sign * other.shown
    for (status, n) in other.statuses {
      let sum = statuses[status, default: 0] + sign * n
      statuses[status] = sum == 0 ? nil : sum
    }
    func combine(_ mine: inout [String: Owner], _ theirs: [String: Owner]) {
      for (key, owner) in theirs {
        mine[key, default: Owner()].add(owner, sign: sign)
        if mine[key]?.isEmpty == true { mine[key] = nil }
      }
    }
    combine(&leaders, other.leaders)
    combine(&units, other.units)
  }

  /// The block's figures from its messages, their evaluations' levels and their thanks letters.
  init(messages: [RollupMessageRow], levels: [RollupOwnedRow], thanks: [RollupOwnedRow]) {
    func owners(_ row: RollupOwnedRow, _ change: (inout Owner) -> Void) {
      if let leader = row.leader { change(&leaders[leader.uuidString, default: Owner()]) }
      if let unit = row.unit { change(&units[unit.uuidString, default: Owner()]) }
    }
    for row in messages {
      statuses[row.status, default: 0] += 1
      shown += row.shown
      let closure = row.closure.flatMap(Closure.init(rawValue:))
      owners(RollupOwnedRow(leader: row.leader, unit: row.unit, level: nil)) { owner in
        owner.received += 1
        if closure != .merged && closure != .invalid { owner.countable += 1 }
        if let first = row.first_at {
          owner.replied += 1
          let tenths = Int((max(0, first.timeIntervalSince(row.created_at)) / 360).rounded())
          owner.hours[String(tenths), default: 0] += 1
        }
      }
    }
    for row in levels {
      let satisfied = row.level.flatMap(SatisfactionLevel.init(rawValue:))?.isSatisfied == true
      owners(row) { owner in
        owner.evaluations += 1
        if satisfied { owner.satisfied += 1 }
      }
    }
    for row in thanks { owners(row) { $0.thanks += 1 } }
  }
}

extension Store {
  /// How many events one refresh of the roll-ups reads at most.
  static let rollupEventsPerRun = 20_000

  /// 汇总更新: recomputes the blocks that the events since the last refresh touched (at most
  /// `rollupEventsPerRun` events), in one transaction that also records how far it went; returns
  /// how many events it covered (0: up to date). `serve` runs it every few seconds; two instances
  /// running it at once write the same blocks, and a block written from an older read is written
  /// again by the next run, which starts no later than that read.
  @discardableResult
  public func refreshRollups() async throws -> Int {
    let last = try await rollups.lastSequence()
    let head = min(try await rollups.headSequence(), last + Int64(Self.rollupEventsPerRun))
    guard head > last else { return 0 }
    var statements: [SQLFragment] = []
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    for block in try await rollups.touchedBlocks(after: last, upTo: head) {
      let rollup = try await rollups.compute(block)
      statements.append(
        RollupStatements.save(block, revision: head, body: String(decoding: try encoder.encode(rollup), as: UTF8.self)))
    }
    statements.append(RollupStatements.setLastSequence(head))
    try await rollups.write(statements)
    return Int(head - last)
  }

  /// How many events the roll-ups have not covered yet.
  public func rollupBacklog() async throws -> Int {
    Int(try await rollups.headSequence() - rollups.lastSequence())
  }

  /// How many messages the public list shows, summed from the roll-ups (brought up to date first).
  public func shownCount() async throws -> Int {
    try await summedRollups(year: nil).shown
  }

  /// The summed blocks of a year (nil: every year), after bringing them up to date.
  func summedRollups(year: Int?) async throws -> BlockRollup {
    try await refreshRollups()
    return try await rollupSums.sum(year: year, from: rollups)
  }
}

/// The sums of the roll-ups by year, kept in memory: each call reads the blocks' revisions and only
/// the bodies of blocks written since the last call, and takes the old figures of each away from its
/// year's sum before adding the new ones. Calls run one at a time; the first reads every block.
final class RollupSums: Sendable {
  private struct State {
    var blocks: [RollupBlock: (revision: Int64, rollup: BlockRollup)] = [:]
    var years: [Int: BlockRollup] = [:]
  }

  private let state = Mutex(State())
  private let turn = AsyncTurn()

  func sum(year: Int?, from storage: RollupStorage) async throws -> BlockRollup {
    try await turn.run {
      let known = state.withLock { $0.blocks.mapValues(\.revision) }
      let changed = try await storage.revisions().filter { known[$0.key] != $0.value }
      let decoder = JSONDecoder()
      var fresh: [(RollupBlock, Int64, BlockRollup)] = []
      for (block, body) in try await storage.bodies(of: Array(changed.keys)) {
        fresh.append((block.place, block.revision, try decoder.decode(BlockRollup.self, from: Data(body.utf8))))
      }
      return state.withLock { state in
        for (block, revision, rollup) in fresh {
          if let old = state.blocks[block] { state.years[block.year, default: .init()].add(old.rollup, sign: -1) }
          state.years[block.year, default: .init()].add(rollup)
          state.blocks[block] = (revision, rollup)
        }
        if let year { return state.years[year] ?? .init() }
        var all = BlockRollup()
        for sum in state.years.values { all.add(sum) }
        return all
      }
    }
  }
}

/// Runs one body at a time, in the order they ask.
final class AsyncTurn: Sendable {
  private let busy = Mutex<(taken: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

  func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let go = busy.withLock { state -> Bool in
        if state.taken {
          state.waiting.append(continuation)
          return false
        }
        state.taken = true
        return true
      }
      if go { continuation.resume() }
    }
    defer {
      let next = busy.withLock { state -> CheckedContinuation<Void, Never>? in
        if state.waiting.isEmpty {
          state.taken = false
          return nil
        }
        return state.waiting.removeFirst()
      }
      next?.resume()
    }
    return try await body()
  }
}

/// A block of serial numbers: `number / BlockRollup.size` within a year.
struct RollupBlock: Decodable, Sendable, Hashable {
  var year: Int
  var block: Int
}

/// A message of a block with what its figures need.
struct RollupMessageRow: Decodable, Sendable {
  /// 1 when the public list shows it, else 0.
  var shown: Int
  var leader: UUID?
  var unit: UUID?
  var status: String
  var closure: String?
  var created_at: Date
  var first_at: Date?
}

/// An evaluation's level, or a thanks letter, with its message's board and lead unit.
struct RollupOwnedRow: Decodable, Sendable {
  var leader: UUID?
  var unit: UUID?
  var level: String?
}

/// The roll-ups' reads (on the primary) and their writes, one transaction at a time.
struct RollupStorage: Sendable {
  let runner: any StatementRunner
  let write: @Sendable ([SQLFragment]) async throws -> Void

  func lastSequence() async throws -> Int64 {
    Int64(try await runner.integer(RollupStatements.lastSequence))
  }

  func headSequence() async throws -> Int64 {
    Int64(try await runner.integer(RollupStatements.headSequence))
  }

  func touchedBlocks(after: Int64, upTo: Int64) async throws -> [RollupBlock] {
    try await runner.all(RollupStatements.touchedBlocks(after: after, upTo: upTo), as: RollupBlock.self)
  }

  func compute(_ block: RollupBlock) async throws -> BlockRollup {
    BlockRollup(
      messages: try await runner.all(RollupStatements.messages(block), as: RollupMessageRow.self),
      levels: try await runner.all(
        RollupStatements.owned(block, table: "evaluations", level: true), as: RollupOwnedRow.self),
      thanks: try await runner.all(
        RollupStatements.owned(block, table: "thanks_letters", level: false), as: RollupOwnedRow.self))
  }

  /// Every block's revision.
  func revisions() async throws -> [RollupBlock: Int64] {
    var revisions: [RollupBlock: Int64] = [:]
    for row in try await runner.all(RollupStatements.revisions, as: RevisionRow.self) {
      revisions[RollupBlock(year: row.year, block: row.block)] = row.revision
    }
    return revisions
  }

  /// The bodies of these blocks, 500 to a statement.
  func bodies(of blocks: [RollupBlock]) async throws -> [(block: RevisionRow, body: String)] {
    var found: [(block: RevisionRow, body: String)] = []
    var start = 0
    while start < blocks.count {
      let slice = Array(blocks[start..<min(start + 500, blocks.count)])
      start += slice.count
      for row in try await runner.all(RollupStatements.bodies(of: slice), as: BodyRevisionRow.self) {
        found.append((RevisionRow(year: row.year, block: row.block, revision: row.revision), row.body))
      }
    }
    return found
  }

  struct RevisionRow: Decodable, Sendable {
    var year: Int
    var block: Int
    var revision: Int64

    var place: RollupBlock { RollupBlock(year: year, block: block) }
  }

  private struct BodyRevisionRow: Decodable, Sendable {
    var year: Int
    var block: Int
    var revision: Int64
    var body: String
  }
}

/// The roll-ups' statements, the same on both databases.
enum RollupStatements {
  static let lastSequence = SQLFragment(
    "SELECT COALESCE(MAX(last_seq), 0) AS n FROM rollup_state WHERE name = 'blocks'")
  static let headSequence = SQLFragment("SELECT COALESCE(MAX(last_seq), 0) AS n FROM audit_head")

  static func touchedBlocks(after: Int64, upTo: Int64) -> SQLFragment {
    SQLFragment(
      """
      SELECT DISTINCT m.serial_year AS year, m.serial_number / \(BlockRollup.size) AS block
      FROM events e JOIN messages m ON m.id = e.message_id WHERE e.seq > ? AND e.seq <= ?
      """, [.integer(after), .integer(upTo)])
  }

  /// The block's range of serial numbers, as conditions on `m`.
  private static func range(_ block: RollupBlock) -> SQLFragment {
    SQLFragment(
      " m.serial_year = ? AND m.serial_number >= ? AND m.serial_number < ?",
      [
        .integer(Int64(block.year)), .integer(Int64(block.block * BlockRollup.size)),
        .integer(Int64((block.block + 1) * BlockRollup.size)),
      ])
  }

  static func messages(_ block: RollupBlock) -> SQLFragment {
    SQLFragment(
      """
      SELECT m.leader_id AS leader, m.lead_unit_id AS unit, m.status AS status, m.closure AS closure,
        m.created_at AS created_at,
        (SELECT MIN(r.published_at) FROM replies r WHERE r.message_id = m.id AND r.state = 'published') AS first_at,
        CASE WHEN m.is_public = ? AND m.publication = 'published' THEN 1 ELSE 0 END AS shown
      FROM messages m WHERE
      """, [.bool(true)]) + range(block)
  }

  /// The rows of `table` (evaluations, with their level, or thanks letters) on the block's messages.
  static func owned(_ block: RollupBlock, table: String, level: Bool) -> SQLFragment {
    SQLFragment(
      "SELECT m.leader_id AS leader, m.lead_unit_id AS unit, \(level ? "t.level" : "NULL") AS level "
        + "FROM \(table) t JOIN messages m ON m.id = t.message_id WHERE ") + range(block)
  }

  static func save(_ block: RollupBlock, revision: Int64, body: String) -> SQLFragment {
    SQLFragment(
      """
      INSERT INTO rollup_blocks (serial_year, block, revision, body) VALUES (?, ?, ?, ?)
      ON CONFLICT (serial_year, block) DO UPDATE SET revision = excluded.revision, body = excluded.body
      """, [.integer(Int64(block.year)), .integer(Int64(block.block)), .integer(revision), .text(body)])
  }

  static func setLastSequence(_ sequence: Int64) -> SQLFragment {
    SQLFragment(
      """
      INSERT INTO rollup_state (name, last_seq) VALUES ('blocks', ?)
      ON CONFLICT (name) DO UPDATE SET last_seq = excluded.last_seq
      """, [.integer(sequence)])
  }

  static let revisions = SQLFragment("SELECT serial_year AS year, block, revision FROM rollup_blocks")

  /// The bodies of these blocks, with their revisions.
  static func bodies(of blocks: [RollupBlock]) -> SQLFragment {
    var conditions = blocks.map { _ in "(serial_year = ? AND block = ?)" }.joined(separator: " OR ")
    if conditions.isEmpty { conditions = "FALSE" }
    return SQLFragment(
      "SELECT serial_year AS year, block, revision, body FROM rollup_blocks WHERE \(conditions)",
      blocks.flatMap { [StoreValue.integer(Int64($0.year)), .integer(Int64($0.block))] })
  }
}
