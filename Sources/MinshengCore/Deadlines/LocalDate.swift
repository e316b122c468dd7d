import Foundation

/// A calendar day in the civil calendar, with no time and no zone.
///
/// Stored as the number of days since 1970-01-01 so that adding days and finding the weekday are
/// plain arithmetic.
public struct LocalDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  /// Days since 1970-01-01.
  public var ordinal: Int

  public init(ordinal: Int) {
    self.ordinal = ordinal
  }

  /// The day with this year, month and day; nil when it does not exist (2026-02-30).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day) else { return nil }
    // Days from civil, after H. Hinnant's public-domain algorithm.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    self.ordinal = era * 146_097 + doe - 719_468
  }

  /// Parses `YYYY-MM-DD`.
  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
    else { return nil }
    self.init(year: y, month: m, day: d)
  }

  /// Year, month and day.
  public var components: (year: Int, month: Int, day: Int) {
    let z = ordinal + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
  }

  public var year: Int { components.year }

  /// ISO weekday: 1 = Monday … 7 = Sunday.
  public var weekday: Int {
    // 1970-01-01 was a Thursday (4).
    let w = (ordinal + 3) % 7
    return (w < 0 ? w + 7 : w) + 1
  }

  /// Saturday or Sunday.
  public var isWeekend: Bool { weekday >= 6 }

  public func adding(days: Int) -> LocalDate { LocalDate(ordinal: ordinal + days) }

  public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.ordinal < rhs.ordinal }

  public var description: String {
    let (y, m, d) = components
    return String(format: "%04d-%02d-%02d", y, m, d)
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let date = LocalDate(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
    }
    self = date
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }
}

extension LocalDate {
  /// The day as a sentence writes it: 2026年12月1日 / 2026-12-01.
  public static func longText(_ day: LocalDate) -> LocalizedText {
    let (year, month, dayOfMonth) = day.components
    return LocalizedText(
      "date_long",
      ["year": .number(year), "month": .number(month), "day": .number(dayOfMonth), "iso": .plain(day.description)])
  }
}
