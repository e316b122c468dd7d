import FluentKit

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
