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
}
