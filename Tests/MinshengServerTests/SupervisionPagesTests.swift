import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// Supervision and the queues in the browser: the supervision board, reminders and notices, leaders'
/// instructions, publication of what is overdue, urgent cases first, and paging.
@Suite struct SupervisionPagesTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func supervisionBoard_listsExactlyWhatTheCoreComputes(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let units = [world.housing, world.market, world.education]
      for index in 0..<36 {
        var request = Fixtures.newMessage(title: "督办核对 \(index)", leader: world.secretary.id)
        request.urgent = index % 12 == 7  // assigned, with the 2-hour acceptance limit
        let id = try await store.submit(request, at: site.clock.now).message.id
        let unit = units[index % 3]
        let handler = Actor(role: .handler, unitID: unit.id, id: "h\(index % 3)")
        let steps: [(MinshengCore.Command, Actor)] =
          [
            (.assign(lead: unit.id, leadRequiresReview: unit.requiresReplyReview), world.dispatcher),
            (.accept(), handler), (.requestExtension(workingDays: 3, reason: "取证"), handler),
            (.approveExtension(workingDays: 3), world.dispatcher), (.reply(body: "已处理"), handler),
          ]
        for (command, actor) in steps.prefix(index % 6) {
          try await store.perform(command, on: id, by: actor, at: site.clock.now)
        }
        site.clock.advance(Double(5 + index % 4 * 3) * 3_600)
      }
      var all = MessageFilter()
      all.publicOnly = false
      let messages = try await store.messages(matching: all, limit: 100).messages
      #expect(messages.count == 36)
      // Move on, six hours at a time, to a moment with overdue cases, cases due soon, a case with two
      // working days left (not due soon, so not on the board) and cases with more time.
      var late: Set<UUID> = []
      var soon: Set<UUID> = []
      var twoDaysLeft = false
      for _ in 0..<120 {
        let statuses = messages.map {
          (id: $0.id, deadline: DeadlineStatus.of($0, at: site.clock.now, calendar: store.rules.calendar))
        }
        late = Set(statuses.filter { $0.deadline.isOverdue }.map(\.id))
        soon = Set(statuses.filter { $0.deadline.isDueSoon && !$0.deadline.isOverdue }.map(\.id))
        twoDaysLeft = statuses.contains {
          $0.deadline.phase != .none && !$0.deadline.isDueSoon && $0.deadline.workingDaysLeft == 2
        }
        if !late.isEmpty, !soon.isEmpty, twoDaysLeft, late.count + soon.count < 30 { break }
        site.clock.advance(6 * 3_600)
      }
      #expect(!late.isEmpty && !soon.isEmpty, "the fixture has cases of both kinds: \(late.count), \(soon.count)")
      #expect(twoDaysLeft && late.count + soon.count < 30, "and cases with time to spare")

      let supervisor = try await logIn(app, "dc.supervisor")
      let board = try await get(app, "/staff/supervision", cookies: supervisor.cookies).1
      #expect(board.contains("已超期（\(late.count)）") && board.contains("即将到期（\(soon.count)）"))
      func ids(_ html: String) -> Set<UUID> {
        Set(
          html.components(separatedBy: "href=\"/staff/messages/").dropFirst()
            .compactMap { UUID(uuidString: String($0.prefix(36))) })
      }
      // Each section on its own page lists every case the core puts in it, and nothing else.
      let latePage = try await get(app, "/staff/supervision?section=late", cookies: supervisor.cookies).1
      let soonPage = try await get(app, "/staff/supervision?section=soon", cookies: supervisor.cookies).1
      #expect(ids(latePage) == late)
      #expect(ids(soonPage) == soon)
      #expect(!latePage.contains(#"id="q-soon""#) && soonPage.contains("返回总览"))
    }
  }

  @Test(arguments: TestDatabase.available)
  func supervision_showsOverdueAndDueSoon_andRemindsFromTheCasePage(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let late = try await store.submit(
        Fixtures.newMessage(title: "早已超期的件", leader: world.secretary.id), at: Fixtures.now
      )
      .message.id
      try await store.perform(.assign(lead: world.housing.id), on: late, by: world.dispatcher, at: Fixtures.now)
      site.clock.advance(10 * 86_400)
      let soon = try await store.submit(
        Fixtures.newMessage(title: "刚交办的件", leader: world.secretary.id), at: site.clock.now
      )
      .message.id
      try await store.perform(.assign(lead: world.market.id), on: soon, by: world.dispatcher, at: site.clock.now)
      // A day later, for the same unit: the inbox lists the earlier deadline first.
      site.clock.advance(86_400)
      let newer = try await store.submit(
        Fixtures.newMessage(title: "新交办的住建委件", leader: world.secretary.id), at: site.clock.now
      )
      .message.id
      try await store.perform(.assign(lead: world.housing.id), on: newer, by: world.dispatcher, at: site.clock.now)
      let handler = try await logIn(app, "zjw.handler")
      let inbox = try await get(app, "/staff/inbox", cookies: handler.cookies).1
      let older = try #require(inbox.range(of: "早已超期的件")).lowerBound
      let later = try #require(inbox.range(of: "新交办的住建委件")).lowerBound
      #expect(older < later)

      let supervisor = try await logIn(app, "dc.supervisor")
      let board = try await get(app, "/staff/supervision", cookies: supervisor.cookies)
      #expect(board.0 == .ok)
      let lateSection = try #require(board.1.range(of: #"id="q-late""#))
      let soonSection = try #require(board.1.range(of: #"id="q-soon""#))
      let lateHTML = String(board.1[lateSection.upperBound..<soonSection.lowerBound])
      #expect(lateHTML.contains("早已超期的件"))
      #expect(lateHTML.contains("已超期"))
      #expect(!String(board.1[lateSection.lowerBound...]).contains("刚交办的件"))
      // The two messages of the last seven days say the same thing: one topic, grown from the one
      // message of the week before.
      let topics = try #require(board.1.range(of: #"id="topics""#))
      let topicsHTML = String(board.1[topics.upperBound..<lateSection.lowerBound])
      #expect(topicsHTML.contains("2 条"))
      #expect(topicsHTML.contains("较前 7 天 +100%"))
      #expect(topicsHTML.contains("新交办的住建委件") || topicsHTML.contains("刚交办的件"))
      // Filtered by unit.
      let market = try await get(
        app, "/staff/supervision?unit=\(world.market.id.uuidString)", cookies: supervisor.cookies)
      #expect(!market.1.contains("早已超期的件"))
      #expect(try await act(app, supervisor, late, "remind", [("note", "请今日内签收")]).0 == .seeOther)
      #expect(try await act(app, supervisor, late, "supervise", [("note", "督办：逾期未签收")]).0 == .seeOther)
      let events = try await store.events(of: late).map(\.draft.action)
      #expect(events.suffix(2) == [.workflow(.remind), .workflow(.supervise)])
      // Both reach the unit as the scheduled ones do: notices in its inbox with the supervisor's words,
      // each linking to the case; the 督办 is copied to the unit's leader.
      try await store.createStaffAccount(
        username: "zjw.leader", passwordHash: try sitePasswords.hash(sitePassword), role: .leader,
        unitID: world.housing.id, at: Fixtures.now)
      let noticed = try await get(app, "/staff/inbox", cookies: handler.cookies).1
      let notices = try #require(noticed.range(of: #"id="notices""#))
      let noticesHTML = String(noticed[notices.upperBound...])
      let caseLink = "href=\"/staff/messages/\(late.uuidString.lowercased())\""
      #expect(noticesHTML.contains("请今日内签收") && noticesHTML.contains("督办：逾期未签收"))
      #expect(noticesHTML.components(separatedBy: caseLink).count - 1 >= 2)
      let sent = try await store.outbox(recipients: ["unit:ZJW"], limit: 10)
      #expect(sent.filter { $0.messageID == late }.count == 2)
      #expect(try await act(app, supervisor, late, "supervise", [("note", "再次督办")]).0 == .seeOther)
      let copies = try await store.outbox(recipients: ["user:zjw.leader"], limit: 10)
      #expect(copies.count == 1 && copies.first?.body.contains("再次督办") == true && copies.first?.messageID == late)
    }
  }

  @Test(arguments: TestDatabase.available)
  func leadersInstructions_areShownToTheUnit_andOnlySupervisorsGiveThem(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let id = try await store.submit(
        Fixtures.newMessage(title: "老旧小区加装电梯", leader: world.secretary.id), at: Fixtures.now
      )
      .message.id
      try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: Fixtures.now)
      let supervisor = try await logIn(app, "dc.supervisor")
      #expect(try await get(app, "/staff/messages/\(id)", cookies: supervisor.cookies).1.contains(#"id="a-instruct""#))
      #expect(try await act(app, supervisor, id, "instruct").0 == .unprocessableEntity)
      #expect(try await act(app, supervisor, id, "instruct", [("note", "请住建委三日内拿出加装方案")]).0 == .seeOther)
      let handler = try await logIn(app, "zjw.handler")
      let page = try await get(app, "/staff/messages/\(id)", cookies: handler.cookies).1
      let box = try #require(page.range(of: #"id="instructions""#))
      #expect(page[box.upperBound...].prefix(400).contains("请住建委三日内拿出加装方案"))
      #expect(!page.contains(#"id="a-instruct""#))
      #expect(try await act(app, handler, id, "instruct", [("note", "自己批示")]).0 == .conflict)
      #expect(!(try await get(app, "/messages/\(id)").1.contains("请住建委三日内拿出加装方案")))
    }
  }

  @Test(arguments: TestDatabase.available)
  func overdueAfterANotice_isPublished_fiveWorkingDaysLater(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let late = try await store.submit(
        Fixtures.newMessage(title: "拖着不办的件", leader: world.secretary.id), at: Fixtures.now
      )
      .message.id
      let assigned = try await store.perform(
        .assign(lead: world.housing.id), on: late, by: world.dispatcher, at: Fixtures.now)
      let due = try #require(assigned.acceptanceDue)
      let schedule = SupervisionSchedule()
      let noticeAt = due.addingTimeInterval(25 * 3_600)
      #expect(try await store.runScheduledJobs(schedule: schedule, holder: "t", at: noticeAt).noticed == 1)
      site.clock.advance(noticeAt.timeIntervalSince(site.clock.now) + 3_600)
      #expect(!(try await get(app, "/overdue").1.contains("拖着不办的件")))
      // Five working days after the notice (a week of calendar days covers them), still overdue: public.
      site.clock.advance(8 * 86_400)
      let page = try await get(app, "/overdue")
      #expect(page.0 == .ok)
      #expect(page.1.contains("拖着不办的件"))
      #expect(page.1.contains("市住建委"))
      #expect(page.1.contains("已超期"))
      // 通报: the unit named with its count of such cases.
      #expect(page.1.contains("id=\"overdue-units\"") && page.1.contains("市住建委</a>：1 件"))
      // 督办报告: the scheduled 督办 asked for an answer within three working days; none came, so it is
      // waiting and late. A unit sees its own row only; a wrong period is a clear error.
      let month = StatsPeriod(.month, containing: store.rules.calendar.day(of: noticeAt)).description
      let supervisor = try await logIn(app, "dc.supervisor")
      let report = try await get(app, "/staff/supervision/report?period=\(month)", cookies: supervisor.cookies)
      #expect(report.0 == .ok)
      #expect(
        report.1.contains("<th scope=\"row\">市住建委</th><td>1</td><td>1</td><td>0</td><td>0</td><td>1</td><td>1</td>"))
      let market = try await logIn(app, "scjg.handler")
      let own = try await get(app, "/staff/supervision/report?period=\(month)", cookies: market.cookies)
      #expect(own.0 == .ok && !own.1.contains("市住建委") && own.1.contains("本期没有超期件"))
      #expect(
        try await get(app, "/staff/supervision/report?period=2026-13", cookies: supervisor.cookies).0 == .badRequest)
      // Accepted at last: no longer on the list.
      try await store.perform(.accept(), on: late, by: world.housingHandler, at: site.clock.now)
      #expect(!(try await get(app, "/overdue").1.contains("拖着不办的件")))
      #expect(!(try await get(app, "/overdue").1.contains("id=\"overdue-units\"")))
    }
  }

  /// 批量督办: the cases ticked on the board each get their own event and notice; a case that moved on
  /// is counted as not done; only supervisors and administrators may, with the form's token.
  @Test(arguments: TestDatabase.available)
  func bulkSupervision_fromTheBoard_reachesEachCasesUnit(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let first = try await housingCase(site, "第一件批量督办", through: .assigned)
      let second = try await housingCase(site, "第二件批量督办", through: .assigned)
      let closed = try await store.submit(Fixtures.newMessage(title: "已作废的件"), at: site.clock.now).message.id
      try await store.perform(.markInvalid(reason: "重复提交"), on: closed, by: world.dispatcher, at: site.clock.now)
      // Two weeks later both assigned cases are long past their acceptance deadline: on the board.
      site.clock.advance(14 * 86_400)
      let supervisor = try await logIn(app, "dc.supervisor")
      let board = try await get(app, "/staff/supervision", cookies: supervisor.cookies).1
      #expect(board.contains("id=\"bulk\""))
      #expect(board.contains("form=\"bulk\" name=\"ids[]\" value=\"\(first.uuidString.lowercased())\""))
      let ids = [first, second, closed].map { ("ids[]", $0.uuidString.lowercased()) }
      // Without the form's token, or without words for a 督办, nothing happens.
      #expect(
        try await post(
          app, "/staff/supervision/bulk", [("action", "supervise"), ("note", "x")] + ids,
          cookies: supervisor.cookies
        ).0 == .forbidden)
      let empty = try await post(
        app, "/staff/supervision/bulk", [("_csrf", supervisor.csrf), ("action", "supervise"), ("note", " ")] + ids,
        cookies: supervisor.cookies)
      #expect(empty.2.first(name: .location)?.contains("bulk=note") == true)
      let (status, _, headers) = try await post(
        app, "/staff/supervision/bulk",
        [("_csrf", supervisor.csrf), ("action", "supervise"), ("note", "请本周内办结并报告")] + ids,
        cookies: supervisor.cookies)
      #expect(status == .seeOther)
      let location = try #require(headers.first(name: .location))
      #expect(location.contains("done=2") && location.contains("failed=1"))
      let after = try await get(app, location, cookies: supervisor.cookies).1
      #expect(after.contains("已对 2 件留言督办。") && after.contains("另有 1 件未能发出"))
      for id in [first, second] {
        #expect(try await store.events(of: id).last?.draft.action == .workflow(.supervise))
      }
      #expect(try await store.events(of: closed).last?.draft.action == .workflow(.markInvalid))
      let sent = try await store.outbox(recipients: ["unit:ZJW"], limit: 10)
      #expect(Set(sent.compactMap(\.messageID)) == [first, second])
      #expect(sent.allSatisfy { $0.body.contains("请本周内办结并报告") })
      // A unit's handler may not.
      let handler = try await logIn(app, "zjw.handler")
      #expect(
        try await post(
          app, "/staff/supervision/bulk", [("_csrf", handler.csrf), ("action", "remind")] + ids,
          cookies: handler.cookies
        ).0 == .forbidden)
      // The handler's inbox shows both notices unread; marking one read is the handler's own: it stays
      // unread for the reviewer of the same unit. An id that is not the handler's notice is left alone.
      let inbox = try await get(app, "/staff/inbox", cookies: handler.cookies).1
      #expect(inbox.components(separatedBy: "class=\"item unread\"").count - 1 == 2)
      let one = try #require(sent.first).id
      let marked = try await post(
        app, "/staff/notices/read",
        [("_csrf", handler.csrf), ("ids[]", one.uuidString.lowercased()), ("ids[]", UUID().uuidString)],
        cookies: handler.cookies)
      #expect(marked.0 == .seeOther)
      #expect(try await store.readNotices(sent.map(\.id), by: "zjw.handler") == [one])
      let afterRead = try await get(app, "/staff/inbox", cookies: handler.cookies).1
      #expect(afterRead.components(separatedBy: "class=\"item unread\"").count - 1 == 1)
      let reviewer = try await logIn(app, "zjw.reviewer")
      let reviewerInbox = try await get(app, "/staff/inbox", cookies: reviewer.cookies).1
      #expect(reviewerInbox.components(separatedBy: "class=\"item unread\"").count - 1 == 2)
      // Without the form's token nothing is marked.
      #expect(
        try await post(app, "/staff/notices/read", [("ids[]", one.uuidString)], cookies: reviewer.cookies).0
          == .forbidden)
      #expect(try await store.readNotices([one], by: "zjw.reviewer").isEmpty)
    }
  }

  /// 急事急办: new urgent messages head the pool however old they are, newest first, then the others
  /// newest first; the pages follow the same order, every message exactly once.
  @Test(arguments: TestDatabase.available)
  func urgentMessages_headThePool_onEveryPage(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      var created: [UUID] = []
      for index in 0..<25 {
        let input = Fixtures.newMessage(title: "急件排序 \(index)", leader: world.secretary.id, urgent: index < 2)
        created.append(try await store.submit(input, at: site.clock.now).message.id)
        site.clock.advance(600)
      }
      let expected = [created[1], created[0]] + created[2...].reversed()
      let mine = Set(created)
      func ids(_ html: String) -> [UUID] {
        html.components(separatedBy: "href=\"/staff/messages/").dropFirst()
          .compactMap { UUID(uuidString: String($0.prefix(36))) }.filter(mine.contains)
      }
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      let overview = try await get(app, "/staff/pool", cookies: dispatcher.cookies).1
      #expect(ids(overview) == Array(expected.prefix(20)), "the two urgent ones first, though the oldest")
      let page = try await get(app, "/staff/pool?section=new&page=1", cookies: dispatcher.cookies).1
      #expect(ids(page) == expected)
      // Pages that start inside the urgent part, at its end, and after it.
      for (offset, limit) in [(0, 1), (1, 3), (2, 5), (4, 30)] {
        let slice = try await store.cases(
          dispatchedBy: world.petitionOffice.id, status: .received, limit: limit, offset: offset
        ).map(\.id).filter(mine.contains)
        #expect(slice == Array(expected.dropFirst(offset).prefix(limit)), "offset \(offset), limit \(limit)")
      }
      // Dispatched, an urgent message leaves the head of the pool.
      try await store.perform(.assign(lead: world.housing.id), on: created[1], by: world.dispatcher, at: site.clock.now)
      let after = try await store.cases(dispatchedBy: nil, status: .received, limit: 3).map(\.id)
      #expect(after.first == created[0])
      #expect(!after.contains(created[1]))
    }
  }

  /// A long queue: the overview shows each section's first 20 with the count and a link; the
  /// section's own pages show 50 at a time in the same order, every case exactly once.
  @Test(arguments: TestDatabase.available)
  func longQueues_arePaged_everyCaseOnExactlyOnePage(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      var assigned: Set<UUID> = []
      for index in 0..<55 {
        let id = try await store.submit(
          Fixtures.newMessage(title: "分页核对 \(index)", leader: world.secretary.id), at: site.clock.now
        ).message.id
        try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: site.clock.now)
        assigned.insert(id)
        site.clock.advance(600)
      }
      func ids(_ html: String) -> [UUID] {
        html.components(separatedBy: "href=\"/staff/messages/").dropFirst()
          .compactMap { UUID(uuidString: String($0.prefix(36))) }
      }
      let handler = try await logIn(app, "zjw.handler")
      let overview = try await get(app, "/staff/inbox", cookies: handler.cookies).1
      #expect(overview.contains("待签收（55）") && overview.contains("第 1–20 件，共 55 件"))
      #expect(overview.contains("/staff/inbox?section=accept&amp;page=1#q-accept"))
      #expect(ids(overview).count == 20)
      let first = try await get(app, "/staff/inbox?section=accept&page=1", cookies: handler.cookies).1
      let second = try await get(app, "/staff/inbox?section=accept&page=2", cookies: handler.cookies).1
      #expect(first.contains("第 1–50 件，共 55 件") && first.contains("下一页") && !first.contains("上一页"))
      #expect(second.contains("第 51–55 件，共 55 件") && second.contains("上一页") && !second.contains("下一页"))
      #expect(ids(first).count == 50 && ids(second).count == 5)
      #expect(Set(ids(first) + ids(second)) == assigned)
      // The overview's first 20 are the first page's first 20: the earliest deadlines.
      #expect(ids(overview) == Array(ids(first).prefix(20)))
      // A page past the end is empty, not an error; a nonsense page number is the first page.
      let beyond = try await get(app, "/staff/inbox?section=accept&page=9", cookies: handler.cookies)
      #expect(beyond.0 == .ok && ids(beyond.1).isEmpty)
      #expect(try await get(app, "/staff/inbox?section=accept&page=x", cookies: handler.cookies).0 == .ok)
    }
  }
}
