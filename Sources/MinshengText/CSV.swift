/// RFC 4180 CSV: fields separated by commas, quoted with `"` when they hold commas, quotes or line
/// breaks (a quote inside is doubled). Used to read labelled messages for training and evaluation.
public enum CSV {
  /// A malformed file, with the 1-based line where it went wrong.
  public struct Malformed: Error, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public var description: String { "CSV 第 \(line) 行：\(reason)" }
  }

  /// The rows of `text`; a final line break is optional, a byte-order mark is ignored.
  public static func rows(_ text: String) throws(Malformed) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = String.UnicodeScalarView()
    var quoted = false
    var afterQuote = false
    var line = 1
    var scalars = text.unicodeScalars[...]
    if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
    var iterator = scalars.makeIterator()
    var pending: Unicode.Scalar? = nil
    func next() -> Unicode.Scalar? {
      if let scalar = pending {
        pending = nil
        return scalar
      }
      return iterator.next()
    }
    while let scalar = next() {
      if quoted {
        if scalar == "\"" {
          if let following = next() {
            if following == "\"" {
              field.append("\"")
              continue
            }
            pending = following
          }
          quoted = false
          afterQuote = true
        } else {
          if scalar == "\n" { line += 1 }
          field.append(scalar)
        }
        continue
      }
      switch scalar {
      case ",":
        row.append(String(field))
        field = String.UnicodeScalarView()
        afterQuote = false
      case "\r":
        continue
      case "\n":
        row.append(String(field))
        rows.append(row)
        row = []
        field = String.UnicodeScalarView()
        afterQuote = false
        line += 1
      case "\"":
        guard field.isEmpty, !afterQuote else { throw Malformed(line: line, reason: "引号只能出现在字段开头") }
        quoted = true
      default:
        guard !afterQuote else { throw Malformed(line: line, reason: "右引号后须为逗号或换行") }
        field.append(scalar)
      }
    }
    if quoted { throw Malformed(line: line, reason: "引号未闭合") }
    if !field.isEmpty || !row.isEmpty || afterQuote {
      row.append(String(field))
      rows.append(row)
    }
    return rows
  }

  /// The rows as records keyed by the header row's names; every row must have the header's width.
  public static func records(_ text: String) throws(Malformed) -> [[String: String]] {
    let all = try rows(text)
    guard let header = all.first else { return [] }
    var records: [[String: String]] = []
    for (offset, row) in all.dropFirst().enumerated() {
      if row == [""] { continue }
      guard row.count == header.count else {
        throw Malformed(line: offset + 2, reason: "有 \(row.count) 个字段，表头有 \(header.count) 个")
      }
      records.append(Dictionary(zip(header, row), uniquingKeysWith: { first, _ in first }))
    }
    return records
  }
}
