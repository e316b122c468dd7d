import Foundation

/// The `before` of a list paged by time (感谢信, 人民建议): the last item's time in whole milliseconds
/// since 1970, from 1 up to the year 3000.
enum TimeCursor {
  static func text(_ date: Date) -> String { String(Int64((date.timeIntervalSince1970 * 1_000).rounded())) }

  /// The time a cursor names; nil when it is not one.
  static func date(_ text: String) -> Date? {
    guard let milliseconds = Int64(text), milliseconds > 0, milliseconds < 32_503_680_000_000 else { return nil }
    return Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
  }
}
