import FluentKit
import MinshengCore
import SQLKit

/// Every schema change, in order. Append only: a released migration is never edited.
public enum StoreMigrations {
  public static let all: [any Migration] = [
    M0001_CreateRegions(),
    M0002_CreateUnits(),
    M0003_CreateLeaders(),
    M0004_CreateCategories(),
    M0005_CreateRoutingRules(),
    M0006_CreateMessages(),
    M0007_CreateAssistingUnits(),
    M0008_CreateEvents(),
    M0009_CreateReplies(),
    M0010_CreateEvaluations(),
    M0011_CreateAuditHead(),
    M0012_CreateStaffAccounts(),
    M0013_CreateAccessTokens(),
    M0014_CreateStaffSessions(),
    M0015_CreateReferenceChanges(),
    M0016_CreateMessageSuggestions(),
    M0017_CreateAttachments(),
    M0018_CreateThanksLetters(),
    M0019_UpdateMessagesAddPublication(),
    M0020_CreateModerationTables(),
    M0021_CreateCitizenTables(),
    M0022_CreateJobTables(),
    M0023_CreateDuplicateTables(),
    M0024_CreateKnowledgeBase(),
    M0025_CreateRuleDocuments(),
    M0026_UpdateStaffAddEmail(),
    M0027_CreateWorkbenchIndexes(),
    M0028_CreateQueueOrderIndexes(),
    M0029_DropRedundantIndexes(),
    M0030_PartialIndexes(),
    M0031_BandRecency(),
    M0032_IndexRepliesAndEvaluations(),
    M0033_FirstContactIndexes(),
    M0034_UrgentNewMessages(),
    M0035_ReturnedByLeadUnit(),
    M0036_FirstContactCovering(),
    M0037_EventsKeyedBySequence(),
    M0038_PendingModeration(),
  ]
}

struct M0001_CreateRegions: AsyncMigration {
  var name: String { "0001_CreateRegions" }
  func prepare(on database: any Database) async throws {
    try await database.schema(RegionModel.schema)
      .id()
      .field("code", .string, .required)
      .field("name", .string, .required)
      .field("parent_id", .uuid, .references(RegionModel.schema, .id))
      .field("dispatching_unit_id", .uuid)
      .unique(on: "code")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema(RegionModel.schema).delete()
  }
}

struct M0002_CreateUnits: AsyncMigration {
  var name: String { "0002_CreateUnits" }
  func prepare(on database: any Database) async throws {
    try await database.schema(UnitModel.schema)
      .id()
      .field("code", .string, .required)
      .field("name", .string, .required)
      .field("region_id", .uuid, .required, .references(RegionModel.schema, .id))
      .field("requires_reply_review", .bool, .required)
      .unique(on: "code")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema(UnitModel.schema).delete()
  }
}

struct M0003_CreateLeaders: AsyncMigration {
  var name: String { "0003_CreateLeaders" }
  func prepare(on database: any Database) async throws {
    try await database.schema(LeaderModel.schema)
      .id()
      .field("code", .string, .required)
      .field("title", .string, .required)
      .field("region_id", .uuid, .required, .references(RegionModel.schema, .id))
      .field("dispatching_unit_id", .uuid, .references(UnitModel.schema, .id))
      .unique(on: "code")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema(LeaderModel.schema).delete()
  }
}

struct M0004_CreateCategories: AsyncMigration {
  var name: String { "0004_CreateCategories" }
  func prepare(on database: any Database) async throws {
    try await database.schema(CategoryModel.schema)
      .id()
      .field("code", .string, .required)
      .field("name", .string, .required)
      .field("parent_id", .uuid, .references(CategoryModel.schema, .id))
      .unique(on: "code")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema(CategoryModel.schema).delete()
  }
}

struct M0005_CreateRoutingRules: AsyncMigration {
  var name: String { "0005_CreateRoutingRules" }
  func prepare(on database: any Database) async throws {
    try await database.schema(RoutingRuleModel.schema)
      .id()
      .field("category_id", .uuid, .required, .references(CategoryModel.schema, .id))
      .field("region_code", .string)
      .field("unit_id", .uuid, .required, .references(UnitModel.schema, .id))
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema(RoutingRuleModel.schema).delete()
  }
}

struct M0006_CreateMessages: AsyncMigration {
  var name: String { "0006_CreateMessages" }
  func prepare(on database: any Database) async throws {
    try await database.schema(MessageRecord.schema)
      .id()
      .field("serial_year", .int, .required)
      .field("serial_number", .int, .required)
      .field("tracking_hash", .string, .required)
      .field("type", .string, .required)
      .field("title", .string, .required)
      .field("body", .string, .required)
      .field("leader_id", .uuid, .references(LeaderModel.schema, .id))
      .field("region_id", .uuid, .references(RegionModel.schema, .id))
      .field("category_id", .uuid, .references(CategoryModel.schema, .id))
      .field("channel", .string, .required)
      .field("address", .string)
      .field("latitude", .double)
      .field("longitude", .double)
      .field("contact_name", .string, .required)
      .field("contact_phone", .string, .required)
      .field("contact_email", .string)
      .field("is_public", .bool, .required)
      .field("urgent", .bool, .required)
      .field("status", .string, .required)
      .field("closure", .string)
      .field("dispatching_unit_id", .uuid, .references(UnitModel.schema, .id))
      .field("lead_unit_id", .uuid, .references(UnitModel.schema, .id))
      .field("reply_needs_review", .bool, .required)
      .field("suggested_unit_id", .uuid, .references(UnitModel.schema, .id))
      .field("acceptance_due", .datetime)
      .field("reply_due", .datetime)
      .field("merged_into_id", .uuid, .references(MessageRecord.schema, .id))
      .field("version", .int, .required)
      .field("event_count", .int, .required)
      .field("last_event_hash", .string, .required)
      .field("created_at", .datetime, .required)
      .field("updated_at", .datetime, .required)
      .unique(on: "serial_year", "serial_number")
      .unique(on: "tracking_hash")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema(MessageRecord.schema).delete()
  }
}

struct M0007_CreateAssistingUnits: AsyncMigration {
  var name: String { "0007_CreateAssistingUnits" }
  func prepare(on database: any Database) async throws {
    try await database.schema(AssistingUnitModel.schema)
      .id()
      .field("message_id", .uuid, .required, .references(MessageRecord.schema, .id))
      .field("unit_id", .uuid, .required, .references(UnitModel.schema, .id))
      .field("position", .int, .required)
      .unique(on: "message_id", "unit_id")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema(AssistingUnitModel.schema).delete()
  }
}

struct M0008_CreateEvents: AsyncMigration {
  var name: String { "0008_CreateEvents" }
  func prepare(on database: any Database) async throws {
    try await database.schema(EventRecord.schema)
      .id()
      .field("seq", .int64, .required)
      .field("message_id", .uuid, .required, .references(MessageRecord.schema, .id))
      .field("message_seq", .int, .required)
      .field("at_ms", .int64, .required)
      .field("actor_role", .string, .required)
      .field("actor_id", .string, .required)
      .field("actor_unit_id", .uuid)
      .field("action", .string, .required)
      .field("from_status", .string)
      .field("to_status", .string, .required)
      .field("visibility", .string, .required)
      .field("note", .string)
      .field("payload", .string, .required)
      .field("message_hash", .string, .required)
      .field("chain_hash", .string, .required)
      .unique(on: "seq")
      .unique(on: "message_id", "message_seq")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema(EventRecord.schema).delete()
  }
}

struct M0009_CreateReplies: AsyncMigration {
  var name: String { "0009_CreateReplies" }
  func prepare(on database: any Database) async throws {
    try await database.schema(ReplyModel.schema)
      .id()
      .field("message_id", .uuid, .required, .references(MessageRecord.schema, .id))
      .field("unit_id", .uuid, .required, .references(UnitModel.schema, .id))
      .field("body", .string, .required)
      .field("state", .string, .required)
      .field("created_at", .datetime, .required)
      .field("published_at", .datetime)
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema(ReplyModel.schema).delete()
  }
}

struct M0010_CreateEvaluations: AsyncMigration {
  var name: String { "0010_CreateEvaluations" }
  func prepare(on database: any Database) async throws {
    try await database.schema(EvaluationModel.schema)
      .id()
      .field("message_id", .uuid, .required, .references(MessageRecord.schema, .id))
      .field("resolution", .int, .required)
      .field("attitude", .int, .required)
      .field("speed", .int, .required)
      .field("level", .string, .required)
      .field("comment", .string)
      .field("created_at", .datetime, .required)
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema(EvaluationModel.schema).delete()
  }
}

struct M0011_CreateAuditHead: AsyncMigration {
  var name: String { "0011_CreateAuditHead" }
  func prepare(on database: any Database) async throws {
    try await database.schema(AuditHeadModel.schema)
      .id()
      .field("last_seq", .int64, .required)
      .create()
    let head = AuditHeadModel()
    head.id = AuditHeadModel.rowID
    head.lastSequence = 0
    try await head.create(on: database)
  }
  func revert(on database: any Database) async throws {
    try await database.schema(AuditHeadModel.schema).delete()
  }
}

struct M0012_CreateStaffAccounts: AsyncMigration {
  var name: String { "0012_CreateStaffAccounts" }
  func prepare(on database: any Database) async throws {
    try await database.schema("staff_accounts")
      .id()
      .field("username", .string, .required)
      .field("password_hash", .string, .required)
      .field("role", .string, .required)
      .field("unit_id", .uuid, .references(UnitModel.schema, .id))
      .field("disabled", .bool, .required)
      .field("failed_logins", .int, .required)
      .field("locked_until", .datetime)
      .field("created_at", .datetime, .required)
      .unique(on: "username")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("staff_accounts").delete()
  }
}

struct M0013_CreateAccessTokens: AsyncMigration {
  var name: String { "0013_CreateAccessTokens" }
  func prepare(on database: any Database) async throws {
    try await database.schema("access_tokens")
      .id()
      .field("account_id", .uuid, .required, .references("staff_accounts", .id))
      .field("token_hash", .string, .required)
      .field("created_at", .datetime, .required)
      .field("expires_at", .datetime, .required)
      .unique(on: "token_hash")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("access_tokens").delete()
  }
}

struct M0014_CreateStaffSessions: AsyncMigration {
  var name: String { "0014_CreateStaffSessions" }
  func prepare(on database: any Database) async throws {
    try await database.schema("staff_sessions")
      .id()
      .field("account_id", .uuid, .required, .references("staff_accounts", .id))
      .field("session_hash", .string, .required)
      .field("csrf_token", .string, .required)
      .field("created_at", .datetime, .required)
      .field("expires_at", .datetime, .required)
      .unique(on: "session_hash")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("staff_sessions").delete()
  }
}

struct M0015_CreateReferenceChanges: AsyncMigration {
  var name: String { "0015_CreateReferenceChanges" }
  func prepare(on database: any Database) async throws {
    try await database.schema("reference_changes")
      .id()
      .field("at", .datetime, .required)
      .field("actor_id", .string, .required)
      .field("entity", .string, .required)
      .field("entity_id", .uuid, .required)
      .field("action", .string, .required)
      .field("after", .string, .required)
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("reference_changes").delete()
  }
}

struct M0016_CreateMessageSuggestions: AsyncMigration {
  var name: String { "0016_CreateMessageSuggestions" }
  func prepare(on database: any Database) async throws {
    try await database.schema("message_suggestions")
      .field("message_id", .uuid, .required, .references(MessageRecord.schema, .id))
      .field("label", .string, .required)
      .field("category_id", .uuid)
      .field("unit_id", .uuid)
      .field("confidence", .double, .required)
      .field("detail", .string, .required)
      .unique(on: "message_id")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("message_suggestions").delete()
  }
}

struct M0017_CreateAttachments: AsyncMigration {
  var name: String { "0017_CreateAttachments" }
  func prepare(on database: any Database) async throws {
    try await database.schema("attachments")
      .id()
      .field("message_id", .uuid, .required, .references(MessageRecord.schema, .id))
      .field("position", .int, .required)
      .field("content_type", .string, .required)
      .field("byte_count", .int, .required)
      .field("sha256", .string, .required)
      .field("data", .data, .required)
      .field("created_at", .datetime, .required)
      .unique(on: "message_id", "position")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("attachments").delete()
  }
}

struct M0018_CreateThanksLetters: AsyncMigration {
  var name: String { "0018_CreateThanksLetters" }
  func prepare(on database: any Database) async throws {
    try await database.schema("thanks_letters")
      .id()
      .field("message_id", .uuid, .required, .references(MessageRecord.schema, .id))
      .field("unit_id", .uuid, .references(UnitModel.schema, .id))
      .field("author", .string, .required)
      .field("body", .string, .required)
      .field("created_at", .datetime, .required)
      .unique(on: "message_id")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("thanks_letters").delete()
  }
}

/// 发布审核 and the source region: messages received before moderation existed stay published.
struct M0019_UpdateMessagesAddPublication: AsyncMigration {
  var name: String { "0019_UpdateMessagesAddPublication" }
  func prepare(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    // One column per statement: SQLite adds one column per ALTER TABLE.
    try await sql.raw("ALTER TABLE messages ADD COLUMN publication TEXT NOT NULL DEFAULT 'published'").run()
    try await sql.raw("ALTER TABLE messages ADD COLUMN public_title TEXT").run()
    try await sql.raw("ALTER TABLE messages ADD COLUMN public_body TEXT").run()
    try await sql.raw("ALTER TABLE messages ADD COLUMN source_region TEXT").run()
    try await sql.create(index: "messages_publication").on("messages").column("publication")
      .column("dispatching_unit_id").run()
    try await sql.create(index: "messages_contact_phone").on("messages").column("contact_phone").run()
  }
  func revert(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.drop(index: "messages_contact_phone").run()
    try await sql.drop(index: "messages_publication").run()
    for column in ["source_region", "public_body", "public_title", "publication"] {
      try await sql.raw("ALTER TABLE messages DROP COLUMN \(unsafeRaw: column)").run()
    }
  }
}

/// 敏感词 and the intake counters of the rate limits.
struct M0020_CreateModerationTables: AsyncMigration {
  var name: String { "0020_CreateModerationTables" }
  func prepare(on database: any Database) async throws {
    try await database.schema("banned_words")
      .id()
      .field("word", .string, .required)
      .field("severity", .string, .required)
      .field("created_at", .datetime, .required)
      .unique(on: "word")
      .create()
    // A counter per keyed hash (of a mobile number or network address) and fixed window; rows of
    // past windows are deleted as new ones are counted.
    try await database.schema("intake_counters")
      .field("key", .string, .required)
      .field("window_start", .int64, .required)
      .field("count", .int, .required)
      .unique(on: "key", "window_start")
      .create()
    // Keys the store makes for itself (the key of the counters' hashes), shared by all instances.
    try await database.schema("store_secrets")
      .field("name", .string, .required)
      .field("value", .string, .required)
      .unique(on: "name")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("store_secrets").delete()
    try await database.schema("intake_counters").delete()
    try await database.schema("banned_words").delete()
  }
}

/// One-time codes for mobile numbers, citizens' sessions, and the outbox of notifications.
struct M0021_CreateCitizenTables: AsyncMigration {
  var name: String { "0021_CreateCitizenTables" }
  func prepare(on database: any Database) async throws {
    try await database.schema("phone_codes")
      .field("phone_hash", .string, .required)
      .field("code_hash", .string, .required)
      .field("sent_at", .datetime, .required)
      .field("expires_at", .datetime, .required)
      .field("attempts", .int, .required)
      .unique(on: "phone_hash")
      .create()
    try await database.schema("citizen_sessions")
      .field("session_hash", .string, .required)
      .field("phone", .string, .required)
      .field("created_at", .datetime, .required)
      .field("expires_at", .datetime, .required)
      .unique(on: "session_hash")
      .create()
    try await database.schema("outbox")
      .id()
      .field("channel", .string, .required)
      .field("recipient", .string, .required)
      .field("body", .string, .required)
      .field("created_at", .datetime, .required)
      .field("sent_at", .datetime)
      .field("attempts", .int, .required)
      .field("last_error", .string)
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("outbox").delete()
    try await database.schema("citizen_sessions").delete()
    try await database.schema("phone_codes").delete()
  }
}

/// Scheduled jobs: a lease per job so that one instance runs it at a time, and the jobs done per
/// message (a reminder per deadline, a notice per missed deadline, one auto-close), each once.
struct M0022_CreateJobTables: AsyncMigration {
  var name: String { "0022_CreateJobTables" }
  func prepare(on database: any Database) async throws {
    try await database.schema("job_leases")
      .field("name", .string, .required)
      .field("holder", .string, .required)
      .field("expires_at", .datetime, .required)
      .unique(on: "name")
      .create()
    try await database.schema("job_runs")
      .field("message_id", .uuid, .required, .references(MessageRecord.schema, .id))
      .field("job_key", .string, .required)
      .field("done_at", .datetime, .required)
      .unique(on: "message_id", "job_key")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("job_runs").delete()
    try await database.schema("job_leases").delete()
  }
}

/// 并单候选: each new message's fingerprint, waiting to be indexed; the band keys of indexed messages;
/// and the candidates found for each, with the dispatcher's decision.
struct M0023_CreateDuplicateTables: AsyncMigration {
  var name: String { "0023_CreateDuplicateTables" }
  func prepare(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.raw("ALTER TABLE messages ADD COLUMN fingerprint TEXT").run()
    try await sql.raw("ALTER TABLE messages ADD COLUMN fingerprint_pending BOOLEAN NOT NULL DEFAULT FALSE").run()
    try await sql.create(index: "messages_fingerprint_pending").on("messages").column("fingerprint_pending").run()
    try await database.schema("message_bands")
      .field("band_key", .int64, .required)
      .field("message_id", .uuid, .required, .references(MessageRecord.schema, .id))
      .create()
    try await sql.create(index: "message_bands_key").on("message_bands").column("band_key").run()
    try await database.schema("duplicate_candidates")
      .field("message_id", .uuid, .required, .references(MessageRecord.schema, .id))
      .field("candidate_id", .uuid, .required, .references(MessageRecord.schema, .id))
      .field("similarity", .double, .required)
      .field("state", .string, .required)
      .field("decided_by", .string)
      .field("decided_at", .datetime)
      .unique(on: "message_id", "candidate_id")
      .create()
  }
  func revert(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await database.schema("duplicate_candidates").delete()
    try await database.schema("message_bands").delete()
    try await sql.drop(index: "messages_fingerprint_pending").run()
    try await sql.raw("ALTER TABLE messages DROP COLUMN fingerprint_pending").run()
    try await sql.raw("ALTER TABLE messages DROP COLUMN fingerprint").run()
  }
}

/// 知识库: approved answers and reply templates that staff search from the reply editor.
struct M0024_CreateKnowledgeBase: AsyncMigration {
  var name: String { "0024_CreateKnowledgeBase" }
  func prepare(on database: any Database) async throws {
    try await database.schema("knowledge_entries")
      .id()
      .field("kind", .string, .required)
      .field("title", .string, .required)
      .field("body", .string, .required)
      .field("category_id", .uuid, .references(CategoryModel.schema, .id))
      .field("updated_at", .datetime, .required)
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("knowledge_entries").delete()
  }
}

/// Calendars and SLA rules uploaded by administrators: each a JSON document the store applies over
/// the shipped and configured files (one row per year for calendars, one row for the SLA rules).
struct M0025_CreateRuleDocuments: AsyncMigration {
  var name: String { "0025_CreateRuleDocuments" }
  func prepare(on database: any Database) async throws {
    try await database.schema("rule_documents")
      .id()
      .field("kind", .string, .required)
      .field("key", .string, .required)
      .field("body", .string, .required)
      .field("updated_at", .datetime, .required)
      .field("updated_by", .string, .required)
      .unique(on: "kind", "key")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("rule_documents").delete()
  }
}

/// Staff e-mail addresses (where notices are mailed when SMTP is configured), and the outbox by
/// recipient (each member of staff's notices on the workbench).
struct M0026_UpdateStaffAddEmail: AsyncMigration {
  var name: String { "0026_UpdateStaffAddEmail" }
  func prepare(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.raw("ALTER TABLE staff_accounts ADD COLUMN email TEXT").run()
    try await sql.create(index: "outbox_recipient").on("outbox").column("recipient").column("created_at").run()
  }
  func revert(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.drop(index: "outbox_recipient").run()
    try await sql.raw("ALTER TABLE staff_accounts DROP COLUMN email").run()
  }
}

/// A migration that creates plain indexes, and drops them when reverted.
protocol CreateIndexesMigration: AsyncMigration {
  static var indexes: [(name: String, table: String, columns: [String])] { get }
}

extension CreateIndexesMigration {
  func prepare(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    for index in Self.indexes {
      let create = sql.create(index: index.name).on(index.table)
      for column in index.columns { _ = create.column(column) }
      try await create.run()
    }
  }
  func revert(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    for index in Self.indexes.reversed() { try await sql.drop(index: index.name).run() }
  }
}

/// The workbench's queries by unit, status and deadline, and the periods of the figures: with
/// 100,000 messages each of them would otherwise read the whole table.
struct M0027_CreateWorkbenchIndexes: CreateIndexesMigration {
  var name: String { "0027_CreateWorkbenchIndexes" }
  static let indexes: [(name: String, table: String, columns: [String])] = [
    ("messages_lead_status", "messages", ["lead_unit_id", "status"]),
    ("messages_office_status", "messages", ["dispatching_unit_id", "status"]),
    ("messages_status_acceptance", "messages", ["status", "acceptance_due"]),
    ("messages_status_reply", "messages", ["status", "reply_due"]),
    ("messages_created", "messages", ["created_at"]),
    ("assisting_units_unit", "message_assisting_units", ["unit_id"]),
  ]
}

/// The queues in the order they are shown: the pool newest first per office and status, the inbox by
/// deadline per unit and status — so a page reads its rows and no more.
struct M0028_CreateQueueOrderIndexes: CreateIndexesMigration {
  var name: String { "0028_CreateQueueOrderIndexes" }
  static let indexes: [(name: String, table: String, columns: [String])] = [
    ("messages_office_status_serial", "messages", ["dispatching_unit_id", "status", "serial_year", "serial_number"]),
    ("messages_lead_status_acceptance", "messages", ["lead_unit_id", "status", "acceptance_due"]),
    ("messages_lead_status_reply", "messages", ["lead_unit_id", "status", "reply_due"]),
  ]
}

/// Two of 0027's indexes are the leading columns of two of 0028's, which serve the same queries:
/// every message written paid for both.
struct M0029_DropRedundantIndexes: AsyncMigration {
  var name: String { "0029_DropRedundantIndexes" }
  static let dropped: [(name: String, columns: [String])] = [
    ("messages_lead_status", ["lead_unit_id", "status"]),
    ("messages_office_status", ["dispatching_unit_id", "status"]),
  ]
  func prepare(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    for index in Self.dropped { try await sql.drop(index: index.name).run() }
  }
  func revert(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    for index in Self.dropped.reversed() {
      let create = sql.create(index: index.name).on("messages")
      for column in index.columns { _ = create.column(column) }
      try await create.run()
    }
  }
}

/// A new message has no lead unit, no deadlines and (once filed) no pending fingerprint, and the
/// queries that use these indexes always ask for a lead unit, a deadline or a pending fingerprint:
/// so the indexes hold only the rows that have one, and taking a message in writes none of them.
/// (SQLite and PostgreSQL both use a partial index when the query's conditions imply its own.)
struct M0030_PartialIndexes: AsyncMigration {
  var name: String { "0030_PartialIndexes" }
  static let indexes: [(name: String, columns: String, partial: String)] = [
    ("messages_status_acceptance", "status, acceptance_due", "acceptance_due IS NOT NULL"),
    ("messages_status_reply", "status, reply_due", "reply_due IS NOT NULL"),
    ("messages_lead_status_acceptance", "lead_unit_id, status, acceptance_due", "lead_unit_id IS NOT NULL"),
    ("messages_lead_status_reply", "lead_unit_id, status, reply_due", "lead_unit_id IS NOT NULL"),
  ]
  func prepare(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    for index in Self.indexes {
      try await sql.drop(index: index.name).run()
      try await sql.raw(
        "CREATE INDEX \(ident: index.name) ON messages (\(unsafeRaw: index.columns)) WHERE \(unsafeRaw: index.partial)"
      ).run()
    }
    try await sql.drop(index: "messages_fingerprint_pending").run()
    try await sql.raw(
      "CREATE INDEX messages_fingerprint_pending ON messages (created_at, serial_number) WHERE fingerprint_pending = TRUE"
    ).run()
  }
  func revert(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.drop(index: "messages_fingerprint_pending").run()
    try await sql.raw("CREATE INDEX messages_fingerprint_pending ON messages (fingerprint_pending)").run()
    for index in Self.indexes.reversed() {
      try await sql.drop(index: index.name).run()
      try await sql.raw("CREATE INDEX \(ident: index.name) ON messages (\(unsafeRaw: index.columns))").run()
    }
  }
}

/// Each band key's postings in time order, so that duplicate indexing reads the latest few messages
/// of a band rather than every message that ever had it: a complaint written from one template
/// thousands of times would otherwise make each new message read thousands of rows.
struct M0031_BandRecency: AsyncMigration {
  var name: String { "0031_BandRecency" }
  func prepare(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await database.schema("message_bands").field("created_at", .datetime).update()
    try await sql.raw(
      """
      UPDATE message_bands SET created_at = (SELECT m.created_at FROM messages m WHERE m.id = message_bands.message_id)
      """
    ).run()
    try await sql.drop(index: "message_bands_key").run()
    try await sql.create(index: "message_bands_key_time").on("message_bands").column("band_key").column("created_at")
      .run()
  }
  func revert(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.drop(index: "message_bands_key_time").run()
    try await sql.create(index: "message_bands_key").on("message_bands").column("band_key").run()
    try await database.schema("message_bands").deleteField("created_at").update()
  }
}

/// Every case page and every public message page reads the message's replies (published and
/// draft) and its evaluation: without these indexes each read went through the whole table.
struct M0032_IndexRepliesAndEvaluations: CreateIndexesMigration {
  var name: String { "0032_IndexRepliesAndEvaluations" }
  static let indexes: [(name: String, table: String, columns: [String])] = [
    ("replies_message_state", "replies", ["message_id", "state"]),
    ("evaluations_message", "evaluations", ["message_id"]),
  ]
}

/// 一次解决率 counts the month's calls and letters and those answered on the spot: these partial
/// indexes hold only such messages and such events, so the figure reads them and nothing else
/// (without them, a month of 100,000 messages took 200 ms), and web intake writes neither.
struct M0033_FirstContactIndexes: AsyncMigration {
  var name: String { "0033_FirstContactIndexes" }
  func prepare(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.raw(
      """
      CREATE INDEX messages_first_contact ON messages (created_at, dispatching_unit_id)
      WHERE \(unsafeRaw: Store.firstContactChannels)
      """
    ).run()
    try await sql.raw(
      "CREATE INDEX events_answered_directly ON events (message_id) WHERE action = 'answer_directly'"
    ).run()
  }
  func revert(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.drop(index: "events_answered_directly").run()
    try await sql.drop(index: "messages_first_contact").run()
  }
}

/// 急事急办: the pool lists new urgent messages before every other new message, however old. This
/// partial index holds only those (few at any time), so they are read first without sorting the
/// office's whole queue; a message leaves it when it is dispatched or no longer urgent.
struct M0034_UrgentNewMessages: AsyncMigration {
  var name: String { "0034_UrgentNewMessages" }
  func prepare(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.raw(
      """
      CREATE INDEX messages_urgent_new ON messages (dispatching_unit_id, serial_year, serial_number)
      WHERE \(unsafeRaw: Store.urgentNew)
      """
    ).run()
  }
  func revert(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.drop(index: "messages_urgent_new").run()
  }
}

/// 办件箱: a unit's returned cases (waiting for the dispatcher's decision) are listed oldest first.
/// The lead-unit indexes are ordered by deadline, which a returned case does not run, so without this
/// partial index every returned case of the unit was read and sorted for each page; new messages,
/// never returned, do not touch it.
struct M0035_ReturnedByLeadUnit: AsyncMigration {
  var name: String { "0035_ReturnedByLeadUnit" }
  func prepare(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.raw(
      """
      CREATE INDEX messages_lead_returned ON messages (lead_unit_id, created_at)
      WHERE \(unsafeRaw: Store.returnedCases)
      """
    ).run()
  }
  func revert(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.drop(index: "messages_lead_returned").run()
  }
}

/// 一次解决率: the month's calls and letters are counted from the index of 0033 alone. That index did
/// not hold the channel, so SQLite read every one of the month's rows again to check it (thousands
/// of row reads on each supervision board and intake page by the end of a month).
struct M0036_FirstContactCovering: AsyncMigration {
  var name: String { "0036_FirstContactCovering" }
  func prepare(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.drop(index: "messages_first_contact").run()
    try await sql.raw(
      """
      CREATE INDEX messages_first_contact ON messages (created_at, dispatching_unit_id, channel)
      WHERE \(unsafeRaw: Store.firstContactChannels)
      """
    ).run()
  }
  func revert(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.drop(index: "messages_first_contact").run()
    try await sql.raw(
      """
      CREATE INDEX messages_first_contact ON messages (created_at, dispatching_unit_id)
      WHERE \(unsafeRaw: Store.firstContactChannels)
      """
    ).run()
  }
}

/// The audit events are keyed by their place in the global chain (`seq`) instead of a random id.
///
/// Every write of a message appends one event. With a random UUID as the key, each append touched
/// four B-trees (the rows, the id key, the `seq` key and the per-message key), the id key in a
/// random place. Keyed by `seq`, SQLite stores the rows in chain order (the key is the row id) and
/// an append touches two: two fewer pages written and synced on every intake and every transition.
/// The id stays, without an index: nothing looks an event up by it, and it is a random UUID.
///
/// SQLite cannot change a table's key in place, so there the table is rebuilt in a transaction
/// (rows copied in chain order); PostgreSQL swaps the constraints. Both end with the same columns,
/// key and constraints.
struct M0037_EventsKeyedBySequence: AsyncMigration {
  var name: String { "0037_EventsKeyedBySequence" }

  /// The columns after `id` and `seq`, as M0008 made them.
  static let columns = """
    "message_id" UUID NOT NULL REFERENCES "messages" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION,
    "message_seq" INTEGER NOT NULL, "at_ms" INTEGER NOT NULL, "actor_role" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL, "actor_unit_id" UUID, "action" TEXT NOT NULL, "from_status" TEXT,
    "to_status" TEXT NOT NULL, "visibility" TEXT NOT NULL, "note" TEXT, "payload" TEXT NOT NULL,
    "message_hash" TEXT NOT NULL, "chain_hash" TEXT NOT NULL,
    CONSTRAINT "uq:events.message_id+events.message_seq" UNIQUE ("message_id", "message_seq")
    """
  static let names = """
    "id", "seq", "message_id", "message_seq", "at_ms", "actor_role", "actor_id", "actor_unit_id", "action",
    "from_status", "to_status", "visibility", "note", "payload", "message_hash", "chain_hash"
    """

  func prepare(on database: any Database) async throws {
    try await database.transaction { tx in
      guard let sql = tx as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
      if sql.dialect.name == "sqlite" {
        try await Self.rebuild(
          sql, key: #""id" UUID NOT NULL, "seq" INTEGER PRIMARY KEY"#, constraints: "")
      } else {
        try await sql.raw("ALTER TABLE events DROP CONSTRAINT events_pkey").run()
        try await sql.raw("ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (seq)").run()
        try await sql.raw(#"ALTER TABLE events DROP CONSTRAINT "uq:events.seq""#).run()
      }
    }
  }

  func revert(on database: any Database) async throws {
    try await database.transaction { tx in
      guard let sql = tx as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
      if sql.dialect.name == "sqlite" {
        try await Self.rebuild(
          sql, key: #""id" UUID PRIMARY KEY, "seq" INTEGER NOT NULL"#,
          constraints: #", CONSTRAINT "uq:events.seq" UNIQUE ("seq")"#)
      } else {
        try await sql.raw(#"ALTER TABLE events ADD CONSTRAINT "uq:events.seq" UNIQUE (seq)"#).run()
        try await sql.raw("ALTER TABLE events DROP CONSTRAINT events_pkey").run()
        try await sql.raw("ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id)").run()
      }
    }
  }

  /// Makes a new `events` table with these key columns, copies the rows in chain order, and puts it
  /// in the old one's place with its partial index.
  static func rebuild(_ sql: any SQLDatabase, key: String, constraints: String) async throws {
    try await sql.raw("CREATE TABLE events_rebuilt (\(unsafeRaw: key), \(unsafeRaw: columns)\(unsafeRaw: constraints))")
      .run()
    try await sql.raw(
      "INSERT INTO events_rebuilt (\(unsafeRaw: names)) SELECT \(unsafeRaw: names) FROM events ORDER BY seq"
    ).run()
    try await sql.raw("DROP TABLE events").run()
    try await sql.raw("ALTER TABLE events_rebuilt RENAME TO events").run()
    try await sql.raw(
      "CREATE INDEX events_answered_directly ON events (message_id) WHERE action = 'answer_directly'"
    ).run()
  }
}

/// 发布审核: the index of messages by publication held every message, so every intake wrote to it
/// though the moderators only ever ask for the ones waiting (`pending`), a handful at any time.
/// Now it holds only those, by dispatching office and arrival, the order the queue shows them in;
/// with moderation off, an intake does not touch it at all.
struct M0038_PendingModeration: AsyncMigration {
  var name: String { "0038_PendingModeration" }
  func prepare(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.drop(index: "messages_publication").run()
    try await sql.raw(
      """
      CREATE INDEX messages_pending_moderation ON messages (dispatching_unit_id, created_at)
      WHERE \(unsafeRaw: Store.pendingModeration)
      """
    ).run()
  }
  func revert(on database: any Database) async throws {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    try await sql.drop(index: "messages_pending_moderation").run()
    try await sql.create(index: "messages_publication").on("messages").column("publication")
      .column("dispatching_unit_id").run()
  }
}
