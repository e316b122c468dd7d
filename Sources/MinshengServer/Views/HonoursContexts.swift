import Foundation
import MinshengCore
import MinshengStore

/// `/honours/{year}`: each list of the year with its method, its units and what their scores were
/// made of; whether the lists are published (frozen) or provisional; the other years.
struct HonoursContent: Encodable, Sendable {
  struct Citation: Encodable, Sendable {
    var text: String
    var url: String
  }

  struct YearLink: Encodable, Sendable {
    var href: String
    var label: String
    var current: Bool
  }

  struct ListView: Encodable, Sendable {
    var id: String
    var name: String
    var method: String
    var scoreHeading: String
    /// The KPIs of the score, in the formula's order of weight.
    var components: [String]
    var rows: [RowView]
  }

  struct RowView: Encodable, Sendable {
    var rank: Int
    var name: String
    var url: String
    var score: String
    var components: [String]
    var volume: Int
    var thanks: Int
  }

  var heading: String
  var status: String
  var published: Bool
  var years: [YearLink]
  var lists: [ListView]

  init(
    _ result: HonoursResult, published: FrozenHonours?, years: [Int], names: ReferenceNames,
    definitions: KPIDefinitions, language: Language, now: Date
  ) {
    let code = language.rawValue
    heading = language.text("honours_heading", ["year": .plain(String(result.year))])
    self.published = published != nil
    if let published {
      status = language.text("honours_published", ["time": .plain(language.dateTime(published.frozenAt))])
    } else {
      status = language.text("honours_provisional", ["time": .plain(language.dateTime(now))])
    }
    self.years = years.map {
      YearLink(
        href: SiteURL.honoursYear(.value(String($0))).path, label: String($0), current: $0 == result.year)
    }
    lists = result.formula.lists.map { definition in
      let kpis = definition.weights.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map(\.key)
      let entries = result.lists.first { $0.id == definition.id }?.entries ?? []
      let adoptions = definition.kind == .adoptions
      return ListView(
        id: definition.id, name: definition.name(in: code), method: definition.method(in: code),
        scoreHeading: language.text(
          adoptions ? "honours_col_adopted" : definition.kind == .index ? "honours_col_index" : "honours_col_rise"),
        components: adoptions
          ? [language.text("honours_col_adoption_rate")] : kpis.map { definitions[$0]?.name(in: code) ?? $0 },
        rows: entries.map { entry in
          let id = UUID(uuidString: entry.unit)
          let score = (entry.score * 10).rounded() / 10
          return RowView(
            rank: entry.rank,
            name: result.unitNames[entry.unit] ?? id.flatMap { names.units[$0]?.name } ?? entry.unit,
            url: id.map { SiteURL.unit(.value($0)).path } ?? "",
            score: adoptions
              ? String(Int(entry.score))
              : definition.kind == .index
                ? score.formatted(.number.precision(.fractionLength(1)))
                : language.text(
                  "stats_change_points",
                  ["n": .plain((score > 0 ? "+" : "") + score.formatted(.number.precision(.fractionLength(1))))]),
            components: adoptions
              ? [language.percent(entry.components["adoption_rate"])]
              : kpis.map { language.percent(entry.components[$0]) }, volume: entry.volume,
            thanks: entry.thanks)
        })
    }
  }
}
