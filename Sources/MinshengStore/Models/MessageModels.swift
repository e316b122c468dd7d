import FluentKit
import Foundation
import MinshengCore

final class AssistingUnitModel: Model, @unchecked Sendable {
  static let schema = "message_assisting_units"
  @ID(key: .id) var id: UUID?
  @Field(key: "message_id") var messageID: UUID
  @Field(key: "unit_id") var unitID: UUID
  @Field(key: "position") var position: Int
  init() {}
}

final class ReplyModel: Model, @unchecked Sendable {
  static let schema = "replies"
  @ID(key: .id) var id: UUID?
  @Field(key: "message_id") var messageID: UUID
  @Field(key: "unit_id") var unitID: UUID
  @Field(key: "body") var body: String
  /// `draft`, `published` or `sent_back`.
  @Field(key: "state") var state: String
  @Field(key: "created_at") var createdAt: Date
  @OptionalField(key: "published_at") var publishedAt: Date?
  init() {}
}

final class EvaluationModel: Model, @unchecked Sendable {
  static let schema = "evaluations"
  @ID(key: .id) var id: UUID?
  @Field(key: "message_id") var messageID: UUID
  @Field(key: "resolution") var resolution: Int
  @Field(key: "attitude") var attitude: Int
  @Field(key: "speed") var speed: Int
  @Field(key: "level") var level: String
  @OptionalField(key: "comment") var comment: String?
  @Field(key: "created_at") var createdAt: Date
  init() {}
}

/// The single row that counts the events of the global audit chain; every append updates it first,
/// which orders all appends.
final class AuditHeadModel: Model, @unchecked Sendable {
  static let schema = "audit_head"
  static let rowID = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
  @ID(key: .id) var id: UUID?
  @Field(key: "last_seq") var lastSequence: Int64
  init() {}
}
