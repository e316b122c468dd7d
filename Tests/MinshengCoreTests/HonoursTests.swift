import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

/// 年度表彰: the published formula's lists from units' figures — volume-adjusted, with a minimum
/// volume, ties sharing a place, and growth only between two years that both count.
@Suite struct HonoursTests {
  let kpis = try! KPIDefinitions.bundled()

  func figure(_ kpi: String, _ numerator: Int, of denominator: Int) -> KPIFigure {
    KPIFigure(
      kpi: kpi, denominator: denominator, numerator: numerator,
      value: denominator == 0 ? nil : Double(numerator) / Double(denominator), ranked: true)
  }

  func list(
    _ kind: HonourDefinition.Kind = .index, weights: [String: Double] = ["satisfaction": 1], minimum: Int = 20,
    prior: Int = 20, count: Int = 10
  ) -> HonoursFormula {
    HonoursFormula(lists: [
      HonourDefinition(
        id: "l", name: ["zh-Hans": "榜"], kind: kind, weights: weights, minimumVolume: minimum, priorWeight: prior,
        count: count)
    ])
  }

  @Test func theShippedFormula_readsAndNamesOnlyRatesOfTheShippedKPIs() throws {
    let formula = try HonoursFormula.bundled(checkedAgainst: kpis)
    #expect(formula.lists.map(\.id) == ["minxin", "minxin_growth", "shigan", "huizhi"])
    #expect(formula.lists[3].kind == .adoptions && formula.lists[3].weights.isEmpty)
    #expect(formula.lists[0].weights == ["reply_rate": 0.3, "on_time_completion": 0.3, "satisfaction": 0.4])
  }

  @Test func aFormulaNamingATimeOrAnUnknownKPI_isRefusedWithItsName() {
    for (weights, kpi) in [(#"{"median_hours_to_reply": 1}"#, "median_hours_to_reply"), (#"{"luck": 1}"#, "luck")] {
      let json =
        #"{"version":1,"lists":[{"id":"a","name":{},"method":{},"kind":"index","weights":"#
        + weights + #","minimum_volume":1,"prior_weight":0,"count":3}]}"#
      #expect(throws: KPIError.self) { try HonoursFormula.decode(Data(json.utf8), checkedAgainst: kpis) }
      do {
        _ = try HonoursFormula.decode(Data(json.utf8), checkedAgainst: kpis)
      } catch {
        #expect(error.description.contains(kpi))
      }
    }
    let zero =
      #"{"version":1,"lists":[{"id":"a","name":{},"method":{},"kind":"index","weights":{"reply_rate":0},"minimum_volume":1,"prior_weight":0,"count":3}]}"#
    #expect(throws: KPIError.self) { try HonoursFormula.decode(Data(zero.utf8), checkedAgainst: kpis) }
  }

  /// 3 of 3 satisfied does not top 2,900 of 3,000 once adjusted towards the platform's 85 %; a unit
  /// below the minimum volume is not named at all.
  @Test func fewRatings_doNotTopMany_andSmallUnitsAreNotNamed() throws {
    let table = StatisticsFigures(
      asOf: Fixtures.now,
      groups: [
        "large": ["satisfaction": figure("satisfaction", 2_900, of: 3_000)],
        "small": ["satisfaction": figure("satisfaction", 20, of: 20)],
        "mid": ["satisfaction": figure("satisfaction", 18, of: 20)],
        "tiny": ["satisfaction": figure("satisfaction", 3, of: 3)],
      ], platform: ["satisfaction": figure("satisfaction", 8_500, of: 10_000)])
    let all = HonoursResult(formula: list(minimum: 1), year: 2026, table: table).lists[0].entries
    #expect(all.map(\.unit) == ["large", "small", "mid", "tiny"])
    #expect(all.map(\.rank) == [1, 2, 3, 4])
    // (2,900 + 20 × 0.85) / (3,000 + 20) = 0.96589…, an index of 96.59; tiny: (3 + 17) / 23.
    #expect(abs(all[0].score - 2_917.0 / 3_020 * 100) < 1e-9)
    #expect(abs(try #require(all[3].components["satisfaction"]) - 20.0 / 23) < 1e-9)
    #expect(all[0].volume == 3_000 && all[3].volume == 3)
    // The plain rate would put tiny and small first: the prior is what keeps them down.
    let plain = HonoursResult(formula: list(minimum: 1, prior: 0), year: 2026, table: table).lists[0].entries
    #expect(plain.prefix(2).map(\.rank) == [1, 1] && Set(plain.prefix(2).map(\.unit)) == ["small", "tiny"])
    // With the default minimum of 20 cases, tiny is not named.
    let named = HonoursResult(formula: list(), year: 2026, table: table).lists[0].entries
    #expect(named.map(\.unit) == ["large", "small", "mid"])
  }

  /// Equal scores share a place and the next place skips; a list of 1 names every unit tied first.
  @Test func ties_shareAPlace_andTheCountIncludesThem() {
    let table = StatisticsFigures(
      asOf: Fixtures.now,
      groups: [
        "a": ["reply_rate": figure("reply_rate", 40, of: 50)], "b": ["reply_rate": figure("reply_rate", 40, of: 50)],
        "c": ["reply_rate": figure("reply_rate", 30, of: 50)],
      ], platform: ["reply_rate": figure("reply_rate", 110, of: 150)])
    let three = HonoursResult(formula: list(weights: ["reply_rate": 1], count: 3), year: 2026, table: table)
    #expect(three.lists[0].entries.map(\.rank) == [1, 1, 3])
    let one = HonoursResult(formula: list(weights: ["reply_rate": 1], count: 1), year: 2026, table: table)
    #expect(Set(one.lists[0].entries.map(\.unit)) == ["a", "b"])
  }

  /// A weighted index: each KPI's adjusted rate times its weight, over the weights' sum.
  @Test func theIndex_weighsEachAdjustedRate() throws {
    let table = StatisticsFigures(
      asOf: Fixtures.now,
      groups: [
        "a": ["reply_rate": figure("reply_rate", 50, of: 50), "satisfaction": figure("satisfaction", 25, of: 50)]
      ], platform: ["reply_rate": figure("reply_rate", 50, of: 50), "satisfaction": figure("satisfaction", 25, of: 50)])
    let result = HonoursResult(
      formula: list(weights: ["reply_rate": 0.3, "satisfaction": 0.1], prior: 0), year: 2026, table: table)
    let entry = try #require(result.lists[0].entries.first)
    #expect(abs(entry.score - (0.3 * 1 + 0.1 * 0.5) / 0.4 * 100) < 1e-9)
  }

  /// 进步榜: the rise over the year before, only for units counted in both years.
  @Test func growth_needsBothYears_andRanksTheRise() {
    func rate(_ n: Int) -> [String: KPIFigure] { ["on_time_completion": figure("on_time_completion", n, of: 100)] }
    let table = StatisticsFigures(
      asOf: Fixtures.now, groups: ["a": rate(90), "b": rate(70), "new": rate(99)],
      platform: ["on_time_completion": figure("on_time_completion", 259, of: 300)],
      previousGroups: ["a": rate(85), "b": rate(50)],
      previousPlatform: ["on_time_completion": figure("on_time_completion", 135, of: 200)])
    let result = HonoursResult(
      formula: list(.growth, weights: ["on_time_completion": 1], prior: 0), year: 2026, table: table)
    let entries = result.lists[0].entries
    #expect(entries.map(\.unit) == ["b", "a"])
    #expect(abs(entries[0].score - 20) < 1e-9 && abs(entries[1].score - 5) < 1e-9)
  }

  /// A frozen result reads back exactly as it was written.
  @Test func aResult_roundTripsThroughJSON() throws {
    let table = StatisticsFigures(
      asOf: Fixtures.now, groups: ["a": ["satisfaction": figure("satisfaction", 30, of: 40)]],
      platform: ["satisfaction": figure("satisfaction", 30, of: 40)])
    var result = HonoursResult(formula: list(), year: 2026, table: table)
    result.unitNames = ["a": "市住建委"]
    let data = try JSONEncoder().encode(result)
    #expect(try JSONDecoder().decode(HonoursResult.self, from: data) == result)
  }
}
