import Foundation

/// 年度表彰的评选办法, as data (`Data/honours-default.json`; a province may ship its own): each list
/// the year names, how its units are scored and how many are named.
public struct HonoursFormula: Sendable, Equatable, Codable {
  public var version: Int
  public var lists: [HonourDefinition]

  public init(version: Int = 1, lists: [HonourDefinition]) {
    self.version = version
    self.lists = lists
  }

  /// The formula shipped with Minsheng.
  public static func bundled(checkedAgainst kpis: KPIDefinitions) throws(KPIError) -> HonoursFormula {
    guard let url = Bundle.module.url(forResource: "honours-default", withExtension: "json", subdirectory: "Data"),
      let data = try? Data(contentsOf: url)
    else { throw KPIError(LocalizedText("error_honours_missing")) }
    return try decode(data, checkedAgainst: kpis)
  }

  /// Reads a formula from JSON and checks it against the KPIs: every KPI it names is a rate, weights
  /// are positive, list identifiers are unique and each list names at least one unit.
  public static func decode(_ data: Data, checkedAgainst kpis: KPIDefinitions) throws(KPIError) -> HonoursFormula {
    let formula: HonoursFormula
    do {
      formula = try JSONDecoder().decode(HonoursFormula.self, from: data)
    } catch {
      throw KPIError(LocalizedText("error_honours_unreadable", ["detail": .plain(String(describing: error))]))
    }
    var seen: Set<String> = []
    for list in formula.lists {
      guard seen.insert(list.id).inserted, list.count > 0, list.minimumVolume >= 0, list.priorWeight >= 0,
        list.kind == .adoptions ? list.weights.isEmpty : !list.weights.isEmpty,
        list.weights.values.allSatisfy({ $0 > 0 })
      else { throw KPIError(LocalizedText("error_honours_list", ["id": .plain(list.id)])) }
      for id in list.weights.keys {
        guard let kpi = kpis[id], kpi.kind == .rate, kpi.higherIsBetter else {
          throw KPIError(LocalizedText("error_honours_kpi", ["id": .plain(list.id), "kpi": .plain(id)]))
        }
      }
    }
    return formula
  }
}

/// One list of the year's honours.
public struct HonourDefinition: Sendable, Equatable, Codable {
  /// How the list's units are scored.
  public enum Kind: String, Sendable, Codable {
    /// 综合指数: the weighted mean of the KPIs' volume-adjusted rates, from 0 to 100.
    case index
    /// 进步最快: the index's rise over the year before; both years must reach the minimum volume.
    case growth
    /// 汇智为民: the suggestions (人民建议) a unit adopted or partly adopted in the year, at least the
    /// minimum volume of them; no KPI weights.
    case adoptions
  }

  public var id: String
  public var name: [String: String]
  public var method: [String: String]
  public var kind: Kind
  /// KPI identifier → weight (rates only, higher better).
  public var weights: [String: Double]
  /// A unit is scored only with at least this many cases counted by every KPI of the list.
  public var minimumVolume: Int
  /// Each rate is adjusted towards the platform's as if this many cases at the platform's rate were
  /// added to the unit's own (a Bayesian average), so that a handful of cases cannot top the list.
  public var priorWeight: Int
  /// How many units the list names (more when units tie at the last place).
  public var count: Int

  enum CodingKeys: String, CodingKey {
    case id, name, method, kind, weights, count
    case minimumVolume = "minimum_volume"
    case priorWeight = "prior_weight"
  }

  public init(
    id: String, name: [String: String], method: [String: String] = [:], kind: Kind = .index,
    weights: [String: Double], minimumVolume: Int = 20, priorWeight: Int = 20, count: Int = 10
  ) {
    self.id = id
    self.name = name
    self.method = method
    self.kind = kind
    self.weights = weights
    self.minimumVolume = minimumVolume
    self.priorWeight = priorWeight
    self.count = count
  }

  public func name(in language: String) -> String { name[language] ?? name["zh-Hans"] ?? id }
  public func method(in language: String) -> String { method[language] ?? method["zh-Hans"] ?? "" }
}

/// 年度表彰名单: the lists of one year as computed (or as frozen, when an administrator published them).
public struct HonoursResult: Sendable, Equatable, Codable {
  /// A unit named on a list, with what its score was made of.
  public struct Entry: Sendable, Equatable, Codable {
    /// The unit's identifier in lower case.
    public var unit: String
    public var rank: Int
    /// The index (0–100), or its rise in points for a growth list.
    public var score: Double
    /// KPI identifier → the volume-adjusted rate (0–1) in the year.
    public var components: [String: Double]
    /// The fewest cases any KPI of the list counted for the unit.
    public var volume: Int
    /// 感谢信: the public thanks letters the unit received in the year (shown beside the score).
    public var thanks: Int = 0
  }

  public struct List: Sendable, Equatable, Codable {
    public var id: String
    public var entries: [Entry]
  }

  public var year: Int
  /// The moment the figures were judged at.
  public var asOf: Date
  public var formula: HonoursFormula
  public var lists: [List]
  /// The honoured units' names when the lists were published (empty while they are provisional).
  public var unitNames: [String: String] = [:]

  enum CodingKeys: String, CodingKey {
    case year, formula, lists
    case asOf = "as_of"
    case unitNames = "unit_names"
  }

  public init(year: Int, asOf: Date, formula: HonoursFormula, lists: [List]) {
    self.year = year
    self.asOf = asOf
    self.formula = formula
    self.lists = lists
  }

  /// Computes every list of `formula` from a year's figures by unit and the year before's
  /// (`table.previousGroups`).
  public init(formula: HonoursFormula, year: Int, table: StatisticsFigures) {
    self.init(
      year: year, asOf: table.asOf, formula: formula,
      lists: formula.lists.map { definition in
        let now = Self.indices(definition, groups: table.groups, platform: table.platform)
        var scored: [Entry]
        switch definition.kind {
        case .index:
          scored = now
        case .adoptions:
          scored = table.adopted.compactMap { unit, adopted in
            guard adopted >= max(1, definition.minimumVolume) else { return nil }
            let evaluated = max(adopted, table.evaluated[unit] ?? 0)
            return Entry(
              unit: unit, rank: 0, score: Double(adopted),
              components: ["adoption_rate": Double(adopted) / Double(evaluated)], volume: evaluated)
          }
        case .growth:
          let before = Dictionary(
            uniqueKeysWithValues: Self.indices(
              definition, groups: table.previousGroups, platform: table.previousPlatform
            ).map { ($0.unit, $0.score) })
          scored = now.compactMap { entry in
            guard let earlier = before[entry.unit] else { return nil }
            var entry = entry
            entry.score -= earlier
            return entry
          }
        }
        let named = Self.ranked(scored, count: definition.count).map { entry in
          var entry = entry
          entry.thanks = table.thanks[entry.unit] ?? 0
          return entry
        }
        return List(id: definition.id, entries: named)
      })
  }

  /// The units with the list's minimum volume in every KPI, each with its index.
  static func indices(
    _ definition: HonourDefinition, groups: [String: [String: KPIFigure]], platform: [String: KPIFigure]
  ) -> [Entry] {
    let total = definition.weights.values.reduce(0, +)
    return groups.compactMap { unit, figures -> Entry? in
      var components: [String: Double] = [:]
      var volume = Int.max
      for (kpi, _) in definition.weights {
        guard let figure = figures[kpi], figure.denominator >= max(1, definition.minimumVolume) else { return nil }
        let prior = platform[kpi]?.value ?? 0
        let weight = Double(definition.priorWeight)
        components[kpi] =
          (Double(figure.numerator) + weight * prior) / (Double(figure.denominator) + weight)
        volume = min(volume, figure.denominator)
      }
      let index = definition.weights.reduce(0) { $0 + $1.value * (components[$1.key] ?? 0) } / total * 100
      return Entry(unit: unit, rank: 0, score: index, components: components, volume: volume)
    }
  }

  /// The best `count` entries by score (equal to a thousandth of a point share a rank; more volume,
  /// then the identifier, orders them for display), and any tied with the last.
  static func ranked(_ entries: [Entry], count: Int) -> [Entry] {
    var sorted = entries.sorted { a, b in
      if abs(a.score - b.score) > 1e-3 { return a.score > b.score }
      return (a.volume, b.unit) > (b.volume, a.unit)
    }
    for index in sorted.indices {
      let tied = index > 0 && abs(sorted[index].score - sorted[index - 1].score) <= 1e-3
      sorted[index].rank = tied ? sorted[index - 1].rank : index + 1
    }
    return sorted.filter { $0.rank <= count }
  }
}

/// The figures the honours are computed from: every KPI by unit for a year and for the year before,
/// and the platform's for both (the priors of the adjusted rates).
public struct StatisticsFigures: Sendable {
  public var asOf: Date
  public var groups: [String: [String: KPIFigure]]
  public var platform: [String: KPIFigure]
  public var previousGroups: [String: [String: KPIFigure]]
  public var previousPlatform: [String: KPIFigure]
  /// Unit → public thanks letters received in the year.
  public var thanks: [String: Int] = [:]
  /// Unit → suggestions it evaluated in the year, and of them those it adopted or partly adopted.
  public var evaluated: [String: Int] = [:]
  public var adopted: [String: Int] = [:]

  public init(
    asOf: Date, groups: [String: [String: KPIFigure]], platform: [String: KPIFigure],
    previousGroups: [String: [String: KPIFigure]] = [:], previousPlatform: [String: KPIFigure] = [:]
  ) {
    self.asOf = asOf
    self.groups = groups
    self.platform = platform
    self.previousGroups = previousGroups
    self.previousPlatform = previousPlatform
  }
}
