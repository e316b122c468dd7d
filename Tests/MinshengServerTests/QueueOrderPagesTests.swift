import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// Each role's own work comes first on its queue, notices after it; the pool shows how long each new
/// message has waited and flags those past the dispatch limit (#22), and where it came in (#20).
@Suite struct QueueOrderPagesTests: SiteTesting {
  @Test func inboxSections_putTheRolesOwnStepFirst() {
    #expect(InboxSection.order(for: .reviewer).first == .review)
    #expect(InboxSection.order(for: .handler).first == .accept)
    for role in [Role.reviewer, .handler, .leader] {
      #expect(Set(InboxSection.order(for: role)) == Set(InboxSection.allCases), "every section, once")
    }
  }

  @Test(arguments: TestDatabase.available)
  func aReviewersInbox_opensWithTheRepliesToApprove_andNoticesComeLast(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let now = site.clock.now
      let waiting = try await store.submit(Fixtures.newMessage(title: "待签收的件", leader: world.secretary.id), at: now)
        .message.id
      try await store.perform(.assign(lead: world.housing.id), on: waiting, by: world.dispatcher, at: now)
      let drafted = try await store.submit(Fixtures.newMessage(title: "答复待审的件", leader: world.secretary.id), at: now)
        .message.id
      for (command, actor) in [
        (Command.assign(lead: world.housing.id, leadRequiresReview: true), world.dispatcher),
        (.accept(), world.housingHandler), (.reply(body: "已安排维修。"), world.housingHandler),
      ] {
        try await store.perform(command, on: drafted, by: actor, at: now)
      }
      #expect(try await store.message(drafted)?.status == .reviewing)
      // 催办 an hour before the acceptance deadline: a notice to the unit.
      let due = try #require(try await store.message(waiting)?.acceptanceDue)
      _ = try await store.runScheduledJobs(
        schedule: try SupervisionSchedule.bundledDefault(), holder: "test", at: due.addingTimeInterval(-3_600))
      #expect(try await !store.outbox(recipient: "unit:" + world.housing.code).isEmpty)

      func positions(_ page: String, _ ids: [String]) throws -> [Int] {
        try ids.map { id in
          let range = try #require(page.range(of: #"id="h-\#(id)""#), "\(id)")
          return page.distance(from: page.startIndex, to: range.lowerBound)
        }
      }
      let reviewer = try await logIn(app, "zjw.reviewer")
      let reviewerPage = try await get(app, "/staff/inbox", cookies: reviewer.cookies).1
      let forReviewer = try positions(reviewerPage, ["review", "accept", "handling", "notices"])
      #expect(forReviewer == forReviewer.sorted(), "review, accept, handling, then notices: \(forReviewer)")
      let handler = try await logIn(app, "zjw.handler")
      let handlerPage = try await get(app, "/staff/inbox", cookies: handler.cookies).1
      let forHandler = try positions(handlerPage, ["accept", "handling", "assist", "review", "notices"])
      #expect(forHandler == forHandler.sorted(), "accept, handling, assist, review, then notices: \(forHandler)")
    }
  }

  @Test(arguments: TestDatabase.available)
  func thePool_showsTheWaitAndTheChannel_andFlagsWhatIsPastTheDispatchLimit(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let old = try await store.submit(
        Fixtures.newMessage(title: "一周前的留言", leader: world.secretary.id), at: site.clock.now
      ).message.id
      site.clock.advance(7 * 86_400)
      var call = Fixtures.newMessage(title: "刚到的留言", leader: world.secretary.id)
      call.channel = .hotline
      let fresh = try await store.submit(call, at: site.clock.now).message.id
      site.clock.advance(2 * 3_600)
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      let pool = try await get(app, "/staff/pool", cookies: dispatcher.cookies).1
      func row(_ id: UUID) throws -> Substring {
        let start = try #require(pool.range(of: "/staff/messages/\(id.uuidString.lowercased())"))
        let end = pool[start.upperBound...].range(of: "</li>")?.lowerBound ?? pool.endIndex
        return pool[start.upperBound..<end]
      }
      let oldRow = try row(old)
      #expect(oldRow.contains(#"<span class="left due-late">已等待 7.1 天，超过交办时限 1 个工作日</span>"#))
      let freshRow = try row(fresh)
      #expect(freshRow.contains(#"<span class="left">已等待 2 小时（交办时限 1 个工作日）</span>"#))
      // A call shows its channel; a message from the web form shows none.
      #expect(freshRow.contains(#"<span class="channel">热线电话</span>"#) && !oldRow.contains(#"class="channel""#))
      #expect(pool.contains(#"class="item due-late""#))
    }
  }
}
