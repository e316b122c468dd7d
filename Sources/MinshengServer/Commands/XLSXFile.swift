import Foundation

/// A workbook written as Office Open XML (`.xlsx`, ECMA-376): one worksheet per sheet, text as inline
/// strings, numbers as numbers, the first row frozen as the header. The parts are stored in a ZIP
/// archive without compression, which every spreadsheet program reads; nothing outside Foundation.
struct XLSXFile: Sendable {
  enum Cell: Sendable, Equatable {
    case text(String)
    case number(Double)
    /// A share (0…1) shown as a percentage with one decimal.
    case percent(Double)
    case empty
  }

  struct Sheet: Sendable {
    var name: String
    var rows: [[Cell]]
  }

  var sheets: [Sheet]

  static let contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

  /// The file's bytes.
  var data: Data {
    var archive = ZIPArchive()
    let named = Self.uniqueNames(sheets.map(\.name))
    archive.add("[Content_Types].xml", Self.contentTypes(count: sheets.count))
    archive.add("xl/styles.xml", Self.styles)
    archive.add(
      "_rels/.rels",
      Self.xml(
        #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
          + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#
          + "</Relationships>"))
    archive.add(
      "xl/workbook.xml",
      Self.xml(
        #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
          + named.enumerated().map { index, name in
            #"<sheet name="\#(xmlEscaped(name))" sheetId="\#(index + 1)" r:id="rId\#(index + 1)"/>"#
          }.joined() + "</sheets></workbook>"))
    archive.add(
      "xl/_rels/workbook.xml.rels",
      Self.xml(
        #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
          + sheets.indices.map { index in
            #"<Relationship Id="rId\#(index + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(index + 1).xml"/>"#
          }.joined()
          + #"<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
          + "</Relationships>"))
    for (index, sheet) in sheets.enumerated() {
      archive.add("xl/worksheets/sheet\(index + 1).xml", Self.worksheet(sheet))
    }
    return archive.data
  }

  /// Sheet names as spreadsheet programs accept them: at most 31 characters, none of `[]:*?/\`, not
  /// empty, and each different from the others.
  static func uniqueNames(_ names: [String]) -> [String] {
    var taken: Set<String> = []
    return names.enumerated().map { index, name in
      var base = String(name.filter { !"[]:*?/\\".contains($0) && !$0.isNewline }.prefix(31))
      if base.isEmpty { base = "Sheet\(index + 1)" }
      var candidate = base
      var n = 2
      while taken.contains(candidate.lowercased()) {
        let suffix = " (\(n))"
        candidate = String(base.prefix(31 - suffix.count)) + suffix
        n += 1
      }
      taken.insert(candidate.lowercased())
      return candidate
    }
  }

  static func contentTypes(count: Int) -> Data {
    xml(
      #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
        + #"<Default Extension="xml" ContentType="application/xml"/>"#
        + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        + #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        + (1...max(1, count)).map {
          #"<Override PartName="/xl/worksheets/sheet\#($0).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }.joined() + "</Types>")
  }

  /// Two cell formats: the default, and a percentage with one decimal (`0.0%`) for shares; the header
  /// row bold.
  static let styles = xml(
    #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
      + #"<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>"#
      + #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#
      + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
      + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
      + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
      + #"<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
      + #"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
      + #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>"#
      + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
      + "</styleSheet>")

  static func worksheet(_ sheet: Sheet) -> Data {
    var out =
      #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
      + #"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#
      + "<sheetData>"
    for (r, row) in sheet.rows.enumerated() {
      out += #"<row r="\#(r + 1)">"#
      for (c, cell) in row.enumerated() {
        let reference = column(c) + String(r + 1)
        switch cell {
        case .text(let text):
          let style = r == 0 ? #" s="2""# : ""
          out +=
            #"<c r="\#(reference)"\#(style) t="inlineStr"><is><t xml:space="preserve">\#(xmlEscaped(text))</t></is></c>"#
        case .number(let value) where value.isFinite:
          out += #"<c r="\#(reference)"><v>\#(number(value))</v></c>"#
        case .percent(let value) where value.isFinite:
          out += #"<c r="\#(reference)" s="1"><v>\#(value)</v></c>"#
        case .number, .percent, .empty:
          continue
        }
      }
      out += "</row>"
    }
    return xml(out + "</sheetData></worksheet>")
  }

  /// A number as the file writes it: whole numbers without a decimal point, so that they read back
  /// as whole numbers.
  static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
  }

  /// `A`, `B` … `Z`, `AA` …: the letters of a column from 0.
  static func column(_ index: Int) -> String {
    var n = index + 1
    var letters = ""
    while n > 0 {
      let remainder = (n - 1) % 26
      letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
      n = (n - 1) / 26
    }
    return letters
  }

  static func xml(_ body: String) -> Data {
    Data((#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n" + body).utf8)
  }
}

/// A ZIP archive of stored (uncompressed) entries with UTF-8 names (APPNOTE 6.3: local headers, the
/// central directory, its end record).
struct ZIPArchive: Sendable {
  private var body = Data()
  private var directory = Data()
  private var count = 0

  mutating func add(_ name: String, _ content: Data) {
    let nameBytes = Data(name.utf8)
    let crc = CRC32.checksum(content)
    let offset = UInt32(body.count)
    // 1980-01-01 00:00: a fixed time, so that the same workbook gives the same bytes.
    let (time, date): (UInt16, UInt16) = (0, 0x21)
    var local = Data()
    local.append(le: UInt32(0x0403_4b50))
    local.append(le: UInt16(20))
    local.append(le: UInt16(0x0800))  // names in UTF-8
    local.append(le: UInt16(0))  // stored
    local.append(le: time)
    local.append(le: date)
    local.append(le: crc)
    local.append(le: UInt32(content.count))
    local.append(le: UInt32(content.count))
    local.append(le: UInt16(nameBytes.count))
    local.append(le: UInt16(0))
    body.append(local)
    body.append(nameBytes)
    body.append(content)

    var entry = Data()
    entry.append(le: UInt32(0x0201_4b50))
    entry.append(le: UInt16(20))
    entry.append(le: UInt16(20))
    entry.append(le: UInt16(0x0800))
    entry.append(le: UInt16(0))
    entry.append(le: time)
    entry.append(le: date)
    entry.append(le: crc)
    entry.append(le: UInt32(content.count))
    entry.append(le: UInt32(content.count))
    entry.append(le: UInt16(nameBytes.count))
    entry.append(le: UInt16(0))  // extra
    entry.append(le: UInt16(0))  // comment
    entry.append(le: UInt16(0))  // disk
    entry.append(le: UInt16(0))  // internal attributes
    entry.append(le: UInt32(0))  // external attributes
    entry.append(le: offset)
    directory.append(entry)
    directory.append(nameBytes)
    count += 1
  }

  var data: Data {
    var out = body
    out.append(directory)
    out.append(le: UInt32(0x0605_4b50))
    out.append(le: UInt16(0))
    out.append(le: UInt16(0))
    out.append(le: UInt16(count))
    out.append(le: UInt16(count))
    out.append(le: UInt32(directory.count))
    out.append(le: UInt32(body.count))
    out.append(le: UInt16(0))
    return out
  }
}

/// CRC-32 (IEEE 802.3, reflected, as ZIP uses it).
enum CRC32 {
  static let table: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  static func checksum(_ data: Data) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
  }
}

extension Data {
  fileprivate mutating func append<T: FixedWidthInteger>(le value: T) {
    Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
  }
}
