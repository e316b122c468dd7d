import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// The roll-ups behind the public figures and the counts by status: always the same as counting the
/// messages themselves, across blocks of serial numbers and after changes to old messages.
@Suite struct RollupTests {
  /// What counting every message gives: messages by status, and the board's received, countable
  /// and replied messages.
  static func counted(_ messages: [Message], replied: Set<UUID>) -> (statuses: [Status: Int], figures: [Int]) {
    var statuses: [Status: Int] = [:]
    for message in messages { statuses[message.status, default: 0] += 1 }
    let countable = messages.filter { $0.closure != .merged && $0.closure != .invalid }.count
    return (statuses, [messages.count, countable, replied.count])
  }

  @Test(arguments: TestDatabase.available)
  func sums_matchTheMessages_acrossBlocks_andAfterChanges(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let at = Fixtures.now
      // 1,100 messages: two blocks of serial numbers. Every tenth is replied, every seventh invalid.
      var cases: [CaseToLoad] = []
      for index in 0..<1_100 {
        var steps: [CaseToLoad.Step] = []
        if index % 7 == 3 {
          steps = [.init(.markInvalid(reason: "与政务无关"), by: world.dispatcher, at: at.addingTimeInterval(60))]
        } else if index % 10 == 0 {
          steps = [
            .init(.assign(lead: world.market.id), by: world.dispatcher, at: at.addingTimeInterval(3_600)),
            .init(.accept(), by: world.marketHandler, at: at.addingTimeInterval(7_200)),
            .init(.reply(body: "已处理。"), by: world.marketHandler, at: at.addingTimeInterval(Double(index) * 36)),
          ]
        }
        cases.append(
          CaseToLoad(
            Fixtures.newMessage(title: "留言 \(index)", leader: world.secretary.id), receivedAt: at, steps: steps))
      }
      var messages = try await store.load(cases)
      let replied = Set(messages.filter { $0.status == .replied }.map(\.id))
      let year = messages[0].serial.year
      var expected = Self.counted(messages, replied: replied)
      #expect(try await store.countByStatus() == expected.statuses)
      var figures = try #require(try await store.figures(year: year, by: .leader)[world.secretary.id])
      #expect([figures.received, figures.countable, figures.replied] == expected.figures)
      // The reply of message `index` took index × 36 s after its receipt, a whole tenth of an hour:
      // the median is exact.
      let hours = messages.filter { replied.contains($0.id) }.map { Double($0.serial.number - 1) / 100 }.sorted()
      let middle = hours.count / 2
      #expect(
        figures.medianHoursToReply == (hours.count % 2 == 1 ? hours[middle] : (hours[middle - 1] + hours[middle]) / 2))
      #expect(try await store.figures(year: year, by: .leadUnit)[world.market.id]?.replied == replied.count)
      #expect(try await store.rollupBacklog() == 0)

      // A change to the first message (the first block) and intake into the second block.
      messages[0] = try await store.perform(
        .evaluate(Evaluation(resolution: 5, attitude: 5, speed: 5)), on: messages[0].id, by: world.author,
        at: at.addingTimeInterval(86_400))
      let late = try await store.submit(Fixtures.newMessage(leader: world.secretary.id), at: at)
      messages.append(late.message)
      messages[1] = try await store.perform(
        .assign(lead: world.market.id), on: messages[1].id, by: world.dispatcher, at: at.addingTimeInterval(60))
      #expect(try await store.rollupBacklog() > 0)
      expected = Self.counted(messages, replied: replied)
      #expect(try await store.countByStatus() == expected.statuses)
      figures = try #require(try await store.figures(year: year, by: .leader)[world.secretary.id])
      #expect([figures.received, figures.countable, figures.replied] == expected.figures)
      #expect(figures.evaluations == 1 && figures.satisfied == 1)
      // The whole public list's count comes from the roll-ups too.
      let shown = messages.filter { $0.isPublic && $0.publication == .published }.count
      #expect(try await store.publicMessageCount(matching: MessageFilter()) == shown && shown > 1_000)
      #expect(try await store.figures(year: year, by: .leadUnit)[world.market.id]?.evaluations == 1)
    }
  }

  /// 一次解决率 by month from the roll-ups is the exact count: hotline and mailbox messages received
  /// in the month (Beijing time), and those answered directly; web messages and last month's do not
  /// count, and answering an old message directly moves its own month only.
  @Test(arguments: TestDatabase.available)
  func firstContactByMonth_matchesTheCount(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let now = Fixtures.now
      let lastMonth = now.addingTimeInterval(-35 * 86_400)
      var cases: [CaseToLoad] = []
      for index in 0..<24 {
        var new = Fixtures.newMessage(title: "来电 \(index)", leader: world.secretary.id)
        new.channel = [Channel.hotline, .mailbox, .web][index % 3]
        let steps: [CaseToLoad.Step] =
          index % 4 == 0
          ? [.init(.answerDirectly(body: "已当场答复。"), by: world.dispatcher, at: now.addingTimeInterval(60))] : []
        cases.append(CaseToLoad(new, receivedAt: index < 6 ? lastMonth : now, steps: steps))
      }
      let messages = try await store.load(cases)
      var calendar = Calendar(identifier: .gregorian)
      calendar.timeZone = try #require(TimeZone(secondsFromGMT: 28_800))
      func exact(_ date: Date) async throws -> FirstContactResolution {
        let start = try #require(calendar.date(from: calendar.dateComponents([.year, .month], from: date)))
        let end = try #require(calendar.date(byAdding: .month, value: 1, to: start))
        return try await store.firstContactResolution(from: start, before: end)
      }
      for month in [now, lastMonth] {
        #expect(try await store.firstContactResolution(monthOf: month) == (try await exact(month)))
      }
      #expect(try await store.firstContactResolution(monthOf: now).received == 12)
      // Answering last month's waiting hotline message now counts in last month.
      let waiting = try #require(
        messages.first { $0.channel == .hotline && $0.status == .received && $0.createdAt < now })
      _ = try await store.perform(.answerDirectly(body: "补充答复。"), on: waiting.id, by: world.dispatcher, at: now)
      #expect(try await store.firstContactResolution(monthOf: lastMonth) == (try await exact(lastMonth)))
      #expect(try await store.firstContactResolution(monthOf: now) == (try await exact(now)))
    }
  }
}
