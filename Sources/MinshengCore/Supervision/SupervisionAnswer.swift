import Foundation

/// 督办反馈: each 督办 asks the lead unit for a written answer by a date (the SLA's
/// `supervisionAnswer`, recorded with the notice as `answer_due`); the unit's answer settles the
/// latest 督办 before it. A new lead unit (交办, 改派, 转办) does not inherit its predecessor's.
public struct SupervisionNotice: Sendable, Equatable {
  /// When the 督办 was issued, by whom (a supervisor's account, or `system` for the scheduled one).
  public var at: Date
  public var by: String
  /// The answer's due date; nil for a 督办 recorded before due dates were kept.
  public var answerDue: Date?
  /// The unit's answer, when it came.
  public var answeredAt: Date?
  /// The unit that was to answer.
  public var unitID: UUID?

  /// Whether the answer came after its due date, or has not come and the date has passed.
  public func isLate(at now: Date) -> Bool {
    guard let due = answerDue else { return false }
    return (answeredAt ?? now) > due && (answeredAt != nil || due <= now)
  }

  /// Every 督办 of a case in order, each with its answer if it has one, from the case's events.
  public static func all(in events: [EventDraft], leadUnit: UUID?) -> [SupervisionNotice] {
    scan(events, leadUnit: leadUnit).notices
  }

  /// The 督办 the lead unit has yet to answer, if any.
  public static func pending(in events: [EventDraft], leadUnit: UUID?) -> SupervisionNotice? {
    let (notices, open) = scan(events, leadUnit: leadUnit)
    return open.map { notices[$0] }
  }

  private static func scan(_ events: [EventDraft], leadUnit: UUID?) -> (notices: [SupervisionNotice], open: Int?) {
    var notices: [SupervisionNotice] = []
    var open: Int?
    var unit: UUID?
    for event in events {
      switch event.action {
      case .workflow(.assign), .workflow(.reassign), .workflow(.transfer):
        open = nil
        unit = event.payload["lead_unit"].flatMap(UUID.init(uuidString:))
      case .workflow(.supervise):
        open = notices.count
        notices.append(
          SupervisionNotice(
            at: event.at, by: event.actor.id,
            answerDue: event.payload["answer_due"].flatMap(Int64.init).map {
              Date(timeIntervalSince1970: Double($0) / 1000)
            }, answeredAt: nil, unitID: unit ?? leadUnit))
      case .workflow(.answerSupervision):
        if let index = open { notices[index].answeredAt = event.at }
        open = nil
      default:
        break
      }
    }
    return (notices, open)
  }
}
