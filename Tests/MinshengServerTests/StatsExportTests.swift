import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@testable import MinshengServer

/// 统计导出: the dashboard's workbook holds the same figures as the page and the API, read back by
/// openpyxl as a user's spreadsheet tools would read it.
@Suite struct StatsExportTests: SiteTesting {
  /// The cells of every sheet as openpyxl reads them, by sheet name; nil when openpyxl is not installed
  /// (outside CI, where it is required).
  func readBack(_ data: Data) throws -> [String: [[String]]]? {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("minsheng-\(UUID().uuidString).xlsx")
    try data.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let script = """
      import json, sys
      try:
          import openpyxl
      except ImportError:
          print("NO-OPENPYXL"); sys.exit(0)
      book = openpyxl.load_workbook(sys.argv[1])
      out = {}
      for sheet in book.worksheets:
          rows = []
          for row in sheet.iter_rows():
              rows.append(["" if c.value is None else (c.number_format + "|" + repr(c.value) if isinstance(c.value, float) else str(c.value)) for c in row])
          out[sheet.title] = rows
      print(json.dumps(out, ensure_ascii=False))
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    if String(decoding: output, as: UTF8.self).hasPrefix("NO-OPENPYXL") {
      #expect(ProcessInfo.processInfo.environment["CI"] == nil, "CI installs openpyxl to read the workbook back")
      return nil
    }
    return try JSONDecoder().decode([String: [[String]]].self, from: output)
  }

  @Test(arguments: TestDatabase.available)
  func theWorkbook_holdsThePagesFigures(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world, now) = (site.app, site.store, site.world, site.clock.now)
      let replied = try await housingCase(site, "小区电梯停运一周")
      try await store.perform(.reply(body: "已督促物业修复。"), on: replied, by: world.housingHandler, at: now)
      try await store.perform(.approveReply(), on: replied, by: world.housingReviewer, at: now)
      let open = try await housingCase(site, "楼道堆放杂物 <b>&\"引号\"")
      try await store.perform(
        .supervise(note: "请说明进度"), on: open, by: Actor(role: .supervisor, id: "dc.supervisor"), at: now)

      #expect(try await get(app, "/staff/dashboard/export.xlsx").0 == .seeOther)
      let supervisor = try await logIn(app, "dc.supervisor")
      var result: (HTTPStatus, Data, HTTPHeaders) = (.internalServerError, Data(), [:])
      try await app.testing().test(
        .GET, "/staff/dashboard/export.xlsx?period=2026-03&by=unit",
        beforeRequest: { $0.headers.replaceOrAdd(name: .cookie, value: supervisor.cookies) }
      ) { result = ($0.status, Data(buffer: $0.body), $0.headers) }
      #expect(result.0 == .ok)
      #expect(result.2.first(name: .contentType) == XLSXFile.contentType)
      #expect(result.2.first(name: .contentDisposition)?.contains("minsheng-stats-2026-03-unit.xlsx") == true)
      #expect(result.1.prefix(2) == Data("PK".utf8))
      // A bad period is a clear error, not a broken file.
      try await app.testing().test(
        .GET, "/staff/dashboard/export.xlsx?period=2026-13",
        beforeRequest: { $0.headers.replaceOrAdd(name: .cookie, value: supervisor.cookies) }
      ) { #expect($0.status == .badRequest) }

      guard let sheets = try readBack(result.1) else { return }
      #expect(Set(sheets.keys) == ["指标", "明细", "督办报告", "指标口径"])
      let figures = try #require(sheets["指标"])
      let definitions = try KPIDefinitions.bundled()
      #expect(figures.first?.first == "名称" && figures.first?.count == definitions.kpis.count + 2)
      // 住建委: reply rate 1 of 2, written as a share with a percentage format.
      let replyColumn = try #require(figures[0].firstIndex(of: "回复率"))
      let housing = try #require(figures.first { $0.first == "市住建委" })
      #expect(housing[replyColumn] == "0.0%|0.5")
      let platform = try #require(figures.first { $0.first == "全平台" })
      #expect(platform[replyColumn] == "0.0%|0.5")
      // The lines: the same numbers as the CSV and the API.
      let lines = try #require(sheets["明细"])
      let key = world.housing.id.uuidString.lowercased()
      let line = try #require(lines.first { $0.first == key && $0[2] == "reply_rate" })
      #expect(line[1] == "市住建委" && line[4] == "1" && line[5] == "2")
      // 督办报告: one 督办 to 住建委, waiting for its answer; text with markup survives as text.
      let report = try #require(sheets["督办报告"])
      #expect(report.contains { $0 == ["市住建委", "0", "1", "0", "0", "1", "0"] })
      #expect(try #require(sheets["指标口径"]).count == definitions.kpis.count + 1)
    }
  }

  /// Names, markup and characters XML cannot hold: the workbook stays well-formed and keeps the text.
  @Test func cellText_isEscaped_andSheetNamesAreValid() throws {
    let file = XLSXFile(sheets: [
      XLSXFile.Sheet(
        name: "a/b:c*d?[e]这是一个很长很长很长很长很长很长很长很长的工作表名称", rows: [[.text("<b>&\"x\"\u{1}\u{7}换行\n")], [.number(3)]]),
      XLSXFile.Sheet(name: "a/b:c*d?[e]这是一个很长很长很长很长很长很长很长很长的工作表名称", rows: []),
    ])
    let names = XLSXFile.uniqueNames(file.sheets.map(\.name))
    #expect(names.allSatisfy { $0.count <= 31 && !$0.contains("/") && !$0.contains("[") })
    #expect(names[0] != names[1])
    #expect(XLSXFile.column(0) == "A" && XLSXFile.column(25) == "Z" && XLSXFile.column(26) == "AA")
    #expect(xmlEscaped("<b>&\"x\"\u{1}") == "&lt;b&gt;&amp;&quot;x&quot;")
    #expect(CRC32.checksum(Data("123456789".utf8)) == 0xCBF4_3926)
    guard let sheets = try readBack(file.data) else { return }
    #expect(sheets[names[0]]?.first?.first == "<b>&\"x\"换行\n")
    #expect(sheets[names[0]]?.last?.first == "3")
  }
}
