import FluentKit

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
