import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 统计公开: `/stats` and `GET /api/v1/stats` — every KPI of the definitions (`KPIDefinitions`) for a
/// period, broken down by unit, region, board, category, channel or type, ranked by the method shown
/// beside the ranking, with a month-by-month trend.
struct StatsController: Sendable {
  let context: ServerContext

  /// What a request asks for: the period (this year by default), the breakdown (by unit) and the KPI
  /// the ranking and the trend follow (the reply rate).
  struct Selection: Sendable {
    var period: StatsPeriod
    var dimension: StatsDimension
    var kpi: KPIDefinition
  }

  struct Query: Decodable {
    var period: String?
    var by: String?
    var kpi: String?
  }

  /// The KPI shown when none is asked for.
  static let defaultKPI = "reply_rate"
  /// The KPIs the platform summary shows.
  static let summary = [
    "reply_rate", "on_time_completion", "satisfaction", "resolution_rate", "median_hours_to_reply", "overdue_rate",
  ]

  /// Reads and checks the query; an unknown period, breakdown or KPI is a 422 naming the field.
  func selection(_ request: Request) throws -> Selection {
    let query = try request.query.decode(Query.self)
    var problems: [ValidationError.Problem] = []
    let today = context.calendar.day(of: context.clock())
    var period = StatsPeriod(.year, containing: today)
    if let text = query.period, !text.isEmpty {
      if let parsed = StatsPeriod(text) {
        period = parsed
      } else {
        problems.append(.init(field: "period", reason: .invalid(LocalizedText("error_stats_period"))))
      }
    }
    var dimension = StatsDimension.unit
    // An empty breakdown is refused, as the document's enum says; an empty period or KPI means the default.
    if let text = query.by {
      if let parsed = StatsDimension(rawValue: text), parsed != .platform {
        dimension = parsed
      } else {
        problems.append(.init(field: "by", reason: .invalid(LocalizedText("error_stats_by"))))
      }
    }
    let kpi = context.kpis[query.kpi.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultKPI]
    if kpi == nil { problems.append(.init(field: "kpi", reason: .invalid(LocalizedText("error_stats_kpi")))) }
    guard problems.isEmpty, let kpi else { throw ValidationError(problems: problems) }
    return Selection(period: period, dimension: dimension, kpi: kpi)
  }

  /// `GET /stats`.
  func page(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let selection: Selection
    do {
      selection = try self.selection(request)
    } catch is ValidationError {
      throw PageError(.badRequest, "error_stats_query")
    }
    let now = context.clock()
    let table = try await context.store.statistics(
      period: selection.period, by: selection.dimension, asOf: now, definitions: context.kpis,
      trendOf: selection.kpi)
    let names = try await context.store.referenceNames()
    let content = StatsContent(
      table: table, selection: selection, names: names, language: language, now: now,
      today: context.calendar.day(of: now))
    return try await context.renderer.render(
      request, "public/stats", title: language.text("stats_title"), content, cacheable: true)
  }

  /// `GET /api/v1/stats`: the same figures as JSON, with the definitions they follow.
  func api(_ request: Request) async throws -> StatsResponse {
    let selection = try self.selection(request)
    if let lang = request.query[String.self, at: "lang"], !["zh", "en"].contains(lang) {
      throw ValidationError(field: "lang", reason: .invalid(LocalizedText("error_stats_lang")))
    }
    let now = context.clock()
    let table = try await context.store.statistics(
      period: selection.period, by: selection.dimension, asOf: now, definitions: context.kpis)
    return StatsResponse(
      table, names: try await context.store.referenceNames(), language: request.pageLanguage)
  }
}

/// The body of `GET /api/v1/stats`.
struct StatsResponse: Content {
  struct Definition: Codable, Sendable {
    var id: String
    var name: String
    var method: String
    var kind: String
    var minimumVolume: Int
    var higherIsBetter: Bool
    var priorWeight: Int

    enum CodingKeys: String, CodingKey {
      case id, name, method, kind
      case minimumVolume = "minimum_volume"
      case higherIsBetter = "higher_is_better"
      case priorWeight = "prior_weight"
    }
  }

  struct Group: Codable, Sendable {
    var key: String
    var name: String
    var figures: [String: KPIFigure]
  }

  var period: String
  var by: String
  var asOf: Date
  var kpis: [Definition]
  var platform: [String: KPIFigure]
  var groups: [Group]

  enum CodingKeys: String, CodingKey {
    case period, by, kpis, platform, groups
    case asOf = "as_of"
  }

  init(_ table: StatisticsTable, names: ReferenceNames, language: Language) {
    period = table.period.description
    by = table.dimension.rawValue
    asOf = table.asOf
    kpis = table.definitions.kpis.map {
      Definition(
        id: $0.id, name: $0.name(in: language.rawValue), method: $0.method(in: language.rawValue),
        kind: $0.kind.rawValue, minimumVolume: $0.minimumVolume, higherIsBetter: $0.higherIsBetter,
        priorWeight: $0.priorWeight)
    }
    platform = table.platform
    groups = table.groups.keys.sorted().map {
      Group(
        key: $0, name: StatsNames.name(of: $0, in: table.dimension, names: names, language: language),
        figures: table.groups[$0] ?? [:])
    }
  }
}

/// The name of a group of a breakdown, as the pages and the API show it.
enum StatsNames {
  static func name(
    of key: String, in dimension: StatsDimension, names: ReferenceNames, language: Language
  ) -> String {
    let id = UUID(uuidString: key)
    switch dimension {
    case .platform: return language.text("stats_platform")
    case .unit: return id.flatMap { names.units[$0]?.name } ?? key
    case .region: return id.flatMap { names.regions[$0]?.name } ?? key
    case .leader:
      guard let leader = id.flatMap({ names.leaders[$0] }) else { return key }
      return (names.regions[leader.regionID]?.name ?? "") + leader.title
    case .category: return id.flatMap { names.categories[$0]?.name } ?? key
    case .channel: return MinshengCore.Channel(rawValue: key).map { language.name($0) } ?? key
    case .type: return MessageType(rawValue: key).map { language.name($0) } ?? key
    }
  }

  /// A figure as the pages show it: a rate as a percentage, a time in hours (working hours, which days
  /// of 24 would misread); a dash when nothing counts.
  static func value(_ figure: KPIFigure?, of kpi: KPIDefinition, in language: Language) -> String {
    guard kpi.kind != .rate else { return language.percent(figure?.value) }
    return figure?.value.map { language.text("duration_hours", ["n": .number(Int($0.rounded()))]) } ?? "—"
  }

  /// The page of a group, where it has one (units, boards and regions).
  static func url(of key: String, in dimension: StatsDimension) -> String {
    guard let id = UUID(uuidString: key) else { return "" }
    switch dimension {
    case .unit: return SiteURL.unit(.value(id)).path
    case .leader: return SiteURL.leader(.value(id)).path
    case .region: return SiteURL.region(.value(id)).path
    default: return ""
    }
  }
}
