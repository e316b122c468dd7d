import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

/// 建议采纳率: of the suggestions given an outcome in the period, those adopted or partly adopted; a
/// case without an outcome, or with one outside the period, is not counted.
@Suite struct AdoptionRateTests {
  let definitions = try! KPIDefinitions.bundled()

  func facts(_ number: Int, outcome: ProposalOutcome?, at date: Date) -> CaseFacts {
    var message = Fixtures.message()
    message.id = UUID()
    message.type = .suggestion
    message.serial = Serial(year: 2026, number: number)
    message.createdAt = Fixtures.at("2026-02-20")
    var events = [EventDraft.received(message, by: Fixtures.actor(.citizen))]
    if let outcome {
      events.append(
        ProposalRules.evaluationEvent(
          message, outcome: outcome, reason: "理由", by: Fixtures.actor(.handler, unit: Fixtures.housingUnit), at: date))
    }
    return CaseFacts(message: message, events: events)
  }

  @Test func countsTheOutcomesGivenInThePeriod() throws {
    let kpi = try #require(definitions["adoption_rate"])
    let engine = KPIEngine(definitions: definitions, calendar: Fixtures.rules.calendar)
    let march = try #require(StatsPeriod("2026-03"))
    let cases = [
      facts(1, outcome: .adopted, at: Fixtures.at("2026-03-05")),
      facts(2, outcome: .partlyAdopted, at: Fixtures.at("2026-03-06")),
      facts(3, outcome: .declined, at: Fixtures.at("2026-03-07")),
      facts(4, outcome: .reference, at: Fixtures.at("2026-03-08")),
      facts(5, outcome: nil, at: Fixtures.at("2026-03-09")),
      facts(6, outcome: .adopted, at: Fixtures.at("2026-04-01")),
    ]
    let (counted, meeting) = engine.members(of: kpi, in: cases, period: march, asOf: Fixtures.at("2026-06-30"))
    #expect(counted.map(\.serial.number) == [1, 2, 3, 4])
    #expect(meeting.map(\.serial.number) == [1, 2])
    #expect(engine.figure(kpi, in: cases, period: march, asOf: Fixtures.at("2026-06-30")).value == 0.5)
  }
}
