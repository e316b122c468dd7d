import Foundation

/// One KPI's counts for one group: how many cases it counts, how many of them meet it, and for a time
/// the meeting cases' times (tenths of a working hour → cases). Counts add up, so the figures of a
/// year are the sums of its months, and a figure is the same whether its cases were counted one by
/// one (`KPIEngine.figure`) or summed from the roll-ups (`KPITally`).
public struct KPICount: Sendable, Equatable {
  public var counted = 0
  public var meeting = 0
  public var times: [Int: Int] = [:]

  public init(counted: Int = 0, meeting: Int = 0, times: [Int: Int] = [:]) {
    self.counted = counted
    self.meeting = meeting
    self.times = times
  }

  /// Adds another count.
  public mutating func add(_ other: KPICount) {
    counted += other.counted
    meeting += other.meeting
    for (tenths, n) in other.times { times[tenths, default: 0] += n }
  }

  /// The figure: the share that meets it, or the median or 90th percentile of the times.
  public func figure(_ kpi: KPIDefinition) -> KPIFigure {
    let value: Double?
    switch kpi.kind {
    case .rate:
      value = counted == 0 ? nil : Double(meeting) / Double(counted)
    case .median:
      let total = times.values.reduce(0, +)
      value =
        total == 0 ? nil : total % 2 == 1 ? hours(at: total / 2) : (hours(at: total / 2 - 1) + hours(at: total / 2)) / 2
    case .p90:
      let total = times.values.reduce(0, +)
      // The nearest rank: the smallest time with at least 90 per cent of times at or below it.
      let rank = Int((0.9 * Double(total)).rounded(.up))
      value = total == 0 ? nil : hours(at: max(0, min(total, rank) - 1))
    }
    return KPIFigure(
      kpi: kpi.id, denominator: counted, numerator: meeting, value: value, ranked: counted >= kpi.minimumVolume)
  }

  /// The time at `index` of the times in order, in hours.
  private func hours(at index: Int) -> Double {
    var seen = 0
    for (tenths, n) in times.sorted(by: { $0.key < $1.key }) {
      seen += n
      if index < seen { return Double(tenths) / 10 }
    }
    return Double(times.keys.max() ?? 0) / 10
  }
}

extension KPIEngine {
  /// Times are kept to two significant figures: tenths of an hour below 10 hours, whole hours below
  /// 100, tens of hours below 1,000, hundreds above. So every time falls on one of a few hundred
  /// values, and the roll-ups can keep every group's times month by month and still give the exact
  /// median and 90th percentile.
  public static func tenths(of hours: Double) -> Int {
    let tenths = max(0, hours) * 10
    let step: Double = tenths < 100 ? 1 : tenths < 1_000 ? 10 : tenths < 10_000 ? 100 : 1_000
    return Int((tenths / step).rounded()) * Int(step)
  }

  /// The moments from `moment` on at which a case's figures may change without an event: its
  /// acceptance and reply deadlines that have not passed without the act they wait for, in order.
  /// Every condition that reads `asOf` (`acceptance_settled`, `reply_settled`, `overdue`) reads it
  /// only against these deadlines, so between them the figures stay as they are.
  public static func changePoints(_ facts: CaseFacts, from moment: Date) -> [Date] {
    var points: Set<Date> = []
    if facts.acceptedAt == nil, let due = facts.acceptanceDue, due >= moment { points.insert(due) }
    if facts.firstReplyAt == nil, let due = facts.replyDue, due >= moment { points.insert(due) }
    return points.sorted()
  }

  /// The month (`yyyyMM`) of local days that `date` falls in.
  public func monthKey(_ date: Date) -> Int {
    let (year, month, _) = calendar.day(of: date).components
    return year * 100 + month
  }

  /// The months (`yyyyMM`) a month, quarter or year spans; nil for a day or a week, which the
  /// roll-ups do not keep.
  public static func months(of period: StatsPeriod) -> [Int]? {
    guard [.month, .quarter, .year].contains(period.length) else { return nil }
    var months: [Int] = []
    var month = StatsPeriod(.month, containing: period.first)
    while month.first < period.end {
      months.append(month.first.year * 100 + month.first.components.month)
      month = StatsPeriod(.month, containing: month.end)
    }
    return months
  }
}

extension KPIDefinition {
  /// Whether the KPI reads the moment cases are judged at (a deadline passed or not).
  public var readsMoment: Bool {
    (denominator + exclude + numerator).contains { [.acceptanceSettled, .replySettled, .overdue].contains($0) }
  }
}

extension KPIDefinitions {
  /// Whether the roll-ups can keep these definitions: a time never depends on the moment (only
  /// rates may read a deadline's passing, which the roll-ups keep as changes at the deadline).
  public var canBeRolledUp: Bool { !kpis.contains { $0.kind != .rate && $0.readsMoment } }
}

/// 统计汇总: what cases add to every KPI's counts, by breakdown and group, month by month (and year by
/// year for times, so a year's median needs one histogram per group), and to the heat table. The
/// roll-ups keep these sums up to date as cases change (adding a case's new counts and taking away its
/// old ones), and a page adds the counts of its months.
public struct KPITally: Sendable, Equatable {
  /// A KPI's count for one group in one bucket: a month (`yyyyMM`) or, for times, a year (`yyyy`).
  public struct Key: Hashable, Sendable {
    public var dimension: StatsDimension
    public var group: String
    public var kpi: String
    public var bucket: Int

    public init(dimension: StatsDimension, group: String, kpi: String, bucket: Int) {
      self.dimension = dimension
      self.group = group
      self.kpi = kpi
      self.bucket = bucket
    }
  }

  /// A cell of the heat table in a month: category and region (empty: none given).
  public struct HeatKey: Hashable, Sendable {
    public var month: Int
    public var category: String
    public var region: String

    public init(month: Int, category: String, region: String) {
      self.month = month
      self.category = category
      self.region = region
    }
  }

  /// Counted and meeting cases, by month.
  public var counts: [Key: [Int]] = [:]
  /// Meeting cases' times: key (a month or a year) → tenths of an hour → cases.
  public var times: [Key: [Int: Int]] = [:]
  /// Cases received, by month, category and region.
  public var received: [HeatKey: Int] = [:]
  /// Changes to counts at a deadline (`at` in milliseconds since 1970): from the deadline on, or
  /// (`strict`) once it has passed. A case whose deadline lies ahead adds its counts as they are now
  /// and these changes, so a page judges it at any later moment without reading it.
  public var changes: [Change: [Int]] = [:]

  /// A change of a count at a moment.
  public struct Change: Hashable, Sendable {
    public var key: Key
    public var at: Int64
    public var strict: Bool

    public init(key: Key, at: Int64, strict: Bool) {
      self.key = key
      self.at = at
      self.strict = strict
    }

    /// Whether the change has happened at `moment`.
    public func applies(at moment: Date) -> Bool {
      let milliseconds = moment.timeIntervalSince1970 * 1000
      return strict ? Double(at) < milliseconds : Double(at) <= milliseconds
    }
  }

  public init() {}

  /// Adds (`sign` 1) or takes away (`sign` -1) a case's counts as judged at `judgedAt` and the
  /// changes its deadlines ahead will make (`changes`), its times given by `hours` (as
  /// `KPIEngine.hours` gives them, or as they were kept when the case was added), for `dimensions`
  /// (every breakdown unless told). Taking a case away with the same facts and moment gives back
  /// exactly what adding it gave.
  public mutating func add(
    _ facts: CaseFacts, sign: Int = 1, engine: KPIEngine, judgedAt: Date,
    dimensions: [StatsDimension] = StatsDimension.allCases, hours: (KPIDefinition.Measure) -> Double?
  ) {
    let groups = dimensions.compactMap { dimension in dimension.key(of: facts).map { (dimension, $0) } }
    let definitions = engine.definitions
    /// Whether the case counts in the KPI at `moment`, and meets it; nil when it has no date in it.
    func state(_ kpi: KPIDefinition, at moment: Date, time: Double?) -> (month: Int, counted: Bool, meets: Bool)? {
      guard let date = KPIEngine.date(of: facts, by: kpi.period) else { return nil }
      let counted =
        (kpi.measure == nil || time != nil)
        && kpi.denominator.allSatisfy { $0.holds(for: facts, asOf: moment, definitions: definitions) }
        && !kpi.exclude.contains { $0.holds(for: facts, asOf: moment, definitions: definitions) }
      let meets = counted && kpi.numerator.allSatisfy { $0.holds(for: facts, asOf: moment, definitions: definitions) }
      return (engine.monthKey(date), counted, meets)
    }
    let points = KPIEngine.changePoints(facts, from: judgedAt)
    for kpi in definitions.kpis {
      let time = kpi.measure.flatMap(hours)
      guard let now = state(kpi, at: judgedAt, time: time) else { continue }
      for (dimension, group) in groups where now.counted {
        let key = Key(dimension: dimension, group: group, kpi: kpi.id, bucket: now.month)
        Self.bump(&counts[key], by: [sign, now.meets ? sign : 0])
        guard now.meets, let time else { continue }
        let tenths = KPIEngine.tenths(of: time)
        for bucket in [now.month, now.month / 100] {
          let timeKey = Key(dimension: dimension, group: group, kpi: kpi.id, bucket: bucket)
          var histogram = times[timeKey] ?? [:]
          let n = histogram[tenths, default: 0] + sign
          histogram[tenths] = n == 0 ? nil : n
          times[timeKey] = histogram.isEmpty ? nil : histogram
        }
      }
      // At each deadline ahead, and just after it, the KPI may count the case differently.
      guard kpi.readsMoment, !points.isEmpty else { continue }
      var before = now
      for point in points {
        for (moment, strict) in [(point, false), (point.addingTimeInterval(0.001), true)] {
          guard let after = state(kpi, at: moment, time: time), after != before else { continue }
          let change = [
            (after.counted ? 1 : 0) - (before.counted ? 1 : 0), (after.meets ? 1 : 0) - (before.meets ? 1 : 0),
          ]
          for (dimension, group) in groups {
            let key = Change(
              key: Key(dimension: dimension, group: group, kpi: kpi.id, bucket: now.month),
              at: Int64((point.timeIntervalSince1970 * 1000).rounded()), strict: strict)
            Self.bump(&changes[key], by: change.map { $0 * sign })
          }
          before = after
        }
      }
    }
    let heat = HeatKey(
      month: engine.monthKey(facts.receivedAt), category: facts.categoryID?.uuidString.lowercased() ?? "",
      region: facts.regionID?.uuidString.lowercased() ?? "")
    let n = received[heat, default: 0] + sign
    received[heat] = n == 0 ? nil : n
  }

  /// Adds `change` to a pair of counts, leaving nil for none.
  private static func bump(_ count: inout [Int]?, by change: [Int]) {
    let sum = zip(count ?? [0, 0], change).map(+)
    count = sum == [0, 0] ? nil : sum
  }

  /// Adds another tally.
  public mutating func add(_ other: KPITally) {
    for (key, count) in other.counts {
      let sum = zip(counts[key] ?? [0, 0], count).map(+)
      counts[key] = sum == [0, 0] ? nil : sum
    }
    for (key, histogram) in other.times {
      var mine = times[key] ?? [:]
      for (tenths, n) in histogram {
        let sum = mine[tenths, default: 0] + n
        mine[tenths] = sum == 0 ? nil : sum
      }
      times[key] = mine.isEmpty ? nil : mine
    }
    for (key, n) in other.received {
      let sum = received[key, default: 0] + n
      received[key] = sum == 0 ? nil : sum
    }
    for (key, change) in other.changes { Self.bump(&changes[key], by: change) }
  }

  /// Every KPI's figure for every group of `dimension` in `period` (a month, quarter or year) that
  /// counts at least one case in it, cases judged at `asOf` (the changes that have happened by then
  /// added), as `KPIEngine.table` gives them.
  public func table(
    by dimension: StatsDimension, period: StatsPeriod, asOf: Date, definitions: KPIDefinitions
  ) -> [String: [String: KPIFigure]] {
    guard let months = KPIEngine.months(of: period) else { return [:] }
    let span = Set(months)
    // A year's times are in its own bucket; a month's or a quarter's in its months'.
    let timeBuckets = period.length == .year ? [period.first.year] : months
    var sums: [String: [String: KPICount]] = [:]
    for (key, count) in counts where key.dimension == dimension && span.contains(key.bucket) {
      sums[key.group, default: [:]][key.kpi, default: KPICount()].add(KPICount(counted: count[0], meeting: count[1]))
    }
    for (change, count) in changes
    where change.key.dimension == dimension && span.contains(change.key.bucket) && change.applies(at: asOf) {
      sums[change.key.group, default: [:]][change.key.kpi, default: KPICount()].add(
        KPICount(counted: count[0], meeting: count[1]))
    }
    for bucket in timeBuckets {
      for (key, histogram) in times where key.dimension == dimension && key.bucket == bucket {
        sums[key.group, default: [:]][key.kpi, default: KPICount()].add(KPICount(times: histogram))
      }
    }
    return sums.compactMapValues { byKPI -> [String: KPIFigure]? in
      guard byKPI.values.contains(where: { $0.counted != 0 }) else { return nil }
      return Dictionary(
        uniqueKeysWithValues: definitions.kpis.map { ($0.id, (byKPI[$0.id] ?? KPICount()).figure($0)) })
    }
  }

  /// How many cases were received in `period` by category and region.
  public func heat(in period: StatsPeriod) -> [(category: UUID?, region: UUID?, count: Int)] {
    guard let months = KPIEngine.months(of: period) else { return [] }
    let span = Set(months)
    var cells: [HeatKey: Int] = [:]
    for (key, n) in received where span.contains(key.month) {
      cells[HeatKey(month: 0, category: key.category, region: key.region), default: 0] += n
    }
    return cells.filter { $0.value != 0 }.map {
      (
        $0.key.category.isEmpty ? nil : UUID(uuidString: $0.key.category),
        $0.key.region.isEmpty ? nil : UUID(uuidString: $0.key.region), $0.value
      )
    }
  }
}
