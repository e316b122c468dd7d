import FluentKit
import Foundation
import MinshengCore

final class MessageModel: Model, @unchecked Sendable {
  static let schema = "messages"
  @ID(key: .id) var id: UUID?
  @Field(key: "serial_year") var serialYear: Int
  @Field(key: "serial_number") var serialNumber: Int
  @Field(key: "tracking_hash") var trackingHash: String
  @Field(key: "type") var type: String
  @Field(key: "title") var title: String
  @Field(key: "body") var body: String
  @OptionalField(key: "leader_id") var leaderID: UUID?
  @OptionalField(key: "region_id") var regionID: UUID?
  @OptionalField(key: "category_id") var categoryID: UUID?
  @Field(key: "channel") var channel: String
  @OptionalField(key: "address") var address: String?
  @OptionalField(key: "latitude") var latitude: Double?
  @OptionalField(key: "longitude") var longitude: Double?
  @Field(key: "contact_name") var contactName: String
  @Field(key: "contact_phone") var contactPhone: String
  @OptionalField(key: "contact_email") var contactEmail: String?
  @Field(key: "is_public") var isPublic: Bool
  @Field(key: "urgent") var urgent: Bool
  @Field(key: "status") var status: String
  @OptionalField(key: "closure") var closure: String?
  @OptionalField(key: "dispatching_unit_id") var dispatchingUnitID: UUID?
  @OptionalField(key: "lead_unit_id") var leadUnitID: UUID?
  @Field(key: "reply_needs_review") var replyNeedsReview: Bool
  @OptionalField(key: "suggested_unit_id") var suggestedUnitID: UUID?
  @OptionalField(key: "acceptance_due") var acceptanceDue: Date?
  @OptionalField(key: "reply_due") var replyDue: Date?
  @OptionalField(key: "merged_into_id") var mergedIntoID: UUID?
  @Field(key: "version") var version: Int
  /// How many events the message has, and the hash of the last: the tip of its audit chain.
  @Field(key: "event_count") var eventCount: Int
  @Field(key: "last_event_hash") var lastEventHash: String
  @Field(key: "created_at") var createdAt: Date
  @Field(key: "updated_at") var updatedAt: Date
  init() {}
}

final class AssistingUnitModel: Model, @unchecked Sendable {
  static let schema = "message_assisting_units"
  @ID(key: .id) var id: UUID?
  @Field(key: "message_id") var messageID: UUID
  @Field(key: "unit_id") var unitID: UUID
  @Field(key: "position") var position: Int
  init() {}
}

final class EventModel: Model, @unchecked Sendable {
  static let schema = "events"
  @ID(key: .id) var id: UUID?
  @Field(key: "seq") var sequence: Int64
  @Field(key: "message_id") var messageID: UUID
  @Field(key: "message_seq") var messageSequence: Int
  @Field(key: "at_ms") var atMilliseconds: Int64
  @Field(key: "actor_role") var actorRole: String
  @Field(key: "actor_id") var actorID: String
  @OptionalField(key: "actor_unit_id") var actorUnitID: UUID?
  @Field(key: "action") var action: String
  @OptionalField(key: "from_status") var fromStatus: String?
  @Field(key: "to_status") var toStatus: String
  @Field(key: "visibility") var visibility: String
  @OptionalField(key: "note") var note: String?
  @Field(key: "payload") var payload: String
  @Field(key: "message_hash") var messageHash: String
  @Field(key: "chain_hash") var chainHash: String
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

final class SerialCounterModel: Model, @unchecked Sendable {
  static let schema = "serial_counters"
  @ID(key: .id) var id: UUID?
  @Field(key: "year") var year: Int
  @Field(key: "last_number") var lastNumber: Int
  init() {}
}
