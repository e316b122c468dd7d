import FluentKit

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
