import Foundation
import MinshengCore
import Testing

/// 渠道导入's rules: times as exports write them, column maps, the checks on a record, and the steps
/// that keep an imported case's history.
@Suite struct ImportRecordTests {
  let calendar = WorkingCalendar()
  let now = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-30

  func beijing(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ min: Int = 0, _ s: Double = 0) -> Date {
    calendar.start(of: LocalDate(year: y, month: m, day: d)!).addingTimeInterval(Double(h * 3600 + min * 60) + s)
  }

  @Test func times_areReadAsExportsWriteThem() {
    let cases: [(String, Date)] = [
      ("2026-03-05 09:30:00", beijing(2026, 3, 5, 9, 30)),
      ("2026/3/5 9:30", beijing(2026, 3, 5, 9, 30)),
      ("2026.03.05", beijing(2026, 3, 5)),
      ("2026年3月5日 9时30分", beijing(2026, 3, 5, 9, 30)),
      ("2026-03-05T09:30:00.250", beijing(2026, 3, 5, 9, 30, 0.25)),
      ("2026-03-05T01:30:00Z", beijing(2026, 3, 5, 9, 30)),
      ("2026-03-05T09:30:00+08:00", beijing(2026, 3, 5, 9, 30)),
      ("2026-03-04T20:30:00-0500", beijing(2026, 3, 5, 9, 30)),
      ("1772674200", beijing(2026, 3, 5, 9, 30)),
      ("1772674200000", beijing(2026, 3, 5, 9, 30)),
    ]
    for (text, expected) in cases {
      #expect(ImportTime.parse(text, calendar: calendar) == expected, "\(text)")
    }
    for bad in [
      "", "昨天", "2026-02-30", "2026-13-01", "26-03-05", "2026-03-05 25:00", "2026-03-05 09:30 +15:00", "2026-03-05x",
    ] {
      #expect(ImportTime.parse(bad, calendar: calendar) == nil, "\(bad)")
    }
  }

  @Test func columnMaps_nameTheirColumns_andRefuseWhatTheChannelLacks() throws {
    let map = try ColumnMap(parsing: "external_id=工单编号, received_at = 来电时间", for: .hotline)
    #expect(map.column(for: .externalID) == "工单编号" && map.column(for: .receivedAt) == "来电时间")
    #expect(map.column(for: .body) == "body")
    #expect(
      map.fields(of: ["工单编号": " GD-1 ", "body": "", "title": "x"], for: .hotline) == [.externalID: "GD-1", .title: "x"])
    #expect(throws: ImportRejection.unknownField("status", channel: .hotline)) {
      try ColumnMap(parsing: "status=状态", for: .hotline)
    }
    #expect(throws: ImportRejection.badMapping("external_id")) { try ColumnMap(parsing: "external_id", for: .board) }
    #expect(throws: ImportRejection.badMapping("title=b")) { try ColumnMap(parsing: "title=a,title=b", for: .board) }
  }

  @Test func aRecord_isCheckedAndRead() throws {
    func read(
      _ fields: [ImportField: String], _ channel: ImportChannel = .hotline
    ) throws(ImportRejection) -> ImportedRecord {
      try ImportedRecord.read(fields, channel: channel, calendar: calendar, now: now)
    }
    let call: [ImportField: String] = [
      .externalID: "GD-1", .receivedAt: "2026-11-20 09:15", .callerName: "李先生", .callerPhone: "13800138001",
      .body: "路灯不亮。晚上很黑", .latitude: "29.5630211", .longitude: "106.5515632", .type: "求助",
    ]
    let record = try read(call)
    #expect(record.externalID == "GD-1" && record.receivedAt == beijing(2026, 11, 20, 9, 15))
    #expect(record.message.title == "路灯不亮" && record.message.type == .help && record.message.channel == .hotline)
    #expect(record.message.location?.latitude == 29.5630211 && record.message.phoneVerified)
    #expect(throws: ImportRejection.missing(.callerPhone)) { try read(call.filter { $0.key != .callerPhone }) }
    #expect(throws: ImportRejection.badNumber(.latitude, "北纬")) { try read(call.merging([.latitude: "北纬"]) { $1 }) }
    #expect(throws: ImportRejection.future("2026-12-05")) { try read(call.merging([.receivedAt: "2026-12-05"]) { $1 }) }
    #expect(throws: ImportRejection.badStatus("作废")) {
      try read([.externalID: "B", .receivedAt: "2026-01-01", .body: "x", .status: "作废"], .board)
    }
    let comment = try read(
      [.author: "@小王", .time: "2026-11-29 08:00", .text: "A sentence that is longer than thirty characters in all"],
      .social)
    #expect(comment.externalID == nil && comment.identity.contains("@小王"))
    #expect(comment.message.title == "A sentence that is longer tha…" && comment.message.contact.name == "@小王")
    #expect(try comment.message.validated().contact.phone.isEmpty)  // a comment's author has a handle only
  }

  @Test func statusesAndFlags_areReadInChineseAndEnglish() {
    #expect(ImportedStatus(named: "已办结") == .closed && ImportedStatus(named: "办理中") == .handling)
    #expect(ImportedStatus(named: "Replied") == .replied && ImportedStatus(named: "待处理") == .received)
    #expect(ImportedStatus.flag("否") == false && ImportedStatus.flag("YES") == true && ImportedStatus.flag("也许") == nil)
    #expect(MessageType.named("建言") == .suggestion && MessageType.named("complaint") == .complaint)
    #expect(MessageType.named("其他") == nil)
  }

  @Test func history_bringsACaseToWhereItsSourceSaysItStands() throws {
    let unit = Unit(id: UUID(), code: "ZJW", name: "市住建委", regionID: UUID(), requiresReplyReview: true)
    var record = try ImportedRecord.read(
      [
        .externalID: "B-1", .receivedAt: "2025-03-01 10:00", .body: "路灯不亮", .status: "已办结", .reply: "已修复",
        .repliedAt: "2025-02-01",
      ],
      channel: .board, calendar: calendar, now: now)
    let steps = try ImportHistory.steps(for: record, unit: unit, actorID: "import:board")
    #expect(steps.map(\.command.action) == [.assign, .accept, .reply, .approveReply, .close])
    #expect(steps.map(\.actor.role) == [.admin, .handler, .handler, .reviewer, .admin])
    // A reply dated before the message follows it; every step is later than the one before.
    #expect(zip(steps, steps.dropFirst()).allSatisfy { $0.at < $1.at } && steps[0].at > record.receivedAt)
    #expect(
      try ImportHistory.steps(for: record, unit: nil, actorID: "i").map(\.command.action) == [.answerDirectly, .close])
    record.status = .handling
    #expect(try ImportHistory.steps(for: record, unit: nil, actorID: "i").isEmpty)
    record.status = .replied
    record.reply = nil
    #expect(throws: ImportRejection.missing(.reply)) { try ImportHistory.steps(for: record, unit: unit, actorID: "i") }
  }
}
