import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

@testable import MinshengServer

/// The committed sample of each import format (`Tests/Samples/import`, made up for the tests), imported
/// twice on each database: the same counts both times, nothing new the second time, each malformed
/// record in the rejects with its line, and nothing of a refused record stored.
@Suite struct ImportSamplesTests {
  static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Samples/import")

  struct Sample: Sendable, CustomStringConvertible {
    var channel: ImportChannel
    var files: [String]
    var map = ""
    var added: Int
    var rejectedLines: [Int]

    var description: String { files.joined(separator: "+") }
  }

  /// A 12345 centre's own column names, as `--map` gives them.
  static let centreColumns =
    "external_id=工单编号,received_at=来电时间,caller_name=来电人,caller_phone=来电号码,title=标题,body=诉求内容,"
    + "category=诉求分类,address=地址,type=诉求类型"

  static let all: [Sample] = [
    Sample(
      channel: .hotline, files: ["hotline-12345.csv"],
      map: centreColumns,
      added: 4, rejectedLines: [6, 7]),
    Sample(channel: .hotline, files: ["hotline.csv"], added: 2, rejectedLines: [4]),
    Sample(
      channel: .hotline, files: ["hotline-12345.xlsx"],
      map: centreColumns,
      added: 4, rejectedLines: [5, 6]),
    Sample(channel: .hotline, files: ["hotline-excel.xlsx"], added: 2, rejectedLines: [5]),
    Sample(channel: .social, files: ["social.json", "social.jsonl"], added: 4, rejectedLines: [4, 5]),
    Sample(channel: .board, files: ["board.csv", "board.json"], added: 4, rejectedLines: [5, 6, 3]),
    Sample(channel: .mailbox, files: ["mailbox", "mailbox/letters.mbox"], added: 3, rejectedLines: [14]),
  ]

  @Test(arguments: TestDatabase.available, all)
  func eachSample_importsOnce_withTheSameCountsTwice(db: TestDatabase, sample: Sample) async throws {
    try await db.withStore { store in
      _ = try await SeededWorld.create(in: store)
      let paths = sample.files.map { Self.samples.appendingPathComponent($0).path }
      let first = try await Self.run(store, sample, paths)
      #expect(first.report.added == sample.added && first.report.alreadyImported == 0)
      #expect(first.rejects.map(\.line) == sample.rejectedLines, "\(first.rejects)")
      #expect(first.report.read == sample.added + sample.rejectedLines.count)
      // Nothing of a refused record is stored: every message is one of the added.
      #expect(try await store.allMessages().count == sample.added)

      let second = try await Self.run(store, sample, paths)
      #expect(second.report.added == 0 && second.report.alreadyImported == sample.added)
      #expect(second.rejects == first.rejects)
      #expect(try await store.verifyAudit().isIntact)
    }
  }

  static func run(
    _ store: Store, _ sample: Sample, _ paths: [String]
  ) async throws -> (report: ImportReport, rejects: [ImportReject]) {
    let box = RejectsBox()
    var importer = try await ChannelImporter(
      store: store, channel: sample.channel, map: try ColumnMap(parsing: sample.map, for: sample.channel),
      now: ChannelImportTests.now, onReject: box.add)
    for input in try ImportInputs.expand(paths, channel: sample.channel) {
      var reader = try input.reader()
      try importer.check(columns: reader.columns, file: input.path)
      while let record = try reader.next() { try await importer.add(record, file: input.path) }
    }
    return (try await importer.finish(), box.rejects)
  }
}
