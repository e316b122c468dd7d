import Foundation

/// Where a message stands against its current deadline; always computed, never stored.
public struct DeadlineStatus: Sendable, Equatable {
  /// Which clock is running.
  public enum Phase: String, Sendable, Equatable {
    /// The lead unit has to accept.
    case acceptance
    /// The lead unit has to reply.
    case reply
    /// No unit clock runs (in the dispatcher's hands, replied, or closed).
    case none
  }

  public var phase: Phase
  public var due: Date?
  public var isOverdue: Bool
  /// Working days from today up to and including the due day; 0 once overdue.
  public var workingDaysLeft: Int
  /// Whole calendar days past the deadline, rounded up; 0 while on time.
  public var daysOverdue: Int
  /// Less than one working day remains (the due day is today, or the next working day starts after it).
  public var isDueSoon: Bool

  public init(phase: Phase, due: Date?, isOverdue: Bool, workingDaysLeft: Int, daysOverdue: Int, isDueSoon: Bool) {
    self.phase = phase
    self.due = due
    self.isOverdue = isOverdue
    self.workingDaysLeft = workingDaysLeft
    self.daysOverdue = daysOverdue
    self.isDueSoon = isDueSoon
  }

  /// The status of `message` at `now`.
  ///
  /// The acceptance deadline runs while the message is assigned; the reply deadline while it is
  /// accepted, waiting for an extension decision, or in review.
  public static func of(_ message: Message, at now: Date, calendar: WorkingCalendar) -> DeadlineStatus {
    of(message.status, acceptanceDue: message.acceptanceDue, replyDue: message.replyDue, at: now, calendar: calendar)
  }

  /// The status of a case as a queue lists it, at `now` (the same as for the whole message).
  public static func of(_ summary: CaseSummary, at now: Date, calendar: WorkingCalendar) -> DeadlineStatus {
    of(summary.status, acceptanceDue: summary.acceptanceDue, replyDue: summary.replyDue, at: now, calendar: calendar)
  }

  static func of(
    _ status: Status, acceptanceDue: Date?, replyDue: Date?, at now: Date, calendar: WorkingCalendar
  ) -> DeadlineStatus {
    let phase: Phase
    let due: Date?
    switch status {
    case .assigned: (phase, due) = (.acceptance, acceptanceDue)
    case .accepted, .extensionRequested, .reviewing: (phase, due) = (.reply, replyDue)
    case .received, .returned, .replied, .reopenRequested, .closed: (phase, due) = (.none, nil)
    }
    guard let due else {
      return DeadlineStatus(
        phase: phase, due: nil, isOverdue: false, workingDaysLeft: 0, daysOverdue: 0, isDueSoon: false)
    }
    if now >= due {
      let days = Int((now.timeIntervalSince(due) / 86_400).rounded(.up))
      return DeadlineStatus(
        phase: phase, due: due, isOverdue: true, workingDaysLeft: 0, daysOverdue: max(days, 1), isDueSoon: false)
    }
    return DeadlineStatus(
      phase: phase, due: due, isOverdue: false,
      workingDaysLeft: workingDaysLeft(until: due, at: now, calendar: calendar),
      daysOverdue: 0, isDueSoon: isDueSoon(due, at: now, calendar: calendar))
  }

  /// Working days from today through the day the deadline falls in (a deadline at midnight
  /// belongs to the day before).
  static func workingDaysLeft(until due: Date, at now: Date, calendar: WorkingCalendar) -> Int {
    calendar.workingDays(from: calendar.day(of: now), through: calendar.day(of: due.addingTimeInterval(-0.001)))
  }

  /// Whether a deadline still ahead counts as due soon: at most one working day left, or less than
  /// 24 hours.
  public static func isDueSoon(_ due: Date, at now: Date, calendar: WorkingCalendar) -> Bool {
    due > now
      && (workingDaysLeft(until: due, at: now, calendar: calendar) <= 1 || due.timeIntervalSince(now) < 24 * 3600)
  }

  /// The moment that separates due soon from not yet: a deadline after `now` is due soon exactly
  /// when it is before the horizon (to the millisecond). Lists of what is due soon are read from the
  /// database with it. Found by halving, since the longer a deadline is away the more working days
  /// it leaves.
  public static func dueSoonHorizon(at now: Date, calendar: WorkingCalendar) -> Date {
    var soon = now  // every deadline just after this is due soon
    var later = now.addingTimeInterval(60 * 86_400)  // no run of holidays is this long
    while later.timeIntervalSince(soon) > 0.0005 {
      let middle = soon.addingTimeInterval(later.timeIntervalSince(soon) / 2)
      if isDueSoon(middle, at: now, calendar: calendar) { soon = middle } else { later = middle }
    }
    return later
  }
}
