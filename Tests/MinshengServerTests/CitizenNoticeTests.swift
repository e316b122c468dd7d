import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@testable import MinshengServer

/// 答复提醒: the author learns by SMS that a reply is public — once per reply the public can read, only
/// at a number the author proved, naming the serial and not the matter.
@Suite struct CitizenNoticeTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func theAuthorIsTextedWhenAReplyBecomesPublic_onlyAtAProvedMobile(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (store, world, now) = (site.store, site.world, site.clock.now)
      func texts(_ id: UUID) async throws -> [OutboxMessage] {
        try await store.outbox(limit: 100).filter { $0.channel == "sms" && $0.messageID == id }
      }
      // 住建委 reviews its replies: nothing while the draft waits, one text when it is approved.
      let id = try await housingCase(site, "小区电梯停运一周")
      try await store.perform(.reply(body: "已督促物业修复。"), on: id, by: world.housingHandler, at: now)
      #expect(try await texts(id).isEmpty)
      try await store.perform(.approveReply(), on: id, by: world.housingReviewer, at: now)
      let sent = try await texts(id)
      let serial = try #require(try await store.message(id)).serial.description
      #expect(sent.count == 1 && sent[0].recipient == "13800138000")
      #expect(sent[0].body.contains(serial) && !sent[0].body.contains("电梯"))
      // An answer at intake texts too; a number nobody proved, or a landline, is never texted.
      let direct = try await store.submit(Fixtures.newMessage(title: "咨询", leader: world.secretary.id), at: now)
        .message.id
      try await store.perform(.answerDirectly(body: "已当场答复。"), on: direct, by: world.dispatcher, at: now)
      #expect(try await texts(direct).count == 1)
      var unproved = Fixtures.newMessage(title: "未验证的号码", leader: world.secretary.id)
      unproved.phoneVerified = false
      let quiet = try await store.submit(unproved, at: now).message.id
      try await store.perform(.answerDirectly(body: "已当场答复。"), on: quiet, by: world.dispatcher, at: now)
      #expect(try await texts(quiet).isEmpty)
      var landline = Fixtures.newMessage(title: "座机", leader: world.secretary.id)
      landline.contact.phone = "023-6388 1234"
      let fixed = try await store.submit(landline, at: now).message.id
      try await store.perform(.answerDirectly(body: "已当场答复。"), on: fixed, by: world.dispatcher, at: now)
      #expect(try await texts(fixed).isEmpty)
    }
  }
}
