import FluentKit
import Foundation
import MinshengCore
import SQLKit

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
    let sql = try Self.sql(db)
    let until = now.addingTimeInterval(duration)
    try await sql.raw(
      """
      INSERT INTO job_leases (name, holder, expires_at) VALUES (\(bind: name), \(bind: holder), \(bind: until))
      ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
      WHERE job_leases.expires_at < \(bind: now) OR job_leases.holder = excluded.holder
      """
    ).run()
    let current = try await sql.select().column("holder").from("job_leases").where("name", .equal, name)
      .first(decodingColumn: "holder", as: String.self)
    return current == holder
  }

  /// Gives the lease back (it expires now) if `holder` has it.
  public func releaseLease(_ name: String, holder: String, at now: Date) async throws {
    try await Self.sql(db).update("job_leases").set("expires_at", to: now).where("name", .equal, name)
      .where("holder", .equal, holder).run()
  }

  // MARK: The jobs

  /// 定时任务: reminders before deadlines, supervision notices after missed ones, and auto-close of
  /// replied messages left unevaluated, as `schedule` says — under the lease `supervision`, so that
  /// with several instances one runs at a time, and each job once per message and deadline.
  ///
  /// Each reminder and notice is a `remind` or `supervise` event by the system and a notification
  /// to the unit in the outbox; each auto-close a `close` event (closure 未评价).
  public func runScheduledJobs(schedule: SupervisionSchedule, holder: String, at now: Date) async throws -> JobReport {
    guard try await acquireLease("supervision", holder: holder, for: 10 * 60, at: now) else {
      return JobReport(ran: false)
    }
    var report = JobReport(ran: true)
    do {
      let horizon = now.addingTimeInterval(TimeInterval(schedule.remindWithinHours) * 3_600)
      for message in try await messagesDue(before: horizon, limit: 2_000) {
        guard let job = Jobs.due(message, repliedAt: nil, schedule: schedule, calendar: rules.calendar, at: now)
        else { continue }
        if try await run(job, on: message, at: now) {
          if case .remind = job { report.reminded += 1 } else { report.noticed += 1 }
        }
      }
      let cutoff = now.addingTimeInterval(-TimeInterval(schedule.autoCloseAfterDays) * 86_400)
      for (message, repliedAt) in try await repliedUnevaluated(before: cutoff) {
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

  /// Claims the job's key for the message, then does it; a job that cannot be done (the message
  /// moved on meanwhile) gives its claim back. True when done now.
  private func run(_ job: DueJob, on message: Message, at now: Date) async throws -> Bool {
    let sql = try Self.sql(db)
    let claimed = try await sql.raw(
      """
      INSERT INTO job_runs (message_id, job_key, done_at) VALUES (\(bind: message.id), \(bind: job.key), \(bind: now))
      ON CONFLICT (message_id, job_key) DO NOTHING RETURNING job_key
      """
    ).all()
    guard !claimed.isEmpty else { return false }
    let text = job.text(serial: message.serial, calendar: rules.calendar)
    let command: MinshengCore.Command =
      switch job {
      case .remind: .remind(note: text)
      case .supervise: .supervise(note: text)
      case .autoClose: .close(reason: text)
      }
    do {
      let updated = try await perform(
        command, on: message.id, by: Self.systemActor, at: now, expectedVersion: message.version)
      if case .autoClose = job { return true }
      // The notification goes to the lead unit (its staff read the `staff` channel).
      var recipient = "unit:-"
      if let lead = updated.leadUnitID { recipient = "unit:" + (try await unit(lead)?.code ?? lead.uuidString) }
      try await Self.enqueue(id: ids.newID(), channel: "staff", recipient: recipient, body: text, at: now, on: sql)
      // 督办 is copied to the unit's leaders (抄送单位领导).
      if case .supervise = job, let lead = updated.leadUnitID {
        let leaders = try await sql.select().column("username").from("staff_accounts")
          .where("unit_id", .equal, lead).where("role", .equal, Role.leader.rawValue).where("disabled", .equal, false)
          .orderBy("username").all(decodingColumn: "username", as: String.self)
        for leader in leaders {
          try await Self.enqueue(
            id: ids.newID(), channel: "staff", recipient: "user:" + leader, body: "【抄送】" + text, at: now, on: sql)
        }
      }
      return true
    } catch is WorkflowError {
      // The message moved on (accepted, replied …) since it was read: nothing to do.
    } catch StoreError.conflict {
      // Someone acted on it meanwhile; the next run decides again.
    }
    try await sql.delete(from: "job_runs").where("message_id", .equal, message.id).where("job_key", .equal, job.key)
      .run()
    return false
  }

  /// Replied messages whose last published reply is older than `cutoff` and that have no evaluation.
  func repliedUnevaluated(before cutoff: Date) async throws -> [(Message, Date)] {
    let sql = try Self.sql(db)
    let rows = try await sql.raw(
      """
      SELECT m.*, r.replied_at FROM messages m
      JOIN (SELECT message_id, MAX(published_at) AS replied_at FROM replies WHERE state = 'published'
            GROUP BY message_id) r ON r.message_id = m.id
      WHERE m.status = \(bind: Status.replied.rawValue) AND r.replied_at < \(bind: cutoff)
      ORDER BY r.replied_at LIMIT 2000
      """
    ).all()
    var result: [(Message, Date)] = []
    for row in rows {
      let record = try row.decode(model: MessageRecord.self)
      result.append(
        (
          try record.core(assisting: try await sql.assistingUnits(of: record.id)),
          try row.decode(column: "replied_at", as: Date.self)
        ))
    }
    return result
  }
}

extension Store {
  /// 督办公开: public, published messages that were sent a supervision notice and are still overdue
  /// `workingDays` working days after it, longest overdue first. Each comes with when the first notice
  /// went out.
  public func publiclyOverdue(
    afterWorkingDays workingDays: Int, at now: Date, limit: Int = 200
  ) async throws
    -> [(message: Message, noticedAt: Date)]
  {
    let sql = try Self.sql(db)
    let open = [Status.assigned, .accepted, .extensionRequested, .reviewing].map(\.rawValue)
    let rows = try await sql.raw(
      """
      SELECT m.*, n.noticed_ms FROM messages m
      JOIN (SELECT message_id, MIN(at_ms) AS noticed_ms FROM events WHERE action = 'supervise' GROUP BY message_id) n
        ON n.message_id = m.id
      WHERE m.is_public = \(bind: true) AND m.publication = 'published' AND m.status IN (\(binds: open))
      ORDER BY n.noticed_ms LIMIT \(bind: max(1, min(limit, 1_000)))
      """
    ).all()
    var result: [(Message, Date, Int)] = []
    for row in rows {
      let record = try row.decode(model: MessageRecord.self)
      let message = try record.core(assisting: try await sql.assistingUnits(of: record.id))
      let noticed = Date(timeIntervalSince1970: Double(try row.decode(column: "noticed_ms", as: Int64.self)) / 1_000)
      let status = DeadlineStatus.of(message, at: now, calendar: rules.calendar)
      guard status.isOverdue, rules.calendar.deadline(workingDays: workingDays, after: noticed) <= now else { continue }
      result.append((message, noticed, status.daysOverdue))
    }
    return result.sorted { $0.2 > $1.2 }.map { ($0.0, $0.1) }
  }
}
