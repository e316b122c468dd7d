import Foundation
import MinshengCore
import Synchronization

/// The definitions the statistics roll-ups count by (none until the server names them), and one
/// refresh at a time in this process.
final class StatisticsRollup: Sendable {
  struct Counting: Sendable {
    var definitions: KPIDefinitions
    /// `kpi:` and the definitions' fingerprint: a change of definitions counts everything again.
    var name: String
  }

  private let counting = Mutex<Counting?>(nil)
  let turn = AsyncTurn()

  var current: Counting? { counting.withLock { $0 } }

  func count(by definitions: KPIDefinitions) {
    guard definitions.canBeRolledUp else {
      counting.withLock { $0 = nil }
      return
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let data = (try? encoder.encode(definitions)) ?? Data()
    let name = "kpi:" + Hashing.sha256Hex(data).prefix(16)
    counting.withLock { $0 = Counting(definitions: definitions, name: name) }
  }
}

/// A case's facts as the sums counted them, the moment they were judged at, and its times as they
/// were then (so that taking them away later gives back exactly what was added, whatever the calendar
/// says by then).
struct StoredCaseFacts: Codable, Sendable {
  var facts: CaseFacts
  var judged: Date
  var hoursToAccept: Double?
  var hoursToReply: Double?

  enum CodingKeys: String, CodingKey {
    case facts = "f"
    case judged = "j"
    case hoursToAccept = "a"
    case hoursToReply = "r"
  }

  init(_ facts: CaseFacts, judged: Date, engine: KPIEngine) {
    self.facts = facts
    self.judged = judged
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
          let stored = StoredCaseFacts(facts, judged: now, engine: engine)
          tally.add(facts, engine: engine, judgedAt: now, hours: stored.hours)
          kept.append((facts.id, stored, KPIEngine.changePoints(facts, from: now).last))
        }
      }
      for row in old.values {
        let stored = try JSONDecoder().decode(StoredCaseFacts.self, from: Data(row.body.utf8))
        tally.add(stored.facts, sign: -1, engine: engine, judgedAt: stored.judged, hours: stored.hours)
      }
      // A message that is no longer there counts no more.
      let found = Set(kept.map(\.0))
      statements += StatisticsRollupStatements.forget(old.keys.filter { !found.contains($0) })
      statements += try StatisticsRollupStatements.keep(kept)
      statements += StatisticsRollupStatements.add(tally)
      // Changes folded into the counts leave rows of nothing.
      if !tally.changes.isEmpty {
        statements.append(SQLFragment("DELETE FROM kpi_changes WHERE counted = 0 AND meeting = 0"))
      }
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
  /// with `monthlyTimes`, by month too), with the changes at deadlines passed by `asOf`, up to date with
  /// the events committed when it is asked; nil when the roll-ups cannot give the
  /// figures at `asOf` exactly: they count by other definitions, are not up to date, or judged
  /// deadlines at a later moment than `asOf`.
  func statisticsTally(
    dimensions: [StatsDimension], months: ClosedRange<Int>, years: [Int], monthlyTimes: Bool, asOf: Date,
    definitions: KPIDefinitions, refreshing: Bool = true
  ) async throws -> KPITally? {
    guard let counting = statisticsRollup.current, counting.definitions == definitions else { return nil }
    // Up to date with every event committed before the request (events committed while it runs are
    // the next request's); after an upgrade, until the sums catch up, the cases are counted instead.
    if seals { try await sealEvents() }
    let head = try await rollups.headSequence()
    if refreshing {
      for _ in 0..<3 {
        if try await refreshStatistics(now: asOf) == 0 { break }
      }
    }
    let reads = StatisticsRollupReads(runner: search.runner)
    guard let state = try await reads.state(counting.name), state.judged_ms <= Int64(asOf.timeIntervalSince1970 * 1000),
      state.last_seq >= head
    else { return nil }
    return try await reads.sums(
      dimensions: dimensions, months: months, years: years, monthlyTimes: monthlyTimes, asOf: asOf)
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
  /// period is a month, a quarter or a year; nil otherwise. Brought up to date first unless
  /// `refreshing` is false (a test that reads the sums as they are).
  public func rolledStatistics(
    period: StatsPeriod, by dimension: StatsDimension, asOf: Date, definitions: KPIDefinitions,
    trendOf kpi: KPIDefinition?, refreshing: Bool = true
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
        monthlyTimes: period.length != .year, asOf: asOf, definitions: definitions, refreshing: refreshing)
    else { return nil }
    var table = StatisticsTable(
      period: period, dimension: dimension, asOf: asOf, definitions: definitions,
      groups: tally.table(by: dimension, period: period, asOf: asOf, definitions: definitions),
      platform: tally.table(by: .platform, period: period, asOf: asOf, definitions: definitions)["all"] ?? [:])
    if let kpi {
      table.previousGroups = tally.table(by: dimension, period: period.previous, asOf: asOf, definitions: definitions)
      for cell in tally.heat(in: period) {
        table.received[StatisticsTable.HeatCell(category: cell.category, region: cell.region)] = cell.count
      }
      var month = StatsPeriod(.month, containing: year.first)
      while month.first < year.end, rules.calendar.start(of: month.first) <= asOf {
        let figure = tally.table(by: .platform, period: month, asOf: asOf, definitions: definitions)["all"]?[kpi.id]
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
      asOf: asOf, groups: tally.table(by: .unit, period: year, asOf: asOf, definitions: definitions),
      platform: tally.table(by: .platform, period: year, asOf: asOf, definitions: definitions)["all"] ?? [:],
      previousGroups: tally.table(by: .unit, period: year.previous, asOf: asOf, definitions: definitions),
      previousPlatform: tally.table(by: .platform, period: year.previous, asOf: asOf, definitions: definitions)["all"]
        ?? [:])
  }
}
