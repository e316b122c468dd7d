import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@testable import MinshengServer

/// 督办反馈: a 督办 asks the lead unit for a written answer by a date from the SLA rules; the unit
/// answers it once from the case page, and the answer goes back to the supervisor who asked.
@Suite struct SupervisionAnswerTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func aSupervisionNotice_hasADueDate_andTheUnitAnswersIt(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store) = (site.app, site.store)
      let id = try await housingCase(site, "老旧小区加装电梯进度缓慢")
      let handler = try await logIn(app, "zjw.handler")
      let supervisor = try await logIn(app, "dc.supervisor")
      let casePath = "/staff/messages/\(id.uuidString.lowercased())"

      // Nothing to answer yet: no form, and the action is refused with a reason.
      #expect(try await !get(app, casePath, cookies: handler.cookies).1.contains("actions/answer_supervision"))
      let early = try await act(app, handler, id, "answer_supervision", [("body", "已处理")])
      #expect(early.0 == .unprocessableEntity && early.1.contains("没有待反馈的督办"))

      #expect(try await act(app, supervisor, id, "supervise", [("note", "请说明进度缓慢的原因")]).0 == .seeOther)
      // The due date: three working days (the shipped SLA's supervisionAnswer) from the notice.
      let supervise = try #require(try await store.events(of: id).last?.draft)
      let due = store.rules.calendar.deadline(workingDays: 3, after: site.clock.now)
      #expect(supervise.payload["answer_due"] == String(Int64(due.timeIntervalSince1970 * 1000)))
      let notice = try #require(
        try await store.outbox(recipients: ["unit:ZJW"], limit: 10).first { $0.messageID == id })
      #expect(notice.body.contains("请说明进度缓慢的原因") && notice.body.contains("前书面反馈"))

      // Another unit's handler may not answer for the lead unit (nor learn the case exists).
      let market = try await logIn(app, "scjg.handler")
      let foreign = try await act(app, market, id, "answer_supervision", [("body", "不是我们的件")])
      #expect(foreign.0 == .notFound)

      // The lead unit's page offers the answer with its due date; an empty answer is refused.
      let page = try await get(app, casePath, cookies: handler.cookies).1
      #expect(page.contains("actions/answer_supervision") && page.contains("反馈时限"))
      #expect(try await act(app, handler, id, "answer_supervision", [("body", "  ")]).0 != .seeOther)
      let answered = try await act(
        app, handler, id, "answer_supervision", [("body", "已约谈施工单位，下周一复工，周五前答复留言人。")])
      #expect(answered.0 == .seeOther)
      let events = try await store.events(of: id).map(\.draft)
      #expect(events.last?.action == .workflow(.answerSupervision))
      #expect(events.last?.visibility == .internal)
      let notices = SupervisionNotice.all(in: events, leadUnit: site.world.housing.id)
      #expect(notices.count == 1 && notices[0].answeredAt == site.clock.now && !notices[0].isLate(at: site.clock.now))
      // The answer reaches the supervisor who asked, linked to the case.
      let back = try #require(
        try await store.outbox(recipients: ["user:dc.supervisor"], limit: 10).first { $0.messageID == id })
      #expect(back.body.contains("市住建委") && back.body.contains("周五前答复留言人"))
      // Answered once: no form, and a second answer is refused.
      #expect(try await !get(app, casePath, cookies: handler.cookies).1.contains("actions/answer_supervision"))
      #expect(try await act(app, handler, id, "answer_supervision", [("body", "再次反馈")]).0 == .unprocessableEntity)
      // 督办报告: one 督办 to 住建委 this month, answered on time, nothing waiting.
      let report = try await get(app, "/staff/supervision/report?period=2026-03", cookies: supervisor.cookies)
      #expect(
        report.1.contains("<th scope=\"row\">市住建委</th><td>0</td><td>1</td><td>1</td><td>1</td><td>0</td><td>0</td>"))
    }
  }

  /// A 督办 left unanswered past its date is late; a transfer to another unit leaves the new unit
  /// nothing to answer.
  @Test func lateAndTransferred_followTheEvents() throws {
    let unitA = UUID()
    let unitB = UUID()
    let now = Fixtures.now
    func event(_ action: Action, _ payload: [String: String] = [:], at offset: TimeInterval) -> EventDraft {
      EventDraft(
        messageID: UUID(), action: action, from: .accepted, to: .accepted, actor: Fixtures.actor(.supervisor),
        note: nil, visibility: .internal, payload: payload, at: now.addingTimeInterval(offset))
    }
    let dueAt = now.addingTimeInterval(3 * 86_400)
    let due = String(Int64(dueAt.timeIntervalSince1970 * 1000))
    let supervised = [
      event(.assign, ["lead_unit": unitA.uuidString], at: 0), event(.supervise, ["answer_due": due], at: 60),
    ]
    let pending = try #require(SupervisionNotice.pending(in: supervised, leadUnit: unitA))
    #expect(pending.unitID == unitA && pending.answerDue == dueAt)
    #expect(!pending.isLate(at: dueAt) && pending.isLate(at: dueAt.addingTimeInterval(1)))
    let transferred = supervised + [event(.transfer, ["lead_unit": unitB.uuidString], at: 120)]
    #expect(SupervisionNotice.pending(in: transferred, leadUnit: unitB) == nil)
    let lateAnswer = supervised + [event(.answerSupervision, at: 4 * 86_400)]
    let settled = try #require(SupervisionNotice.all(in: lateAnswer, leadUnit: unitA).first)
    #expect(settled.isLate(at: now) && SupervisionNotice.pending(in: lateAnswer, leadUnit: unitA) == nil)
  }
}
