import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@testable import MinshengServer

/// 办理提醒: the author learns by SMS (at a number the author proved) and by e-mail (at an address the
/// author gave) that the message was taken up, answered, reopened, merged or closed — once per event,
/// naming the serial and not the matter — unless the author turned the notices off in 我的留言.
@Suite struct CitizenNoticeTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func theAuthorIsTextedWhenAReplyBecomesPublic_onlyAtAProvedMobile(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (store, world, now) = (site.store, site.world, site.clock.now)
      func texts(_ id: UUID) async throws -> [OutboxMessage] {
        try await store.outbox(limit: 100).filter { $0.channel == "sms" && $0.messageID == id }
      }
      // 住建委 takes it up (one text naming the unit); it reviews its replies: nothing while the draft
      // waits, one text when it is approved.
      let id = try await housingCase(site, "小区电梯停运一周")
      #expect(try await texts(id).map(\.body).first?.contains("已由市住建委受理") == true)
      try await store.perform(.reply(body: "已督促物业修复。"), on: id, by: world.housingHandler, at: now)
      #expect(try await texts(id).count == 1)
      try await store.perform(.approveReply(), on: id, by: world.housingReviewer, at: now)
      let sent = try await texts(id).filter { $0.body.contains("已有答复") }
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

  @Test(arguments: TestDatabase.available)
  func everyStepReachesTheAuthorByTextAndEmail_untilTheyTurnNoticesOff(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world, now) = (site.app, site.store, site.world, site.clock.now)
      func notices(_ id: UUID, _ channel: String) async throws -> [String] {
        try await store.outbox(limit: 200).filter { $0.channel == channel && $0.messageID == id }.map(\.body)
      }
      var written = Fixtures.newMessage(title: "井盖缺失", leader: world.secretary.id)
      written.contact.email = "gu@example.org"
      let id = try await store.submit(written, at: now).message.id
      try await store.perform(.assign(lead: world.market.id), on: id, by: world.dispatcher, at: now)
      try await store.perform(.accept(), on: id, by: world.marketHandler, at: now)
      try await store.perform(.reply(body: "已补装井盖。"), on: id, by: world.marketHandler, at: now)
      try await store.perform(
        .evaluate(Evaluation(resolution: 1, attitude: 3, speed: 2, comment: "没有补装")), on: id, by: world.author, at: now)
      try await store.perform(.grantReopen(note: "请重新核实"), on: id, by: world.dispatcher, at: now)
      let texts = try await notices(id, "sms")
      #expect(texts.count == 3 && texts[0].contains("已由市市场监管局受理") && texts[1].contains("已有答复"))
      #expect(texts[2].contains("已重新交办") && !texts.joined().contains("井盖"))
      let mails = try await notices(id, "email")
      #expect(mails.count == 3 && mails[0].hasPrefix("民生之声：您的留言 ") && mails[0].contains(" 已受理\n\n"))
      #expect(try await store.outbox(limit: 200).filter { $0.messageID == id }.allSatisfy { $0.recipient != "gu" })

      // A merge tells the author of the merged message; turning notices off in 我的留言 stops them.
      let other = try await store.submit(Fixtures.newMessage(title: "井盖缺失二", leader: world.secretary.id), at: now)
      try await store.perform(.merge(into: id), on: other.message.id, by: world.dispatcher, at: now)
      #expect(try await notices(other.message.id, "sms").first?.contains("合并办理") == true)

      let account = try await formToken(app, "/account")
      let session = try await store.openCitizenSession(phone: "13800138000", at: now)
      let cookies = account.cookie + "; minsheng_citizen=" + session
      #expect(try await get(app, "/account", cookies: cookies).1.contains("办理提醒：开启"))
      let (status, page, _) = try await post(
        app, "/account/notices", [("_csrf", account.token), ("off", "1")], cookies: cookies)
      #expect(status == .ok && page.contains("已关闭办理提醒") && page.contains("办理提醒：已关闭"))
      #expect(try await post(app, "/account/notices", [("off", "1")], cookies: cookies).0 == .forbidden)
      let quiet = try await store.submit(Fixtures.newMessage(title: "路灯", leader: world.secretary.id), at: now)
      try await store.perform(.answerDirectly(body: "已当场答复。"), on: quiet.message.id, by: world.dispatcher, at: now)
      #expect(try await notices(quiet.message.id, "sms").isEmpty)
      try await post(app, "/account/notices", [("_csrf", account.token), ("off", "0")], cookies: cookies)
      #expect(try await store.noticesOff(phone: "13800138000") == false)
    }
  }
}
