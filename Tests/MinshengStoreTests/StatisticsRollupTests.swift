import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// The statistics' roll-ups: every figure summed from them is the figure counting every case gives
/// (`KPIEngine` over `CaseFacts`), for every breakdown and for months, quarters and years, with cases
/// whose deadlines have not passed yet, after time passes them, and after cases change.
private let day: TimeInterval = 86_400

@Suite struct StatisticsRollupTests {

  /// Checks the roll-ups against counting every case, at `asOf`.
  static func expectSame(
    _ store: Store, asOf: Date, definitions: KPIDefinitions, refreshing: Bool = true
  ) async throws {
    let engine = KPIEngine(definitions: definitions, calendar: store.rules.calendar)
    let facts = try await store.caseFacts(
      receivedFrom: Fixtures.now.addingTimeInterval(-400 * day), to: Fixtures.now.addingTimeInterval(300 * day))
    let trendKPI = try #require(definitions["on_time_completion"])
    for text in ["2026", "2026-Q1", "2026-03", "2026-02", "2026-04"] {
      let period = try #require(StatsPeriod(text))
      for dimension in StatsDimension.allCases where dimension != .platform {
        let rolled = try #require(
          try await store.rolledStatistics(
            period: period, by: dimension, asOf: asOf, definitions: definitions, trendOf: trendKPI,
            refreshing: refreshing),
          "the roll-ups answer \(text) by \(dimension)")
        #expect(rolled.groups == engine.table(facts, by: dimension, period: period, asOf: asOf), "\(text) \(dimension)")
        #expect(rolled.platform == engine.table(facts, by: .platform, period: period, asOf: asOf)["all"] ?? [:])
        #expect(
          rolled.previousGroups == engine.table(facts, by: dimension, period: period.previous, asOf: asOf),
          "\(text) \(dimension) before")
        let span = period.interval(on: store.rules.calendar)
        var heat: [StatisticsTable.HeatCell: Int] = [:]
        for facts in facts where span.contains(facts.receivedAt) {
          heat[StatisticsTable.HeatCell(category: facts.categoryID, region: facts.regionID), default: 0] += 1
        }
        #expect(rolled.received == heat)
        for (month, figure) in rolled.trend {
          #expect(figure == engine.figure(trendKPI, in: facts, period: month, asOf: asOf), "trend \(month)")
        }
        // Each group's list of cases (read by the group's own condition) has as many as its figure.
        if text == "2026-Q1", refreshing {
          for (group, figures) in rolled.groups {
            let counted = try await store.statisticsCases(
              kpi: "reply_rate", group: group, dimension: dimension, period: period, asOf: asOf, meeting: false,
              definitions: definitions)
            #expect(counted?.count == figures["reply_rate"]?.denominator, "\(dimension) \(group)")
          }
        }
      }
    }
  }

  @Test(arguments: TestDatabase.available)
  func rolledFigures_equalCountingEveryCase(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let definitions = try KPIDefinitions.bundled()
      store.countStatistics(by: definitions)
      let start = Fixtures.now.addingTimeInterval(-60 * day)
      let units = [world.market, world.education, world.market]
      let regions = [world.city.id, world.district.id, nil]
      let levels: [Evaluation] = [
        Evaluation(resolution: 5, attitude: 5, speed: 5), Evaluation(resolution: 1, attitude: 1, speed: 1),
      ]
      var cases: [CaseToLoad] = []
      for index in 0..<72 {
        let at = start.addingTimeInterval(Double(index) * 0.9 * day + Double(index % 5) * 3_700)
        let unit = units[index % 3]
        let handler = Actor(role: .handler, unitID: unit.id, id: "handler-\(index % 3)")
        var input = Fixtures.newMessage(
          title: "留言 \(index)", type: index % 4 == 0 ? .suggestion : .complaint,
          leader: index % 2 == 0 ? world.secretary.id : nil, region: regions[index % 3],
          category: index % 3 == 0 ? world.noise.id : world.construction.id)
        input.channel = index % 6 == 0 ? .hotline : .web
        var steps: [CaseToLoad.Step] = []
        let assign = CaseToLoad.Step(.assign(lead: unit.id), by: world.dispatcher, at: at.addingTimeInterval(3_600))
        switch index % 8 {
        case 0:
          steps = [.init(.markInvalid(reason: "与政务无关"), by: world.dispatcher, at: at.addingTimeInterval(600))]
        case 1, 2:
          // Accepted and replied in time, then rated.
          steps = [
            assign, .init(.accept(), by: handler, at: at.addingTimeInterval(7_200)),
            .init(.reply(body: "已处理。"), by: handler, at: at.addingTimeInterval(Double(index % 7 + 1) * 26_000)),
            .init(.evaluate(levels[index % 2]), by: world.author, at: at.addingTimeInterval(6 * day)),
          ]
        case 3:
          // Replied weeks late.
          steps = [
            assign, .init(.accept(), by: handler, at: at.addingTimeInterval(2 * day)),
            .init(.reply(body: "已处理。"), by: handler, at: at.addingTimeInterval(40 * day)),
          ]
        case 4:
          // Assigned, never accepted.
          steps = [assign]
        case 5:
          // Accepted, not replied.
          steps = [assign, .init(.accept(), by: handler, at: at.addingTimeInterval(5_000))]
        case 6:
          steps = [
            assign, .init(.accept(), by: handler, at: at.addingTimeInterval(5_000)),
            .init(.requestExtension(workingDays: 5, reason: "需要现场核实"), by: handler, at: at.addingTimeInterval(day)),
          ]
        default:
          // Waiting for the dispatcher.
          steps = []
        }
        cases.append(CaseToLoad(input, receivedAt: at, steps: steps.filter { $0.at <= Fixtures.now }))
      }
      let messages = try await store.load(cases)
      #expect(messages.count == 72)
      try await Self.expectSame(store, asOf: Fixtures.now, definitions: definitions)
      #expect(try await store.statisticsBacklog() == 0)
      // Time passes: deadlines that were ahead are behind. The sums as they are (the changes at those
      // deadlines), then brought up to date (the cases counted again, their changes folded in).
      for days in [1.0, 3, 8, 25] {
        try await Self.expectSame(
          store, asOf: Fixtures.now.addingTimeInterval(days * day), definitions: definitions, refreshing: false)
      }
      try await Self.expectSame(store, asOf: Fixtures.now.addingTimeInterval(25 * day), definitions: definitions)

      // Cases change: a reply, a rating, a case ruled invalid.
      let later = Fixtures.now.addingTimeInterval(26 * day)
      let accepted = messages.enumerated().filter { $0.offset % 8 == 5 }.map(\.element)
      for (index, message) in accepted.prefix(3).enumerated() {
        let handler = Actor(role: .handler, unitID: message.leadUnitID, id: "handler")
        _ = try await store.perform(
          .reply(body: "已答复。"), on: message.id, by: handler, at: later.addingTimeInterval(Double(index) * 60))
      }
      let waiting = try #require(messages.enumerated().first { $0.offset % 8 == 7 }?.element)
      _ = try await store.perform(.markInvalid(reason: "重复来信"), on: waiting.id, by: world.dispatcher, at: later)
      try await Self.expectSame(store, asOf: later.addingTimeInterval(3_600), definitions: definitions)
      #expect(try await store.statisticsBacklog() == 0)

      // The roll-ups do not answer for another set of definitions, nor before the moment they judged at.
      var other = definitions
      other.resolvedScore = 5
      #expect(
        try await store.rolledStatistics(
          period: try #require(StatsPeriod("2026")), by: .unit, asOf: later.addingTimeInterval(3_600),
          definitions: other, trendOf: nil) == nil)
      #expect(
        try await store.rolledStatistics(
          period: try #require(StatsPeriod("2026")), by: .unit, asOf: Fixtures.now, definitions: definitions,
          trendOf: nil) == nil)
    }
  }

  /// Two instances refreshing at once on one database (each with its own turn, as two `serve`s):
  /// whichever reads a state the other has moved on applies nothing, so nothing is counted twice.
  @Test(arguments: TestDatabase.available)
  func concurrentRefreshes_countOnce(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let definitions = try KPIDefinitions.bundled()
      store.countStatistics(by: definitions)
      _ = try await store.load(
        (0..<30).map { index in
          CaseToLoad(
            Fixtures.newMessage(title: "留言 \(index)", leader: world.secretary.id),
            receivedAt: Fixtures.now.addingTimeInterval(Double(index - 40) * 3_600),
            steps: [
              .init(.assign(lead: world.market.id), by: world.dispatcher, at: Fixtures.now.addingTimeInterval(-600))
            ])
        })
      let other = Store(database: store.database, rules: store.rules)
      other.countStatistics(by: definitions)
      for _ in 0..<3 {
        async let first = store.refreshStatistics(eventsPerRun: 7, now: Fixtures.now)
        async let second = other.refreshStatistics(eventsPerRun: 7, now: Fixtures.now)
        _ = try await (first, second)
      }
      try await Self.expectSame(store, asOf: Fixtures.now, definitions: definitions)
    }
  }
}
