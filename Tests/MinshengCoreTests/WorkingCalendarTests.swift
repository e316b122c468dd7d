import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

@Suite struct WorkingCalendarTests {
  let calendar = Fixtures.rules.calendar

  func day(_ text: String) -> LocalDate { LocalDate(text)! }

  @Test func shippedYears_areLoaded() {
    #expect(calendar.covers(2025))
    #expect(calendar.covers(2026))
    #expect(!calendar.covers(2031))
  }

  @Test(arguments: [
    ("2026-01-01", false), ("2026-01-04", true), ("2026-02-14", true), ("2026-02-16", false),
    ("2026-02-23", false), ("2026-02-24", true), ("2026-02-28", true), ("2026-05-09", true),
    ("2026-06-19", false), ("2026-09-20", true), ("2026-10-07", false), ("2026-10-10", true),
    ("2026-10-11", false), ("2025-01-26", true), ("2025-02-04", false), ("2025-10-08", false),
    ("2025-10-11", true), ("2026-03-04", true), ("2026-03-07", false),
  ])
  func officialArrangement_decidesWorkingDays(date: String, working: Bool) {
    #expect(calendar.isWorkingDay(day(date)) == working)
  }

  @Test func localDate_roundTripsAndKnowsWeekdays() {
    #expect(day("2026-11-30").weekday == 1)
    #expect(day("2026-10-10").weekday == 6)
    #expect(day("2024-02-29").description == "2024-02-29")
    #expect(LocalDate("2026-02-29") == nil)
    #expect(LocalDate("2026-13-01") == nil)
    for ordinal in stride(from: -800_000, to: 800_000, by: 997) {
      let d = LocalDate(ordinal: ordinal)
      let (y, m, dd) = d.components
      #expect(LocalDate(year: y, month: m, day: dd) == d)
    }
  }

  @Test func dayBoundaries_followChinaTime() {
    // 2026-03-04 23:30 China time is 15:30 UTC the same day; 00:30 on the 5th is 16:30 UTC on the 4th.
    #expect(calendar.day(of: Fixtures.at("2026-03-04", 23, 30)) == day("2026-03-04"))
    #expect(calendar.day(of: Fixtures.at("2026-03-05", 0, 30)) == day("2026-03-05"))
    #expect(calendar.start(of: day("2026-03-05")) == Date(timeIntervalSince1970: 1_772_640_000))
  }

  @Test func countingStartsTheNextWorkingDay_evenWhenAssignedOnAHoliday() {
    // Assigned on Sunday 2026-02-15 (春节): the first working day after it is Tue 2026-02-24.
    #expect(calendar.workingDay(1, after: day("2026-02-15")) == day("2026-02-24"))
    #expect(calendar.deadline(workingDays: 1, after: Fixtures.at("2026-02-15")) == Fixtures.at("2026-02-25", 0))
  }

  /// A small deterministic generator so property tests are repeatable.
  struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  @Test func property_addingWorkingDays_neverLandsOnANonWorkingDay() {
    var rng = SplitMix64(state: 20_260_101)
    let first = day("2025-01-01").ordinal
    let last = day("2026-12-31").ordinal
    for _ in 0..<5_000 {
      let start = LocalDate(ordinal: Int.random(in: first...last, using: &rng))
      let n = Int.random(in: 1...40, using: &rng)
      let result = calendar.workingDay(n, after: start)
      #expect(calendar.isWorkingDay(result), "\(start) + \(n)")
      #expect(result > start)
      #expect(calendar.workingDays(from: start.adding(days: 1), through: result) == n, "\(start) + \(n)")
    }
  }

  @Test func property_addingWorkingDays_isMonotonic() {
    var rng = SplitMix64(state: 42)
    let first = day("2025-01-01").ordinal
    let last = day("2026-12-31").ordinal
    for _ in 0..<3_000 {
      let a = Int.random(in: first...last, using: &rng)
      let b = Int.random(in: a...min(a + 60, last), using: &rng)
      let n = Int.random(in: 0...30, using: &rng)
      let m = Int.random(in: n...40, using: &rng)
      let start = LocalDate(ordinal: a)
      // More days never ends earlier; a later start never ends earlier.
      #expect(calendar.workingDay(n, after: start) <= calendar.workingDay(m, after: start))
      #expect(calendar.workingDay(n, after: start) <= calendar.workingDay(n, after: LocalDate(ordinal: b)))
      let t1 = Date(timeIntervalSince1970: Double(a) * 86_400 + Double(Int.random(in: 0..<86_400, using: &rng)))
      let t2 = t1.addingTimeInterval(Double(Int.random(in: 0...(86_400 * 30), using: &rng)))
      #expect(calendar.deadline(workingDays: n + 1, after: t1) <= calendar.deadline(workingDays: n + 1, after: t2))
    }
  }

  @Test func aNewYear_isAddedAsDataWithoutCode() throws {
    var extended = calendar
    let json = """
      {"year": 2027, "source": "test", "holidays": [
        {"name": "元旦", "offFrom": "2027-01-01", "offTo": "2027-01-03", "work": []}]}
      """
    try extended.add(json: Data(json.utf8))
    #expect(extended.covers(2027))
    #expect(!extended.isWorkingDay(day("2027-01-01")))
    #expect(calendar.isWorkingDay(day("2027-01-01")))
  }

  @Test func badHolidayFiles_areRefusedWithAReason() {
    var c = WorkingCalendar()
    #expect(throws: CalendarError.self) {
      try c.add(
        HolidayYear(
          year: 2027, source: "x",
          holidays: [.init(name: "x", offFrom: day("2027-01-01"), offTo: day("2027-01-01"), work: [day("2027-01-04")])])
      )
    }
    #expect(throws: CalendarError.self) {
      try c.add(
        HolidayYear(
          year: 2027, source: "x", holidays: [.init(name: "x", offFrom: day("2027-01-05"), offTo: day("2027-01-02"))]))
    }
    #expect(throws: CalendarError.self) {
      try c.add(
        HolidayYear(
          year: 2027, source: "x", holidays: [.init(name: "x", offFrom: day("2026-12-31"), offTo: day("2027-01-01"))]))
    }
    #expect(throws: CalendarError.self) { try c.add(json: Data("{\"year\": 2027}".utf8)) }
    var twice = calendar
    #expect(throws: CalendarError.self) { try twice.add(HolidayYear(year: 2026, source: "again", holidays: [])) }
  }
}

@Suite struct SLATests {
  let rules: SLAPolicySet = SLAPolicySet(rules: [
    SLARule(acceptance: .workingDays(5), reply: .workingDays(15), maxExtension: 10),
    SLARule(urgent: true, acceptance: .hours(2), reply: .hours(24), maxExtension: 2),
    SLARule(type: .consultation, reply: .workingDays(5)),
    SLARule(region: "500000", reply: .workingDays(13)),
    SLARule(region: "500229", acceptance: .workingDays(2)),
    SLARule(region: "500229", urgent: true, acceptance: .hours(1)),
  ])
  let county = RegionPath(codes: ["500229", "500000"])

  @Test func shippedDefaults_matchTheIssue() throws {
    let set = try SLAPolicySet.bundledDefault()
    #expect(
      set.policy(type: .complaint, urgent: false, region: RegionPath(codes: []))
        == SLAPolicy(acceptance: .workingDays(5), reply: .workingDays(15), maxExtensionWorkingDays: 10))
    let urgent = set.policy(type: .help, urgent: true, region: RegionPath(codes: []))
    #expect(urgent.acceptance == .hours(2))
    #expect(urgent.reply == .hours(24))
  }

  @Test func deeperRegion_beatsShallower_andFieldsMerge() {
    let policy = rules.policy(type: .complaint, urgent: false, region: county)
    #expect(policy.acceptance == .workingDays(2))
    #expect(policy.reply == .workingDays(13))
    #expect(policy.maxExtensionWorkingDays == 10)
  }

  @Test func regionRule_beatsTypeRule_typeRuleAppliesElsewhere() {
    #expect(rules.policy(type: .consultation, urgent: false, region: county).reply == .workingDays(13))
    #expect(
      rules.policy(type: .consultation, urgent: false, region: RegionPath(codes: ["110000"])).reply == .workingDays(5))
  }

  @Test func ordinaryRegionRules_neverSlowDownTheUrgentTrack() {
    let policy = rules.policy(type: .complaint, urgent: true, region: county)
    #expect(policy.acceptance == .hours(1))
    #expect(policy.reply == .hours(24))
  }

  @Test func durations_parseAndRefuseNonsense() {
    #expect(SLADuration("5wd") == .workingDays(5))
    #expect(SLADuration("24h") == .hours(24))
    #expect(SLADuration("3d") == .days(3))
    for bad in ["", "wd", "0wd", "-1h", "5 wd", "5w", "1.5h"] { #expect(SLADuration(bad) == nil, "\(bad)") }
  }
}
