import Foundation
import Testing

@testable import MinshengServer

/// XLSX workbooks as the hotline's spreadsheet programs save them: the committed samples (one written
/// as Excel writes, with shared strings, rich text, a phonetic reading, a built-in date format and a
/// formula; one by openpyxl, with inline strings and a custom 年月日 format), a workbook of our own
/// writer (stored, not deflated), and damaged files, which are refused with a reason and never read
/// as other text.
@Suite struct XLSXReaderTests {
  static let samples = ImportSamplesTests.samples

  static func records(_ path: String) throws -> (columns: [String]?, records: [SourceRecord]) {
    var reader = try XLSXRecordReader(path: path)
    let records = try ImportReadersTests.records(&reader)
    #expect(reader.fraction == 1)
    return (reader.columns, records)
  }

  @Test func anExcelWorkbook_readsSharedStringsDatesFormulasAndSparseRows() throws {
    let (columns, records) = try Self.records(Self.samples.appendingPathComponent("hotline-excel.xlsx").path)
    #expect(
      columns == ["external_id", "received_at", "caller_name", "caller_phone", "title", "body", "category", "address"])
    // Row 4 is blank and left out; the first sheet in the workbook's order is read (sheet2.xml).
    #expect(records.map(\.line) == [2, 3, 5])
    let first = records[0].fields
    #expect(first["external_id"] == "GD-2026-0101")
    #expect(first["received_at"] == "2026-11-02 08:00:00")
    #expect(first["caller_phone"] == "13600000001")
    #expect(first["title"] == "路灯不亮 & 井盖松动")
    // Rich-text runs joined; the phonetic reading (レンミンロ) left out.
    #expect(first["body"] == "人民路 20 号至 40 号路段路灯全部不亮已有一周。")
    let second = records[1].fields
    #expect(second["external_id"] == "GD-2026-0102")  // a formula's result
    #expect(second["received_at"] == "2026-11-02 08:30:00")
    #expect(second["caller_phone"] == "13600000002")  // an inline string
    #expect(second["title"] == nil && second["address"] == nil)
    #expect(second["body"] == "社保卡丢失后如何补办？\r\n需要本人到现场吗？")
    #expect(records[2].fields["title"]?.count == 102)
  }

  @Test func anOpenpyxlWorkbook_readsInlineStringsAndACustomDateFormat() throws {
    let (columns, records) = try Self.records(Self.samples.appendingPathComponent("hotline-12345.xlsx").path)
    #expect(columns?.first == "工单编号" && columns?.count == 9)
    #expect(records.map(\.line) == [2, 3, 4, 5, 6, 7])
    #expect(records[0].fields["来电时间"] == "2026-11-01 08:12:40")
    #expect(records[1].fields["来电时间"] == "2026-11-01 09:03:00")
    #expect(records[3].fields["来电时间"] == "2026-11-01 星期日")  // text, as typed
    #expect(records[0].fields["诉求内容"]?.contains("凌晨两点，\n噪音很大") == true)
    #expect(records[5].fields["诉求内容"] == "Bus stop sign at 建设路 12 号 is broken — 请尽快更换 🙏")
    // The remark in column L has no header and is left out.
    #expect(!records[0].fields.values.contains("备注：回访满意"))
  }

  @Test func ourOwnWorkbook_readsBack() throws {
    let workbook = XLSXFile(sheets: [
      .init(name: "工单", rows: [[.text("a"), .text("b"), .text("c")], [.text("<x> & \"y\""), .number(12.5), .empty]])
    ])
    let path = try ImportReadersTests.file("own.xlsx", workbook.data)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let (columns, records) = try Self.records(path)
    #expect(columns == ["a", "b", "c"])
    #expect(records.count == 1 && records[0].fields == ["a": "<x> & \"y\"", "b": "12.5"])
  }

  @Test func dateSerials_becomeTheWallClockTheyShow() {
    #expect(XLSXRecordReader.dateText(serial: 1, date1904: false) == "1900-01-01 00:00:00")
    #expect(XLSXRecordReader.dateText(serial: 61, date1904: false) == "1900-03-01 00:00:00")
    #expect(XLSXRecordReader.dateText(serial: 45_000.5, date1904: false) == "2023-03-15 12:00:00")
    #expect(XLSXRecordReader.dateText(serial: 46_327.999_999_9, date1904: false) == "2026-11-02 00:00:00")
    #expect(XLSXRecordReader.dateText(serial: 0, date1904: true) == "1904-01-01 00:00:00")
    #expect(XLSXRecordReader.dateText(serial: -1, date1904: false) == nil)
    #expect(XLSXRecordReader.isDateFormat(id: 22, code: nil) && XLSXRecordReader.isDateFormat(id: 31, code: nil))
    #expect(!XLSXRecordReader.isDateFormat(id: 176, code: "[Red]0.00"))
    #expect(!XLSXRecordReader.isDateFormat(id: 177, code: "0.0\"d\""))
    #expect(XLSXRecordReader.isDateFormat(id: 178, code: "[$-804]yyyy\"年\"m\"月\"d\"日\""))
    #expect(XLSXRecordReader.column("A1") == 0 && XLSXRecordReader.column("AB12") == 27)
  }

  @Test func aDamagedWorkbook_isRefusedWithAReason() throws {
    let good = try Data(contentsOf: Self.samples.appendingPathComponent("hotline-excel.xlsx"))
    // Not a ZIP file at all (a CSV renamed, or a workbook with an opening password).
    let text = try ImportReadersTests.file("text.xlsx", Data("a,b\n1,2\n".utf8))
    // Cut short: the central directory is gone.
    let cut = try ImportReadersTests.file("cut.xlsx", good.prefix(good.count / 2))
    // One byte changed inside the deflated worksheet: inflating fails or the CRC-32 does not match.
    var flipped = good
    let sheet = try #require(Self.range(of: "xl/worksheets/sheet2.xml", in: good))
    flipped[sheet.upperBound + 40] ^= 0x55
    let damaged = try ImportReadersTests.file("damaged.xlsx", flipped)
    defer { for path in [text, cut, damaged] { try? FileManager.default.removeItem(atPath: path) } }

    for path in [text, cut] {
      let error = #expect(throws: ImportFileError.self) { try Self.records(path) }
      #expect(error?.reason.contains("ZIP") == true, "\(String(describing: error))")
    }
    let error = #expect(throws: ImportFileError.self) { try Self.records(damaged) }
    #expect(error?.reason.contains("sheet2.xml") == true, "\(String(describing: error))")
  }

  /// The first local header's name in an archive.
  static func range(of name: String, in data: Data) -> Range<Int>? {
    data.range(of: Data(name.utf8)).map { $0.lowerBound..<$0.upperBound }
  }
}
