import ArgumentParser
import Foundation
import MinshengCore
import MinshengStore

/// `minsheng stats --period 2026 --by unit`: every KPI for a period as CSV, the same figures as `/stats`
/// and `GET /api/v1/stats`; with `--format xlsx --output FILE`, as a workbook with the 督办报告 and the
/// methods too.
struct StatsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stats",
    abstract:
      "Print every KPI for a period as CSV (or write a workbook): the whole platform, then each group of a breakdown.",
    discussion: """
      Periods are written 2026, 2026-Q3, 2026-07, 2026-W05 (ISO week) or 2026-07-14, in China time. \
      Columns: group (all for the whole platform), name, kpi, kpi_name, numerator, denominator, value (a \
      rate from 0 to 1, or working hours), ranked (whether the group has the KPI's minimum volume).
      """)

  @ArgumentParser.Option(help: "The period (this year when not given).") var period: String?
  @ArgumentParser.Option(help: "The breakdown: unit, region, leader, category, channel or type.") var by = "unit"
  @ArgumentParser.Option(help: "The language of names: zh or en.") var language = "zh"
  @ArgumentParser.Option(help: "csv (to standard output) or xlsx (to --output).") var format = "csv"
  @ArgumentParser.Option(help: "The file to write (required for xlsx).") var output: String?

  func validate() throws {
    if let period, StatsPeriod(period) == nil { throw ValidationError(say("error_stats_period")) }
    guard let dimension = StatsDimension(rawValue: by), dimension != .platform else {
      throw ValidationError(say("error_stats_by"))
    }
    guard Language(code: language) != nil else { throw ValidationError(say("cli_language")) }
    guard ["csv", "xlsx"].contains(format) else { throw ValidationError(say("cli_stats_format")) }
    if format == "xlsx", (output ?? "").isEmpty { throw ValidationError(say("cli_xlsx_output")) }
  }

  func run() async throws {
    guard let dimension = StatsDimension(rawValue: by), let language = Language(code: language) else {
      throw ExitCode(2)
    }
    let definitions: KPIDefinitions
    do {
      definitions = try KPIDefinitions.bundled()
    } catch {
      FileHandle.standardError.write(Data((error.description + "\n").utf8))
      throw ExitCode(78)
    }
    let bytes = try await withConfiguredStore { store, _ in
      let now = Date()
      let chosen = period.flatMap(StatsPeriod.init) ?? StatsPeriod(.year, containing: store.rules.calendar.day(of: now))
      let table = try await store.statistics(period: chosen, by: dimension, asOf: now, definitions: definitions)
      let names = try await store.referenceNames()
      guard format == "xlsx" else { return Data(Self.csv(table, names: names, language: language).utf8) }
      let report = try await store.supervisionReport(period: chosen, asOf: now, definitions: definitions)
      return StatsWorkbook.make(table, report: report, names: names, language: language).data
    }
    if let output, !output.isEmpty {
      try bytes.write(to: URL(fileURLWithPath: output), options: .atomic)
    } else {
      FileHandle.standardOutput.write(bytes)
    }
  }

  /// The table as CSV (RFC 4180, CRLF line ends): the platform's rows first, then the groups' by key.
  static func csv(_ table: StatisticsTable, names: ReferenceNames, language: Language) -> String {
    var out = "group,name,kpi,kpi_name,numerator,denominator,value,ranked\r\n"
    let code = language.rawValue
    func rows(_ key: String, _ name: String, _ figures: [String: KPIFigure]) {
      for kpi in table.definitions.kpis {
        guard let figure = figures[kpi.id] else { continue }
        let value = figure.value.map { kpi.kind == .rate ? String(format: "%.4f", $0) : String(format: "%.1f", $0) }
        let fields = [
          key, name, kpi.id, kpi.name(in: code), String(figure.numerator), String(figure.denominator), value ?? "",
          figure.ranked ? "true" : "false",
        ]
        out += fields.map(CSVFile.quoted).joined(separator: ",") + "\r\n"
      }
    }
    rows("all", StatsNames.name(of: "all", in: .platform, names: names, language: language), table.platform)
    for key in table.groups.keys.sorted() {
      rows(
        key, StatsNames.name(of: key, in: table.dimension, names: names, language: language), table.groups[key] ?? [:])
    }
    return out
  }
}
