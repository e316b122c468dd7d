import Foundation
import MinshengCore

/// The first worksheet of an XLSX workbook (ECMA-376 SpreadsheetML, as Excel, WPS and LibreOffice
/// save it), read row by row as the worksheet part is inflated, with its first non-empty row as the
/// header. A record's line is its row number, as the spreadsheet shows it. Text is read from shared
/// strings (kept in a temporary file, found by offset), inline strings and formula results; a number
/// in a date or time format becomes `yyyy-MM-dd HH:mm:ss` as the clock in the cell read; other
/// numbers stay as written, whole numbers without a decimal point (a telephone number typed as a
/// number). Cells in columns without a header are left out.
struct XLSXRecordReader: RecordReader {
  let name: String
  private let archive: ZIPReader
  private var sheet: ZIPEntryStream
  private let strings: SharedStrings
  private let dateStyles: Set<Int>
  private let date1904: Bool
  private var buffer: [UInt8] = []
  private var position = 0
  private var exhausted = false
  private var lastRow = 0
  private(set) var columns: [String]?
  private var headerRead = false

  /// The longest row read (a guard against a damaged file holding one endless row).
  static let rowLimit = 8 << 20

  init(path: String) throws(ImportFileError) {
    name = path
    archive = try ZIPReader(path: path)
    guard let workbook = try archive.data("xl/workbook.xml") else {
      throw ImportFileError(file: path, line: nil, reason: say("cli_xlsx_part", ["part": .plain("xl/workbook.xml")]))
    }
    let relations = try archive.data("xl/_rels/workbook.xml.rels").map(Self.relations) ?? [:]
    let (sheetID, is1904) = Self.firstSheet(workbook)
    date1904 = is1904
    let sheetPart = sheetID.flatMap { relations[$0] } ?? "xl/worksheets/sheet1.xml"
    sheet = try archive.stream(sheetPart)
    let stringsPart =
      relations.values.first(where: { $0.hasSuffix("sharedStrings.xml") }) ?? "xl/sharedStrings.xml"
    strings = try SharedStrings(archive: archive, part: stringsPart)
    dateStyles = try archive.data("xl/styles.xml").map(Self.dateStyles) ?? []
    // The header: the first row with a value.
    while let row = try nextRow() {
      guard row.cells.contains(where: { !$0.value.isEmpty }) else { continue }
      let width = (row.cells.keys.max() ?? -1) + 1
      columns = (0..<width).map { (row.cells[$0] ?? "").trimmingCharacters(in: .whitespaces) }
      break
    }
    headerRead = true
  }

  var fraction: Double { sheet.fraction }

  mutating func next() throws(ImportFileError) -> SourceRecord? {
    guard let columns else { return nil }
    while let row = try nextRow() {
      var fields: [String: String] = [:]
      for (column, value) in row.cells where column < columns.count && !columns[column].isEmpty && !value.isEmpty {
        fields[columns[column]] = value
      }
      guard !fields.isEmpty else { continue }  // a blank row
      return SourceRecord(line: row.number, fields: fields)
    }
    return nil
  }

  // MARK: - Rows

  private struct Row {
    var number: Int
    var cells: [Int: String]
  }

  /// The next `<row>` of the worksheet, reading more of the part until one is whole.
  private mutating func nextRow() throws(ImportFileError) -> Row? {
    while true {
      let found: (start: Int, end: Int, empty: Bool)?? = buffer.withUnsafeBufferPointer { bytes in
        guard let start = XMLScan.start(of: "row", in: bytes, from: position) else { return .some(nil) }
        guard let tag = XMLScan.tagEnd(in: bytes, at: start) else { return nil }
        if tag.empty { return (start, tag.end, true) }
        guard let close = XMLScan.close(of: "row", in: bytes, from: tag.end) else { return nil }
        return (start, close + 6, false)
      }
      if let found, let row = found {
        defer { position = row.end }
        return try parse(row.start, row.end)
      }
      if exhausted {
        // No row left; or a row begun and never ended, when the part is cut short.
        guard found == nil else { return nil }
        throw failure(say("cli_xlsx_corrupt", ["part": .plain("worksheet")]), line: lastRow + 1)
      }
      // Keep only what is not read yet, and add the next piece.
      let keepFrom = found == nil ? position : max(position, buffer.count - 8)
      buffer.removeSubrange(0..<keepFrom)
      position = 0
      if let piece = try sheet.next() {
        buffer += piece
      } else {
        exhausted = true
      }
      guard buffer.count <= Self.rowLimit else {
        throw failure(say("cli_xlsx_row_large"), line: lastRow + 1)
      }
    }
  }

  private mutating func parse(_ start: Int, _ end: Int) throws(ImportFileError) -> Row {
    var number = lastRow + 1
    var cells: [Int: String] = [:]
    var missingString: Int?
    buffer.withUnsafeBufferPointer { bytes in
      guard let tag = XMLScan.tagEnd(in: bytes, at: start, end: end) else { return }
      if let r = XMLScan.attributes(in: bytes, from: start, to: tag.end)["r"], let value = Int(r) { number = value }
      var at = tag.end
      var column = -1
      while let cell = XMLScan.start(of: "c", in: bytes, from: at, end: end),
        let open = XMLScan.tagEnd(in: bytes, at: cell, end: end)
      {
        let attributes = XMLScan.attributes(in: bytes, from: cell, to: open.end)
        column = attributes["r"].flatMap(Self.column) ?? column + 1
        var cellEnd = open.end
        var value = ""
        if !open.empty, let close = XMLScan.close(of: "c", in: bytes, from: open.end, end: end) {
          cellEnd = close + 4
          if let text = cellValue(
            bytes, open.end, close, type: attributes["t"], style: attributes["s"].flatMap(Int.init))
          {
            value = text
          } else {
            missingString = number
          }
        }
        if !value.isEmpty { cells[column] = value }
        at = cellEnd
      }
    }
    lastRow = number
    if let missingString, headerRead {
      throw failure(say("cli_xlsx_corrupt", ["part": .plain("sharedStrings")]), line: missingString)
    }
    return Row(number: number, cells: cells)
  }

  /// A cell's value as text, by its type (`t`) and, for a number, its style's format; nil when it
  /// names a shared string the workbook does not have.
  private func cellValue(
    _ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, type: String?, style: Int?
  )
    -> String?
  {
    if type == "inlineStr" { return XMLScan.text(in: bytes, from: from, to: to) }
    guard let v = XMLScan.start(of: "v", in: bytes, from: from, end: to),
      let open = XMLScan.tagEnd(in: bytes, at: v, end: to), !open.empty,
      let close = XMLScan.close(of: "v", in: bytes, from: open.end, end: to)
    else { return "" }
    let raw = XMLScan.decode(bytes, from: open.end, to: close)
    switch type {
    case "s": return Int(raw.trimmingCharacters(in: .whitespaces)).flatMap { strings[$0] }
    case "b": return raw == "1" ? "TRUE" : "FALSE"
    case "str", "e": return raw
    default:
      guard let number = Double(raw) else { return raw }
      if let style, dateStyles.contains(style), let date = Self.dateText(serial: number, date1904: date1904) {
        return date
      }
      if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
      return raw
    }
  }

  /// "AB12" → 27 (columns from 0).
  static func column(_ reference: String) -> Int? {
    var column = 0
    var letters = 0
    for scalar in reference.unicodeScalars {
      guard scalar.value >= 65, scalar.value <= 90 else { break }
      column = column * 26 + Int(scalar.value - 64)
      letters += 1
    }
    return letters == 0 || letters > 3 ? nil : column - 1
  }

  /// A date serial as the wall-clock time it shows, to the second: days since 1899-12-30 (Excel's
  /// 1900 system) or since 1904-01-01.
  static func dateText(serial: Double, date1904: Bool) -> String? {
    guard serial >= 0, serial < 2_958_466 else { return nil }  // up to 9999-12-31
    let seconds = Int64((serial * 86_400).rounded())
    // Serials before 60 in the 1900 system count from 1899-12-31 (Excel keeps Lotus's 29 February 1900).
    let days = seconds / 86_400 - (date1904 ? 24_107 : serial < 60 ? 25_568 : 25_569)
    let time = seconds % 86_400
    func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(LocalDate(ordinal: Int(days))) \(two(time / 3_600)):\(two(time % 3_600 / 60)):\(two(time % 60))"
  }

  private func failure(_ reason: String, line: Int?) -> ImportFileError {
    ImportFileError(file: name, line: line, reason: reason)
  }

  // MARK: - The workbook's parts

  /// The workbook's relations: id → part path inside the archive.
  static func relations(_ xml: [UInt8]) -> [String: String] {
    var result: [String: String] = [:]
    xml.withUnsafeBufferPointer { bytes in
      var at = 0
      while let start = XMLScan.start(of: "Relationship", in: bytes, from: at),
        let tag = XMLScan.tagEnd(in: bytes, at: start)
      {
        let attributes = XMLScan.attributes(in: bytes, from: start, to: tag.end)
        if let id = attributes["Id"], let target = attributes["Target"] {
          result[id] = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }
        at = tag.end
      }
    }
    return result
  }

  /// The first sheet's relation id, and whether dates count from 1904.
  static func firstSheet(_ xml: [UInt8]) -> (String?, Bool) {
    xml.withUnsafeBufferPointer { bytes in
      var is1904 = false
      if let start = XMLScan.start(of: "workbookPr", in: bytes, from: 0),
        let tag = XMLScan.tagEnd(in: bytes, at: start)
      {
        let value = XMLScan.attributes(in: bytes, from: start, to: tag.end)["date1904"]
        is1904 = value == "1" || value == "true"
      }
      guard let start = XMLScan.start(of: "sheet", in: bytes, from: 0), let tag = XMLScan.tagEnd(in: bytes, at: start)
      else { return (nil, is1904) }
      return (XMLScan.attributes(in: bytes, from: start, to: tag.end)["id"], is1904)
    }
  }

  /// The cell styles (`cellXfs`, by index) whose number format shows a date or a time.
  static func dateStyles(_ xml: [UInt8]) -> Set<Int> {
    xml.withUnsafeBufferPointer { bytes in
      var custom: [Int: String] = [:]
      var at = 0
      while let start = XMLScan.start(of: "numFmt", in: bytes, from: at), let tag = XMLScan.tagEnd(in: bytes, at: start)
      {
        let attributes = XMLScan.attributes(in: bytes, from: start, to: tag.end)
        if let id = attributes["numFmtId"].flatMap(Int.init) { custom[id] = attributes["formatCode"] ?? "" }
        at = tag.end
      }
      guard let list = XMLScan.start(of: "cellXfs", in: bytes, from: 0),
        let listEnd = XMLScan.close(of: "cellXfs", in: bytes, from: list)
      else { return [] }
      var styles: Set<Int> = []
      var index = 0
      at = list + 1
      while let start = XMLScan.start(of: "xf", in: bytes, from: at, end: listEnd),
        let tag = XMLScan.tagEnd(in: bytes, at: start, end: listEnd)
      {
        let id = XMLScan.attributes(in: bytes, from: start, to: tag.end)["numFmtId"].flatMap(Int.init) ?? 0
        if isDateFormat(id: id, code: custom[id]) { styles.insert(index) }
        index += 1
        at = tag.empty ? tag.end : (XMLScan.close(of: "xf", in: bytes, from: tag.end, end: listEnd) ?? tag.end)
      }
      return styles
    }
  }

  /// Built-in date and time formats (ECMA-376 §18.8.30, with the East Asian ones), or a custom code
  /// with a date or time part outside quotes, brackets and escapes.
  static func isDateFormat(id: Int, code: String?) -> Bool {
    if [14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47].contains(id) || (27...36).contains(id)
      || (50...58).contains(id)
    {
      return true
    }
    guard let code else { return false }
    var plain = ""
    var inQuote = false
    var inBracket = false
    var escaped = false
    for character in code {
      if escaped {
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else if character == "\"" {
        inQuote.toggle()
      } else if inQuote {
        continue
      } else if character == "[" {
        inBracket = true
      } else if character == "]" {
        inBracket = false
      } else if !inBracket {
        plain.append(character)
      }
    }
    return plain.lowercased().contains(where: { "ymdhs".contains($0) })
  }
}

/// A workbook's shared strings, inflated into a temporary file (removed at once; it lives while it is
/// open) and found by the offsets of their `<si>` elements, each read with one `pread` when a cell
/// names it: a million distinct texts cost 8 MB of offsets, not their text (a mapped file would count
/// every page read in the importer's memory).
final class SharedStrings {
  private let file: FileHandle?
  private let size: Int
  private let offsets: [Int]

  init(archive: ZIPReader, part: String) throws(ImportFileError) {
    guard archive.entries[part] != nil else {
      file = nil
      size = 0
      offsets = []
      return
    }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("minsheng-strings-\(UUID().uuidString)")
    var offsets: [Int] = []
    do {
      _ = FileManager.default.createFile(atPath: path.path, contents: nil)
      let handle = try FileHandle(forWritingTo: path)
      var stream = try archive.stream(part)
      var written = 0
      var carry: [UInt8] = []
      while let piece = try stream.next() {
        // Look for `<si` across the seam between pieces.
        let window = carry + piece
        window.withUnsafeBufferPointer { bytes in
          var at = 0
          while let start = XMLScan.start(of: "si", in: bytes, from: at) {
            offsets.append(written - carry.count + start)
            at = start + 3
          }
        }
        try handle.write(contentsOf: piece)
        written += piece.count
        carry = Array(piece.suffix(3))
        if let last = offsets.last, last >= written - carry.count { offsets.removeLast() }
      }
      try handle.close()
      file = try FileHandle(forReadingFrom: path)
      size = written
      try? FileManager.default.removeItem(at: path)
    } catch let error as ImportFileError {
      try? FileManager.default.removeItem(at: path)
      throw error
    } catch {
      try? FileManager.default.removeItem(at: path)
      throw ImportFileError(file: archive.path, line: nil, reason: say("cli_xlsx_corrupt", ["part": .plain(part)]))
    }
    self.offsets = offsets
  }

  deinit { try? file?.close() }

  subscript(index: Int) -> String? {
    guard offsets.indices.contains(index), let file else { return nil }
    let from = offsets[index]
    let count = (index + 1 < offsets.count ? offsets[index + 1] : size) - from
    guard count > 0, count <= XLSXRecordReader.rowLimit else { return nil }
    var bytes = [UInt8](repeating: 0, count: count)
    let read = bytes.withUnsafeMutableBytes { pread(file.fileDescriptor, $0.baseAddress, count, off_t(from)) }
    guard read == count else { return nil }
    return bytes.withUnsafeBufferPointer { XMLScan.text(in: $0, from: 0, to: count) }
  }
}
