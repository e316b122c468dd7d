import Foundation

/// 督办报告: for one period, by unit — the cases overdue, the 督办 issued, how many the unit answered
/// (and how many of those on time), and how many still wait for an answer (and how many of those are
/// past their date) — from the cases' events, as every figure is (`CaseFacts`).
public struct SupervisionReport: Sendable, Equatable {
  public struct Row: Sendable, Equatable {
    /// The unit's identifier in lower case.
    public var unit: String
    /// Cases with a deadline (acceptance or reply) that fell in the period and was missed.
    public var overdue = 0
    /// 督办 issued in the period to the unit, by supervisors and by the schedule.
    public var issued = 0
    public var answered = 0
    public var answeredOnTime = 0
    /// Still unanswered at `asOf`, and of those, past their answer's date.
    public var open = 0
    public var openLate = 0
    /// The cases behind `issued`, in serial order (for the drill-down).
    public var cases: [UUID] = []
  }

  public var period: StatsPeriod
  public var asOf: Date
  /// Units with a 督办 or an overdue case in the period, the most overdue first.
  public var rows: [Row]

  public init(facts: [CaseFacts], period: StatsPeriod, asOf: Date, engine: KPIEngine) {
    self.period = period
    self.asOf = asOf
    let span = period.interval(on: engine.calendar)
    var rows: [String: Row] = [:]
    for case let facts in facts.sorted(by: { ($0.serial.year, $0.serial.number) < ($1.serial.year, $1.serial.number) })
    {
      for notice in facts.supervisionNotices where span.contains(notice.at) {
        guard let unit = (notice.unitID ?? facts.unitID)?.uuidString.lowercased() else { continue }
        var row = rows[unit] ?? Row(unit: unit)
        row.issued += 1
        if let answered = notice.answeredAt, answered <= asOf {
          row.answered += 1
          if !notice.isLate(at: asOf) { row.answeredOnTime += 1 }
        } else {
          row.open += 1
          if notice.isLate(at: asOf) { row.openLate += 1 }
        }
        if row.cases.last != facts.id { row.cases.append(facts.id) }
        rows[unit] = row
      }
    }
    // 超期: a deadline (acceptance or reply) that fell in the period and was missed.
    let definitions = engine.definitions
    func holds(_ condition: CaseCondition, _ facts: CaseFacts) -> Bool {
      condition.holds(for: facts, asOf: asOf, definitions: definitions)
    }
    for facts in facts where facts.isCountable {
      guard let unit = facts.unitID?.uuidString.lowercased() else { continue }
      let lateAcceptance =
        (facts.acceptanceDue.map(span.contains) ?? false) && holds(.acceptanceSettled, facts)
        && !holds(.acceptedOnTime, facts)
      let lateReply = (facts.replyDue.map(span.contains) ?? false) && holds(.overdue, facts)
      if lateAcceptance || lateReply { rows[unit, default: Row(unit: unit)].overdue += 1 }
    }
    self.rows = rows.values.sorted { a, b in
      (a.overdue, a.openLate, a.issued, b.unit) > (b.overdue, b.openLate, b.issued, a.unit)
    }
  }
}
