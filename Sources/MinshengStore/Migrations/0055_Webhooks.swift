import FluentKit
import SQLKit

/// Webhooks for other systems (a city's data platform, 12345's system): each a URL, the event kinds it
/// takes and the secret its deliveries are signed with. Deliveries go through the outbox, which now
/// retries with back-off (`next_attempt_at`) and records a delivery it gave up on (`failed_at`); the
/// dispatcher's place in the global audit chain is `webhook_cursor`, starting after the events that
/// exist now.
struct M0055_Webhooks: AsyncMigration {
  var name: String { "0055_Webhooks" }
  func prepare(on database: any Database) async throws {
    try await database.schema("webhooks")
      .id()
      .field("url", .string, .required)
      .field("events", .string, .required)
      .field("secret", .string, .required)
      .field("created_at", .datetime, .required)
      .create()
    try await database.schema("webhook_cursor")
      .field("id", .int, .identifier(auto: false))
      .field("position", .int64, .required)
      .create()
    let sql = try MigrationSQL.of(database)
    try await sql.raw("INSERT INTO webhook_cursor (id, position) SELECT 1, COALESCE(MAX(chain_pos), 0) FROM events")
      .run()
    try await database.schema("outbox").field("next_attempt_at", .datetime).update()
    try await database.schema("outbox").field("failed_at", .datetime).update()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("outbox").deleteField("failed_at").update()
    try await database.schema("outbox").deleteField("next_attempt_at").update()
    try await database.schema("webhook_cursor").delete()
    try await database.schema("webhooks").delete()
  }
}
