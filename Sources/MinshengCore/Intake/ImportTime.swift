import Foundation

/// Times as exports write them: ISO 8601 with or without a zone (`2026-03-05T09:30:00+08:00`,
/// `…Z`), the spreadsheet habits `2026-03-05 09:30:00`, `2026/3/5 9:30`, `2026年3月5日 9时30分` (its
/// marks from `ImportVocabulary`), a date alone, and Unix seconds or milliseconds. A time without a zone is read on the platform's
/// calendar (China Standard Time by default).
public enum ImportTime {
  public static func parse(_ text: String, calendar: WorkingCalendar) -> Date? {
    let text = text.trimmedOfWhitespace
    guard !text.isEmpty, text.count <= 40 else { return nil }
    if text.allSatisfy(\.isASCIIDigit), text.count == 10 || text.count == 13, let value = Double(text) {
      return Date(timeIntervalSince1970: text.count == 13 ? value / 1000 : value)
    }
    let marks = Marks.shared
    var scanner = Scan(Array(text))
    guard let year = scanner.number(digits: 4...4), (1990...2100).contains(year),
      scanner.separator(marks.year), let month = scanner.number(digits: 1...2),
      (1...12).contains(month), scanner.separator(marks.month),
      let day = scanner.number(digits: 1...2), (1...31).contains(day)
    else { return nil }
    _ = scanner.separator(marks.day)
    var hour = 0
    var minute = 0
    var second = 0
    var fraction = 0.0
    if scanner.separator(marks.space) {
      while scanner.separator([" "]) {}
      guard let h = scanner.number(digits: 1...2), h < 24, scanner.separator(marks.hour),
        let m = scanner.number(digits: 1...2), m < 60
      else { return nil }
      (hour, minute) = (h, m)
      if scanner.separator(marks.minuteOrColon), let s = scanner.number(digits: 1...2) {
        guard s < 61 else { return nil }
        second = min(s, 59)
        _ = scanner.separator(marks.second)
        if scanner.separator([".", ","]) {
          let start = scanner.index
          guard let digits = scanner.number(digits: 1...9) else { return nil }
          fraction = Double(digits) / pow(10, Double(scanner.index - start))
        }
      } else {
        _ = scanner.separator(marks.minute)
      }
    }
    while scanner.separator([" "]) {}
    var offset: Int?
    if scanner.separator(["Z", "z"]) {
      offset = 0
    } else if let sign = scanner.sign() {
      guard let hh = scanner.number(digits: 2...2) else { return nil }
      _ = scanner.separator([":"])
      let mm = scanner.number(digits: 2...2) ?? 0
      guard hh <= 14, mm < 60 else { return nil }
      offset = sign * (hh * 3600 + mm * 60)
    }
    guard scanner.atEnd else { return nil }
    guard let date = LocalDate(year: year, month: month, day: day) else { return nil }
    let seconds = Double(hour * 3600 + minute * 60 + second) + fraction
    if let offset {
      return Date(timeIntervalSince1970: Double(date.ordinal) * 86_400 + seconds - Double(offset))
    }
    return calendar.start(of: date).addingTimeInterval(seconds)
  }

  /// What may stand between a time's numbers: the plain separators and the vocabulary's marks, made once.
  private struct Marks: Sendable {
    static let shared = Marks(ImportVocabulary.bundled.timeMarks)

    let year, month, day, space, hour, minute, minuteOrColon, second: Set<Character>

    init(_ marks: ImportVocabulary.TimeMarks) {
      let chars = ImportVocabulary.characters
      year = chars(marks.year).union(["-", "/", "."])
      month = chars(marks.month).union(["-", "/", "."])
      day = chars(marks.day)
      space = chars(marks.space).union(["T", " "])
      hour = chars(marks.hour).union([":"])
      minute = chars(marks.minute)
      minuteOrColon = minute.union([":"])
      second = chars(marks.second)
    }
  }

  /// A cursor over a time's characters.
  private struct Scan {
    let characters: [Character]
    var index = 0

    init(_ characters: [Character]) { self.characters = characters }

    var atEnd: Bool { index == characters.count }

    mutating func number(digits range: ClosedRange<Int>) -> Int? {
      var value = 0
      var count = 0
      while index < characters.count, count < range.upperBound, let digit = characters[index].wholeNumberValue,
        characters[index].isASCIIDigit
      {
        value = value * 10 + digit
        count += 1
        index += 1
      }
      return range.contains(count) ? value : nil
    }

    mutating func separator(_ options: Set<Character>) -> Bool {
      guard index < characters.count, options.contains(characters[index]) else { return false }
      index += 1
      return true
    }

    mutating func sign() -> Int? {
      if separator(["+"]) { return 1 }
      if separator(["-", "−"]) { return -1 }
      return nil
    }
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
