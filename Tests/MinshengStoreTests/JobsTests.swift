import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// 催办、督办、自动办结 on a fixed clock: each goes out when the schedule says, and once.
@Suite struct JobsTests {
  let schedule = SupervisionSchedule(remindWithinHours: 24, noticeAfterHours: 24, autoCloseAfterDays: 7)

  @Test(arguments: TestDatabase.available)
  func reminderBeforeTheDeadline_andNoticeTheDayAfter_eachOnce(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let id = try await store.submit(Fixtures.newMessage(leader: world.secretary.id), at: Fixtures.now).message.id
      let assigned = try await store.perform(
        .assign(lead: world.housing.id), on: id, by: world.dispatcher, at: Fixtures.now)
      let due = try #require(assigned.acceptanceDue)

      // Two days before: nothing.
      #expect(
        try await store.runScheduledJobs(schedule: schedule, holder: "a", at: due.addingTimeInterval(-48 * 3_600))
          == JobReport(ran: true))
      // Within the last 24 hours: one reminder, and only one however often the job runs.
      let reminded = try await store.runScheduledJobs(
        schedule: schedule, holder: "a", at: due.addingTimeInterval(-12 * 3_600))
      #expect(reminded.reminded == 1)
      #expect(
        try await store.runScheduledJobs(schedule: schedule, holder: "b", at: due.addingTimeInterval(-6 * 3_600))
          .reminded == 0)
      // Missed, but not yet a day ago: nothing; a day after: one notice.
      #expect(
        try await store.runScheduledJobs(schedule: schedule, holder: "a", at: due.addingTimeInterval(3_600)).noticed
          == 0)
      let noticed = try await store.runScheduledJobs(
        schedule: schedule, holder: "a", at: due.addingTimeInterval(25 * 3_600))
      #expect(noticed.noticed == 1)
      #expect(
        try await store.runScheduledJobs(schedule: schedule, holder: "a", at: due.addingTimeInterval(49 * 3_600))
          .noticed == 0)

      let events = try await store.events(of: id).map(\.draft)
      let system = events.filter { $0.actor.role == .system }
      #expect(system.map(\.action) == [.workflow(.remind), .workflow(.supervise)])
      #expect(system.first?.note?.contains("签收期限") == true)
      #expect(system.last?.note?.contains("督办通知") == true)
      #expect(system.allSatisfy { $0.visibility == .internal })
      let notices = try await store.outbox(recipient: "unit:ZJW")
      #expect(notices.count == 2)
      #expect(notices.allSatisfy { $0.channel == "staff" })
      #expect(try await store.verifyAudit().isIntact)

      // Accepted late: the reply deadline gets its own reminder in its turn.
      let accepted = try await store.perform(
        .accept(), on: id, by: world.housingHandler, at: due.addingTimeInterval(50 * 3_600))
      let replyDue = try #require(accepted.replyDue)
      #expect(
        try await store.runScheduledJobs(schedule: schedule, holder: "a", at: replyDue.addingTimeInterval(-3_600))
          .reminded == 1)
    }
  }

  @Test(arguments: TestDatabase.available)
  func twoInstancesAtOnce_sendEachReminderOnce(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      var due: Date?
      for index in 0..<5 {
        let id = try await store.submit(
          Fixtures.newMessage(title: "第\(index)件", leader: world.secretary.id), at: Fixtures.now
        )
        .message.id
        due = try await store.perform(.assign(lead: world.market.id), on: id, by: world.dispatcher, at: Fixtures.now)
          .acceptanceDue
      }
      let at = try #require(due).addingTimeInterval(-3_600)
      let other = Store(database: store.database, rules: store.rules)
      async let first = store.runScheduledJobs(schedule: schedule, holder: "instance-1", at: at)
      async let second = other.runScheduledJobs(schedule: schedule, holder: "instance-2", at: at)
      let reports = try await [first, second]
      #expect(reports.map(\.reminded).reduce(0, +) == 5)
      // And again, one after the other: the lease is free, but each reminder was done.
      #expect(try await other.runScheduledJobs(schedule: schedule, holder: "instance-2", at: at).reminded == 0)
      #expect(try await store.outbox(recipient: "unit:SCJG").count == 5)
    }
  }

  @Test(arguments: TestDatabase.available)
  func aLeaseHeldByAnotherInstance_makesThisOneWait_untilItExpires(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      #expect(try await store.acquireLease("supervision", holder: "other", for: 600, at: Fixtures.now))
      let report = try await store.runScheduledJobs(
        schedule: schedule, holder: "me", at: Fixtures.now.addingTimeInterval(60))
      #expect(report == JobReport(ran: false))
      #expect(
        try await store.runScheduledJobs(schedule: schedule, holder: "me", at: Fixtures.now.addingTimeInterval(601)).ran
      )
    }
  }

  @Test(arguments: TestDatabase.available)
  func repliedButNotEvaluated_isClosedAsUnevaluated_afterSevenDays(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let id = try await store.submit(Fixtures.newMessage(leader: world.secretary.id), at: Fixtures.now).message.id
      try await store.perform(.assign(lead: world.market.id), on: id, by: world.dispatcher, at: Fixtures.now)
      try await store.perform(.accept(), on: id, by: world.marketHandler, at: Fixtures.now)
      try await store.perform(.reply(body: "已处理。"), on: id, by: world.marketHandler, at: Fixtures.now)
      #expect(
        try await store.runScheduledJobs(
          schedule: schedule, holder: "a", at: Fixtures.now.addingTimeInterval(6 * 86_400)
        ).closed == 0)
      #expect(
        try await store.runScheduledJobs(
          schedule: schedule, holder: "a", at: Fixtures.now.addingTimeInterval(7 * 86_400 + 1)
        ).closed == 1)
      let closed = try #require(try await store.message(id))
      #expect(closed.status == .closed)
      #expect(closed.closure == .unevaluated)
      #expect(
        try await store.runScheduledJobs(
          schedule: schedule, holder: "a", at: Fixtures.now.addingTimeInterval(9 * 86_400)
        ).closed == 0)
    }
  }
}
