import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

@Suite struct DeadlineStatusTests {
  let calendar = Fixtures.rules.calendar

  @Test func assigned_countsWorkingDaysLeftIncludingToday() {
    var message = Fixtures.message(status: .assigned)
    message.acceptanceDue = Fixtures.at("2026-03-07", 0)  // end of Friday 2026-03-06
    let status = DeadlineStatus.of(message, at: Fixtures.at("2026-03-04", 9), calendar: calendar)
    #expect(status.phase == .acceptance)
    #expect(!status.isOverdue)
    #expect(status.workingDaysLeft == 3)
    #expect(!status.isDueSoon)
  }

  /// The horizon that lists are read with agrees with `isDueSoon` for every deadline ahead: on an
  /// ordinary weekday, on a Friday evening and before the National Day holiday.
  @Test(arguments: [Fixtures.at("2026-03-04", 9), Fixtures.at("2026-03-06", 17), Fixtures.at("2026-09-30", 10)])
  func dueSoonHorizon_separatesExactlyWhatIsDueSoon(now: Date) {
    let horizon = DeadlineStatus.dueSoonHorizon(at: now, calendar: calendar)
    #expect(horizon > now.addingTimeInterval(24 * 3600 - 1))
    for step in 1...2_000 {
      let due = now.addingTimeInterval(Double(step) * 7 * 60)  // every 7 minutes for 9.7 days
      #expect((due < horizon) == DeadlineStatus.isDueSoon(due, at: now, calendar: calendar), "\(due)")
    }
  }

  @Test func lastHours_areDueSoon() {
    var message = Fixtures.message(status: .accepted)
    message.replyDue = Fixtures.at("2026-03-05", 0)
    let status = DeadlineStatus.of(message, at: Fixtures.at("2026-03-04", 17), calendar: calendar)
    #expect(status.phase == .reply)
    #expect(status.workingDaysLeft == 1)
    #expect(status.isDueSoon)
  }

  @Test func pastTheDeadline_isOverdueByWholeDaysRoundedUp() {
    var message = Fixtures.message(status: .accepted)
    message.replyDue = Fixtures.at("2026-03-05", 0)
    let status = DeadlineStatus.of(message, at: Fixtures.at("2026-03-06", 9), calendar: calendar)
    #expect(status.isOverdue)
    #expect(status.daysOverdue == 2)
    #expect(status.workingDaysLeft == 0)
  }

  @Test func noUnitClock_whileWithTheDispatcherOrReplied() {
    for state in [Status.received, .returned, .replied, .reopenRequested, .closed] {
      var message = Fixtures.message(status: state)
      message.acceptanceDue = Fixtures.at("2026-01-01")
      message.replyDue = Fixtures.at("2026-01-01")
      #expect(
        DeadlineStatus.of(message, at: Fixtures.now, calendar: calendar)
          == DeadlineStatus(
            phase: .none, due: nil, isOverdue: false, workingDaysLeft: 0, daysOverdue: 0, isDueSoon: false))
    }
  }
}

@Suite struct DomainTests {
  @Test func serial_printsSixDigitsAndParses() {
    #expect(Serial(year: 2026, number: 123).description == "2026-000123")
    #expect(Serial(year: 2026, number: 1_234_567).description == "2026-1234567")
    #expect(Serial("2026-000123") == Serial(year: 2026, number: 123))
    #expect(Serial("2026-123") == nil)
    #expect(Serial("abc") == nil)
    // 2026-000000 is the place before a year's first message (a cursor); signs and other digits are not.
    #expect(Serial("2026-000000") == Serial(year: 2026, number: 0))
    #expect(Serial("+026-000001") == nil)
    #expect(Serial("2026-+00001") == nil)
    #expect(Serial("2026-١٢٣٤٥٦") == nil)
  }

  /// Each score of the form is a word of the five levels: 5 很满意 … 1 很不满意.
  @Test func scores_areTheFiveLevels_bestFirst() {
    #expect((1...5).reversed().compactMap { SatisfactionLevel(score: $0) } == SatisfactionLevel.allCases)
    #expect(SatisfactionLevel.allCases.map(\.score) == [5, 4, 3, 2, 1])
    #expect(SatisfactionLevel(score: 0) == nil && SatisfactionLevel(score: 6) == nil)
  }

  @Test(arguments: [
    ((5, 5, 5), SatisfactionLevel.verySatisfied), ((4, 4, 4), .satisfied), ((3, 3, 3), .basicallySatisfied),
    ((2, 2, 2), .unsatisfied), ((1, 1, 1), .veryUnsatisfied), ((2, 5, 5), .unsatisfied), ((4, 5, 5), .verySatisfied),
  ])
  func evaluationLevel_isDerivedFromTheThreeScores(scores: (Int, Int, Int), level: SatisfactionLevel) {
    #expect(Evaluation(resolution: scores.0, attitude: scores.1, speed: scores.2).level == level)
  }

  @Test func evaluation_outOfRangeScores_areRefusedFieldByField() {
    #expect(throws: ValidationError.self) { try Evaluation(resolution: 0, attitude: 6, speed: 3).validated() }
    do {
      _ = try Evaluation(resolution: 0, attitude: 6, speed: 3).validated()
    } catch {
      #expect(error.problems.map(\.field) == ["resolution", "attitude"])
    }
  }

  @Test func newMessage_listsEveryProblem() {
    var input = Fixtures.newMessage()
    input.title = "   "
    input.body = String(repeating: "噪", count: NewMessage.maxBodyLength + 1)
    input.contact = Contact(name: "", phone: "abc")
    input.location = Location(address: nil, latitude: 91, longitude: nil)
    do {
      _ = try input.validated()
      Issue.record("should not validate")
    } catch {
      #expect(
        error.problems.map(\.field) == [
          "title", "body", "contact.name", "contact.phone", "location", "location.latitude",
        ])
    }
  }

  @Test func newMessage_trimsAndAcceptsChinesePhoneFormats() throws {
    var input = Fixtures.newMessage(title: "  路灯不亮  ")
    input.contact.phone = "023-6388 1234"
    let valid = try input.validated()
    #expect(valid.title == "路灯不亮")
    for phone in ["13800138000", "+86 138 0013 8000", "12345"] {
      #expect(PhoneNumber.isPlausible(phone) == (phone != "12345"), "\(phone)")
    }
  }

  @Test func routing_prefersTheNearestRegion_thenClimbsTheCategoryTree() {
    let parent = Category(id: UUID(), code: "CX", name: "城乡建设")
    let child = Category(id: UUID(), code: "CX-01", name: "建筑施工", parentID: parent.id)
    let cityUnit = UUID()
    let countyUnit = UUID()
    let rules = [
      RoutingRule(categoryID: parent.id, regionCode: nil, unitID: cityUnit),
      RoutingRule(categoryID: parent.id, regionCode: "500229", unitID: countyUnit),
    ]
    let categories = [parent.id: parent, child.id: child]
    #expect(
      Router.suggest(
        category: child.id, region: RegionPath(codes: ["500229001", "500229", "500000"]), rules: rules,
        categories: categories) == countyUnit)
    #expect(
      Router.suggest(
        category: child.id, region: RegionPath(codes: ["500101", "500000"]), rules: rules, categories: categories)
        == cityUnit)
    #expect(Router.suggest(category: nil, region: RegionPath(codes: []), rules: rules, categories: categories) == nil)
  }

  @Test func canonicalEncoding_isUnambiguous() {
    var draft = EventDraft.received(Fixtures.message(), by: Fixtures.actor(.citizen))
    draft.note = "a;1:b"
    let one = AuditChain.canonicalEncoding(sequence: 1, messageSequence: 1, draft: draft)
    draft.note = "a"
    draft.payload["x"] = ";1:b"
    let two = AuditChain.canonicalEncoding(sequence: 1, messageSequence: 1, draft: draft)
    #expect(one != two)
    #expect(one.hasPrefix("17:minsheng-event-v1;1:1;1:1;"))
  }
}
