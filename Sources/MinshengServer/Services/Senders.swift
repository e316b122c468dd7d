import Foundation
import Logging
import MinshengCore
import MinshengStore
import Vapor

/// The senders `serve` gives the outbox: SMS through the configured gateway, staff notices by
/// e-mail through the configured SMTP server — and, where nothing is configured, the log (so that in
/// development the one-time codes and notices can be read there).
enum Senders {
  static func configured(
    _ configuration: Configuration, store: Store, client: any Client, logger: Logger
  ) -> [any OutboxSender] {
    if configuration.smsGateway == nil {
      logger.warning(
        "one-time codes are written to this log, not sent: set MINSHENG_SMS_GATEWAY_URL before citizens use the site")
    }
    let sms: any OutboxSender =
      configuration.smsGateway.map { HTTPSMSSender(gateway: $0, client: client) } ?? LogSMSSender(logger: logger)
    let staff: any OutboxSender =
      configuration.smtp.map { StaffMailSender(store: store, mailer: $0, logger: logger) }
      ?? LogStaffSender(logger: logger)
    let citizenMail: any OutboxSender =
      configuration.smtp.map { CitizenMailSender(mailer: $0) } ?? LogCitizenMailSender(logger: logger)
    return [sms, staff, citizenMail, WebhookSender(store: store, client: client, logger: logger)]
  }
}

/// 办理提醒 by e-mail to an author who gave an address: the notice's first line is the subject.
struct CitizenMailSender: OutboxSender {
  let mailer: SMTPMailer
  var channel: String { "email" }

  func send(to recipient: String, body: String) async throws {
    let (subject, text) = CitizenMail.split(body)
    try await mailer.send(to: [recipient], subject: subject, body: text + "\n\n" + say("mail_footer_citizen"))
  }
}

/// The development sender for authors' e-mail: the log, the address masked.
struct LogCitizenMailSender: OutboxSender {
  let logger: Logger
  var channel: String { "email" }

  func send(to recipient: String, body: String) async throws {
    let (subject, text) = CitizenMail.split(body)
    logger.notice("email → \(PrivacyMask.mask(recipient)): \(subject) | \(text)")
  }
}

enum CitizenMail {
  /// An outbox e-mail's subject (its first line) and text (after the blank line).
  static func split(_ body: String) -> (subject: String, text: String) {
    guard let gap = body.range(of: "\n\n") else { return (body, body) }
    return (String(body[..<gap.lowerBound]), String(body[gap.upperBound...]))
  }
}

/// The development SMS sender: writes each text to the log (with the number masked), so the
/// one-time codes can be read there.
struct LogSMSSender: OutboxSender {
  let logger: Logger
  var channel: String { "sms" }

  func send(to recipient: String, body: String) async throws {
    logger.notice("sms → \(PrivacyMask.mask(recipient)): \(body)")
  }
}

/// The development sender for staff notifications (reminders, supervision notices): the log.
struct LogStaffSender: OutboxSender {
  let logger: Logger
  var channel: String { "staff" }

  func send(to recipient: String, body: String) async throws {
    logger.notice("notice → \(recipient): \(body)")
  }
}

/// Staff notices by e-mail: a notice to `unit:CODE` goes to every enabled account of the unit with an
/// address, one to `user:NAME` to that account. A notice with nobody to mail is only on the
/// workbench (the inbox lists it), which is not an error.
struct StaffMailSender: OutboxSender {
  let store: Store
  let mailer: SMTPMailer
  let logger: Logger
  var channel: String { "staff" }

  func send(to recipient: String, body: String) async throws {
    let addresses = try await store.emailAddresses(forStaffRecipient: recipient)
    guard !addresses.isEmpty else {
      logger.info("notice → \(recipient): no e-mail address; shown on the workbench only")
      return
    }
    let subject = say(body.hasPrefix(Self.copyPrefix) ? "mail_subject_copy" : "mail_subject_notice")
    try await mailer.send(to: addresses, subject: subject, body: body + "\n\n" + say("mail_footer"))
  }

  /// How a copy of a supervision notice (抄送) begins.
  static let copyPrefix: String = {
    let marked = Catalogue.zhHans("notice_copy", ["text": "\u{1}"])
    return String(marked.prefix { $0 != "\u{1}" })
  }()
}

/// An SMS gateway reached over HTTP: each text is `POST`ed as JSON `{"to": "138…", "text": "…"}` to
/// `MINSHENG_SMS_GATEWAY_URL`, with `Authorization: Bearer MINSHENG_SMS_GATEWAY_TOKEN` when a token is
/// set. Any 2xx answer means accepted; anything else is an error, and the outbox tries again later.
/// A provider with another format is one more `OutboxSender` on the channel `sms`.
struct HTTPSMSSender: OutboxSender {
  struct Gateway: Sendable {
    var url: String
    var token: String?
  }

  struct Payload: Content {
    var to: String
    var text: String
  }

  let gateway: Gateway
  let client: any Client
  var channel: String { "sms" }

  struct Refused: Error, CustomStringConvertible {
    var status: HTTPResponseStatus
    var description: String {
      say("sms_gateway_refused", ["code": .number(Int(status.code)), "reason": .plain(status.reasonPhrase)])
    }
  }

  func send(to recipient: String, body: String) async throws {
    let response = try await client.post(URI(string: gateway.url)) { request in
      if let token = gateway.token { request.headers.bearerAuthorization = BearerAuthorization(token: token) }
      try request.content.encode(Payload(to: recipient, text: body), as: .json)
      request.timeout = .seconds(15)
    }
    guard (200..<300).contains(response.status.code) else { throw Refused(status: response.status) }
  }
}
