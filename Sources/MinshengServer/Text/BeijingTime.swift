import Foundation

/// A moment on the clock in Beijing. Since China's last daylight-saving summer (1991) that is UTC+8
/// all year, which is plain arithmetic; earlier moments ask the time-zone database. Queue pages show
/// a few hundred dates each, and Foundation's calendar was a twentieth of their time.
struct BeijingTime: Equatable {
  var year: Int
  var month: Int
  var day: Int
  var hour: Int
  var minute: Int
  var second: Int

  /// 1992-01-01 00:00 in Beijing, after which the offset never changed.
  static let fixedOffsetSince: Double = 694_195_200

  init(_ date: Date) {
    let seconds = date.timeIntervalSince1970
    guard seconds >= Self.fixedOffsetSince, seconds < 1e12 else {
      let parts = BeijingTime.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
      (year, month, day) = (parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
      (hour, minute, second) = (parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
      return
    }
    let local = Int((seconds + 8 * 3_600).rounded(.down))
    let days = local / 86_400
    let time = local % 86_400
    (hour, minute, second) = (time / 3_600, time % 3_600 / 60, time % 60)
    // Days since 1970-01-01 to the civil date (H. Hinnant's algorithm, for days ≥ 0).
    let z = days + 719_468
    let era = z / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  }
}

extension BeijingTime {
  /// Beijing time as Foundation computes it (from the time-zone database).
  static let calendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3_600)!
    return calendar
  }()
}
