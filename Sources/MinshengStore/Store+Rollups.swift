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

  /// 一次解决: hotline and mailbox messages received in a month of Beijing time (keyed `yyyyMM`),
  /// `[received, answered directly]`. Optional so that a block written before it existed still reads.
  typealias FirstContactMonths = [String: [Int]]

  var statuses: [String: Int] = [:]
  /// Messages the public list shows (public and published).
  var shown = 0
  var leaders: [String: Owner] = [:]
  var units: [String: Owner] = [:]
  var firstContact: FirstContactMonths?

  init() {}

  /// The key of the month (Beijing time) that `date` falls in.
  static func monthKey(_ date: Date) -> String {
    let parts = beijing.dateComponents([.year, .month], from: date)
    return String((parts.year ?? 0) * 100 + (parts.month ?? 0))
  }

  /// China keeps UTC+8 all year.
  private static let beijing: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3_600) ?? .gmt
    return calendar
  }()

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
    for (month, counts) in other.firstContact ?? [:] {
      var mine = firstContact ?? [:]
      let sum = zip(mine[month] ?? [0, 0], counts).map { $0 + sign * $1 }
      mine[month] = sum.allSatisfy { $0 == 0 } ? nil : sum
      firstContact = mine
    }
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
      if row.channel == Channel.hotline.rawValue || row.channel == Channel.mailbox.rawValue {
        let month = Self.monthKey(row.created_at)
        var counts = firstContact?[month] ?? [0, 0]
        counts[0] += 1
        counts[1] += row.direct
        firstContact = (firstContact ?? [:]).merging([month: counts]) { $1 }
      }
      let closure = row.closure.flatMap(Closure.init(rawValue:))
      owners(RollupOwnedRow(leader: row.leader, unit: row.unit, level: nil)) { owner in
        owner.received += 1
        if closure != .merged && closure != .invalid && closure != .withdrawn { owner.countable += 1 }
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
  public static let rollupEventsPerRun = 20_000

  /// 汇总更新: recomputes the blocks that the events since the last refresh touched (at most
  /// `rollupEventsPerRun` events), in one transaction that also records how far it went; returns
  /// how many events it covered (0: up to date). `serve` runs it every few seconds; two instances
  /// running it at once write the same blocks, and a block written from an older read is written
  /// again by the next run, which starts no later than that read.
  ///
  /// A loader that has just written many events asks for more of them a run (`eventsPerRun`), so
  /// that fewer blocks are computed twice.
  @discardableResult
  public func refreshRollups(eventsPerRun: Int = rollupEventsPerRun) async throws -> Int {
    // The roll-ups follow the global chain: on PostgreSQL, seal what has committed (unless another
    // instance is sealing it now).
    if seals { try await sealEvents() }
    let last = try await rollups.lastSequence()
    let head = min(try await rollups.headSequence(), last + Int64(max(1, eventsPerRun)))
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
    if seals { try await sealEvents() }
    return Int(try await rollups.headSequence() - rollups.lastSequence())
  }

  /// How many messages the public list shows, summed from the roll-ups (brought up to date first).
  public func shownCount() async throws -> Int {
    try await readRollups { years in years.values.reduce(0) { $0 + $1.shown } }
  }

  /// 一次解决率 of a month: the hotline and mailbox messages received in the month (Beijing time) of
  /// `date`, and how many of them an office answered directly; summed from the roll-ups.
  public func firstContactResolution(monthOf date: Date) async throws -> FirstContactResolution {
    let month = BlockRollup.monthKey(date)
    let counts = try await readRollups { years in
      years.values.reduce([0, 0]) { sum, year in zip(sum, year.firstContact?[month] ?? [0, 0]).map(+) }
    }
    return FirstContactResolution(received: counts[0], resolved: counts[1])
  }

  /// The summed blocks of a year, after bringing them up to date.
  func summedRollups(year: Int) async throws -> BlockRollup {
    try await readRollups { years in years[year] ?? .init() }
  }

  /// `body` on the sums of the roll-ups by year, after bringing them up to date: a figure that
  /// needs only a part of them reads that part, without adding up every board's and unit's.
  func readRollups<T: Sendable>(_ body: @Sendable ([Int: BlockRollup]) -> T) async throws -> T {
    try await refreshRollups()
    return try await rollupSums.read(from: rollups, body)
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

  func read<T: Sendable>(from storage: RollupStorage, _ body: ([Int: BlockRollup]) -> T) async throws -> T {
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
        return body(state.years)
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
