import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

@Suite struct CaseLifecycleTests {
  @Test(arguments: TestDatabase.available)
  func wholeLife_withReviewExtensionAndReopen_endsClosedWithAnIntactChain(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let w = try await SeededWorld.create(in: store)
      let id = try await store.submit(
        Fixtures.newMessage(leader: w.secretary.id, category: w.noise.id), at: Fixtures.now
      ).message.id
      var t = Fixtures.now
      func step(_ command: Command, _ actor: Actor) async throws -> Message {
        t = t.addingTimeInterval(3600)
        return try await store.perform(command, on: id, by: actor, at: t)
      }
      var m = try await step(.assign(lead: w.housing.id, assisting: [w.market.id], instruction: "请核实"), w.dispatcher)
      #expect(m.status == .assigned)
      #expect(m.replyNeedsReview)  // taken from the unit, not from the command
      #expect(m.assistingUnitIDs == [w.market.id])
      #expect(try await store.message(id)?.assistingUnitIDs == [w.market.id])
      m = try await step(.accept(), w.housingHandler)
      let firstReplyDue = try #require(m.replyDue)
      m = try await step(.contribute(text: "已清理周边摊点"), w.marketHandler)
      m = try await step(.requestExtension(workingDays: 5, reason: "需要现场核查"), w.housingHandler)
      #expect(m.status == .extensionRequested)
      m = try await step(.approveExtension(workingDays: 5), w.dispatcher)
      #expect(m.status == .accepted)
      #expect(try #require(m.replyDue) > firstReplyDue)
      m = try await step(.reply(body: "初稿"), w.housingHandler)
      #expect(m.status == .reviewing)
      #expect(try await store.publishedReplies(of: id).isEmpty)
      m = try await step(.sendBackReply(comment: "请写明处理结果"), w.housingReviewer)
      m = try await step(.reply(body: "经核查，已责令工地停止夜间施工。"), w.housingHandler)
      m = try await step(.approveReply(), w.housingReviewer)
      #expect(m.status == .replied)
      #expect(try await store.publishedReplies(of: id).map(\.body) == ["经核查，已责令工地停止夜间施工。"])
      // 最新答复 lists a message while its answer stands, not while it is asked for or handled again.
      func amongLatestAnswers() async throws -> Bool {
        try await store.latestReplied(limit: 50).contains { $0.id == id }
      }
      #expect(try await amongLatestAnswers())
      m = try await step(.evaluate(Evaluation(resolution: 1, attitude: 3, speed: 3, comment: "夜里还在施工")), w.author)
      #expect(m.status == .reopenRequested)
      #expect(try await !amongLatestAnswers())
      m = try await step(.grantReopen(note: "请重新办理"), w.dispatcher)
      #expect(m.status == .accepted)
      #expect(try await !amongLatestAnswers())
      m = try await step(.reply(body: "已再次约谈并安排夜间巡查。"), w.housingHandler)
      m = try await step(.approveReply(), w.housingReviewer)
      #expect(try await amongLatestAnswers())
      m = try await step(.evaluate(Evaluation(resolution: 5, attitude: 5, speed: 4)), w.author)
      #expect(m.status == .closed)
      #expect(m.closure == .resolved)

      let stored = try #require(try await store.message(id))
      #expect(stored == m)
      let events = try await store.events(of: id)
      #expect(events.map(\.messageSequence) == Array(1...events.count))
      #expect(events.count == 15)
      #expect(events.last?.draft.to == .closed)
      #expect(
        events.filter { $0.draft.visibility == .public }.map(\.draft.action.description) == [
          "received", "assign", "accept", "approve_extension", "approve_reply", "evaluate", "grant_reopen",
          "approve_reply", "evaluate",
        ])
      #expect(try await store.publishedReplies(of: id).count == 2)
      let report = try await store.verifyAudit()
      #expect(report.isIntact)
      #expect(report.eventCount == 15)
    }
  }

  @Test(arguments: TestDatabase.available)
  func refusedAction_writesNothing(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let w = try await SeededWorld.create(in: store)
      let id = try await store.submit(Fixtures.newMessage(leader: w.secretary.id), at: Fixtures.now).message.id
      await #expect(throws: WorkflowError.notAllowed(action: .accept, from: .received, role: .handler)) {
        try await store.perform(.accept(), on: id, by: w.housingHandler, at: Fixtures.now)
      }
      await #expect(throws: ValidationError.self) {
        try await store.perform(.assign(lead: UUID()), on: id, by: w.dispatcher, at: Fixtures.now)
      }
      let other = Actor(role: .dispatcher, unitID: w.countyOffice.id, id: "county")
      await #expect(throws: WorkflowError.notYourUnit(action: .assign, role: .dispatcher)) {
        try await store.perform(.assign(lead: w.housing.id), on: id, by: other, at: Fixtures.now)
      }
      await #expect(throws: StoreError.notFound(.message)) {
        try await store.perform(.accept(), on: UUID(), by: w.housingHandler, at: Fixtures.now)
      }
      let message = try #require(try await store.message(id))
      #expect(message.version == 1)
      #expect(message.status == .received)
      #expect(try await store.events(of: id).count == 1)
    }
  }

  @Test(arguments: TestDatabase.available)
  func staleVersion_isAConflict(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let w = try await SeededWorld.create(in: store)
      let id = try await store.submit(Fixtures.newMessage(leader: w.secretary.id), at: Fixtures.now).message.id
      try await store.perform(
        .assign(lead: w.housing.id), on: id, by: w.dispatcher, at: Fixtures.now, expectedVersion: 1)
      await #expect(throws: StoreError.conflict(messageID: id, expectedVersion: 1, currentVersion: 2)) {
        try await store.perform(.note(text: "备注"), on: id, by: w.dispatcher, at: Fixtures.now, expectedVersion: 1)
      }
    }
  }

  @Test(arguments: TestDatabase.available)
  func fiftyConcurrentConflictingTransitions_exactlyOneWins_andTheChainVerifies(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let w = try await SeededWorld.create(in: store)
      let id = try await store.submit(Fixtures.newMessage(leader: w.secretary.id), at: Fixtures.now).message.id
      let units = [w.housing.id, w.market.id, w.education.id]
      let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
        for i in 0..<50 {
          group.addTask {
            do {
              try await store.perform(
                .assign(lead: units[i % 3], instruction: "并发交办 \(i)"), on: id, by: w.dispatcher,
                at: Fixtures.now, expectedVersion: 1)
              return "won"
            } catch let error as StoreError {
              if case .conflict = error { return "conflict" }
              throw error
            }
          }
        }
        var all: [String] = []
        for try await outcome in group { all.append(outcome) }
        return all
      }
      #expect(outcomes.filter { $0 == "won" }.count == 1)
      #expect(outcomes.filter { $0 == "conflict" }.count == 49)
      let message = try #require(try await store.message(id))
      #expect(message.version == 2)
      #expect(try await store.events(of: id).count == 2)
      let report = try await store.verifyAudit()
      #expect(report.isIntact)
      #expect(report.eventCount == 2)
    }
  }

  @Test(arguments: TestDatabase.available)
  func concurrentIntakeAndTransitions_onManyMessages_keepOneUnforkedChain(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let w = try await SeededWorld.create(in: store)
      let serials = try await withThrowingTaskGroup(of: String.self) { group in
        for i in 0..<30 {
          group.addTask {
            let id = try await store.submit(
              Fixtures.newMessage(title: "并发留言 \(i)", leader: w.secretary.id), at: Fixtures.now
            ).message.id
            try await store.perform(.assign(lead: w.housing.id), on: id, by: w.dispatcher, at: Fixtures.now)
            let m = try await store.perform(.accept(), on: id, by: w.housingHandler, at: Fixtures.now)
            return m.serial.description
          }
        }
        var all: [String] = []
        for try await serial in group { all.append(serial) }
        return all
      }
      #expect(Set(serials).count == 30)
      let report = try await store.verifyAudit()
      #expect(report.isIntact)
      #expect(report.eventCount == 90)
    }
  }

  @Test(arguments: TestDatabase.available)
  func mergeIntoAMergedMessage_goesToItsRoot_andMergedMessagesAreClosed(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let w = try await SeededWorld.create(in: store)
      let root = try await store.submit(Fixtures.newMessage(title: "社保卡异地办理", leader: w.secretary.id), at: Fixtures.now)
        .message.id
      let a = try await store.submit(Fixtures.newMessage(title: "社保卡办理难", leader: w.secretary.id), at: Fixtures.now)
        .message.id
      let b = try await store.submit(Fixtures.newMessage(title: "在外地如何办社保卡", leader: w.secretary.id), at: Fixtures.now)
        .message.id
      try await store.perform(.merge(into: root), on: a, by: w.dispatcher, at: Fixtures.now)
      let merged = try await store.perform(.merge(into: a), on: b, by: w.dispatcher, at: Fixtures.now)
      #expect(merged.mergedIntoID == root)
      #expect(merged.status == .closed)
      #expect(merged.closure == .merged)
      await #expect(throws: ValidationError.self) {
        try await store.perform(.merge(into: UUID()), on: root, by: w.dispatcher, at: Fixtures.now)
      }
    }
  }
}
