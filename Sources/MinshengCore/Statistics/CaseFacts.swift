import Foundation

/// 统计事实: what the KPIs count about one case, read from its message and its events alone, so that
/// every figure can be recomputed from the audit trail and checked against its list of cases.
public struct CaseFacts: Sendable, Equatable, Identifiable {
  public var id: UUID
  public var serial: Serial
  /// The title, for the list of cases behind a figure (staff only).
  public var title = ""
  public var type: MessageType
  public var channel: Channel
  public var leaderID: UUID?
  public var regionID: UUID?
  public var categoryID: UUID?
  /// The unit the case counts for: its lead unit now; nil while it is with the dispatching office.
  public var unitID: UUID?
  public var receivedAt: Date
  public var status: Status
  public var closure: Closure?

  /// 交办: when the case was last given to a lead unit (assigned, reassigned or transferred), and the
  /// acceptance deadline that came with it.
  public var assignedAt: Date?
  public var acceptanceDue: Date?
  /// 签收: when the lead unit of that last assignment accepted it.
  public var acceptedAt: Date?
  /// Whether the case was ever given to a unit (交办), and how many times a unit returned it (退回).
  public var dispatched = false
  public var returns = 0
  /// The reply deadline in force when the first reply was published (approved extensions included),
  /// or the one in force now when there is no reply yet.
  public var replyDue: Date?
  /// 答复: the first reply the public could read (published at once, approved by the reviewer, or an
  /// answer given at intake).
  public var firstReplyAt: Date?
  /// 直办: answered at intake by the dispatching office (首呼解决).
  public var answeredDirectly = false
  /// 延期: extensions approved.
  public var extensionsApproved = 0
  /// 重办: reopens granted after an unsatisfied evaluation.
  public var reopens = 0
  /// The latest evaluation: its level and its 解决程度 score, and when it was given.
  public var level: SatisfactionLevel?
  public var resolutionScore: Int?
  public var evaluatedAt: Date?
  /// 办结: when the case was closed.
  public var closedAt: Date?
  /// 申诉复核: the latest rating was appealed by the unit and the appeal upheld: it counts in no rate.
  public var ratingExcluded = false
  /// 督办: every supervision notice of the case, each with its answer if the unit gave one.
  public var supervisionNotices: [SupervisionNotice] = []
  /// 人民建议: the evaluating unit's outcome of a suggestion, and when it was given.
  public var proposalOutcome: ProposalOutcome?
  public var proposalEvaluatedAt: Date?

  public init(
    id: UUID, serial: Serial, type: MessageType, channel: Channel, receivedAt: Date, status: Status = .received
  ) {
    self.id = id
    self.serial = serial
    self.type = type
    self.channel = channel
    self.receivedAt = receivedAt
    self.status = status
  }

  /// The facts of `message` from its events, in their order.
  public init(message: Message, events: [EventDraft]) {
    self.init(
      id: message.id, serial: message.serial, type: message.type, channel: message.channel,
      receivedAt: message.createdAt, status: message.status)
    title = message.title
    leaderID = message.leaderID
    regionID = message.regionID
    categoryID = message.categoryID
    unitID = message.leadUnitID
    closure = message.closure
    supervisionNotices = SupervisionNotice.all(in: events, leadUnit: message.leadUnitID)
    ratingExcluded = RatingAppeal.excludesRating(events)
    var due: Date?
    for event in events {
      if event.action == .proposalEvaluated {
        proposalOutcome = event.payload["outcome"].flatMap(ProposalOutcome.init(rawValue:))
        proposalEvaluatedAt = event.at
      }
      guard case .workflow(let action) = event.action else { continue }
      if let text = event.payload["reply_due"], let value = Self.instant(text) { due = value }
      switch action {
      case .assign, .reassign, .transfer:
        dispatched = true
        assignedAt = event.at
        acceptanceDue = event.payload["acceptance_due"].flatMap(Self.instant)
        acceptedAt = nil
      case .accept:
        if acceptedAt == nil { acceptedAt = event.at }
      case .returnToDispatcher:
        returns += 1
      case .approveExtension:
        extensionsApproved += 1
      case .grantReopen:
        reopens += 1
      case .reply, .approveReply, .answerDirectly:
        if action == .answerDirectly { answeredDirectly = true }
        if firstReplyAt == nil, event.to == .replied || event.to == .closed {
          firstReplyAt = event.at
          replyDue = due
        }
      case .evaluate:
        level = event.payload["level"].flatMap(SatisfactionLevel.init(rawValue:))
        resolutionScore = event.payload["resolution"].flatMap { Int($0) }
        evaluatedAt = event.at
      default:
        break
      }
      if event.to == .closed, closedAt == nil { closedAt = event.at }
    }
    if firstReplyAt == nil { replyDue = due ?? message.replyDue }
  }

  /// A payload's instant: milliseconds since 1970.
  private static func instant(_ text: String) -> Date? {
    Int64(text).map { Date(timeIntervalSince1970: Double($0) / 1000) }
  }

  /// Neither merged into another case (并单) nor ruled invalid: what counts as a case at all.
  public var isCountable: Bool { closure != .merged && closure != .invalid && closure != .withdrawn }
}

/// The facts as the roll-ups keep them, with short keys: what the KPIs read (not the title, nor the
/// supervision notices, which only the lists and the 督办 report read).
extension CaseFacts: Codable {
  enum CodingKeys: String, CodingKey {
    case id
    case serial = "s"
    case type = "t"
    case channel = "c"
    case leaderID = "l"
    case regionID = "r"
    case categoryID = "k"
    case unitID = "u"
    case receivedAt = "at"
    case status = "st"
    case closure = "cl"
    case assignedAt = "as"
    case acceptanceDue = "ad"
    case acceptedAt = "ac"
    case dispatched = "d"
    case returns = "rt"
    case replyDue = "rd"
    case firstReplyAt = "fr"
    case answeredDirectly = "ai"
    case extensionsApproved = "ex"
    case reopens = "ro"
    case level = "lv"
    case resolutionScore = "rs"
    case evaluatedAt = "ev"
    case closedAt = "cd"
    case ratingExcluded = "re"
    case proposalOutcome = "po"
    case proposalEvaluatedAt = "pe"
  }
}
