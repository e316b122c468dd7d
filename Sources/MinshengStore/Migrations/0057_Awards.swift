import FluentKit
import SQLKit

/// 表彰奖励: award rounds (a period, tiers as JSON, the published result kept whole) and the panel's
/// scores, one per member and suggestion.
struct M0057_Awards: AsyncMigration {
  var name: String { "0057_Awards" }
  func prepare(on database: any Database) async throws {
    try await database.schema("award_rounds")
      .id()
      .field("title", .string, .required)
      .field("from_day", .string, .required)
      .field("to_day", .string, .required)
      .field("tiers", .string, .required)
      .field("created_at", .datetime, .required)
      .field("published_at", .datetime)
      .field("published_by", .string)
      .field("result", .string)
      .create()
    try await database.schema("award_scores")
      .field("round_id", .uuid, .required)
      .field("message_id", .uuid, .required)
      .field("scorer", .string, .required)
      .field("score", .int, .required)
      .field("created_at", .datetime, .required)
      .unique(on: "round_id", "message_id", "scorer")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("award_scores").delete()
    try await database.schema("award_rounds").delete()
  }
}
