import Foundation
import MinshengCore
import Testing

@testable import MinshengServer

/// The pages' dates in Beijing time, by arithmetic, against Foundation's time-zone database.
@Suite struct BeijingTimeTests {
  func fromDatabase(_ date: Date) -> BeijingTime {
    var time = BeijingTime(Date(timeIntervalSince1970: 0))
    let parts = BeijingTime.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    (time.year, time.month, time.day) = (parts.year!, parts.month!, parts.day!)
    (time.hour, time.minute, time.second) = (parts.hour!, parts.minute!, parts.second!)
    return time
  }

  @Test func agreesWithTheTimeZoneDatabase_atEveryKindOfMoment() {
    var moments: [Double] = [
      BeijingTime.fixedOffsetSince - 1, BeijingTime.fixedOffsetSince, 0, -86_400 * 400,
      // Midnight in Beijing on the last day of February in leap and common years, and New Year.
      1_709_136_000, 1_709_222_400 - 0.001, 1_740_758_400, 1_767_196_800, 1_767_196_799.999, 4_107_456_000,
      // China's daylight-saving summers (1986–1991) go through the database.
      516_729_600, 673_200_000,
    ]
    // The demonstration's seeded generator, so that the sample is the same every run.
    var generator = SeededGenerator(state: 2026)
    for _ in 0..<20_000 { moments.append(Double(generator.next() % 4_200_000_000) + 0.25) }
    for seconds in moments {
      let date = Date(timeIntervalSince1970: seconds)
      #expect(BeijingTime(date) == fromDatabase(date), "\(seconds)")
    }
  }

  @Test func pagesWriteDatesTheUsualWay() {
    let date = Date(timeIntervalSince1970: 1_764_570_600)  // 2025-12-01 14:30 in Beijing
    #expect(Language.zhHans.dateTime(date) == "2025年12月1日 14:30")
    #expect(Language.en.dateTime(date) == "2025-12-01 14:30")
    #expect(Language.zhHans.date(date) == "2025年12月1日")
    #expect(Language.en.date(date) == "2025-12-01")
    // A deadline at midnight is the end of the day before.
    let midnight = Date(timeIntervalSince1970: 1_767_196_800)  // 2026-01-01 00:00 in Beijing
    #expect(Language.zhHans.deadline(midnight) == "2025年12月31日")
    #expect(Language.zhHans.deadline(midnight.addingTimeInterval(9 * 3_600 + 5 * 60)) == "2026年1月1日 09:05")
  }
}
