import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import MinshengText
import Testing

@testable import MinshengServer

@Suite struct TopicsCommandTests {
  @Test(arguments: TestDatabase.available)
  func thePlatformsMessagesOfAPeriod_formTopics(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let texts = [
        ("幸福里工地夜间施工噪音", "幸福里小区旁工地夜间施工噪音扰民，晚上十一点后还在打桩。"),
        ("夜间施工噪音扰民", "幸福里小区东侧工地夜间施工噪音很大，打桩声音吵得睡不着。"),
        ("工地夜间打桩噪音", "幸福里工地每天夜间打桩施工，噪音扰民，请查处夜间施工。"),
        ("医保报销咨询", "请问异地就医医保报销需要哪些材料？"),
        ("路灯坏了", "人民路的路灯坏了一个月，晚上很黑，请尽快维修。"),
        ("学区划分", "实验小学学区划分不合理，孩子入学要跨区。"),
        ("物业乱收费", "小区物业乱收停车费，业主很有意见。"),
      ]
      for (title, body) in texts {
        var input = Fixtures.newMessage(title: title, leader: world.secretary.id)
        input.body = body
        _ = try await store.submit(input, at: Fixtures.now)
      }
      let messages = try await TopicsCommand.fromStore(
        store, from: Fixtures.now.addingTimeInterval(-86_400), before: Fixtures.now.addingTimeInterval(86_400))
      #expect(messages.count == 7)
      let earlier = try await TopicsCommand.fromStore(
        store, from: Fixtures.now.addingTimeInterval(-2 * 86_400), before: Fixtures.now.addingTimeInterval(-86_400))
      #expect(earlier.isEmpty)
      let topics = TopicFinder().topics(current: messages, previous: earlier)
      #expect(topics.count == 1)
      #expect(topics.first?.size == 3)
    }
  }

  /// The supervision board never waits for a recomputation: the first request waits at most
  /// `firstWait` (here not at all, so the board says the topics are being counted); later, a result
  /// past its lifetime is shown while the new one is computed once in the background.
  @Test(arguments: TestDatabase.available)
  func theBoardsTopics_areRecomputedInTheBackground_andNeverWaitedFor(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      func submit(_ title: String, _ body: String) async throws {
        var input = Fixtures.newMessage(title: title, leader: world.secretary.id)
        input.body = body
        _ = try await store.submit(input, at: Fixtures.now)
      }
      try await submit("幸福里工地夜间施工噪音", "幸福里小区旁工地夜间施工噪音扰民，晚上十一点后还在打桩。")
      try await submit("夜间施工噪音扰民", "幸福里小区东侧工地夜间施工噪音很大，打桩声音吵得睡不着。")
      try await submit("医保报销咨询", "请问异地就医医保报销需要哪些材料？")

      let cache = TopicsCache(lifetime: 300, firstWait: .zero)
      let now = Fixtures.now.addingTimeInterval(60)
      #expect(await cache.topics(store: store, now: now) == nil)
      func settled(at time: Date, where done: ([Topic]) -> Bool) async throws -> [Topic] {
        for _ in 0..<500 {
          if let found = await cache.topics(store: store, now: time), done(found) { return found }
          try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the topics were not computed within 10 s")
        return []
      }
      let first = try await settled(at: now) { _ in true }
      #expect(first.map(\.size) == [2])

      // A third message on the same matter: within the lifetime the kept result is shown as it is.
      try await submit("工地夜间打桩噪音", "幸福里工地每天夜间打桩施工，噪音扰民，请查处夜间施工。")
      #expect(await cache.topics(store: store, now: now.addingTimeInterval(200))?.map(\.size) == [2])
      // Past it, the old result is answered at once and the new one follows.
      let later = now.addingTimeInterval(301)
      #expect(await cache.topics(store: store, now: later)?.map(\.size) == [2])
      let second = try await settled(at: later) { $0.map(\.size) == [3] }
      #expect(second.first?.size == 3)
    }
  }
}
