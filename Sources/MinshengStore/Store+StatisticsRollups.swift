import Foundation
import MinshengCore
import Synchronization

/// The definitions the statistics roll-ups count by (none until the server names them), one refresh
/// at a time in this process, and the pending cases last read.
final class StatisticsRollup: Sendable {
  struct Counting: Sendable {
    var definitions: KPIDefinitions
    /// `kpi:` and the definitions' fingerprint: a change of definitions counts everything again.
    var name: String
  }

  private let counting = Mutex<Counting?>(nil)
  private let pending = Mutex<(name: String, version: Int64, facts: [StoredCaseFacts])?>(nil)
  let turn = AsyncTurn()

  var current: Counting? { counting.withLock { $0 } }

  func count(by definitions: KPIDefinitions) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let data = (try? encoder.encode(definitions)) ?? Data()
    let name = "kpi:" + Hashing.sha256Hex(data).prefix(16)
    counting.withLock { $0 = Counting(definitions: definitions, name: name) }
  }

  func cachedPending(name: String, version: Int64) -> [StoredCaseFacts]? {
    pending.withLock { $0.flatMap { $0.name == name && $0.version == version ? $0.facts : nil } }
  }

  func keepPending(_ facts: [StoredCaseFacts], name: String, version: Int64) {
    pending.withLock { $0 = (name, version, facts) }
  }
}

/// A case's facts as the sums counted them, with its times as they were then (so that taking them
/// away later gives back exactly what was added, whatever the calendar says by then).
struct StoredCaseFacts: Codable, Sendable {
  var facts: CaseFacts
  var hoursToAccept: Double?
  var hoursToReply: Double?

  enum CodingKeys: String, CodingKey {
    case facts = "f"
    case hoursToAccept = "a"
    case hoursToReply = "r"
  }

  init(_ facts: CaseFacts, engine: KPIEngine) {
    self.facts = facts
    hoursToAccept = engine.hours(.hoursToAccept, of: facts)
    hoursToReply = engine.hours(.hoursToReply, of: facts)
  }

  func hours(_ measure: KPIDefinition.Measure) -> Double? {
    switch measure {
    case .hoursToAccept: hoursToAccept
    case .hoursToReply: hoursToReply
    }
  }
}

extension Store {
  /// How many events one refresh of the statistics reads at most, and how many cases whose deadline
  /// has passed it counts again.
  public static let statisticsEventsPerRun = 20_000
  static let statisticsExpiredPerRun = 1_000

  /// Keeps the statistics' roll-ups by `definitions` from now on (`serve` names the definitions it
  /// shows; without them every figure is counted from the cases).
  public func countStatistics(by definitions: KPIDefinitions) {
    statisticsRollup.count(by: definitions)
  }

  /// 统计汇总更新: counts again the cases the events since the last refresh touched (at most
  /// `eventsPerRun` events) and those whose deadline passed since they were counted, taking their old
  /// counts away and adding the new ones, in one transaction that also moves the state's version on;
  /// deadlines are judged at `now`. Returns how many events and cases it covered (0: up to date, or
  /// another refresh got there first).
  @discardableResult
  public func refreshStatistics(eventsPerRun: Int = statisticsEventsPerRun, now: Date = Date()) async throws -> Int {
    guard let counting = statisticsRollup.current else { return 0 }
    if seals { try await sealEvents() }
    return try await statisticsRollup.turn.run {
      let reads = StatisticsRollupReads(runner: search.runner)
      let state = try await reads.state(counting.name)
      let last = state?.last_seq ?? 0
      let head = min(try await rollups.headSequence(), last + Int64(max(1, eventsPerRun)))
      var ids = head > last ? try await reads.touched(after: last, upTo: head) : []
      let touched = Set(ids)
      ids += try await reads.expired(before: now, limit: Self.statisticsExpiredPerRun).filter { !touched.contains($0) }
      guard !ids.isEmpty || head > last || state == nil else { return 0 }
      let engine = KPIEngine(definitions: counting.definitions, calendar: rules.calendar)
      // Without a state the sums are cleared first: nothing counted before is taken away.
      let old = state == nil ? [:] : try await reads.stored(ids)
      var tally = KPITally()
      var statements = StatisticsRollupStatements.advance(
        counting.name, from: state, to: head, judged: now)
      var kept: [(UUID, StoredCaseFacts, Date?)] = []
      var start = 0
      while start < ids.count {
        let slice = Array(ids[start..<min(start + 500, ids.count)])
        start += slice.count
        let records = try await search.runner.all(
          SQLFragment("SELECT * FROM messages WHERE id IN (") + .list(slice.map { .uuid($0) }) + SQLFragment(")"),
          as: MessageRecord.self)
        for facts in try await caseFacts(of: records) {
          let stored = StoredCaseFacts(facts, engine: engine)
          let pending = KPIEngine.pendingUntil(facts, at: now)
          if pending == nil { tally.add(facts, engine: engine, asOf: now, hours: stored.hours) }
          kept.append((facts.id, stored, pending))
        }
      }
      for row in old.values where row.pending_until == nil {
        let stored = try JSONDecoder().decode(StoredCaseFacts.self, from: Data(row.body.utf8))
        tally.add(stored.facts, sign: -1, engine: engine, asOf: now, hours: stored.hours)
      }
      // A message that is no longer there counts no more.
      let found = Set(kept.map(\.0))
      statements += StatisticsRollupStatements.forget(old.keys.filter { !found.contains($0) })
      statements += try StatisticsRollupStatements.keep(kept)
      statements += StatisticsRollupStatements.add(tally)
      do {
        try await rollups.write(statements)
      } catch {
        // Another refresh moved the state on first: the sums are its.
        if try await reads.state(counting.name)?.version != state?.version { return 0 }
        throw error
      }
      return Int(head - last) + ids.count
    }
  }

  /// How many events the statistics' roll-ups have not covered yet (nil: they are not kept).
  public func statisticsBacklog() async throws -> Int? {
    guard let counting = statisticsRollup.current else { return nil }
    if seals { try await sealEvents() }
    let last = try await StatisticsRollupReads(runner: search.runner).state(counting.name)?.last_seq ?? 0
    return Int(try await rollups.headSequence() - last)
  }

  /// The sums of the roll-ups for `dimensions` over `months` (and the times of `years` as a whole;
  /// with `monthlyTimes`, by month too), with the cases still pending counted as judged at `asOf`; nil when the roll-ups cannot give the
  /// figures at `asOf` exactly: they count by other definitions, are not up to date, or judged
  /// deadlines at a later moment than `asOf`.
  func statisticsTally(
    dimensions: [StatsDimension], months: ClosedRange<Int>, years: [Int], monthlyTimes: Bool, asOf: Date,
    definitions: KPIDefinitions
  ) async throws -> KPITally? {
    guard let counting = statisticsRollup.current, counting.definitions == definitions else { return nil }
    try await refreshStatistics(now: asOf)
    let reads = StatisticsRollupReads(runner: search.runner)
    guard let state = try await reads.state(counting.name), state.judged_ms <= Int64(asOf.timeIntervalSince1970 * 1000),
      state.last_seq == (try await rollups.headSequence())
    else { return nil }
    var tally = try await reads.sums(
      dimensions: dimensions, months: months, years: years, monthlyTimes: monthlyTimes)
    let pending: [StoredCaseFacts]
    if let cached = statisticsRollup.cachedPending(name: counting.name, version: state.version) {
      pending = cached
    } else {
      pending = try await reads.pending()
      statisticsRollup.keepPending(pending, name: counting.name, version: state.version)
    }
    let engine = KPIEngine(definitions: definitions, calendar: rules.calendar)
    var live = KPITally()
    for stored in pending { live.add(stored.facts, engine: engine, asOf: asOf, hours: stored.hours) }
    tally.add(live)
    return tally
  }

  /// The facts of these messages, from each message and its events, in the order given.
  func caseFacts(of records: [MessageRecord]) async throws -> [CaseFacts] {
    guard !records.isEmpty else { return [] }
    let runner = search.runner
    let messages = try await runner.messages(records)
    var events: [UUID: [EventDraft]] = [:]
    let statement =
      SQLFragment("SELECT * FROM events WHERE message_id IN (") + .list(records.map { .uuid($0.id) })
      + SQLFragment(") ORDER BY message_id, message_seq")
    for record in try await runner.all(statement, as: EventRecord.self) {
      if let event = record.core { events[record.messageID, default: []].append(event.draft) }
    }
    return messages.map { CaseFacts(message: $0, events: events[$0.id] ?? []) }
  }
}

extension Store {
  /// `statistics` from the roll-ups, when they can give it exactly (see `statisticsTally`) and the
  /// period is a month, a quarter or a year; nil otherwise.
  public func rolledStatistics(
    period: StatsPeriod, by dimension: StatsDimension, asOf: Date, definitions: KPIDefinitions,
    trendOf kpi: KPIDefinition?
  ) async throws -> StatisticsTable? {
    let year = StatsPeriod(.year, containing: period.first)
    guard let months = KPIEngine.months(of: period), let before = KPIEngine.months(of: period.previous),
      let yearMonths = KPIEngine.months(of: year)
    else { return nil }
    let all = months + (kpi == nil ? [] : before + yearMonths)
    let years = period.length == .year ? [period.first.year] + (kpi == nil ? [] : [period.first.year - 1]) : []
    guard let first = all.min(), let last = all.max(),
      let tally = try await statisticsTally(
        dimensions: Array(Set([dimension, .platform])), months: first...last, years: years,
        monthlyTimes: period.length != .year, asOf: asOf, definitions: definitions)
    else { return nil }
    var table = StatisticsTable(
      period: period, dimension: dimension, asOf: asOf, definitions: definitions,
      groups: tally.table(by: dimension, period: period, definitions: definitions),
      platform: tally.table(by: .platform, period: period, definitions: definitions)["all"] ?? [:])
    if let kpi {
      table.previousGroups = tally.table(by: dimension, period: period.previous, definitions: definitions)
      for cell in tally.heat(in: period) {
        table.received[StatisticsTable.HeatCell(category: cell.category, region: cell.region)] = cell.count
      }
      var month = StatsPeriod(.month, containing: year.first)
      while month.first < year.end, rules.calendar.start(of: month.first) <= asOf {
        let figure = tally.table(by: .platform, period: month, definitions: definitions)["all"]?[kpi.id]
        table.trend.append((month, figure ?? KPICount().figure(kpi)))
        month = StatsPeriod(.month, containing: month.end)
      }
    }
    return table
  }

  /// Every KPI by unit and for the platform in `year` and the year before, from the roll-ups when
  /// they can give them exactly; nil otherwise.
  func rolledYearFigures(
    year: StatsPeriod, asOf: Date, definitions: KPIDefinitions
  ) async throws -> StatisticsFigures? {
    guard let months = KPIEngine.months(of: year), let before = KPIEngine.months(of: year.previous),
      let first = before.first, let last = months.last,
      let tally = try await statisticsTally(
        dimensions: [.unit, .platform], months: first...last, years: [year.first.year - 1, year.first.year],
        monthlyTimes: false, asOf: asOf, definitions: definitions)
    else { return nil }
    return StatisticsFigures(
      asOf: asOf, groups: tally.table(by: .unit, period: year, definitions: definitions),
      platform: tally.table(by: .platform, period: year, definitions: definitions)["all"] ?? [:],
      previousGroups: tally.table(by: .unit, period: year.previous, definitions: definitions),
      previousPlatform: tally.table(by: .platform, period: year.previous, definitions: definitions)["all"] ?? [:])
  }
}
