import Foundation

/// 催办、督办与自动办结的时间表, as data (`Data/supervision-default.json`; a region's centre may ship
/// its own file).
public struct SupervisionSchedule: Sendable, Equatable, Codable {
  public var version: Int
  /// 催办: the unit is reminded once when its running deadline is this close (and not yet passed).
  public var remindWithinHours: Int
  /// 督办: a formal notice goes out once this long after a missed deadline (the day after).
  public var noticeAfterHours: Int
  /// 自动办结: a replied message its author has not evaluated is closed as 未评价 after this many days.
  public var autoCloseAfterDays: Int
  /// Cases still overdue this many working days after their notice are listed publicly.
  public var publishOverdueAfterWorkingDays: Int

  enum CodingKeys: String, CodingKey {
    case version
    case remindWithinHours = "remind_within_hours"
    case noticeAfterHours = "notice_after_hours"
    case autoCloseAfterDays = "auto_close_after_days"
    case publishOverdueAfterWorkingDays = "publish_overdue_after_working_days"
  }

  public init(
    version: Int = 1, remindWithinHours: Int = 24, noticeAfterHours: Int = 24, autoCloseAfterDays: Int = 7,
    publishOverdueAfterWorkingDays: Int = 5
  ) {
    self.version = version
    self.remindWithinHours = remindWithinHours
    self.noticeAfterHours = noticeAfterHours
    self.autoCloseAfterDays = autoCloseAfterDays
    self.publishOverdueAfterWorkingDays = publishOverdueAfterWorkingDays
  }

  /// The shipped schedule.
  public static func bundledDefault() throws -> SupervisionSchedule {
    guard let url = Bundle.module.url(forResource: "supervision-default", withExtension: "json", subdirectory: "Data")
    else { throw CocoaError(.fileNoSuchFile) }
    return try JSONDecoder().decode(SupervisionSchedule.self, from: Data(contentsOf: url))
  }
}

/// What the scheduled jobs do to one message now, decided from stored facts only.
public enum DueJob: Sendable, Equatable {
  /// 催办 before the running deadline.
  case remind(deadline: Date, phase: DeadlineStatus.Phase)
  /// 督办 after it was missed.
  case supervise(deadline: Date, phase: DeadlineStatus.Phase)
  /// 自动办结 (未评价) of a replied message.
  case autoClose(repliedAt: Date)

  /// A key that names this job for this message and deadline, so that it is done once.
  public var key: String {
    switch self {
    case .remind(let deadline, let phase): "remind:\(phase.rawValue):\(Int64(deadline.timeIntervalSince1970))"
    case .supervise(let deadline, let phase): "supervise:\(phase.rawValue):\(Int64(deadline.timeIntervalSince1970))"
    case .autoClose(let at): "auto-close:\(Int64(at.timeIntervalSince1970))"
    }
  }

  /// The text recorded with the event and sent to the unit, in the platform's own language.
  public func text(serial: Serial, calendar: WorkingCalendar) -> String {
    func when(_ date: Date) -> LocalizedText.Argument {
      .text(LocalDate.longText(calendar.day(of: date.addingTimeInterval(-1))))
    }
    func phaseName(_ phase: DeadlineStatus.Phase) -> LocalizedText.Argument {
      .key(phase == .acceptance ? "phase_acceptance" : "phase_reply")
    }
    switch self {
    case .remind(let deadline, let phase):
      return LocalizedText(
        "job_remind", ["serial": .plain(serial.description), "phase": phaseName(phase), "date": when(deadline)]
      ).chinese
    case .supervise(let deadline, let phase):
      return LocalizedText(
        "job_supervise", ["serial": .plain(serial.description), "phase": phaseName(phase), "date": when(deadline)]
      ).chinese
    case .autoClose:
      return LocalizedText("job_auto_close").chinese
    }
  }
}

public enum Jobs {
  /// The jobs due for a message at `now` under `schedule` (at most one: the most pressing).
  ///
  /// A reminder is due once the running deadline is within `remindWithinHours`; a notice once
  /// `noticeAfterHours` have passed since it was missed; auto-close once a replied message has
  /// waited `autoCloseAfterDays` for its evaluation. The caller makes sure each key is done once.
  public static func due(
    _ message: Message, repliedAt: Date?, schedule: SupervisionSchedule, calendar: WorkingCalendar, at now: Date
  ) -> DueJob? {
    if message.status == .replied, let repliedAt,
      now >= repliedAt.addingTimeInterval(TimeInterval(schedule.autoCloseAfterDays) * 86_400)
    {
      return .autoClose(repliedAt: repliedAt)
    }
    let status = DeadlineStatus.of(message, at: now, calendar: calendar)
    guard let deadline = status.due, status.phase != .none else { return nil }
    if now >= deadline.addingTimeInterval(TimeInterval(schedule.noticeAfterHours) * 3_600) {
      return .supervise(deadline: deadline, phase: status.phase)
    }
    if now < deadline, now >= deadline.addingTimeInterval(-TimeInterval(schedule.remindWithinHours) * 3_600) {
      return .remind(deadline: deadline, phase: status.phase)
    }
    return nil
  }
}
