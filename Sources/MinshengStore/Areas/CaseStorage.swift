import Foundation
import MinshengCore

/// 办件存储: the stored cases — what intake writes, what every transition writes, and the whole case
/// file staff read. One implementation per database (`SQLiteCaseStorage`, `SQLCaseStorage`), chosen
/// when the store opens; both run every operation of this protocol in the contract suite.
///
/// Implementations decide nothing: intake and the workflow (`Store.submit`, `Store.perform`) hand them
/// fully decided values, and they write those in one transaction with the audit event.
protocol CaseStorage: Sendable {
  /// Stores a message just received, numbered one more than its year's highest, with its `received`
  /// event, counted against the limits, in one transaction; returns it with its serial.
  func receive(_ intake: ReceivedCase) async throws -> Message

  /// Writes a decided change in one transaction: the chain place, the message's new state if its
  /// version is still the one read (else `StoreError.conflict`), the side rows, the notices, and the event.
  func apply(_ change: CaseChange) async throws

  /// 成批载入: stores whole cases decided in memory in one transaction: each message numbered after
  /// its year's highest, its events sealed into both chains in order, their rows, and its search
  /// documents (in place of marks); returns the messages as stored.
  func load(_ batch: [LoadedCase]) async throws -> [Message]

  /// The message with everything staff may see, and the tip of its audit chain, as read now.
  func messageWithTip(_ id: UUID) async throws -> (message: Message, tip: ChainTip)?

  /// The message whose author holds the tracking code of this hash.
  func message(trackingHash: String) async throws -> Message?

  /// The message with this public serial.
  func message(serial: Serial) async throws -> Message?

  /// The case a message was merged into (nil when it was not merged, or does not exist).
  func mergedInto(_ id: UUID) async throws -> UUID?

  /// The history of a message, oldest first.
  func events(of messageID: UUID) async throws -> [Event]

  /// The message, its events and its published replies in one consistent read.
  func caseFile(_ id: UUID) async throws -> CaseFile?

  /// The replies of a message in one state, oldest first.
  func replies(of messageID: UUID, state: ReplyState) async throws -> [StoredReply]

  /// Keeps `reply` (state `working`) as its unit's saved wording of the message's reply, in place of
  /// the one saved before, in one transaction.
  func saveWorkingReply(_ reply: ReplyRow, of messageID: UUID) async throws

  /// The classifier's suggestions stored with these messages at intake (absent: none).
  func suggestions(for messageIDs: [UUID]) async throws -> [UUID: CategorySuggestion]

  /// The images of a message, without their bytes, in the order they were sent (not its replies').
  func attachments(of messageID: UUID) async throws -> [AttachmentInfo]

  /// The photos of a message's replies, without their bytes, each with its reply, in order.
  func replyAttachments(of messageID: UUID) async throws -> [(replyID: UUID, image: AttachmentInfo)]

  /// One image with its bytes.
  func attachment(_ id: UUID) async throws -> Attachment?

  /// The latest evaluation of a message.
  func evaluation(of messageID: UUID) async throws -> StoredEvaluation?

  /// The thanks letter of a message.
  func thanksLetter(of messageID: UUID) async throws -> ThanksLetter?
}

/// A message just received, with everything intake decided about it.
struct ReceivedCase: Sendable {
  /// The message; its serial number is given by the store.
  var message: Message
  /// The id its `received` event will have.
  var eventID: UUID
  var trackingHash: String
  var actor: Actor
  var suggestion: SuggestionRecord?
  var limits: [CountedLimit]
  var images: [CheckedImage]
  var fingerprint: Fingerprint?
  /// Rows the message brings with it (a suggestion's details), written in its transaction.
  var statements: [SQLFragment] = []
}

/// An image checked by content, ready to store.
struct CheckedImage: Sendable, Equatable {
  var id: UUID
  var contentType: String
  var data: Data
  var sha256: String
}

/// A limit to count an intake against: a keyed hash of what is counted, and the limit.
struct CountedLimit: Sendable {
  var key: String
  var limit: RateLimit
  /// What is counted (a number, an address), as the refusal names it.
  var what: RateLimitSubject
}

/// A change to one message, decided before it is stored: the state it moves from and to, the event
/// that records it, and what comes with it.
struct CaseChange: Sendable {
  /// The message as read (its version guards the write) and the tip of its chain then.
  var before: Message
  var tip: ChainTip
  /// The message afterwards; its version is one more.
  var after: Message
  var event: EventDraft
  /// The id the event will have.
  var eventID: UUID
  /// The assisting units' rows, replaced when they changed.
  var assisting: [AssistingUnitRow]?
  var rows: [SideRow]
  /// Notices to send with the change (through the outbox), in the same transaction.
  var notices: [OutboxRow]
  /// A scheduled job's key: the change is stored only if this job was not done for the message yet
  /// (`StoreError.alreadyDone` otherwise), and the key is kept with it.
  var jobKey: String?

  init(
    before: Message, tip: ChainTip, after: Message, event: EventDraft, eventID: UUID,
    assisting: [AssistingUnitRow]? = nil, rows: [SideRow] = [], notices: [OutboxRow] = [], jobKey: String? = nil
  ) {
    self.before = before
    self.tip = tip
    self.after = after
    self.event = event
    self.eventID = eventID
    self.assisting = assisting
    self.rows = rows
    self.notices = notices
    self.jobKey = jobKey
  }
}

/// A row a change writes besides the message and its event.
enum SideRow: Sendable {
  /// A reply, published or a draft for the reviewer.
  case reply(ReplyRow)
  /// The drafts of a message decided by the reviewer: published or sent back.
  case decideDrafts(publish: Bool, at: Date)
  /// The reviewer's edit: the draft is kept as `revised` and this reply published in its place.
  case replaceDraft(ReplyRow)
  /// A photo of a reply (答复附图), numbered after the message's attachments so far.
  case replyImage(CheckedImage, replyID: UUID, at: Date)
  case evaluation(EvaluationRow)
  case thanks(ThanksLetter)
  /// A statement both databases run as it is (a near-duplicate candidate decided).
  case statement(SQLFragment)
}

extension CaseChange {
  /// Whether the change alters what the search indexes hold of the message: what the public may
  /// read of it, or its replies.
  var changesSearch: Bool {
    if before.isShownPublicly != after.isShownPublicly || before.mergedIntoID != after.mergedIntoID
      || before.titleForPublic != after.titleForPublic || before.bodyForPublic != after.bodyForPublic
      || before.addressForPublic != after.addressForPublic
    {
      return true
    }
    return rows.contains {
      switch $0 {
      case .reply, .decideDrafts, .replaceDraft: true
      case .replyImage, .evaluation, .thanks, .statement: false
      }
    }
  }
}

/// An assisting unit of a message, in the order it was named.
struct AssistingUnitRow: Sendable, Equatable {
  var id: UUID
  var unitID: UUID
  var position: Int
}

/// Where a reply stands: a draft waiting for the reviewer, published, or sent back.
public enum ReplyState: String, Sendable {
  case draft
  case published
  case sentBack = "sent_back"
  /// The draft as the unit wrote it, kept when the reviewer published an edited wording.
  case revised
  /// The handler's wording saved before sending (保存草稿): one per unit, replaced at each save and
  /// removed when the reply is sent.
  case working
}

/// A reply as stored.
public struct StoredReply: Sendable, Equatable {
  public var id: UUID
  public var messageID: UUID
  public var unitID: UUID
  public var body: String
  public var state: ReplyState
  public var createdAt: Date
  public var publishedAt: Date?

  /// The published reply as the core knows it; nil for a draft.
  public var published: Reply? {
    publishedAt.map { Reply(id: id, messageID: messageID, unitID: unitID, body: body, publishedAt: $0) }
  }
}

/// A reply to write.
struct ReplyRow: Sendable {
  var id: UUID
  var unitID: UUID
  var body: String
  var state: ReplyState
  var createdAt: Date
}

/// An evaluation to write.
struct EvaluationRow: Sendable {
  var id: UUID
  var evaluation: Evaluation
  var createdAt: Date
}

/// A notice waiting to be sent.
struct OutboxRow: Sendable, Equatable {
  var id: UUID
  var channel: String
  var recipient: String
  var body: String
  var createdAt: Date
  /// The case a staff notice is about.
  var messageID: UUID? = nil
}

/// An image's place in a message, without its bytes.
public struct AttachmentInfo: Sendable, Equatable {
  public var id: UUID
  public var contentType: String
  public var bytes: Int
  /// Kept from the public by a moderator (its author and the staff still see it).
  public var hidden: Bool
}
