import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

@Suite struct WorkflowTests {
  let rules = Fixtures.rules
  let noRegion = RegionPath(codes: [])

  func apply(_ command: Command, to message: Message, by actor: Actor, at now: Date = Fixtures.now) throws -> Transition
  {
    try Workflow.transition(from: message, action: command, by: actor, at: now, rules: rules, region: noRegion)
  }

  @Test func assign_startsAcceptanceClock_fiveWorkingDaysFromTheNextDay() throws {
    // Wednesday 2026-03-04 → Thu 5, Fri 6, Mon 9, Tue 10, Wed 11: due at the end of 2026-03-11.
    let t = try apply(Fixtures.command(for: .assign), to: Fixtures.message(), by: Fixtures.actor(.dispatcher))
    #expect(t.to == .assigned)
    #expect(t.message.leadUnitID == Fixtures.housingUnit)
    #expect(t.message.assistingUnitIDs == [Fixtures.marketUnit])
    #expect(t.message.acceptanceDue == Fixtures.at("2026-03-12", 0))
    #expect(t.event.visibility == .public)
    #expect(t.event.payload["lead_unit"] == Fixtures.housingUnit.uuidString)
  }

  @Test func assign_beforeNationalDay_skipsTheHolidayAndCountsTheMakeUpSaturday() throws {
    // Wed 2026-09-30; Oct 1–7 off; Thu 8, Fri 9, Sat 10 (调休上班), Mon 12, Tue 13.
    let t = try apply(
      Fixtures.command(for: .assign), to: Fixtures.message(), by: Fixtures.actor(.dispatcher),
      at: Fixtures.at("2026-09-30", 16))
    #expect(t.message.acceptanceDue == Fixtures.at("2026-10-14", 0))
  }

  @Test func accept_startsReplyClock_fifteenWorkingDays() throws {
    let t = try apply(.accept(), to: Fixtures.message(status: .assigned), by: Fixtures.actor(.handler))
    // From Wed 2026-03-04: 15 working days → Wed 2026-03-25.
    #expect(t.message.replyDue == Fixtures.at("2026-03-26", 0))
    #expect(t.message.acceptanceDue == Fixtures.message(status: .assigned).acceptanceDue)
  }

  @Test func urgentMessage_getsHourLevelDeadlines() throws {
    let urgent = Fixtures.message(urgent: true)
    let assigned = try apply(Fixtures.command(for: .assign), to: urgent, by: Fixtures.actor(.dispatcher))
    #expect(assigned.message.acceptanceDue == Fixtures.now.addingTimeInterval(2 * 3600))
    let accepted = try apply(.accept(), to: assigned.message, by: Fixtures.actor(.handler))
    #expect(accepted.message.replyDue == Fixtures.now.addingTimeInterval(24 * 3600))
  }

  @Test func setUrgent_onlyBringsTheCurrentDeadlineCloser() throws {
    let t = try apply(
      .setUrgent(true, reason: "涉及安全"), to: Fixtures.message(status: .accepted), by: Fixtures.actor(.supervisor))
    #expect(t.message.urgent)
    #expect(t.message.replyDue == Fixtures.now.addingTimeInterval(24 * 3600))
    #expect(t.to == .accepted)
    let back = try apply(.setUrgent(false, reason: "已排除险情"), to: t.message, by: Fixtures.actor(.supervisor))
    #expect(!back.message.urgent)
    #expect(back.message.replyDue == t.message.replyDue)
  }

  @Test func approvedExtension_movesTheReplyDeadlineByWorkingDays() throws {
    var message = Fixtures.message(status: .extensionRequested)
    message.replyDue = Fixtures.at("2026-04-02", 0)  // end of Wed 2026-04-01
    let t = try apply(.approveExtension(workingDays: 3), to: message, by: Fixtures.actor(.dispatcher))
    // Thu 2, Fri 3, (Sat 4 – Mon 6 清明), Tue 7 → end of 2026-04-07.
    #expect(t.to == .accepted)
    #expect(t.message.replyDue == Fixtures.at("2026-04-08", 0))
    #expect(t.event.visibility == .public)
  }

  @Test func extension_beyondThePolicyMaximum_isRefused() {
    #expect(throws: WorkflowError.self) {
      try apply(
        .requestExtension(workingDays: 11, reason: "复杂"), to: Fixtures.message(status: .accepted),
        by: Fixtures.actor(.handler))
    }
    #expect(throws: WorkflowError.self) {
      try apply(
        .approveExtension(workingDays: 0), to: Fixtures.message(status: .extensionRequested),
        by: Fixtures.actor(.dispatcher))
    }
  }

  @Test func reply_inAUnitThatRequiresReview_waitsInternallyForTheReviewer() throws {
    let message = Fixtures.message(status: .accepted, needsReview: true)
    let drafted = try apply(Fixtures.command(for: .reply), to: message, by: Fixtures.actor(.handler))
    #expect(drafted.to == .reviewing)
    #expect(drafted.event.visibility == .internal)
    let sentBack = try apply(.sendBackReply(comment: "请补充"), to: drafted.message, by: Fixtures.actor(.reviewer))
    #expect(sentBack.to == .accepted)
    let again = try apply(Fixtures.command(for: .reply), to: sentBack.message, by: Fixtures.actor(.handler))
    let approved = try apply(.approveReply(), to: again.message, by: Fixtures.actor(.reviewer))
    #expect(approved.to == .replied)
    #expect(approved.event.visibility == .public)
  }

  @Test func unsatisfiedEvaluation_opensAReopenRequest_andGrantingRestartsTheReplyClock() throws {
    let replied = Fixtures.message(status: .replied)
    let evaluated = try apply(
      .evaluate(Evaluation(resolution: 1, attitude: 3, speed: 2, comment: "问题没有解决")), to: replied,
      by: Fixtures.actor(.citizen))
    #expect(evaluated.to == .reopenRequested)
    #expect(evaluated.event.payload["level"] == SatisfactionLevel.unsatisfied.rawValue)
    let later = Fixtures.at("2026-03-10")
    let granted = try apply(
      .grantReopen(note: "请重新办理"), to: evaluated.message, by: Fixtures.actor(.dispatcher), at: later)
    #expect(granted.to == .accepted)
    #expect(granted.message.replyDue == rules.calendar.deadline(workingDays: 15, after: later))
    let declined = try apply(.declineReopen(reason: "已依法答复"), to: evaluated.message, by: Fixtures.actor(.dispatcher))
    #expect(declined.to == .closed)
    #expect(declined.message.closure == .reopenDeclined)
  }

  @Test func satisfiedEvaluation_closesAsResolved() throws {
    let t = try apply(
      Fixtures.command(for: .evaluate), to: Fixtures.message(status: .replied), by: Fixtures.actor(.citizen))
    #expect(t.to == .closed)
    #expect(t.message.closure == .resolved)
  }

  @Test func closeBySystem_isRecordedAsUnevaluated() throws {
    let t = try apply(.close(reason: "答复后 7 日未评价"), to: Fixtures.message(status: .replied), by: .system)
    #expect(t.message.closure == .unevaluated)
    let byDispatcher = try apply(
      .close(reason: "留言人电话确认已解决"), to: Fixtures.message(status: .replied), by: Fixtures.actor(.dispatcher))
    #expect(byDispatcher.message.closure == .closedByDispatcher)
  }

  @Test func returnAndReassign_restartTheAcceptanceClockForTheNewUnit() throws {
    let assigned = Fixtures.message(status: .assigned)
    let returned = try apply(
      .returnToDispatcher(reason: "非本单位职责", code: .notOurs), to: assigned, by: Fixtures.actor(.handler))
    #expect(returned.to == .returned)
    #expect(returned.event.payload["return_code"] == "not_ours", "the code the statistics count")
    #expect(returned.event.visibility == .internal)
    #expect(returned.message.acceptanceDue == assigned.acceptanceDue)
    let later = Fixtures.at("2026-03-06", 15)
    let reassigned = try apply(
      .reassign(lead: Fixtures.educationUnit, instruction: "请办理"), to: returned.message,
      by: Fixtures.actor(.dispatcher),
      at: later)
    #expect(reassigned.to == .assigned)
    #expect(reassigned.message.leadUnitID == Fixtures.educationUnit)
    #expect(reassigned.message.assistingUnitIDs.isEmpty)
    #expect(reassigned.message.acceptanceDue == rules.calendar.deadline(workingDays: 5, after: later))
    let rejected = try apply(.rejectReturn(reason: "属于本单位职责"), to: returned.message, by: Fixtures.actor(.dispatcher))
    #expect(rejected.to == .assigned)
    #expect(rejected.message.leadUnitID == Fixtures.housingUnit)
    #expect(rejected.message.acceptanceDue == assigned.acceptanceDue)
  }

  @Test func transfer_toTheSameUnit_isRefused() {
    #expect(throws: WorkflowError.self) {
      try apply(
        .transfer(lead: Fixtures.housingUnit, reason: "转办"), to: Fixtures.message(status: .accepted),
        by: Fixtures.actor(.dispatcher))
    }
  }

  @Test func merge_closesAsMergedAndRemembersTheParent() throws {
    let parent = UUID()
    let t = try apply(.merge(into: parent), to: Fixtures.message(), by: Fixtures.actor(.dispatcher))
    #expect(t.to == .closed)
    #expect(t.message.closure == .merged)
    #expect(t.message.mergedIntoID == parent)
    #expect(throws: WorkflowError.self) {
      try apply(.merge(into: Fixtures.message().id), to: Fixtures.message(), by: Fixtures.actor(.dispatcher))
    }
  }

  @Test func actionsThatNeedAReason_refuseBlankText() {
    #expect(throws: WorkflowError.reasonRequired(action: .returnToDispatcher)) {
      try apply(
        .returnToDispatcher(reason: "   "), to: Fixtures.message(status: .assigned), by: Fixtures.actor(.handler))
    }
    #expect(throws: WorkflowError.reasonRequired(action: .markInvalid)) {
      try apply(.markInvalid(reason: ""), to: Fixtures.message(), by: Fixtures.actor(.dispatcher))
    }
  }

  // MARK: Units

  @Test func handlerOfAnotherUnit_cannotTouchTheMessage() {
    let other = Fixtures.actor(.handler, unit: Fixtures.educationUnit)
    for (status, action) in [
      (Status.assigned, Action.accept), (.assigned, .returnToDispatcher), (.accepted, .reply), (.accepted, .note),
    ] {
      #expect(throws: WorkflowError.notYourUnit(action: action, role: .handler)) {
        try apply(Fixtures.command(for: action), to: Fixtures.message(status: status), by: other)
      }
    }
  }

  @Test func reviewerOfAnotherUnit_cannotApprove() {
    #expect(throws: WorkflowError.notYourUnit(action: .approveReply, role: .reviewer)) {
      try apply(
        .approveReply(), to: Fixtures.message(status: .reviewing),
        by: Fixtures.actor(.reviewer, unit: Fixtures.marketUnit))
    }
  }

  @Test func dispatcherOfAnotherOffice_cannotDispatch() {
    let other = Actor(role: .dispatcher, unitID: UUID(), id: "d-2")
    #expect(throws: WorkflowError.notYourUnit(action: .assign, role: .dispatcher)) {
      try apply(Fixtures.command(for: .assign), to: Fixtures.message(), by: other)
    }
  }

  @Test func assistingUnit_contributes_butCannotReply() throws {
    let assisting = Fixtures.actor(.handler, unit: Fixtures.marketUnit)
    let t = try apply(.contribute(text: "已清理流动摊贩"), to: Fixtures.message(status: .accepted), by: assisting)
    #expect(t.to == .accepted)
    #expect(throws: WorkflowError.notYourUnit(action: .reply, role: .handler)) {
      try apply(Fixtures.command(for: .reply), to: Fixtures.message(status: .accepted), by: assisting)
    }
    #expect(throws: WorkflowError.notYourUnit(action: .contribute, role: .handler)) {
      try apply(.contribute(text: "x"), to: Fixtures.message(status: .accepted), by: Fixtures.actor(.handler))
    }
  }

  @Test func refusal_namesActionStatusAndRoleInChinese() {
    let error = WorkflowError.notAllowed(action: .accept, from: .closed, role: .handler)
    #expect(error.message == "当前状态「已办结」下，承办人不能执行「签收」")
  }
}
