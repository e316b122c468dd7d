import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// 推送: every public event sealed into the chain reaches each webhook that takes its kind, once, from
/// the webhook's registration on, without the case's text or author; failed deliveries wait and are
/// retried for 24 hours, then given up.
@Suite struct WebhookTests {
  /// A sender that fails every delivery, counting them.
  final class Refusing: OutboxSender, @unchecked Sendable {
    var channel: String { "webhook" }
    var tries = 0
    func send(to recipient: String, body: String) async throws {
      tries += 1
      throw CancellationError()
    }
  }

  @Test func retries_waitLongerEachTime_andStopAfterADay() {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let first = OutboxRetry.next(channel: "webhook", attempts: 1, createdAt: start, now: start)
    #expect(first == start.addingTimeInterval(60))
    #expect(
      OutboxRetry.next(channel: "webhook", attempts: 4, createdAt: start, now: start) == start.addingTimeInterval(480))
    let capped = OutboxRetry.next(
      channel: "webhook", attempts: 12, createdAt: start, now: start.addingTimeInterval(3_600))
    #expect(capped == start.addingTimeInterval(3_600 + 4 * 3_600))
    #expect(
      OutboxRetry.next(channel: "webhook", attempts: 9, createdAt: start, now: start.addingTimeInterval(86_000)) == nil)
    #expect(OutboxRetry.next(channel: "sms", attempts: 2, createdAt: start, now: start) == start.addingTimeInterval(15))
    #expect(OutboxRetry.next(channel: "sms", attempts: 5, createdAt: start, now: start) == nil)
  }

  @Test(arguments: TestDatabase.available)
  func publicEvents_reachTheWebhooksThatTakeThem_once(db: TestDatabase) async throws {
    try await db.withStore { store in
      let world = try await SeededWorld.create(in: store)
      let now = Fixtures.now
      let before = try await store.submit(Fixtures.newMessage(title: "注册前的留言", leader: world.secretary.id), at: now)
      try await store.sealAllEvents()
      await #expect(throws: ValidationError.self) {
        try await store.createWebhook(url: "ftp://example.org/x", events: [], by: "admin", at: now)
      }
      await #expect(throws: ValidationError.self) {
        try await store.createWebhook(url: "https://example.org/x", events: ["nonsense"], by: "admin", at: now)
      }
      let later = now.addingTimeInterval(60)
      let (replies, secret) = try await store.createWebhook(
        url: "https://data.example.gov.cn/hooks/minsheng", events: ["accept", "reply"], by: "admin", at: later)
      #expect(secret.hasPrefix("whsec_") && secret.count == 70)
      let (everything, _) = try await store.createWebhook(
        url: "http://127.0.0.1:9/all", events: [], by: "admin", at: later)
      _ = before

      let id = try await store.submit(Fixtures.newMessage(title: "井盖缺失", leader: world.secretary.id), at: later)
        .message.id
      try await store.perform(.assign(lead: world.market.id), on: id, by: world.dispatcher, at: later)
      try await store.perform(.note(text: "内部备注"), on: id, by: world.dispatcher, at: later)
      try await store.perform(.accept(), on: id, by: world.marketHandler, at: later)
      try await store.perform(.reply(body: "已补装。"), on: id, by: world.marketHandler, at: later)
      try await store.sealAllEvents()

      // Two dispatchers at once (two instances): each delivery is queued once.
      async let first = store.dispatchWebhooks(at: later)
      async let second = store.dispatchWebhooks(at: later)
      let queued = try await first + second
      #expect(queued == 2 + 4)
      #expect(try await store.dispatchWebhooks(at: later) == 0)
      func bodies(_ hook: Webhook) async throws -> [[String: String]] {
        try await store.outbox(recipient: "webhook:" + hook.id.uuidString.lowercased(), limit: 50).reversed().map {
          try JSONDecoder().decode([String: String].self, from: Data($0.body.utf8))
        }
      }
      let serial = try #require(try await store.message(id)).serial.description
      // (Queued in the same moment, so compared as sets.)
      #expect(Set(try await bodies(replies).compactMap { $0["event"] }) == ["accept", "reply"])
      let all = try await bodies(everything)
      #expect(all.count == 4 && Set(all.compactMap { $0["event"] }) == ["received", "assign", "accept", "reply"])
      #expect(all.allSatisfy { $0["serial"] == serial && $0["message_id"] == id.uuidString.lowercased() })
      #expect(all.first { $0["event"] == "reply" }?["status"] == "replied")
      #expect(all.allSatisfy { Set($0.keys) == ["event", "event_id", "message_id", "serial", "status", "at"] })
      let raw = try await store.outbox(limit: 50).filter { $0.channel == "webhook" }.map(\.body).joined()
      #expect(!raw.contains("井盖") && !raw.contains("13800138000") && !raw.contains("内部备注"))

      // A refused delivery waits a minute, then is tried again; after a day it is given up.
      let refusing = Refusing()
      try await store.deliverOutbox(using: [refusing], at: later)
      #expect(refusing.tries == 6)
      try await store.deliverOutbox(using: [refusing], at: later.addingTimeInterval(30))
      #expect(refusing.tries == 6)
      try await store.deliverOutbox(using: [refusing], at: later.addingTimeInterval(61))
      #expect(refusing.tries == 12)
      try await store.deliverOutbox(using: [refusing], at: later.addingTimeInterval(86_200))
      #expect(refusing.tries == 18)
      let status = try await store.webhookStatus(everything.id)
      #expect(status.failed == 4 && status.delivered == 0 && status.lastError != nil)

      try await store.deleteWebhook(replies.id, by: "admin", at: later)
      #expect(try await store.webhooks().map(\.id) == [everything.id])
    }
  }
}
