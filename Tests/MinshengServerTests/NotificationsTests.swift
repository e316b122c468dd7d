import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import NIOCore
import NIOPosix
import Synchronization
import Testing
import VaporTesting

@testable import MinshengServer

/// A scripted SMTP server on 127.0.0.1 that records every line it is sent, for one conversation.
final class FakeSMTPServer: Sendable {
  let lines = Mutex<[String]>([])
  let refuseRecipients: Bool
  private let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
  let port: Int

  init(refuseRecipients: Bool = false) async throws {
    self.refuseRecipients = refuseRecipients
    server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .bind(host: "127.0.0.1", port: 0) { child in
        child.eventLoop.makeCompletedFuture {
          try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
        }
      }
    port = server.channel.localAddress?.port ?? 0
  }

  /// Serves one connection, then closes.
  func serveOnce() async throws {
    try await server.executeThenClose { connections in
      for try await connection in connections {
        try await converse(connection)
        break
      }
    }
  }

  private func converse(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
    try await connection.executeThenClose { input, output in
      func say(_ text: String) async throws { try await output.write(ByteBuffer(string: text + "\r\n")) }
      try await say("220 fake.example ESMTP")
      var pending = ""
      var inData = false
      for try await chunk in input {
        pending += String(buffer: chunk)
        while let end = pending.range(of: "\r\n") {
          let line = String(pending[..<end.lowerBound])
          pending.removeSubrange(..<end.upperBound)
          lines.withLock { $0.append(line) }
          if inData {
            if line == "." {
              inData = false
              try await say("250 queued")
            }
            continue
          }
          switch line.prefix(4).uppercased() {
          case "EHLO": try await say("250-fake.example\r\n250 AUTH PLAIN")
          case "AUTH": try await say("235 authenticated")
          case "MAIL": try await say("250 sender ok")
          case "RCPT": try await say(refuseRecipients ? "550 no such mailbox" : "250 recipient ok")
          case "DATA":
            inData = true
            try await say("354 end with .")
          case "QUIT":
            try? await say("221 bye")
            return
          default: try await say("500 unknown command")
          }
        }
      }
    }
  }

  /// The body of the message received, decoded from base64.
  var receivedBody: String {
    let all = lines.withLock { $0 }
    guard let start = all.firstIndex(of: "Content-Transfer-Encoding: base64"), let end = all.lastIndex(of: ".") else {
      return ""
    }
    let text = all[(start + 2)..<end].joined()
    return Data(base64Encoded: text).map { String(decoding: $0, as: UTF8.self) } ?? ""
  }
}

@Suite struct NotificationsTests: SiteTesting {
  @Test func smtp_sendsOneMessageToEveryRecipient_withAuthAndUTF8() async throws {
    let server = try await FakeSMTPServer()
    let serving = Task { try await server.serveOnce() }
    let mailer = try SMTPMailer.parse(
      "smtp://notice%40example.gov.cn:p%40ss@127.0.0.1:\(server.port)?from=noreply@example.gov.cn"
    )
    .get()
    try await mailer.send(
      to: ["zjw@example.gov.cn", "leader@example.gov.cn"], subject: "民生之声：督办通知",
      body: "留言 2026-000123 已超期，请即办理。\n.开头的行也不会被截断")
    try await serving.value
    let lines = server.lines.withLock { $0 }
    #expect(lines.first == "EHLO minsheng")
    #expect(lines.contains("AUTH PLAIN " + Data("\u{0}notice@example.gov.cn\u{0}p@ss".utf8).base64EncodedString()))
    #expect(lines.contains("MAIL FROM:<noreply@example.gov.cn>"))
    #expect(
      lines.filter { $0.hasPrefix("RCPT TO:") } == ["RCPT TO:<zjw@example.gov.cn>", "RCPT TO:<leader@example.gov.cn>"])
    #expect(lines.contains("Subject: =?UTF-8?B?" + Data("民生之声：督办通知".utf8).base64EncodedString() + "?="))
    #expect(lines.contains("Content-Type: text/plain; charset=utf-8"))
    #expect(server.receivedBody == "留言 2026-000123 已超期，请即办理。\r\n.开头的行也不会被截断")
    #expect(lines.last == "QUIT")
  }

  @Test func smtp_aRefusedRecipient_isAnError_namingTheStep() async throws {
    let server = try await FakeSMTPServer(refuseRecipients: true)
    let serving = Task { try await server.serveOnce() }
    let mailer = try SMTPMailer.parse("smtp://127.0.0.1:\(server.port)?from=noreply@example.gov.cn").get()
    await #expect {
      try await mailer.send(to: ["nobody@example.gov.cn"], subject: "x", body: "y")
    } throws: { error in
      String(describing: error).contains("RCPT") && String(describing: error).contains("550")
    }
    _ = try? await serving.value
    #expect(!server.lines.withLock { $0 }.contains("DATA"), "nothing was sent")
    // Bad addresses are refused before any connection.
    if case .success = SMTPMailer.parse("smtp://mail.example.gov.cn") { Issue.record("a sender address is required") }
    if case .success = SMTPMailer.parse("http://mail.example.gov.cn?from=a@b.cn") { Issue.record("smtp or smtps only") }
    #expect(try SMTPMailer.parse("smtps://mail.example.gov.cn?from=a@b.cn").get().port == 465)
  }

  /// 督办 goes to the unit and, as a copy, to each of its leaders; 催办 only to the unit. The leader
  /// reads the notice and the unit's cases on the workbench but can take no workflow step; with SMTP
  /// configured, each notice is mailed to the addresses of those it is for.
  @Test(arguments: TestDatabase.available)
  func supervisionNotices_areCopiedToTheUnitsLeaders_andMailed(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      try await store.createStaffAccount(
        username: "zjw.leader", passwordHash: try sitePasswords.hash(sitePassword), role: .leader,
        unitID: world.housing.id, at: Fixtures.now)
      try await store.setEmail(
        username: "zjw.leader", email: "leader@zjw.example.gov.cn", by: "admin", at: Fixtures.now)
      try await store.setEmail(
        username: "zjw.handler", email: "handler@zjw.example.gov.cn", by: "admin", at: Fixtures.now)
      let id = try await store.submit(Fixtures.newMessage(title: "逾期未签收", leader: world.secretary.id), at: Fixtures.now)
        .message.id
      let assigned = try await store.perform(
        .assign(lead: world.housing.id), on: id, by: world.dispatcher, at: Fixtures.now)
      let due = try #require(assigned.acceptanceDue)
      let schedule = try SupervisionSchedule.bundledDefault()
      _ = try await store.runScheduledJobs(schedule: schedule, holder: "a", at: due.addingTimeInterval(-3_600))
      _ = try await store.runScheduledJobs(schedule: schedule, holder: "a", at: due.addingTimeInterval(25 * 3_600))
      let outbox = try await store.outbox(limit: 20).filter { $0.channel == "staff" }
      #expect(outbox.filter { $0.recipient == "unit:ZJW" }.count == 2, "催办 and 督办 to the unit")
      let copies = outbox.filter { $0.recipient == "user:zjw.leader" }
      #expect(copies.count == 1 && copies[0].body.hasPrefix("【抄送】"), "only 督办 is copied to the leader")

      // The leader's workbench: the case, the notice, and no action.
      let (formCookie, token) = try await formToken(app, "/staff/login")
      let login = try await post(
        app, "/staff/login", [("username", "zjw.leader"), ("password", sitePassword), ("_csrf", token)],
        cookies: formCookie)
      let cookies = formCookie + "; " + (try #require(Self.cookie("minsheng_session", in: login.2)))
      let inbox = try await get(app, "/staff/inbox", cookies: cookies)
      #expect(inbox.0 == .ok)
      #expect(inbox.1.contains("逾期未签收"))
      #expect(inbox.1.contains(#"id="notices""#) && inbox.1.contains("【抄送】"))
      let page = try await get(app, "/staff/messages/\(id.uuidString.lowercased())", cookies: cookies)
      #expect(page.0 == .ok)
      #expect(!page.1.contains(#"class="form-card action""#), "no action forms for a leader")
      #expect(try await get(app, "/staff/pool", cookies: cookies).0 == .forbidden)

      // Mailed through SMTP: the unit's notices to the handler and the leader, the copy to the leader.
      var received: [[String]] = []
      for message in outbox.sorted(by: { $0.createdAt < $1.createdAt }) {
        let server = try await FakeSMTPServer()
        let serving = Task { try await server.serveOnce() }
        let sender = StaffMailSender(
          store: store,
          mailer: try SMTPMailer.parse("smtp://127.0.0.1:\(server.port)?from=noreply@example.gov.cn").get(),
          logger: app.logger)
        try await sender.send(to: message.recipient, body: message.body)
        try await serving.value
        received.append(server.lines.withLock { $0 }.filter { $0.hasPrefix("RCPT TO:") })
      }
      #expect(received.contains(["RCPT TO:<handler@zjw.example.gov.cn>", "RCPT TO:<leader@zjw.example.gov.cn>"]))
      #expect(received.contains(["RCPT TO:<leader@zjw.example.gov.cn>"]))
      // Nobody with an address: nothing to mail, and not an error.
      let silent = StaffMailSender(
        store: store, mailer: try SMTPMailer.parse("smtp://127.0.0.1:1?from=noreply@example.gov.cn").get(),
        logger: app.logger)
      try await silent.send(to: "unit:SCJG", body: "无人接收")
      #expect(try await store.emailAddresses(forStaffRecipient: "unit:SCJG").isEmpty)
      await #expect(throws: ValidationError.self) {
        try await store.setEmail(username: "zjw.handler", email: "not an address", by: "admin", at: Fixtures.now)
      }
    }
  }

  @Test func smsGateway_postsJSONWithTheToken_andAFailureIsAnError() async throws {
    let received = Mutex<[(String, String, String)]>([])
    let gateway = try await Application.make(.testing)
    gateway.http.server.configuration.hostname = "127.0.0.1"
    gateway.http.server.configuration.port = 0
    gateway.post("sms") { request async throws -> HTTPStatus in
      let payload = try request.content.decode(HTTPSMSSender.Payload.self)
      received.withLock { $0.append((request.headers.bearerAuthorization?.token ?? "", payload.to, payload.text)) }
      return payload.to == "13900000000" ? .serviceUnavailable : .ok
    }
    try gateway.server.start()
    do {
      let port = try #require(gateway.http.server.shared.localAddress?.port)
      let sender = HTTPSMSSender(
        gateway: .init(url: "http://127.0.0.1:\(port)/sms", token: "secret-token"), client: gateway.client)
      try await sender.send(to: "13800138000", body: "【民生之声】您的验证码是 123456")
      #expect(
        received.withLock { $0 }.first.map { [$0.0, $0.1, $0.2] } == [
          "secret-token", "13800138000", "【民生之声】您的验证码是 123456",
        ])
      await #expect(throws: HTTPSMSSender.Refused.self) {
        try await sender.send(to: "13900000000", body: "x")
      }
    } catch {
      await gateway.server.shutdown()
      try await gateway.asyncShutdown()
      throw error
    }
    await gateway.server.shutdown()
    try await gateway.asyncShutdown()
  }
}
