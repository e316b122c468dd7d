import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

@testable import MinshengServer

/// 渠道导入 on each database: records go in through intake (validation, routing, fingerprints), once
/// each by source and external id, with the refused ones named by line; a board's history is kept
/// as events that `audit verify` accepts.
@Suite struct ChannelImportTests {
  static let now = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-30

  /// Imports the files (name → text) through the readers as `minsheng import` does.
  static func importFiles(
    _ store: Store, _ channel: ImportChannel, _ files: [(String, String)], map: String = "", source: String? = nil
  ) async throws -> (ImportReport, [ImportReject]) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let collected = RejectsBox()
    var importer = try await ChannelImporter(
      store: store, channel: channel, source: source, map: try ColumnMap(parsing: map, for: channel), batchSize: 2,
      now: now, onReject: collected.add)
    let paths = try files.map { name, text in
      let url = directory.appendingPathComponent(name)
      try Data(text.utf8).write(to: url)
      return url.path
    }
    for input in try ImportInputs.expand(paths, channel: channel) {
      var reader = try input.reader()
      try importer.check(columns: reader.columns, file: (input.path as NSString).lastPathComponent)
      while let record = try reader.next() {
        try await importer.add(record, file: (input.path as NSString).lastPathComponent)
      }
    }
    return (try await importer.finish(), collected.rejects)
  }

  static let hotlineMap =
    "external_id=工单编号,received_at=来电时间,caller_name=来电人,caller_phone=来电号码,body=诉求内容,category=诉求分类,address=地址"

  static let hotlineCSV = """
    工单编号,来电时间,来电人,来电号码,诉求内容,诉求分类,地址
    GD-1,2026-11-20 09:15:00,李先生,13800138001,"工地夜间施工噪音严重。
    影响休息，请处理。",城乡建设,示范市中心区人民路 12 号 3 单元 501
    GD-2,2026/11/21 10:02,王女士,138-0013-8002,公交站牌损坏需要维修。,交通运输,
    GD-3,昨天,赵先生,13800138003,内容,城乡建设,
    GD-4,2026-11-22 08:00,钱先生,,没有号码的来电,城乡建设,
    GD-1,2026-11-20 09:15:00,李先生,13800138001,同一工单再次出现,城乡建设,

    """

  @Test(arguments: TestDatabase.available)
  func hotlineWorkOrders_areTakenInOnce_andRefusalsNameTheirLines(db: TestDatabase) async throws {
    try await db.withStore { store in
      let world = try await SeededWorld.create(in: store)
      let (report, rejects) = try await Self.importFiles(
        store, .hotline, [("工单.csv", Self.hotlineCSV)], map: Self.hotlineMap)
      #expect(report.read == 5 && report.added == 2 && report.alreadyImported == 1 && report.rejected == 2)
      #expect(report.unknownCategory == 1)  // 交通运输 is not one of the platform's
      // The first record spans two lines, so the third record starts on line 5.
      #expect(rejects.map(\.line) == [5, 6] && rejects.map(\.externalID) == ["GD-3", "GD-4"])
      #expect(rejects[0].reason.contains("昨天") && rejects[1].reason.contains("caller_phone"))

      let first = try #require(try await store.importedMessage(source: "hotline", externalID: "GD-1"))
      let message = try #require(try await store.message(first))
      #expect(message.channel == .hotline && message.status == .received && message.phoneVerified)
      #expect(message.title == "工地夜间施工噪音严重" && message.body.contains("\n影响休息"))
      #expect(message.categoryID == world.construction.id && message.suggestedUnitID == world.housing.id)
      #expect(message.location?.address == "示范市中心区人民路 12 号 3 单元 501")
      #expect(message.contact.phone == "13800138001")
      // Queued for the search index as a web message is; found once `serve` has caught up.
      #expect(try await store.searchBacklog() == 2)
      _ = try await store.indexPendingSearch()
      let found = try await store.searchStaff(
        #require(SearchQuery("人民路")), by: Actor(role: .supervisor, id: "dc")
      ).hits.map(\.item.id)
      #expect(found == [first])
      let second = try #require(try await store.importedMessage(source: "hotline", externalID: "GD-2"))
      #expect(try await store.message(second)?.contact.phone == "13800138002")

      // A second run adds nothing; another source may use the same ids.
      let again = try await Self.importFiles(store, .hotline, [("工单.csv", Self.hotlineCSV)], map: Self.hotlineMap)
      #expect(again.0.added == 0 && again.0.alreadyImported == 3 && again.0.rejected == 2)
      let other = try await Self.importFiles(
        store, .hotline, [("工单.csv", Self.hotlineCSV)], map: Self.hotlineMap, source: "12345-dongshan")
      #expect(other.0.added == 2)
      #expect(try await store.verifyAudit().isIntact)
    }
  }

  @Test(arguments: TestDatabase.available)
  func aBoardsExport_keepsItsHistoryAsEvents(db: TestDatabase) async throws {
    try await db.withStore { store in
      let world = try await SeededWorld.create(in: store)
      let csv = #"""
        external_id,received_at,name,phone,title,body,category,status,reply,replied_at,unit,public
        B-1,2025-03-01 10:00,张三,13900000001,路灯不亮,小区路灯坏了一个月。,城乡建设,已回复,已安排维修。,2025-03-05 16:00,市住建委,是
        B-2,2025-03-02 11:00,李四,,学校门口拥堵,"上下学时段拥堵 ""严重""",,已办结,已协调疏导。,2025-03-06,JW,否
        B-3,2025-03-03 12:00,王五,13900000003,咨询社保,怎么转移社保？,,已答复,可在网上办理。,2025-03-04 09:00,,是
        B-4,2025-03-04 12:00,赵六,13900000004,噪音,夜间噪音,,办理中,,,市市场监管局,是
        B-5,2025-03-05 12:00,孙七,13900000005,其他,说明,,已回复,,,市市场监管局,是
        B-6,2025-03-05 12:00,周八,13900000006,其他,说明,,作废,,,,是
        B-7,2025-03-05 12:00,吴九,13900000007,其他,说明,,办理中,,,不存在的局,是

        """#
      let (report, rejects) = try await Self.importFiles(store, .board, [("旧平台.csv", csv)])
      #expect(report.added == 4 && report.rejected == 3)
      #expect(rejects.map(\.externalID) == ["B-5", "B-6", "B-7"])
      #expect(rejects[0].reason.contains("reply") && rejects[1].reason.contains("作废"))
      #expect(rejects[2].reason.contains("不存在的局"))

      func imported(_ id: String) async throws -> Message {
        guard let found = try await store.importedMessage(source: "board", externalID: id),
          let message = try await store.message(found)
        else { throw NotImported(id: id) }
        return message
      }
      let reviewed = try await imported("B-1")
      #expect(reviewed.status == .replied && reviewed.leadUnitID == world.housing.id && reviewed.channel == .imported)
      let events = try await store.events(of: reviewed.id)
      #expect(events.map(\.draft.action.description) == ["received", "assign", "accept", "reply", "approve_reply"])
      #expect(events.allSatisfy { $0.draft.actor.id == "import:board" })
      #expect(events[3].draft.at == ChannelImportTests.beijing(2025, 3, 5, 16))
      let closed = try await imported("B-2")
      #expect(closed.status == .closed && !closed.isPublic && closed.body == "上下学时段拥堵 \"严重\"")
      #expect(try await imported("B-3").status == .replied)  // answered by the office itself
      #expect(try await imported("B-4").status == .accepted)
      #expect(try await store.verifyAudit().isIntact)
    }
  }

  @Test(arguments: TestDatabase.available)
  func commentsAndLetters_comeInFromTheirFiles_andAreComparedForDuplicates(db: TestDatabase) async throws {
    try await db.withStore { store in
      _ = try await SeededWorld.create(in: store)
      let body = "我们小区门口的垃圾站已经三天没有清运了，气味很大，夏天蚊蝇很多，希望尽快处理。"
      let json = #"""
        [{"author": "@街坊小王", "time": "2026-11-29T20:15:00+08:00", "text": "\#(body)", "link": "https://weibo.example/p/1", "likes": 12},
         {"author": "@Tom", "time": 1764500000, "text": "The bus stop sign at \"Main St\" is broken.\nPlease fix it 🙏", "link": null}]
        """#
      let lines =
        "{\"author\":\"@a\",\"time\":\"2026-11-29 08:00\",\"text\":\"路面塌陷\"}\n{\"author\":\"@b\",\"time\":\"bad\",\"text\":\"x\"}\n"
      let (social, rejects) = try await Self.importFiles(store, .social, [("评论.json", json), ("评论.jsonl", lines)])
      #expect(social.added == 3 && social.rejected == 1 && rejects.first?.line == 2)
      let linked = try #require(
        try await store.importedMessage(source: "social", externalID: "https://weibo.example/p/1"))
      #expect(try await store.message(linked)?.contact.name == "@街坊小王")
      #expect(try await Self.importFiles(store, .social, [("评论.json", json)]).0.alreadyImported == 2)

      // The same matter by letter: a near-duplicate of the comment, across channels.
      let letter = """
        From: =?UTF-8?B?6ZmI5YWI55Sf?= <chen@example.com>
        Subject: =?GB2312?B?wKy7+NW+zsrM4g==?=
        Date: Mon, 30 Nov 2026 09:30:00 +0800
        Message-ID: <letter-1@example.com>
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        \(Self.quotedPrintable(body))

        """
      let (mail, _) = try await Self.importFiles(store, .mailbox, [("来信.eml", letter)])
      #expect(mail.added == 1)
      let id = try #require(try await store.importedMessage(source: "mailbox", externalID: "letter-1@example.com"))
      let message = try #require(try await store.message(id))
      #expect(message.title == "垃圾站问题" && message.contact.name == "陈先生" && message.contact.email == "chen@example.com")
      #expect(message.contact.phone.isEmpty && message.channel == .mailbox && message.body == body)
      try await store.indexPendingDuplicates()
      #expect(try await store.duplicateCandidates(of: id).map(\.message.id) == [linked])
    }
  }

  static func beijing(_ year: Int, _ month: Int, _ day: Int, _ hour: Int) -> Date {
    WorkingCalendar().start(of: LocalDate(year: year, month: month, day: day)!).addingTimeInterval(Double(hour) * 3600)
  }

  static func quotedPrintable(_ text: String) -> String {
    let escapes = Array(text.utf8).map { String(format: "=%02X", $0) }
    return stride(from: 0, to: escapes.count, by: 24).map { escapes[$0..<min($0 + 24, escapes.count)].joined() }
      .joined(separator: "=\n")
  }
}

struct NotImported: Error {
  var id: String
}

/// The refused records an import reports, collected for a test.
final class RejectsBox: @unchecked Sendable {
  private(set) var rejects: [ImportReject] = []
  func add(_ reject: ImportReject) { rejects.append(reject) }
}
