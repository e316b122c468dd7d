import ArgumentParser
import Foundation
import MinshengText
import Testing

@testable import MinshengServer

/// The CSV files the commands read (training data, topic periods), through the streaming reader.
@Suite struct CSVFileTests {
  static func records(_ text: String, required: [String] = []) throws -> [[String: String]] {
    var records: [[String: String]] = []
    try CSVFile.forEachRecord(text: text, required: required) { records.append($0) }
    return records
  }

  @Test func quotedFields_mayHoldCommasQuotesAndLineBreaks() throws {
    let text = "\u{FEFF}id,title,body,label\r\n1,\"路灯, 不亮\",\"他说：\"\"晚上很黑\"\"\n请修\",城乡建设\n2,噪音,,环境保护\n\n3,短行"
    let records = try Self.records(text, required: ["title", "body", "label"])
    #expect(records.count == 3)
    #expect(records[0]["title"] == "路灯, 不亮")
    #expect(records[0]["body"] == "他说：\"晚上很黑\"\n请修")
    #expect(records[1]["body"] == "")
    #expect(records[1]["label"] == "环境保护")
    #expect(records[2]["label"] == "")
  }

  @Test func badFiles_sayWhatAndWhere() throws {
    #expect(try Self.records("").isEmpty)
    let tooMany = #expect(throws: ValidationError.self) { try Self.records("a,b\n1,2\n1,2,3") }
    #expect(tooMany?.message.contains("第 3 行") == true, "\(String(describing: tooMany))")
    let missing = #expect(throws: ValidationError.self) { try Self.records("a,b\n1,2", required: ["label"]) }
    #expect(missing?.message.contains("label") == true)
    let nothing = #expect(throws: ValidationError.self) {
      try CSVFile.forEachRecord("/nonexistent/minsheng.csv") { _ in }
    }
    #expect(nothing?.message.contains("/nonexistent/minsheng.csv") == true)
  }

  /// A file saved as GBK (as spreadsheet programs in China often do) is refused, not half read.
  @Test func aFileNotInUTF8_isRefused() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("minsheng-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    // "title,body,label\n路灯,不亮,城建\n" with the Chinese in GBK.
    var bytes = Array("title,body,label\n".utf8)
    bytes += [0xC2, 0xB7, 0xB5, 0xC6, 0x2C, 0xB2, 0xBB, 0xC1, 0xC1, 0x2C, 0xB3, 0xC7, 0xBD, 0xA8, 0x0A]
    try Data(bytes).write(to: url)
    let error = #expect(throws: ValidationError.self) { try LabelledCSV.read(url.path) }
    #expect(error?.message.contains("UTF-8") == true, "\(String(describing: error))")
  }

  @Test func modelFileProblems_areSaidInTheCatalogueWords() {
    #expect(ModelFileError.version(found: 99, expected: 1).text.chinese.contains("请重新训练"))
    #expect(TrainingError.tooFewLabels.text.chinese == "至少需要两个类别的样本")
  }

  @Test func aLabelledFile_isReadFromDisk_aRecordAtATime() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("minsheng-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: url) }
    var text = "title,body,label\n"
    for i in 0..<5_000 { text += "标题\(i),\"第 \(i) 条，含逗号\",\(i % 2 == 0 ? "城乡建设" : "")\n" }
    try Data(text.utf8).write(to: url)
    let examples = try LabelledCSV.read(url.path)
    #expect(examples.count == 2_500)
    #expect(examples.first == LabelledText(title: "标题0", body: "第 0 条，含逗号", label: "城乡建设"))
    try Data("title,body,label\n标题,正文,\n".utf8).write(to: url)
    #expect(throws: ValidationError.self) { try LabelledCSV.read(url.path) }
  }
}
