import Foundation

/// 排名: groups ordered by one KPI, by a method published beside the ranking.
///
/// - Only groups with at least the KPI's minimum volume are ranked; the others are listed after them,
///   unranked, so that a unit with one case cannot top the list.
/// - Rates with a prior weight are ranked by a Bayesian average: the group's cases plus `priorWeight`
///   cases at the rate of all groups together, so that 3 ratings out of 3 do not outrank 2,900 out
///   of 3,000.
/// - Equal scores share a rank, and the next rank skips as many places (1, 1, 3).
public struct Ranking: Sendable, Equatable {
  public struct Row: Sendable, Equatable {
    public var key: String
    public var figure: KPIFigure
    /// What the ranking orders by: the adjusted rate, or the figure itself.
    public var score: Double?
    /// The place, from 1; nil for a group below the minimum volume or without a figure.
    public var rank: Int?
  }

  public var kpi: String
  /// The rate of all groups together: the prior of the Bayesian average.
  public var prior: Double?
  public var rows: [Row]

  /// Ranks `figures` (one per group) by `kpi`.
  public init(_ figures: [String: KPIFigure], by kpi: KPIDefinition) {
    self.kpi = kpi.id
    let counted = figures.values.reduce(0) { $0 + $1.denominator }
    let meeting = figures.values.reduce(0) { $0 + $1.numerator }
    let prior = kpi.kind == .rate && counted > 0 ? Double(meeting) / Double(counted) : nil
    self.prior = prior
    func score(_ figure: KPIFigure) -> Double? {
      guard let value = figure.value else { return nil }
      guard kpi.kind == .rate, kpi.priorWeight > 0, let prior else { return value }
      let weight = Double(kpi.priorWeight)
      return (Double(figure.numerator) + weight * prior) / (Double(figure.denominator) + weight)
    }
    var rankable: [Row] = []
    var others: [Row] = []
    for (key, figure) in figures {
      let row = Row(key: key, figure: figure, score: score(figure), rank: nil)
      if figure.ranked, row.score != nil { rankable.append(row) } else { others.append(row) }
    }
    // Ties (equal to a millionth) are broken by name only for display: they share the rank.
    rankable.sort { a, b in
      let (x, y) = (a.score ?? 0, b.score ?? 0)
      if abs(x - y) > 1e-6 { return kpi.higherIsBetter ? x > y : x < y }
      if a.figure.denominator != b.figure.denominator { return a.figure.denominator > b.figure.denominator }
      return a.key < b.key
    }
    for index in rankable.indices {
      if index > 0, abs((rankable[index].score ?? 0) - (rankable[index - 1].score ?? 0)) <= 1e-6 {
        rankable[index].rank = rankable[index - 1].rank
      } else {
        rankable[index].rank = index + 1
      }
    }
    others.sort { ($0.figure.denominator, $1.key) > ($1.figure.denominator, $0.key) }
    rows = rankable + others
  }
}
