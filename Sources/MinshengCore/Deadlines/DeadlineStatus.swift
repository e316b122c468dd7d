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
    let phase: Phase
    let due: Date?
    switch message.status {
    case .assigned: (phase, due) = (.acceptance, message.acceptanceDue)
    case .accepted, .extensionRequested, .reviewing: (phase, due) = (.reply, message.replyDue)
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
    let today = calendar.day(of: now)
    let lastDay = calendar.day(of: due.addingTimeInterval(-0.001))
    let left = calendar.workingDays(from: today, through: lastDay)
    let soon = left <= 1 || due.timeIntervalSince(now) < 24 * 3600
    return DeadlineStatus(
      phase: phase, due: due, isOverdue: false, workingDaysLeft: left, daysOverdue: 0, isDueSoon: soon)
  }
}
