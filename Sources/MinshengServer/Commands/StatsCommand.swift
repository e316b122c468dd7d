import ArgumentParser
import Foundation
import MinshengCore
import MinshengStore

/// `minsheng stats --period 2026 --by unit`: every KPI for a period as CSV, the same figures as `/stats`
/// and `GET /api/v1/stats`.
struct StatsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stats",
    abstract: "Print every KPI for a period as CSV: the whole platform, then each group of a breakdown.",
    discussion: """
      Periods are written 2026, 2026-Q3, 2026-07, 2026-W05 (ISO week) or 2026-07-14, in China time. \
      Columns: group (all for the whole platform), name, kpi, kpi_name, numerator, denominator, value (a \
      rate from 0 to 1, or working hours), ranked (whether the group has the KPI's minimum volume).
      """)

  @ArgumentParser.Option(help: "The period (this year when not given).") var period: String?
  @ArgumentParser.Option(help: "The breakdown: unit, region, leader, category, channel or type.") var by = "unit"
  @ArgumentParser.Option(help: "The language of names: zh or en.") var language = "zh"

  func validate() throws {
    if let period, StatsPeriod(period) == nil { throw ValidationError(say("error_stats_period")) }
    guard let dimension = StatsDimension(rawValue: by), dimension != .platform else {
      throw ValidationError(say("error_stats_by"))
    }
    guard Language(code: language) != nil else { throw ValidationError(say("cli_language")) }
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
    let lines = try await withConfiguredStore { store, _ in
      let now = Date()
      let chosen = period.flatMap(StatsPeriod.init) ?? StatsPeriod(.year, containing: store.rules.calendar.day(of: now))
      let table = try await store.statistics(period: chosen, by: dimension, asOf: now, definitions: definitions)
      return Self.csv(table, names: try await store.referenceNames(), language: language)
    }
    FileHandle.standardOutput.write(Data(lines.utf8))
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
        out += fields.map(quoted).joined(separator: ",") + "\r\n"
      }
    }
    rows("all", StatsNames.name(of: "all", in: .platform, names: names, language: language), table.platform)
    for key in table.groups.keys.sorted() {
      rows(
        key, StatsNames.name(of: key, in: table.dimension, names: names, language: language), table.groups[key] ?? [:])
    }
    return out
  }

  /// A CSV field, quoted when it holds a comma, a quote or a line break.
  static func quoted(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
