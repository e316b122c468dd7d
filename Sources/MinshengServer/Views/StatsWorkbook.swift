import Foundation
import MinshengCore
import MinshengStore

/// 统计导出: a period's figures as a workbook — every KPI by group (with the whole platform first),
/// the same figures one per line as the CSV has them, the 督办报告 when given, and every KPI's method.
enum StatsWorkbook {
  static func make(
    _ table: StatisticsTable, report: SupervisionReport?, names: ReferenceNames, language: Language
  ) -> XLSXFile {
    let code = language.rawValue
    let kpis = table.definitions.kpis
    func value(_ figure: KPIFigure?, _ kpi: KPIDefinition) -> XLSXFile.Cell {
      guard let value = figure?.value else { return .empty }
      return kpi.kind == .rate ? .percent(value) : .number((value * 10).rounded() / 10)
    }
    let groups = table.groups.keys.map {
      (key: $0, name: StatsNames.name(of: $0, in: table.dimension, names: names, language: language))
    }.sorted { ($0.name, $0.key) < ($1.name, $1.key) }
    let platform = language.text("stats_platform")

    var wide: [[XLSXFile.Cell]] = [
      [.text(language.text("stats_col_name"))] + kpis.map { .text($0.name(in: code)) }
        + [.text(language.text("xlsx_col_counted"))]
    ]
    wide.append(
      [.text(platform)] + kpis.map { value(table.platform[$0.id], $0) }
        + [.number(Double(table.platform[StatsController.defaultKPI]?.denominator ?? 0))])
    for group in groups {
      let figures = table.groups[group.key] ?? [:]
      wide.append(
        [.text(group.name)] + kpis.map { value(figures[$0.id], $0) }
          + [.number(Double(figures[StatsController.defaultKPI]?.denominator ?? 0))])
    }

    var long: [[XLSXFile.Cell]] = [
      ["group", "name", "kpi", "kpi_name", "numerator", "denominator", "value", "ranked"].map { .text($0) }
    ]
    for (key, name, figures) in [("all", platform, table.platform)]
      + groups.map({ ($0.key, $0.name, table.groups[$0.key] ?? [:]) })
    {
      for kpi in kpis {
        guard let figure = figures[kpi.id] else { continue }
        long.append([
          .text(key), .text(name), .text(kpi.id), .text(kpi.name(in: code)), .number(Double(figure.numerator)),
          .number(Double(figure.denominator)), value(figure, kpi), .text(figure.ranked ? "true" : "false"),
        ])
      }
    }

    var sheets = [
      XLSXFile.Sheet(name: language.text("xlsx_sheet_figures"), rows: wide),
      XLSXFile.Sheet(name: language.text("xlsx_sheet_lines"), rows: long),
    ]
    if let report {
      var rows: [[XLSXFile.Cell]] = [
        [
          "stats_col_name", "report_col_overdue", "report_col_issued", "report_col_answered", "report_col_on_time",
          "report_col_open", "report_col_open_late",
        ].map { .text(language.text($0)) }
      ]
      for row in report.rows {
        rows.append(
          [.text(StatsNames.name(of: row.unit, in: .unit, names: names, language: language))]
            + [row.overdue, row.issued, row.answered, row.answeredOnTime, row.open, row.openLate].map {
              .number(Double($0))
            })
      }
      sheets.append(XLSXFile.Sheet(name: language.text("report_title"), rows: rows))
    }
    var methods: [[XLSXFile.Cell]] = [
      ["kpi", "xlsx_col_kpi_name", "xlsx_col_method", "xlsx_col_minimum"].map {
        .text($0 == "kpi" ? $0 : language.text($0))
      }
    ]
    for kpi in kpis {
      methods.append([
        .text(kpi.id), .text(kpi.name(in: code)), .text(kpi.method(in: code)), .number(Double(kpi.minimumVolume)),
      ])
    }
    sheets.append(XLSXFile.Sheet(name: language.text("stats_methods"), rows: methods))
    return XLSXFile(sheets: sheets)
  }
}
