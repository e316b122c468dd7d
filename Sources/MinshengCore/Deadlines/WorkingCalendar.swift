import Foundation

/// 节假日安排: one year's official arrangement — days off and make-up working days (调休).
///
/// Loaded from a versioned data file per year (`Data/calendars/cn-2026.json`); a new year is
/// added as a file, never as code.
public struct HolidayYear: Sendable, Equatable, Codable {
  /// One holiday: a run of days off and the weekend days worked in exchange.
  public struct Holiday: Sendable, Equatable, Codable {
    public var name: String
    /// First day off (inclusive).
    public var offFrom: LocalDate
    /// Last day off (inclusive).
    public var offTo: LocalDate
    /// Weekend days that are working days in exchange (调休上班).
    public var work: [LocalDate]

    public init(name: String, offFrom: LocalDate, offTo: LocalDate, work: [LocalDate] = []) {
      self.name = name
      self.offFrom = offFrom
      self.offTo = offTo
      self.work = work
    }
  }

  public var year: Int
  /// Where the arrangement was published.
  public var source: String
  public var holidays: [Holiday]

  public init(year: Int, source: String, holidays: [Holiday]) {
    self.year = year
    self.source = source
    self.holidays = holidays
  }
}

/// Why a holiday file was refused.
public struct CalendarError: Error, Sendable, Equatable, CustomStringConvertible {
  public var text: LocalizedText

  public init(_ text: LocalizedText) {
    self.text = text
  }

  public var description: String { text.chinese }
}

/// 工作日历: which days are working days, in one time zone.
///
/// Rule: a day is a working day when it is a make-up working day of a loaded year, or a weekday that
/// is not a day off of a loaded year. Years without a file fall back to Monday–Friday; `covers(_:)`
/// tells whether a year has its official arrangement loaded.
public struct WorkingCalendar: Sendable {
  public let timeZone: TimeZone
  private var offDays: Set<Int> = []
  private var workDays: Set<Int> = []
  private(set) public var years: [Int: HolidayYear] = [:]

  /// A calendar with no holidays loaded (Monday–Friday), in China Standard Time unless told otherwise.
  public init(timeZone: TimeZone = WorkingCalendar.chinaStandardTime) {
    self.timeZone = timeZone
  }

  /// UTC+8, which has no daylight saving time.
  public static let chinaStandardTime = TimeZone(secondsFromGMT: 8 * 3600)!

  /// Adds a year's arrangement after checking it: every date lies in that year, days off run
  /// forwards, make-up days fall on weekends and are not also days off, and the year is new.
  public mutating func add(_ year: HolidayYear) throws(CalendarError) {
    guard years[year.year] == nil else {
      throw CalendarError(LocalizedText("error_calendar_year_loaded", ["year": .number(year.year)]))
    }
    var off: Set<Int> = []
    var work: Set<Int> = []
    for holiday in year.holidays {
      guard holiday.offFrom <= holiday.offTo else {
        throw CalendarError(
          LocalizedText("error_calendar_reversed", ["year": .number(year.year), "holiday": .plain(holiday.name)]))
      }
      for day in [holiday.offFrom, holiday.offTo] + holiday.work where day.year != year.year {
        throw CalendarError(
          LocalizedText(
            "error_calendar_outside_year",
            ["year": .number(year.year), "holiday": .plain(holiday.name), "day": .plain(day.description)]))
      }
      for ordinal in holiday.offFrom.ordinal...holiday.offTo.ordinal { off.insert(ordinal) }
      for day in holiday.work {
        guard day.isWeekend else {
          throw CalendarError(
            LocalizedText(
              "error_calendar_makeup_weekday",
              ["year": .number(year.year), "holiday": .plain(holiday.name), "day": .plain(day.description)]))
        }
        work.insert(day.ordinal)
      }
    }
    if let clash = off.intersection(work).first {
      throw CalendarError(
        LocalizedText(
          "error_calendar_clash", ["year": .number(year.year), "day": .plain(LocalDate(ordinal: clash).description)]))
    }
    offDays.formUnion(off)
    workDays.formUnion(work)
    years[year.year] = year
  }

  /// Adds a year from the JSON of a holiday file.
  public mutating func add(json data: Data) throws(CalendarError) {
    let year: HolidayYear
    do {
      year = try JSONDecoder().decode(HolidayYear.self, from: data)
    } catch {
      throw CalendarError(LocalizedText("error_calendar_unreadable", ["detail": .plain(String(describing: error))]))
    }
    try add(year)
  }

  /// Whether the official arrangement for `year` is loaded.
  public func covers(_ year: Int) -> Bool { years[year] != nil }

  public func isWorkingDay(_ day: LocalDate) -> Bool {
    if workDays.contains(day.ordinal) { return true }
    if offDays.contains(day.ordinal) { return false }
    return !day.isWeekend
  }

  /// The local day on which `date` falls.
  public func day(of date: Date) -> LocalDate {
    let seconds = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
    return LocalDate(ordinal: Int((seconds / 86_400).rounded(.down)))
  }

  /// The instant at which local `day` begins.
  public func start(of day: LocalDate) -> Date {
    let guess = Date(timeIntervalSince1970: Double(day.ordinal) * 86_400)
    let offset = timeZone.secondsFromGMT(for: guess.addingTimeInterval(-Double(timeZone.secondsFromGMT(for: guess))))
    return guess.addingTimeInterval(-Double(offset))
  }

  /// The `n`-th working day after `day`, not counting `day` itself (n ≥ 1); `day` itself for n = 0.
  public func workingDay(_ n: Int, after day: LocalDate) -> LocalDate {
    precondition(n >= 0, "working days to add must not be negative")
    var current = day
    var remaining = n
    while remaining > 0 {
      current = current.adding(days: 1)
      if isWorkingDay(current) { remaining -= 1 }
    }
    return current
  }

  /// The deadline `n` working days after `date`: the end of the `n`-th working day, counting from
  /// the next working day (自次日起计算). Returned as the instant the following day begins.
  public func deadline(workingDays n: Int, after date: Date) -> Date {
    start(of: workingDay(n, after: day(of: date)).adding(days: 1))
  }

  /// The working days from `from` up to and including `through`; 0 when `through` is earlier.
  public func workingDays(from: LocalDate, through: LocalDate) -> Int {
    guard from <= through else { return 0 }
    return (from.ordinal...through.ordinal).reduce(0) { $0 + (isWorkingDay(LocalDate(ordinal: $1)) ? 1 : 0) }
  }
}

extension WorkingCalendar {
  /// The holiday files shipped with Minsheng (China's official arrangements), loaded.
  public static func bundledChina() throws(CalendarError) -> WorkingCalendar {
    var calendar = WorkingCalendar()
    let files = bundledHolidayFiles()
    guard !files.isEmpty else { throw CalendarError(LocalizedText("error_calendar_none_shipped")) }
    for url in files {
      guard let data = try? Data(contentsOf: url) else {
        throw CalendarError(LocalizedText("error_calendar_file", ["file": .plain(url.lastPathComponent)]))
      }
      try calendar.add(json: data)
    }
    return calendar
  }

  /// The shipped holiday files, oldest year first.
  public static func bundledHolidayFiles() -> [URL] {
    guard let folder = Bundle.module.url(forResource: "calendars", withExtension: nil, subdirectory: "Data") else {
      return []
    }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
  }
}
