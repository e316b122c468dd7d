import Foundation
import MinshengCore

/// What one run of the scheduled jobs did.
public struct JobReport: Sendable, Equatable, CustomStringConvertible {
  /// False when another instance held the lease, so this one did nothing.
  public var ran: Bool
  public var reminded = 0
  public var noticed = 0
  public var closed = 0

  public init(ran: Bool, reminded: Int = 0, noticed: Int = 0, closed: Int = 0) {
    self.ran = ran
    self.reminded = reminded
    self.noticed = noticed
    self.closed = closed
  }

  public var description: String {
    ran ? "reminded=\(reminded) noticed=\(noticed) auto_closed=\(closed)" : "skipped: another instance holds the lease"
  }
}

extension Store {
  static let systemActor = Actor(role: .system, id: "scheduler")

  // MARK: Leases

  /// Takes the lease `name` for `holder` until `now + duration` when it is free, expired or already
  /// the holder's; false when another holder has it.
  public func acquireLease(
    _ name: String, holder: String, for duration: TimeInterval, at now: Date
  ) async throws
    -> Bool
  {
    try await jobs.acquireLease(name, holder: holder, until: now.addingTimeInterval(duration), at: now)
  }

  /// Gives the lease back (it expires now) if `holder` has it.
  public func releaseLease(_ name: String, holder: String, at now: Date) async throws {
    try await jobs.releaseLease(name, holder: holder, at: now)
  }

  // MARK: The jobs

  /// 定时任务: reminders before deadlines, supervision notices after missed ones, and auto-close of
  /// replied messages left unevaluated, as `schedule` says — under the lease `supervision`, so that
  /// with several instances one runs at a time, and each job once per message and deadline.
  ///
  /// Each reminder and notice is a `remind` or `supervise` event by the system and a notification
  /// to the unit in the outbox (督办 copied to the unit's leaders), written in the event's transaction
  /// with the job's key; each auto-close a `close` event (closure 未评价).
  public func runScheduledJobs(schedule: SupervisionSchedule, holder: String, at now: Date) async throws -> JobReport {
    guard try await acquireLease("supervision", holder: holder, for: 10 * 60, at: now) else {
      return JobReport(ran: false)
    }
    var report = JobReport(ran: true)
    do {
      let horizon = now.addingTimeInterval(TimeInterval(schedule.remindWithinHours) * 3_600)
      for message in try await jobs.messagesDue(before: horizon, limit: 2_000) {
        guard let job = Jobs.due(message, repliedAt: nil, schedule: schedule, calendar: rules.calendar, at: now)
        else { continue }
        if try await run(job, on: message, at: now) {
          if case .remind = job { report.reminded += 1 } else { report.noticed += 1 }
        }
      }
      let cutoff = now.addingTimeInterval(-TimeInterval(schedule.autoCloseAfterDays) * 86_400)
      for (message, repliedAt) in try await jobs.repliedUnevaluated(before: cutoff, limit: 2_000) {
        guard let job = Jobs.due(message, repliedAt: repliedAt, schedule: schedule, calendar: rules.calendar, at: now)
        else { continue }
        if try await run(job, on: message, at: now) { report.closed += 1 }
      }
    } catch {
      try? await releaseLease("supervision", holder: holder, at: now)
      throw error
    }
    try await releaseLease("supervision", holder: holder, at: now)
    return report
  }

  /// Does the job once: its key, the event and the notices are written in one transaction, which
  /// fails when the key was taken (done by another instance) or the message moved on meanwhile.
  /// True when done now.
  private func run(_ job: DueJob, on message: Message, at now: Date) async throws -> Bool {
    let text = job.text(serial: message.serial, calendar: rules.calendar)
    let command: MinshengCore.Command =
      switch job {
      case .remind: .remind(note: text)
      case .supervise: .supervise(note: text)
      case .autoClose: .close(reason: text)
      }
    do {
      try await perform(
        command, on: message.id, by: Self.systemActor, at: now, expectedVersion: message.version, jobKey: job.key
      ) { transition in
        // 自动办结 tells the author, as a dispatcher's close does.
        let citizen = try await citizenNotices(transition, at: now)
        guard job.notifiesUnit else { return citizen }
        return try await citizen
          + supervisionNotices(
            about: transition.message, text: text + answerDueSentence(transition),
            copyLeaders: { if case .supervise = job { return true } else { return false } }(),
            at: now)
      }
      return true
    } catch is WorkflowError {
      // The message moved on (accepted, replied …) since it was read: nothing to do.
    } catch StoreError.conflict {
      // Someone acted on it meanwhile; the next run decides again.
    } catch StoreError.alreadyDone {
      // Another instance did it.
    }
    return false
  }
}

extension Store {
  /// The notices of a 催办 or 督办 about `message`: one to its lead unit (whose staff read the `staff`
  /// channel in their inbox, linked to the case) and, for 督办, a copy to each of the unit's leaders
  /// (抄送单位领导). None while no unit leads it.
  func supervisionNotices(
    about message: Message, text: String, copyLeaders: Bool, at now: Date
  ) async throws
    -> [OutboxRow]
  {
    guard let lead = message.leadUnitID else { return [] }
    var notices = [
      OutboxRow(
        id: ids.newID(), channel: "staff", recipient: "unit:" + (try await unit(lead)?.code ?? lead.uuidString),
        body: text, createdAt: now, messageID: message.id)
    ]
    if copyLeaders {
      for leader in try await staff.usernames(unit: lead, role: .leader) {
        notices.append(
          OutboxRow(
            id: ids.newID(), channel: "staff", recipient: "user:" + leader,
            body: LocalizedText("notice_copy", ["text": .plain(text)]).chinese, createdAt: now, messageID: message.id))
      }
    }
    return notices
  }
}

extension DueJob {
  /// Whether the job sends the lead unit a notice (reminders and supervision notices do).
  var notifiesUnit: Bool {
    if case .autoClose = self { return false }
    return true
  }
}
