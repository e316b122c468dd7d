import Foundation

/// 统计周期: a day, an ISO week (from Monday), a month, a quarter or a year of local (Beijing) days.
public struct StatsPeriod: Sendable, Hashable, CustomStringConvertible {
  public enum Length: String, Sendable, CaseIterable {
    case day, week, month, quarter, year
  }

  public var length: Length
  /// The first day and the day after the last.
  public var first: LocalDate
  public var end: LocalDate

  /// The period of `length` that contains `day`.
  public init(_ length: Length, containing day: LocalDate) {
    self.length = length
    let (year, month, _) = day.components
    switch length {
    case .day:
      first = day
      end = day.adding(days: 1)
    case .week:
      first = day.adding(days: 1 - day.weekday)
      end = first.adding(days: 7)
    case .month:
      first = LocalDate(year: year, month: month, day: 1) ?? day
      end =
        month == 12
        ? LocalDate(year: year + 1, month: 1, day: 1) ?? day : LocalDate(year: year, month: month + 1, day: 1) ?? day
    case .quarter:
      let start = (month - 1) / 3 * 3 + 1
      first = LocalDate(year: year, month: start, day: 1) ?? day
      end =
        start == 10
        ? LocalDate(year: year + 1, month: 1, day: 1) ?? day : LocalDate(year: year, month: start + 3, day: 1) ?? day
    case .year:
      first = LocalDate(year: year, month: 1, day: 1) ?? day
      end = LocalDate(year: year + 1, month: 1, day: 1) ?? day
    }
  }

  /// Reads `2026`, `2026-Q3`, `2026-07`, `2026-W05` (ISO week) or `2026-07-14`; nil for anything else.
  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
    guard let year = Int(parts[0]), (2000...2100).contains(year), parts[0].count == 4 else { return nil }
    switch parts.count {
    case 1:
      guard let day = LocalDate(year: year, month: 1, day: 1) else { return nil }
      self.init(.year, containing: day)
    case 2 where parts[1].hasPrefix("Q"):
      guard let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter), parts[1].count == 2,
        let day = LocalDate(year: year, month: quarter * 3 - 2, day: 1)
      else { return nil }
      self.init(.quarter, containing: day)
    case 2 where parts[1].hasPrefix("W"):
      guard let week = Int(parts[1].dropFirst()), (1...53).contains(week), parts[1].count == 3,
        let january4 = LocalDate(year: year, month: 1, day: 4)
      else { return nil }
      let day = january4.adding(days: 1 - january4.weekday + 7 * (week - 1))
      guard week < 53 || StatsPeriod(.week, containing: day).first.adding(days: 3).year == year else { return nil }
      self.init(.week, containing: day)
    case 2:
      guard parts[1].count == 2, let month = Int(parts[1]), let day = LocalDate(year: year, month: month, day: 1)
      else { return nil }
      self.init(.month, containing: day)
    case 3:
      guard let day = LocalDate(text) else { return nil }
      self.init(.day, containing: day)
    default:
      return nil
    }
  }

  /// The period's name as `init?(_:)` reads it.
  public var description: String {
    let (year, month, _) = first.components
    switch length {
    case .day: return first.description
    case .week:
      let thursday = first.adding(days: 3)
      let january1 = LocalDate(year: thursday.year, month: 1, day: 1) ?? thursday
      let week = (thursday.ordinal - january1.ordinal) / 7 + 1
      return String(format: "%04d-W%02d", thursday.year, week)
    case .month: return String(format: "%04d-%02d", year, month)
    case .quarter: return "\(year)-Q\((month - 1) / 3 + 1)"
    case .year: return String(year)
    }
  }

  /// The period before this one, of the same length.
  public var previous: StatsPeriod { StatsPeriod(length, containing: first.adding(days: -1)) }

  /// The instants the period spans on `calendar`'s clock: from its first day's start to its end's.
  public func interval(on calendar: WorkingCalendar) -> Range<Date> {
    calendar.start(of: first)..<calendar.start(of: end)
  }
}

/// 分组: what the figures are broken down by.
public enum StatsDimension: String, Sendable, CaseIterable, Codable {
  case platform, unit, region, leader, category, channel, type

  /// The group a case belongs to; nil when it has none (a case not yet with a unit has no unit).
  public func key(of facts: CaseFacts) -> String? {
    switch self {
    case .platform: "all"
    case .unit: facts.unitID?.uuidString.lowercased()
    case .region: facts.regionID?.uuidString.lowercased()
    case .leader: facts.leaderID?.uuidString.lowercased()
    case .category: facts.categoryID?.uuidString.lowercased()
    case .channel: facts.channel.rawValue
    case .type: facts.type.rawValue
    }
  }
}

/// One KPI's figure for one group: how many cases it counts, how many of them meet it, and the rate
/// or time.
public struct KPIFigure: Sendable, Equatable, Codable {
  public var kpi: String
  /// Cases counted: the rate's denominator, or the cases whose time was measured.
  public var denominator: Int
  /// Of those, the cases that meet it (rates; equal to `denominator` for times).
  public var numerator: Int
  /// The rate (0…1) or the time in working hours; nil without cases.
  public var value: Double?
  /// Whether the group has the minimum volume to be ranked.
  public var ranked: Bool

  public init(kpi: String, denominator: Int, numerator: Int, value: Double?, ranked: Bool) {
    self.kpi = kpi
    self.denominator = denominator
    self.numerator = numerator
    self.value = value
    self.ranked = ranked
  }
}

/// 统计引擎: every figure and every drill-down list comes from `members`, so that a figure and its list
/// of cases can never disagree.
public struct KPIEngine: Sendable {
  public var definitions: KPIDefinitions
  public var calendar: WorkingCalendar

  public init(definitions: KPIDefinitions, calendar: WorkingCalendar) {
    self.definitions = definitions
    self.calendar = calendar
  }

  /// The date that puts a case in a period under `rule`; nil when the case has none yet.
  public static func date(of facts: CaseFacts, by rule: KPIDefinition.PeriodRule) -> Date? {
    switch rule {
    case .received: facts.receivedAt
    case .acceptanceDue: facts.acceptanceDue
    case .replyDue: facts.replyDue
    case .replied: facts.firstReplyAt
    case .evaluated: facts.evaluatedAt
    case .closed: facts.closedAt
    case .proposalEvaluated: facts.proposalEvaluatedAt
    }
  }

  /// The cases a KPI counts in `period` at `asOf` (its denominator, in serial order) and those of them
  /// that meet it (its numerator). For times, both are the cases whose time can be measured.
  public func members(
    of kpi: KPIDefinition, in cases: [CaseFacts], period: StatsPeriod, asOf: Date
  ) -> (counted: [CaseFacts], meeting: [CaseFacts]) {
    let span = period.interval(on: calendar)
    let counted = cases.filter { facts in
      guard let date = Self.date(of: facts, by: kpi.period), span.contains(date) else { return false }
      return kpi.denominator.allSatisfy { $0.holds(for: facts, asOf: asOf, definitions: definitions) }
        && !kpi.exclude.contains { $0.holds(for: facts, asOf: asOf, definitions: definitions) }
        && (kpi.measure == nil || hours(kpi.measure, of: facts) != nil)
    }.sorted { ($0.serial.year, $0.serial.number) < ($1.serial.year, $1.serial.number) }
    let meeting = counted.filter { facts in
      kpi.numerator.allSatisfy { $0.holds(for: facts, asOf: asOf, definitions: definitions) }
    }
    return (counted, meeting)
  }

  /// The KPI's figure over `cases`.
  public func figure(
    _ kpi: KPIDefinition, in cases: [CaseFacts], period: StatsPeriod, asOf: Date
  ) -> KPIFigure {
    let (counted, meeting) = members(of: kpi, in: cases, period: period, asOf: asOf)
    var count = KPICount(counted: counted.count, meeting: meeting.count)
    if kpi.kind != .rate {
      for facts in meeting {
        if let time = hours(kpi.measure, of: facts) { count.times[Self.tenths(of: time), default: 0] += 1 }
      }
    }
    return count.figure(kpi)
  }

  /// Every KPI's figure for every group of `dimension`, keyed by group and KPI.
  public func table(
    _ cases: [CaseFacts], by dimension: StatsDimension, period: StatsPeriod, asOf: Date
  ) -> [String: [String: KPIFigure]] {
    var groups: [String: [CaseFacts]] = [:]
    for facts in cases {
      if let key = dimension.key(of: facts) { groups[key, default: []].append(facts) }
    }
    // A group counts no case in the period: it has no figures (as the roll-ups, which keep counts).
    return groups.compactMapValues { members in
      let figures = Dictionary(
        uniqueKeysWithValues: definitions.kpis.map { ($0.id, figure($0, in: members, period: period, asOf: asOf)) })
      return figures.values.contains { $0.denominator != 0 } ? figures : nil
    }
  }

  /// The time a measure takes for a case, in working hours to two significant figures
  /// (`tenths(of:)`); nil until both ends happened.
  public func hours(_ measure: KPIDefinition.Measure?, of facts: CaseFacts) -> Double? {
    switch measure {
    case .hoursToAccept:
      guard let start = facts.assignedAt, let end = facts.acceptedAt else { return nil }
      return Double(Self.tenths(of: calendar.workingHours(from: start, to: end))) / 10
    case .hoursToReply:
      guard let end = facts.firstReplyAt else { return nil }
      return Double(Self.tenths(of: calendar.workingHours(from: facts.receivedAt, to: end))) / 10
    case nil:
      return nil
    }
  }
}

extension WorkingCalendar {
  /// The hours between two instants that fall on working days (weekends and public holidays left
  /// out, 调休 working weekends counted).
  public func workingHours(from start: Date, to end: Date) -> Double {
    guard end > start else { return 0 }
    var total: TimeInterval = 0
    var day = self.day(of: start)
    let last = self.day(of: end)
    while day <= last {
      if isWorkingDay(day) {
        let from = max(start, self.start(of: day))
        let to = min(end, self.start(of: day.adding(days: 1)))
        if to > from { total += to.timeIntervalSince(from) }
      }
      day = day.adding(days: 1)
    }
    return total / 3_600
  }
}
