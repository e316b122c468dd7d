import Foundation
import MinshengCore

/// The notices a workflow step sends in its own transaction: 催办 and 督办 to the unit, 督办反馈 back to
/// the supervisor, 答复提醒 to the author.
extension Store {
  /// A supervisor's own 催办 or 督办 reaches the unit as the scheduled ones do: a notice to the lead
  /// unit with the supervisor's words (督办 copied to its leaders), in the event's transaction.
  ///
  /// The unit's 督办反馈 goes back to the supervisor who issued the 督办 (a scheduled one has nobody
  /// to go back to: the supervision board shows it).
  func manualSupervisionNotices(
    _ command: Command, _ transition: Transition, by actor: Actor, at now: Date
  )
    async throws -> [OutboxRow]
  {
    let message = transition.message
    let (key, note): (String, String?)
    switch command {
    case .remind(let text): (key, note) = ("notice_manual_remind", text)
    case .supervise(let text): (key, note) = ("notice_manual_supervise", text)
    case .answerSupervision(let text):
      let drafts = try await events(of: message.id).map(\.draft)
      guard let pending = SupervisionNotice.pending(in: drafts, leadUnit: message.leadUnitID),
        pending.by != Actor.system.id
      else { return [] }
      var unit: String?
      if let lead = message.leadUnitID { unit = try await self.unit(lead)?.name }
      return [
        OutboxRow(
          id: ids.newID(), channel: "staff", recipient: "user:" + pending.by,
          body: LocalizedText(
            "notice_supervision_answered",
            [
              "unit": .plain(unit ?? ""), "serial": .plain(message.serial.description), "title": .plain(message.title),
              "note": .plain(text),
            ]
          ).chinese, createdAt: now, messageID: message.id)
      ]
    default: return []
    }
    let words = (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    let text = LocalizedText(
      words.isEmpty ? key + "_plain" : key,
      ["serial": .plain(message.serial.description), "title": .plain(message.title), "note": .plain(words)]
    ).chinese
    return try await supervisionNotices(
      about: message, text: text + answerDueSentence(transition), copyLeaders: command.action == .supervise, at: now)
  }

  /// 办理提醒: when a unit takes the message up, a reply becomes public (published at once, approved by
  /// the unit's reviewer, or answered at intake, and again after a reopen), it is handled again, merged
  /// or closed (`CitizenNotice`), the author is told in the same transaction — by SMS only at a mobile
  /// number the author proved (a one-time code, or the operator who took the call), so that nobody is
  /// sent texts about someone else's message, and by e-mail at the address the author gave. The text
  /// names the serial, not the matter, and never the tracking code. Nothing is sent to an author who
  /// turned the notices off in 我的留言. Each event gives its notices once: they are written with it.
  func citizenNotices(_ transition: Transition, at now: Date) async throws -> [OutboxRow] {
    guard let notice = CitizenNotice.of(transition) else { return [] }
    let message = transition.message
    var unit: String?
    if notice == .accepted, let lead = message.leadUnitID { unit = try await self.unit(lead)?.name }
    let serial = message.serial.description
    return try await authorNotices(
      message, text: notice.text(serial: serial, unit: unit), subject: notice.subject(serial: serial), at: now)
  }

  /// A notice to a message's author, by the rules of 办理提醒: by SMS at a proved mobile number, by
  /// e-mail at the address given (its subject the first line), nothing when the notices are off.
  func authorNotices(
    _ message: Message, text: LocalizedText, subject: LocalizedText, at now: Date
  ) async throws -> [OutboxRow] {
    let mobile = message.phoneVerified ? PhoneNumber.mobile(message.contact.phone) : nil
    guard mobile != nil || message.contact.email != nil else { return [] }
    if let phone = PhoneNumber.mobile(message.contact.phone), try await noticesOff(phone: phone) { return [] }
    let body = text.chinese
    var rows: [OutboxRow] = []
    if let mobile {
      rows.append(
        OutboxRow(
          id: ids.newID(), channel: "sms", recipient: mobile, body: body, createdAt: now, messageID: message.id))
    }
    if let email = message.contact.email {
      rows.append(
        OutboxRow(
          id: ids.newID(), channel: "email", recipient: email, body: subject.chinese + "\n\n" + body, createdAt: now,
          messageID: message.id))
    }
    return rows
  }

  /// 请于某日前书面反馈: the sentence a 督办's notice ends with (empty for other events).
  func answerDueSentence(_ transition: Transition) -> String {
    guard let text = transition.event.payload["answer_due"], let milliseconds = Int64(text) else { return "" }
    let due = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    return LocalizedText(
      "notice_answer_due", ["date": .text(LocalDate.longText(rules.calendar.day(of: due.addingTimeInterval(-1))))]
    ).chinese
  }
}
