import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

/// Each KPI's numerator and denominator on hand-built cases, driven through the real workflow so that
/// the events carry what the store keeps.
@Suite struct KPITests {
  let definitions = try! KPIDefinitions.bundled()
  var engine: KPIEngine { KPIEngine(definitions: definitions, calendar: Fixtures.rules.calendar) }
  let march = StatsPeriod("2026-03")!
  let asOf = Fixtures.at("2026-06-30")

  /// A case as the workflow leaves it, with its events.
  struct Case {
    var message: Message
    var events: [EventDraft]

    init(_ number: Int, at received: Date = Fixtures.at("2026-03-02", 9), channel: Channel = .web) {
      message = Fixtures.message()
      message.id = UUID()
      message.serial = Serial(year: 2026, number: number)
      message.createdAt = received
      message.channel = channel
      events = [EventDraft.received(message, by: Fixtures.actor(.citizen))]
    }

    mutating func step(_ command: Command, _ role: Role, at now: Date) throws {
      let transition = try Workflow.transition(
        from: message, action: command, by: Fixtures.actor(role), at: now, rules: Fixtures.rules,
        region: RegionPath(codes: []))
      message = transition.message
      events.append(transition.event)
    }

    var facts: CaseFacts { CaseFacts(message: message, events: events) }
  }

  func figure(
    _ id: String, _ cases: [Case], period: StatsPeriod? = nil, definitions: KPIDefinitions? = nil
  )
    -> KPIFigure
  {
    let defs = definitions ?? self.definitions
    let engine = KPIEngine(definitions: defs, calendar: Fixtures.rules.calendar)
    return engine.figure(defs[id]!, in: cases.map(\.facts), period: period ?? march, asOf: asOf)
  }

  @Test func bundledDefinitions_haveEveryKPITheIssueNames() {
    let ids = Set(definitions.kpis.map(\.id))
    for id in [
      "timely_acceptance", "on_time_completion", "on_time_reply", "reply_rate", "completion_rate", "satisfaction",
      "resolution_rate", "reopen_rate", "first_contact_resolution", "return_rate", "extension_rate", "overdue_rate",
      "repeat_rate", "median_hours_to_accept", "p90_hours_to_accept", "median_hours_to_reply", "p90_hours_to_reply",
    ] {
      #expect(ids.contains(id), "\(id)")
    }
    for kpi in definitions.kpis {
      #expect(!kpi.name(in: "zh-Hans").isEmpty && !kpi.name(in: "en").isEmpty && !kpi.method(in: "en").isEmpty)
    }
  }

  @Test func definitions_refuseDuplicatesAndMissingMeasures() throws {
    let twice =
      #"{"version":1,"satisfied_levels":[],"resolved_score":3,"kpis":[{"id":"a","name":{},"denominator":[]},{"id":"a","name":{},"denominator":[]}]}"#
    #expect(throws: KPIError.self) { try KPIDefinitions.decode(Data(twice.utf8)) }
    let noMeasure =
      #"{"version":1,"satisfied_levels":[],"resolved_score":3,"kpis":[{"id":"a","name":{},"kind":"median"}]}"#
    #expect(throws: KPIError.self) { try KPIDefinitions.decode(Data(noMeasure.utf8)) }
    let unknown =
      #"{"version":1,"satisfied_levels":[],"resolved_score":3,"kpis":[{"id":"a","name":{},"numerator":["lucky"]}]}"#
    #expect(throws: KPIError.self) { try KPIDefinitions.decode(Data(unknown.utf8)) }
  }

  @Test func timelyAcceptance_atTheDeadlineCounts_aSecondLaterDoesNot() throws {
    var onTime = Case(1)
    try onTime.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-03-02", 10))
    let due = try #require(onTime.message.acceptanceDue)
    try onTime.step(.accept(), .handler, at: due)
    var late = Case(2)
    try late.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-03-02", 10))
    try late.step(.accept(), .handler, at: due.addingTimeInterval(1))
    var notYetDue = Case(3)
    try notYetDue.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-03-02", 10))
    // Not accepted: due in March and past at `asOf`, so settled and missed.
    var waiting = Case(4)
    try waiting.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-03-02", 10))
    let figure = self.figure("timely_acceptance", [onTime, late, waiting])
    #expect(figure.denominator == 3 && figure.numerator == 1)
    // Before its deadline a waiting case is not settled yet and is not counted.
    let early = engine.figure(
      definitions["timely_acceptance"]!, in: [notYetDue.facts], period: march, asOf: Fixtures.at("2026-03-03"))
    #expect(early.denominator == 0 && early.value == nil)
  }

  @Test func extensionApprovedOnTheLastDay_countsAsOnTime() throws {
    var extended = Case(1, at: Fixtures.at("2026-02-09", 9))
    try extended.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-02-09", 10))
    try extended.step(.accept(), .handler, at: Fixtures.at("2026-02-10", 10))
    let due = try #require(extended.message.replyDue)
    let lastDay = due.addingTimeInterval(-3_600)
    try extended.step(.requestExtension(workingDays: 5, reason: "需要现场核查"), .handler, at: lastDay)
    try extended.step(.approveExtension(workingDays: 5), .dispatcher, at: lastDay.addingTimeInterval(1_800))
    try extended.step(.reply(body: "已核查并整改。"), .handler, at: due.addingTimeInterval(86_400))
    var late = Case(2, at: Fixtures.at("2026-02-09", 9))
    try late.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-02-09", 10))
    try late.step(.accept(), .handler, at: Fixtures.at("2026-02-10", 10))
    try late.step(.reply(body: "已处理。"), .handler, at: due.addingTimeInterval(86_400))
    let period = StatsPeriod(.month, containing: Fixtures.rules.calendar.day(of: due.addingTimeInterval(86_400)))
    let completion = figure("on_time_completion", [extended, late], period: StatsPeriod("2026")!)
    #expect(completion.denominator == 2 && completion.numerator == 1)
    let overdue = figure("overdue_rate", [extended, late], period: StatsPeriod("2026")!)
    #expect(overdue.numerator == 1)
    let extensions = figure("extension_rate", [extended, late], period: StatsPeriod("2026-02")!)
    #expect(extensions.denominator == 2 && extensions.numerator == 1)
    let onTimeReply = figure("on_time_reply", [extended, late], period: period)
    #expect(onTimeReply.denominator == 2 && onTimeReply.numerator == 1)
  }

  @Test func mergedAndInvalidMessages_leftOutOfRates_mergedCountsAsRepeat() throws {
    var replied = Case(1)
    try replied.step(.answerDirectly(body: "已直接答复。"), .dispatcher, at: Fixtures.at("2026-03-02", 11))
    var merged = Case(2)
    try merged.step(.merge(into: replied.message.id), .dispatcher, at: Fixtures.at("2026-03-02", 12))
    var invalid = Case(3)
    try invalid.step(.markInvalid(reason: "测试内容"), .dispatcher, at: Fixtures.at("2026-03-02", 12))
    let open = Case(4)
    let cases = [replied, merged, invalid, open]
    let reply = figure("reply_rate", cases)
    #expect(reply.denominator == 2 && reply.numerator == 1)
    let repeats = figure("repeat_rate", cases)
    #expect(repeats.denominator == 4 && repeats.numerator == 1)
  }

  @Test func satisfaction_basicallySatisfiedCountsByDefault_andTheLevelsAreData() throws {
    func evaluated(_ number: Int, _ scores: Int) throws -> Case {
      var item = Case(number)
      try item.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-03-02", 10))
      try item.step(.accept(), .handler, at: Fixtures.at("2026-03-03", 10))
      try item.step(.reply(body: "已处理。"), .handler, at: Fixtures.at("2026-03-04", 10))
      try item.step(
        .evaluate(Evaluation(resolution: scores, attitude: scores, speed: scores)), .citizen,
        at: Fixtures.at("2026-03-05", 10))
      return item
    }
    let cases = [try evaluated(1, 5), try evaluated(2, 3), try evaluated(3, 1)]
    let byDefault = figure("satisfaction", cases)
    #expect(byDefault.denominator == 3 && byDefault.numerator == 2)
    var strict = definitions
    strict.satisfiedLevels = [.verySatisfied, .satisfied]
    #expect(figure("satisfaction", cases, definitions: strict).numerator == 1)
    let resolved = figure("resolution_rate", cases)
    #expect(resolved.denominator == 3 && resolved.numerator == 2)
    let reopened = figure("reopen_rate", cases)
    #expect(reopened.denominator == 3 && reopened.numerator == 0)
  }

  /// 恶意差评: an unsatisfied rating the unit appealed leaves 满意率 and 解决率 only when the appeal is
  /// upheld; a rejected or undecided appeal leaves it counted, and a new rating starts afresh.
  @Test func aRatingUpheldOnAppeal_leavesSatisfactionAndResolution() throws {
    func unsatisfied(_ number: Int) throws -> Case {
      var item = Case(number)
      try item.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-03-02", 10))
      try item.step(.accept(), .handler, at: Fixtures.at("2026-03-03", 10))
      try item.step(.reply(body: "已处理。"), .handler, at: Fixtures.at("2026-03-04", 10))
      try item.step(
        .evaluate(Evaluation(resolution: 1, attitude: 1, speed: 1)), .citizen, at: Fixtures.at("2026-03-05", 10))
      return item
    }
    func appeal(_ item: inout Case, decided upheld: Bool?) {
      let unit = Fixtures.actor(.handler, unit: item.message.leadUnitID)
      let status = item.message.status
      #expect(RatingAppeal.mayAppeal(unit, item.message, events: item.events))
      item.events.append(
        EventDraft(
          messageID: item.message.id, action: .ratingAppealed, from: status, to: status, actor: unit,
          note: "评价内容与本件无关", visibility: .internal, payload: [:], at: Fixtures.at("2026-03-06", 10)))
      #expect(!RatingAppeal.mayAppeal(unit, item.message, events: item.events))
      guard let upheld else { return }
      let supervisor = Fixtures.actor(.supervisor)
      #expect(RatingAppeal.mayDecide(supervisor, events: item.events))
      #expect(!RatingAppeal.mayDecide(unit, events: item.events))
      item.events.append(
        EventDraft(
          messageID: item.message.id, action: .ratingAppealDecided, from: status, to: status, actor: supervisor,
          note: nil, visibility: .internal, payload: ["upheld": upheld ? "true" : "false"],
          at: Fixtures.at("2026-03-09", 10)))
    }
    var upheld = try unsatisfied(1)
    appeal(&upheld, decided: true)
    var rejected = try unsatisfied(2)
    appeal(&rejected, decided: false)
    var waiting = try unsatisfied(3)
    appeal(&waiting, decided: nil)
    let plain = try unsatisfied(4)
    let cases = [upheld, rejected, waiting, plain]
    #expect(cases.map(\.facts.ratingExcluded) == [true, false, false, false])
    let satisfaction = figure("satisfaction", cases)
    #expect(satisfaction.denominator == 3 && satisfaction.numerator == 0)
    let resolution = figure("resolution_rate", cases)
    #expect(resolution.denominator == 3 && resolution.numerator == 0)
    // The reply rate and the other figures still count the case.
    #expect(figure("reply_rate", cases).denominator == 4)
    // Satisfied ratings cannot be appealed; another rating after the upheld appeal counts again.
    #expect(RatingAppeal.state(of: upheld.events) == .decided(upheld: true))
    upheld.events.append(
      EventDraft(
        messageID: upheld.message.id, action: .evaluate, from: .replied, to: .closed,
        actor: Fixtures.actor(.citizen), note: nil, visibility: .public, payload: ["level": "satisfied"],
        at: Fixtures.at("2026-03-10", 10)))
    #expect(RatingAppeal.state(of: upheld.events) == .none && !upheld.facts.ratingExcluded)
  }

  @Test func firstContactResolution_countsHotlineAndMailboxOnly() throws {
    var direct = Case(1, channel: .hotline)
    try direct.step(.answerDirectly(body: "电话中已解答。"), .dispatcher, at: Fixtures.at("2026-03-02", 10))
    var dispatched = Case(2, channel: .mailbox)
    try dispatched.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-03-02", 10))
    var web = Case(3)
    try web.step(.answerDirectly(body: "已解答。"), .dispatcher, at: Fixtures.at("2026-03-02", 10))
    let figure = self.figure("first_contact_resolution", [direct, dispatched, web])
    #expect(figure.denominator == 2 && figure.numerator == 1)
  }

  @Test func returns_countOncePerCase() throws {
    var returned = Case(1)
    try returned.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-03-02", 10))
    try returned.step(Fixtures.command(for: .returnToDispatcher), .handler, at: Fixtures.at("2026-03-02", 11))
    try returned.step(Fixtures.command(for: .rejectReturn), .dispatcher, at: Fixtures.at("2026-03-02", 12))
    try returned.step(Fixtures.command(for: .returnToDispatcher), .handler, at: Fixtures.at("2026-03-02", 13))
    var kept = Case(2)
    try kept.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-03-02", 10))
    let figure = self.figure("return_rate", [returned, kept, Case(3)])
    #expect(figure.denominator == 2 && figure.numerator == 1)
    #expect(returned.facts.returns == 2)
  }

  @Test func workingHours_skipHolidays_andCountATiaoxiuSaturday() throws {
    let calendar = Fixtures.rules.calendar
    // Friday 2026-10-09 22:00 to Monday 2026-10-12 02:00: Friday's last two hours, all of Saturday
    // the 10th (a 调休 working day), none of Sunday, Monday's first two hours.
    #expect(calendar.workingHours(from: Fixtures.at("2026-10-09", 22), to: Fixtures.at("2026-10-12", 2)) == 28)
    // Over the National Day holiday (1–7 October) only the working days count.
    #expect(calendar.workingHours(from: Fixtures.at("2026-09-30", 12), to: Fixtures.at("2026-10-08", 12)) == 24)
    var item = Case(1)
    try item.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-10-09", 22))
    try item.step(.accept(), .handler, at: Fixtures.at("2026-10-12", 2))
    #expect(engine.hours(.hoursToAccept, of: item.facts) == 28)
  }

  @Test func medianAndPercentile_overMeasuredCasesOnly() throws {
    var cases: [Case] = []
    for (number, hours) in [4, 8, 12, 16, 100].enumerated() {
      var item = Case(number + 1, at: Fixtures.at("2026-03-02", 0))
      try item.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-03-02", 0))
      try item.step(.accept(), .handler, at: Fixtures.at("2026-03-02", 0).addingTimeInterval(Double(hours) * 3_600))
      cases.append(item)
    }
    cases.append(Case(9))
    // 100 hours from Monday 00:00 runs to Friday 04:00: all working days.
    let median = figure("median_hours_to_accept", cases)
    #expect(median.denominator == 5 && median.value == 12)
    #expect(figure("p90_hours_to_accept", cases).value == 100)
  }

  @Test func everyFigure_equalsItsDrillDownList() throws {
    var cases: [Case] = [Case(1), Case(2, channel: .hotline)]
    var handled = Case(3)
    try handled.step(Fixtures.command(for: .assign), .dispatcher, at: Fixtures.at("2026-03-02", 10))
    try handled.step(.accept(), .handler, at: Fixtures.at("2026-03-03", 10))
    try handled.step(.reply(body: "已处理。"), .handler, at: Fixtures.at("2026-03-20", 10))
    cases.append(handled)
    let facts = cases.map(\.facts)
    let table = engine.table(facts, by: .unit, period: march, asOf: asOf)
    for (unit, figures) in table {
      let members = facts.filter { StatsDimension.unit.key(of: $0) == unit }
      for kpi in definitions.kpis {
        let (counted, meeting) = engine.members(of: kpi, in: members, period: march, asOf: asOf)
        #expect(figures[kpi.id]?.denominator == counted.count)
        #expect(figures[kpi.id]?.numerator == meeting.count)
      }
    }
    #expect(table[Fixtures.housingUnit.uuidString.lowercased()]?["reply_rate"]?.numerator == 1)
  }

  @Test func ranking_bayesianAverage_minimumVolume_andSharedRanks() {
    let kpi = definitions["satisfaction"]!
    func figure(_ numerator: Int, _ denominator: Int) -> KPIFigure {
      KPIFigure(
        kpi: kpi.id, denominator: denominator, numerator: numerator,
        value: denominator == 0 ? nil : Double(numerator) / Double(denominator),
        ranked: denominator >= kpi.minimumVolume)
    }
    // The platform's rate is 6,615 of 7,015 (94.3 %): twelve perfect ratings move a unit towards it
    // less than 3,000 ratings at 96.7 % do; three are too few to be ranked at all.
    let ranking = Ranking(
      [
        "small": figure(12, 12), "large": figure(2_900, 3_000), "tied": figure(2_900, 3_000),
        "average": figure(800, 1_000), "tiny": figure(3, 3),
      ], by: kpi)
    #expect(ranking.rows.map(\.key) == ["large", "tied", "small", "average", "tiny"])
    #expect(ranking.rows.map(\.rank) == [1, 1, 3, 4, nil])
    #expect(abs((ranking.prior ?? 0) - 6_615.0 / 7_015) < 1e-9)
  }

  @Test func periods_parseAndName() {
    #expect(StatsPeriod("2026-W01")?.first == LocalDate("2025-12-29"))
    #expect(StatsPeriod("2025-W53") == nil)
    #expect(StatsPeriod("2026-W53")?.first == LocalDate("2026-12-28"))
    #expect(StatsPeriod("2026-Q4")?.first == LocalDate("2026-10-01"))
    #expect(StatsPeriod("2026-Q4")?.end == LocalDate("2027-01-01"))
    #expect(StatsPeriod("2026-02")?.end == LocalDate("2026-03-01"))
    for text in ["2026", "2026-Q2", "2026-07", "2026-W30", "2026-07-14", "2020-W53"] {
      #expect(StatsPeriod(text)?.description == text, "\(text)")
    }
    for bad in ["26", "2026-13", "2026-Q5", "2026-W0", "x", "2026-7", "2026-07-32", ""] {
      #expect(StatsPeriod(bad) == nil, "\(bad)")
    }
    #expect(StatsPeriod("2026-03")?.previous.description == "2026-02")
  }
}
