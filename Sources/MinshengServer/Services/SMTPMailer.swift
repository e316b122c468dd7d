import Foundation
import MinshengCore
import NIOCore
import NIOPosix
import NIOSSL

/// A plain-text mail sender over SMTP: `smtp://` (an intranet relay, port 25 by default) or
/// `smtps://` (TLS from the first byte, port 465 by default), with AUTH PLAIN when the address names a
/// user. UTF-8 subject and body (RFC 2047 and base64), one message to all recipients.
///
/// Configured as `MINSHENG_SMTP_URL=smtps://user:password@mail.example.gov.cn:465?from=noreply@example.gov.cn`.
struct SMTPMailer: Sendable {
  var host: String
  var port: Int
  var tls: Bool
  var username: String?
  var password: String?
  var from: String
  /// The name this host gives in EHLO.
  var clientName = "minsheng"
  /// The longest a whole conversation may take.
  var timeout: Duration = .seconds(30)

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// The mailer for an `smtp://` or `smtps://` address; nil (with the reason) for anything else.
  static func parse(_ text: String) -> Result<SMTPMailer, Failure> {
    guard let url = URLComponents(string: text), let scheme = url.scheme, ["smtp", "smtps"].contains(scheme),
      let host = url.host, !host.isEmpty
    else { return .failure(Failure(description: "MINSHENG_SMTP_URL: " + say("config_smtp_url"))) }
    guard let from = url.queryItems?.first(where: { $0.name == "from" })?.value, from.contains("@") else {
      return .failure(Failure(description: "MINSHENG_SMTP_URL: " + say("config_smtp_from")))
    }
    let tls = scheme == "smtps"
    return .success(
      SMTPMailer(
        host: host, port: url.port ?? (tls ? 465 : 25), tls: tls,
        username: url.percentEncodedUser?.removingPercentEncoding,
        password: url.percentEncodedPassword?.removingPercentEncoding, from: from))
  }

  /// Sends one message; throws when the server refuses any step (nothing is sent then).
  func send(to recipients: [String], subject: String, body: String, at now: Date = Date()) async throws {
    guard !recipients.isEmpty else { return }
    for address in [from] + recipients where address.contains(where: { "\r\n<>".contains($0) }) {
      throw Failure(description: say("smtp_bad_address", ["address": .plain(address)]))
    }
    let message = Self.compose(from: from, to: recipients, subject: subject, body: body, at: now)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await self.converse(recipients: recipients, message: message) }
      group.addTask {
        try await Task.sleep(for: self.timeout)
        throw Failure(description: say("smtp_timeout", ["server": .plain("\(self.host):\(self.port)")]))
      }
      try await group.next()
      group.cancelAll()
    }
  }

  private func converse(recipients: [String], message: String) async throws {
    let (host, tls) = (self.host, self.tls)
    let sslContext = tls ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connectTimeout(.seconds(10))
      .connect(host: host, port: port) { channel in
        channel.eventLoop.makeCompletedFuture {
          if let sslContext {
            try channel.pipeline.syncOperations.addHandler(
              try NIOSSLClientHandler(context: sslContext, serverHostname: host))
          }
          return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
      }
    try await channel.executeThenClose { inbound, outbound in
      var replies = SMTPReplies(inbound.makeAsyncIterator())
      func expect(_ codes: Set<Int>, after command: String?) async throws {
        if let command { try await outbound.write(ByteBuffer(string: command + "\r\n")) }
        let (code, text) = try await replies.next()
        guard codes.contains(code) else {
          let step = command.map { String($0.prefix { $0 != " " && $0 != ":" }) } ?? say("smtp_step_connect")
          throw Failure(
            description: say("smtp_refused", ["step": .plain(step), "code": .plain("\(code)"), "text": .plain(text)]))
        }
      }
      try await expect([220], after: nil)
      try await expect([250], after: "EHLO " + clientName)
      if let username, let password {
        let token = Data("\u{0}\(username)\u{0}\(password)".utf8).base64EncodedString()
        try await expect([235], after: "AUTH PLAIN " + token)
      }
      try await expect([250], after: "MAIL FROM:<\(from)>")
      for recipient in recipients { try await expect([250, 251], after: "RCPT TO:<\(recipient)>") }
      try await expect([354], after: "DATA")
      try await expect([250], after: message + "\r\n.")
      // The message is accepted; a server that hangs up before answering QUIT changes nothing.
      try? await expect([221], after: "QUIT")
    }
  }

  /// The message: headers, then the body in base64 lines (no line can start with a dot).
  static func compose(from: String, to: [String], subject: String, body: String, at now: Date) -> String {
    let date = DateFormatter()
    date.locale = Locale(identifier: "en_US_POSIX")
    date.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
    date.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
    let encodedSubject = "=?UTF-8?B?" + Data(subject.utf8).base64EncodedString() + "?="
    let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
    let text = Data(body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
      .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    return [
      "From: <\(from)>", "To: " + to.map { "<\($0)>" }.joined(separator: ", "), "Subject: " + encodedSubject,
      "Date: " + date.string(from: now), "Message-ID: <\(UUID().uuidString.lowercased())@\(domain)>",
      "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", text,
    ].joined(separator: "\r\n")
  }
}

/// SMTP replies read from the connection: a reply is one or more lines `250-…` ending with `250 …`.
struct SMTPReplies {
  var source: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
  var pending = ""

  init(_ source: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
    self.source = source
  }

  mutating func next() async throws -> (code: Int, text: String) {
    var text: [String] = []
    while true {
      let line = try await nextLine()
      guard line.count >= 3, let code = Int(line.prefix(3)) else {
        throw SMTPMailer.Failure(description: say("smtp_unreadable_reply", ["line": .plain(String(line.prefix(80)))]))
      }
      text.append(String(line.dropFirst(4)))
      if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " {
        return (code, text.joined(separator: " "))
      }
    }
  }

  private mutating func nextLine() async throws -> String {
    while true {
      if let end = pending.range(of: "\r\n") {
        let line = String(pending[..<end.lowerBound])
        pending.removeSubrange(..<end.upperBound)
        return line
      }
      guard pending.utf8.count < 64 * 1024, let buffer = try await source.next() else {
        throw SMTPMailer.Failure(description: say("smtp_closed"))
      }
      pending += String(buffer: buffer)
    }
  }
}
