import Foundation

/// An event as the workflow produces it, before the store gives it its place in the audit chains.
public struct EventDraft: Sendable, Equatable {
  public var messageID: UUID
  public var action: EventAction
  public var from: Status?
  public var to: Status
  public var actor: Actor
  public var note: String?
  public var visibility: Visibility
  /// Structured details (units, deadlines as milliseconds, scores), keyed by snake_case names.
  public var payload: [String: String]
  public var at: Date

  public init(
    messageID: UUID, action: Action, from: Status, to: Status, actor: Actor, note: String?,
    visibility: Visibility, payload: [String: String], at: Date
  ) {
    self.init(
      messageID: messageID, action: .workflow(action), from: from, to: to, actor: actor, note: note,
      visibility: visibility, payload: payload, at: at)
  }

  public init(
    messageID: UUID, action: EventAction, from: Status?, to: Status, actor: Actor, note: String?,
    visibility: Visibility, payload: [String: String], at: Date
  ) {
    self.messageID = messageID
    self.action = action
    self.from = from
    self.to = to
    self.actor = actor
    self.note = note
    self.visibility = visibility
    self.payload = payload
    self.at = at
  }

  /// The event that records a message's arrival.
  public static func received(_ message: Message, by actor: Actor) -> EventDraft {
    EventDraft(
      messageID: message.id, action: .received, from: nil, to: message.status, actor: actor, note: nil,
      visibility: .public, payload: ["channel": message.channel.rawValue],
      at: message.createdAt)
  }
}

/// What an event records: the arrival of a message, a workflow action, or the author's thanks.
public enum EventAction: Sendable, Equatable, Hashable, CustomStringConvertible {
  case received
  case workflow(Action)
  /// 感谢信: the author thanked the unit for a reply; the status does not change.
  case thanked
  /// 发布审核: a moderator published (perhaps redacted) or withheld the message; the status does not
  /// change. The decision is in the payload (`publication`).
  case moderated
  /// 不是重复: the dispatching office decided that a near-duplicate candidate is another matter; the
  /// status does not change. The candidate is in the payload (`candidate`).
  case duplicateDismissed
  /// 评价申诉: the lead unit asks that an unsatisfied rating be left out of its figures as malicious
  /// or unrelated to its work; the reason is the note. The status does not change.
  case ratingAppealed
  /// 申诉复核: a supervisor or an administrator decided the appeal (`upheld` in the payload: `true`
  /// leaves the rating out of 满意率 and 解决率). The status does not change.
  case ratingAppealDecided
  /// 转为人民建议: a 建议 message became a suggestion of a campaign (`campaign` in the payload).
  case proposalOpened
  /// 附议: a citizen with a verified number supported the suggestion (`supports`, and `threshold`
  /// when this support reached the campaign's threshold, in the payload). Internal.
  case supported
  /// 评估结论: the unit's outcome (`outcome`), the public reason as the note.
  case proposalEvaluated
  /// 转化运用: a step of the adopted suggestion's adoption (`adoption`, `progress`).
  case adoptionRecorded
  /// 组织专家评审: the office named a panel (`reviewers`, the usernames). Internal.
  case reviewersNamed
  /// 评审意见: a panel member's opinion (`outcome`), its words as the note. Internal.
  case proposalReviewed
  /// 领导批示 on a suggestion (`instruction`, `leader`, `given_on`); the public summary as the note.
  case proposalInstructed
  /// 表彰奖励: a published round awarded the suggestion (`round`, `tier`).
  case awarded

  /// Parses the stored name.
  public init?(_ name: String) {
    if name == "received" {
      self = .received
    } else if name == "thanked" {
      self = .thanked
    } else if name == "moderated" {
      self = .moderated
    } else if name == "duplicate_dismissed" {
      self = .duplicateDismissed
    } else if name == "rating_appealed" {
      self = .ratingAppealed
    } else if name == "rating_appeal_decided" {
      self = .ratingAppealDecided
    } else if let special = Self.proposalNames[name] {
      self = special
    } else if let action = Action(rawValue: name) {
      self = .workflow(action)
    } else {
      return nil
    }
  }

  private static let proposalNames: [String: EventAction] = [
    "proposal_opened": .proposalOpened, "supported": .supported, "proposal_evaluated": .proposalEvaluated,
    "adoption_recorded": .adoptionRecorded, "awarded": .awarded, "proposal_instructed": .proposalInstructed,
    "reviewers_named": .reviewersNamed, "proposal_reviewed": .proposalReviewed,
  ]

  /// The stored name: `received` or the action's raw value.
  public var description: String {
    switch self {
    case .received: "received"
    case .thanked: "thanked"
    case .moderated: "moderated"
    case .duplicateDismissed: "duplicate_dismissed"
    case .ratingAppealed: "rating_appealed"
    case .ratingAppealDecided: "rating_appeal_decided"
    case .proposalOpened: "proposal_opened"
    case .supported: "supported"
    case .proposalEvaluated: "proposal_evaluated"
    case .adoptionRecorded: "adoption_recorded"
    case .proposalInstructed: "proposal_instructed"
    case .reviewersNamed: "reviewers_named"
    case .proposalReviewed: "proposal_reviewed"
    case .awarded: "awarded"
    case .workflow(let action): action.rawValue
    }
  }
}

/// 事件: one entry of a message's history, chained by hashes so that tampering shows.
///
/// `messageHash = SHA-256(previous messageHash of this message ‖ canonical)` and
/// `chainHash = SHA-256(previous chainHash of all events ‖ canonical)`, where `canonical` is
/// `AuditChain.canonicalEncoding(of:)`. The first previous hash is 64 zeros. The global chain runs
/// in the order events were sealed into it: on SQLite as they are written, on PostgreSQL shortly
/// after they commit (until then `chainHash` is nil).
public struct Event: Sendable, Equatable, Identifiable {
  public var id: UUID
  /// The event's sequence number: unique, increasing with the order of writing (on PostgreSQL
  /// with gaps where a transaction rolled back).
  public var sequence: Int64
  /// Position in this message's chain, from 1, without gaps.
  public var messageSequence: Int
  public var draft: EventDraft
  public var messageHash: String
  /// The hash in the global chain; nil until the event is sealed into it.
  public var chainHash: String?

  public init(
    id: UUID, sequence: Int64, messageSequence: Int, draft: EventDraft, messageHash: String, chainHash: String?
  ) {
    self.id = id
    self.sequence = sequence
    self.messageSequence = messageSequence
    self.draft = draft
    self.messageHash = messageHash
    self.chainHash = chainHash
  }
}

/// The canonical form of events for the audit chains; hashing itself is the store's.
public enum AuditChain {
  /// The previous hash of the first event.
  public static let genesis = String(repeating: "0", count: 64)

  /// A canonical, unambiguous encoding of an event and its place in both chains.
  ///
  /// Each field is written as `<UTF-8 byte count>:<text>;`, in a fixed order; time is whole
  /// milliseconds since 1970; payload entries are sorted by key. Absent values are empty.
  public static func canonicalEncoding(sequence: Int64, messageSequence: Int, draft: EventDraft) -> String {
    var fields: [String] = [
      "minsheng-event-v1",
      String(sequence),
      String(messageSequence),
      draft.messageID.uuidString.lowercased(),
      String(milliseconds(draft.at)),
      draft.actor.role.rawValue,
      draft.actor.id,
      draft.actor.unitID?.uuidString.lowercased() ?? "",
      draft.action.description,
      draft.from?.rawValue ?? "",
      draft.to.rawValue,
      draft.visibility.rawValue,
      draft.note ?? "",
    ]
    for key in draft.payload.keys.sorted() {
      fields.append(key)
      fields.append(draft.payload[key] ?? "")
    }
    return fields.map { "\($0.utf8.count):\($0);" }.joined()
  }

  /// Whole milliseconds since 1970, the precision at which event times are stored and hashed.
  public static func milliseconds(_ date: Date) -> Int64 {
    Int64((date.timeIntervalSince1970 * 1000).rounded())
  }
}
