import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 撤回: the author withdraws a message not yet dispatched from its 办理进度 page. It is closed as
/// withdrawn, its public page reads 已撤回, and a suggestion withdrawn so takes no more supports or
/// steps; once dispatched, it can no longer be withdrawn.
@Suite struct WithdrawPagesTests: SiteTesting {
  /// The browser of the author who opened `code` on `/track`.
  func tracking(_ app: Application, _ code: String) async throws -> Browser {
    let (cookie, token) = try await formToken(app, "/track")
    let (status, _, headers) = try await post(app, "/track", [("_csrf", token), ("code", code)], cookies: cookie)
    #expect(status == .seeOther)
    let track = try #require(Self.cookie("minsheng_track", in: headers))
    return Browser(cookies: cookie + "; " + track, csrf: token)
  }

  @Test(arguments: TestDatabase.available)
  func theAuthor_withdrawsASuggestionNotYetDispatched_andNothingMoreHappensToIt(db: TestDatabase) async throws {
    try await withSite(db, policy: IntakePolicy(moderation: false)) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let now = site.clock.now
      let written = try await store.submit(Fixtures.newSuggestion("夜间开放机关停车场", leader: world.secretary.id), at: now)
      let id = written.message.id
      let author = try await tracking(app, written.trackingCode)
      let tracked = try await get(app, "/track", cookies: author.cookies).1
      #expect(tracked.contains("action=\"/track/withdraw\"") && tracked.contains("确认撤回"))
      #expect(try await post(app, "/track/withdraw", [("reason", "x")], cookies: author.cookies).0 == .forbidden)
      let long = try await post(
        app, "/track/withdraw", [("reason", String(repeating: "长", count: 501)), ("_csrf", author.csrf)],
        cookies: author.cookies)
      #expect(long.0 == .unprocessableEntity && long.1.contains("撤回原因"))
      #expect(try await store.message(id)?.status == .received)
      let (done, _, headers) = try await post(
        app, "/track/withdraw", [("reason", "已与物业协商解决"), ("_csrf", author.csrf)], cookies: author.cookies)
      #expect(done == .seeOther && headers.first(name: .location) == "/track?done=withdrawn")
      let after = try await get(app, "/track?done=withdrawn", cookies: author.cookies).1
      #expect(after.contains("留言已撤回，不再交办。") && after.contains("已撤回") && !after.contains("确认撤回"))

      let message = try #require(try await store.message(id))
      #expect(message.status == .closed && message.closure == .withdrawn)
      let proposal = try #require(try await store.proposal(id))
      #expect(ProposalWorkflow.state(of: message, proposal) == .withdrawn)
      let events = try await store.events(of: id)
      #expect(events.last?.draft.action == .workflow(.withdraw) && events.last?.draft.note == "已与物业协商解决")

      // The public page says so, without the reason; the suggestion lists leave it out.
      let page = try await get(app, "/messages/\(id.uuidString.lowercased())").1
      #expect(page.contains("已撤回") && page.contains("留言人撤回了留言") && !page.contains("已与物业协商解决"))
      #expect(!(try await store.publicProposals().contains { $0.message.id == id }))
      await #expect(throws: StoreError.self) { try await store.support(id, phone: "13900000001", at: now) }
      await #expect(throws: StoreError.self) {
        try await store.recordInstruction(
          id, NewProposalInstruction(leader: "副市长", givenOn: store.rules.calendar.day(of: now), text: "研究"),
          by: Actor(role: .supervisor, id: "dc.supervisor"), at: now)
      }
      // Withdrawing again is refused and changes nothing.
      let again = try await post(app, "/track/withdraw", [("_csrf", author.csrf)], cookies: author.cookies)
      #expect(again.0 == .conflict)
      #expect(try await store.events(of: id).count == events.count)

      // Once dispatched, a message can no longer be withdrawn, and its page offers nothing.
      let other = try await store.submit(
        Fixtures.newMessage(title: "小区门口路灯不亮", leader: world.secretary.id), at: now)
      try await store.perform(.assign(lead: world.housing.id), on: other.message.id, by: world.dispatcher, at: now)
      let second = try await tracking(app, other.trackingCode)
      #expect(!(try await get(app, "/track", cookies: second.cookies).1.contains("确认撤回")))
      #expect(try await post(app, "/track/withdraw", [("_csrf", second.csrf)], cookies: second.cookies).0 == .conflict)
      #expect(try await store.message(other.message.id)?.status == .assigned)

      try await store.sealAllEvents()
      #expect(try await store.verifyAudit().isIntact)
    }
  }
}
