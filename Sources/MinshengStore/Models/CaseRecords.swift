import Foundation
import MinshengCore

// The rows a case writes besides the message and its events, as plain Codable records that both
// implementations encode and decode the same way.

/// A row of `replies`.
struct ReplyRecord: Codable, Sendable {
  static let schema = "replies"

  var id: UUID
  var messageID: UUID
  var unitID: UUID
  var body: String
  var state: String
  var createdAt: Date
  var publishedAt: Date?

  enum CodingKeys: String, CodingKey {
    case id, body, state
    case messageID = "message_id"
    case unitID = "unit_id"
    case createdAt = "created_at"
    case publishedAt = "published_at"
  }

  init(_ row: ReplyRow, messageID: UUID) {
    id = row.id
    self.messageID = messageID
    unitID = row.unitID
    body = row.body
    state = row.state.rawValue
    createdAt = row.createdAt
    publishedAt = row.state == .published ? row.createdAt : nil
  }

  var core: StoredReply? {
    ReplyState(rawValue: state).map {
      StoredReply(
        id: id, messageID: messageID, unitID: unitID, body: body, state: $0, createdAt: createdAt,
        publishedAt: publishedAt)
    }
  }
}

/// A row of `evaluations`.
struct EvaluationRecord: Codable, Sendable {
  static let schema = "evaluations"

  var id: UUID
  var messageID: UUID
  var resolution: Int
  var attitude: Int
  var speed: Int
  var level: String
  var comment: String?
  var createdAt: Date

  enum CodingKeys: String, CodingKey {
    case id, resolution, attitude, speed, level, comment
    case messageID = "message_id"
    case createdAt = "created_at"
  }

  init(_ row: EvaluationRow, messageID: UUID) {
    id = row.id
    self.messageID = messageID
    resolution = row.evaluation.resolution
    attitude = row.evaluation.attitude
    speed = row.evaluation.speed
    level = row.evaluation.level.rawValue
    comment = row.evaluation.comment
    createdAt = row.createdAt
  }

  var core: StoredEvaluation {
    StoredEvaluation(
      evaluation: Evaluation(resolution: resolution, attitude: attitude, speed: speed, comment: comment),
      createdAt: createdAt)
  }
}

/// A row of `thanks_letters`.
struct ThanksRecord: Codable, Sendable {
  static let schema = "thanks_letters"

  var id: UUID
  var messageID: UUID
  var unitID: UUID?
  var author: String
  var body: String
  var createdAt: Date

  enum CodingKeys: String, CodingKey {
    case id, author, body
    case messageID = "message_id"
    case unitID = "unit_id"
    case createdAt = "created_at"
  }

  init(_ letter: ThanksLetter) {
    id = letter.id
    messageID = letter.messageID
    unitID = letter.unitID
    author = letter.author
    body = letter.body
    createdAt = letter.createdAt
  }

  var core: ThanksLetter {
    ThanksLetter(id: id, messageID: messageID, unitID: unitID, author: author, body: body, createdAt: createdAt)
  }
}

/// A row of `attachments`.
struct AttachmentRecord: Codable, Sendable {
  static let schema = "attachments"

  var id: UUID
  var messageID: UUID
  var position: Int
  var contentType: String
  var byteCount: Int
  var sha256: String
  var data: Data
  var createdAt: Date
  /// 发布审核: a moderator kept the image from the public.
  var hidden: Bool
  /// The reply the image belongs to (答复附图); nil for the message's own images.
  var replyID: UUID?

  enum CodingKeys: String, CodingKey {
    case id, position, sha256, data, hidden
    case replyID = "reply_id"
    case messageID = "message_id"
    case contentType = "content_type"
    case byteCount = "byte_count"
    case createdAt = "created_at"
  }

  init(_ image: CheckedImage, messageID: UUID, position: Int, at now: Date, replyID: UUID? = nil) {
    self.replyID = replyID
    id = image.id
    self.messageID = messageID
    self.position = position
    contentType = image.contentType
    byteCount = image.data.count
    sha256 = image.sha256
    data = image.data
    createdAt = now
    hidden = false
  }

  var core: Attachment {
    Attachment(
      id: id, messageID: messageID, position: position, contentType: contentType, data: data, createdAt: createdAt,
      hidden: hidden, replyID: replyID)
  }
}

/// An attachment's row without its bytes.
struct AttachmentInfoRecord: Codable, Sendable {
  var id: UUID
  var contentType: String
  var byteCount: Int
  var hidden: Bool
  var replyID: UUID?

  enum CodingKeys: String, CodingKey {
    case id, hidden
    case contentType = "content_type"
    case byteCount = "byte_count"
    case replyID = "reply_id"
  }

  var core: AttachmentInfo { AttachmentInfo(id: id, contentType: contentType, bytes: byteCount, hidden: hidden) }
}
