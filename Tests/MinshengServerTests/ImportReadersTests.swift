import Foundation
import Testing

@testable import MinshengServer

/// The files `minsheng import` reads, record by record: CSV with the line each record starts on,
/// JSON arrays and JSON Lines, `.eml` letters and an `mbox`, MIME as Chinese mail writes it.
@Suite struct ImportReadersTests {
  static func file(_ name: String, _ bytes: Data) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("reader-\(UUID().uuidString)-\(name)")
    try bytes.write(to: url)
    return url.path
  }

  static func records(_ reader: inout some RecordReader) throws -> [SourceRecord] {
    var records: [SourceRecord] = []
    while let record = try reader.next() { records.append(record) }
    return records
  }

  @Test func csvRecords_knowTheLineTheyStartOn() throws {
    let path = try Self.file("a.csv", Data("\u{FEFF}id,body\r\n1,\"一\r\n二\n三\"\r\n\r\n2,\"x,y\"\n3,短\n".utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    var reader = try CSVRecordReader(path: path)
    #expect(reader.columns == ["id", "body"])
    let records = try Self.records(&reader)
    #expect(records.map(\.line) == [2, 6, 7])
    #expect(records.map { $0.fields["id"] } == ["1", "2", "3"] && records[0].fields["body"] == "一\r\n二\n三")
    #expect(reader.fraction == 1)

    let wide = try Self.file("b.csv", Data("a,b\n1,2\n1,2,3\n".utf8))
    defer { try? FileManager.default.removeItem(atPath: wide) }
    var bad = try CSVRecordReader(path: wide)
    let error = #expect(throws: ImportFileError.self) { try Self.records(&bad) }
    #expect(error?.line == 3)
  }

  @Test func jsonRecords_comeFromAnArrayOrOneToALine() throws {
    let array = """
      [
        {"id": "1", "text": "括号 } 和 { 在字符串里", "n": 30.1234567, "ok": true, "none": null, "tags": ["a"]},
        {"id": 2, "text": "引号 \\" 转义"}
      ]
      """
    let path = try Self.file("a.json", Data(array.utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    var reader = try JSONRecordReader(path: path)
    let records = try Self.records(&reader)
    #expect(records.map(\.line) == [2, 3])
    #expect(records[0].fields == ["id": "1", "text": "括号 } 和 { 在字符串里", "n": "30.1234567", "ok": "true"])
    #expect(records[1].fields == ["id": "2", "text": "引号 \" 转义"])

    let lines = try Self.file("b.jsonl", Data("{\"id\":\"a\"}\n\n{\"id\":\"b\"}\n[1]\n".utf8))
    defer { try? FileManager.default.removeItem(atPath: lines) }
    var lineReader = try JSONRecordReader(path: lines)
    #expect(try lineReader.next()?.fields == ["id": "a"])
    #expect(try lineReader.next()?.line == 3)
    let error = #expect(throws: ImportFileError.self) { try lineReader.next() }
    #expect(error?.line == 4)
  }

  @Test func anMbox_isSplitIntoItsLetters_andEscapedFromLinesAreRestored() throws {
    let mbox = """
      From a@example.com Mon Nov 30 09:00:00 2026
      From: 读者 <a@example.com>
      Subject: 第一封
      Message-ID: <1@example.com>

      正文一
      >From the start of a line

      From b@example.com Mon Nov 30 10:00:00 2026
      From: b@example.com
      Subject: =?UTF-8?Q?=E7=AC=AC=E4=BA=8C=E5=B0=81?= =?UTF-8?Q?_=E4=BF=A1?=
      Date: 30 Nov 2026 10:00 +0800
      Content-Type: text/html; charset=gb2312

      <p>第二封&amp;信</p><div>下一段</div>

      """
    let path = try Self.file("letters.mbox", Data(mbox.utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    var reader = try MailRecordReader(path: path, mbox: true)
    let letters = try Self.records(&reader)
    #expect(letters.map(\.line) == [2, 10])
    #expect(letters[0].fields["name"] == "读者" && letters[0].fields["external_id"] == "1@example.com")
    #expect(letters[0].fields["body"] == "正文一\nFrom the start of a line")
    #expect(letters[1].fields["name"] == nil && letters[1].fields["email"] == "b@example.com")
    #expect(letters[1].fields["title"] == "第二封 信" && letters[1].fields["body"] == "第二封&信\n下一段")
    #expect(letters[1].fields["received_at"] == "2026-11-30T02:00:00Z")
  }

  @Test func aMultipartLetter_keepsItsTextAndItsImagesOnly() throws {
    let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 24))
    let gbk = Data([0xC4, 0xE3, 0xBA, 0xC3])  // 你好 in GB2312
    let letter = """
      From: =?GB2312?B?\(Data("县民".data(using: String.Encoding(rawValue: 0x8000_0632))!).base64EncodedString())?= <m@example.com>
      Subject: Re: 停车
      MIME-Version: 1.0
      Content-Type: multipart/mixed; boundary="b1"

      --b1
      Content-Type: multipart/alternative; boundary=b2

      --b2
      Content-Type: text/plain; charset=GB2312
      Content-Transfer-Encoding: base64

      \(gbk.base64EncodedString())
      --b2
      Content-Type: text/html; charset=utf-8

      <p>HTML 版本</p>
      --b2--
      --b1
      Content-Type: image/png; name=a.png
      Content-Transfer-Encoding: base64

      \(png.base64EncodedString())
      --b1
      Content-Type: application/pdf; name=a.pdf
      Content-Transfer-Encoding: base64

      JVBERi0xLjQ=
      --b1
      Content-Type: image/jpeg; name=fake.jpg
      Content-Transfer-Encoding: base64

      \(Data("not a jpeg".utf8).base64EncodedString())
      --b1--

      """
    let path = try Self.file("one.eml", Data(letter.replacingOccurrences(of: "\n", with: "\r\n").utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    var reader = try MailRecordReader(path: path, mbox: false)
    let record = try #require(try reader.next())
    #expect(try reader.next() == nil)
    #expect(record.fields["name"] == "县民" && record.fields["title"] == "Re: 停车" && record.fields["body"] == "你好")
    #expect(record.images == [png])
  }
}
