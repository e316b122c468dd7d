import FluentKit
import SQLKit

/// 专家评审: the staff named to a suggestion's panel, and the opinion each gave.
struct M0070_ProposalReviews: AsyncMigration {
  var name: String { "0070_ProposalReviews" }
  func prepare(on database: any Database) async throws {
    try await database.schema("proposal_reviews")
      .field("message_id", .uuid, .required)
      .field("username", .string, .required)
      .field("named_by", .string, .required)
      .field("named_at", .datetime, .required)
      .field("outcome", .string)
      .field("opinion", .string)
      .field("reviewed_at", .datetime)
      .unique(on: "message_id", "username")
      .create()
    let sql = try MigrationSQL.of(database)
    try await sql.create(index: "proposal_reviews_username").on("proposal_reviews").column("username")
      .column("reviewed_at").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "proposal_reviews_username").run()
    try await database.schema("proposal_reviews").delete()
  }
}
