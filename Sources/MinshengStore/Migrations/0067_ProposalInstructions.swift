import FluentKit
import SQLKit

/// 领导批示 on suggestions, each its own row (the leader, the day, the words for the units, the public
/// summary), and when a suggestion's adoption reached 100% (已落实).
struct M0067_ProposalInstructions: AsyncMigration {
  var name: String { "0067_ProposalInstructions" }
  func prepare(on database: any Database) async throws {
    try await database.schema("proposal_instructions")
      .id()
      .field("message_id", .uuid, .required)
      .field("leader", .string, .required)
      .field("given_on", .string, .required)
      .field("text", .string, .required)
      .field("public_summary", .string)
      .field("recorded_by", .string, .required)
      .field("created_at", .datetime, .required)
      .create()
    try await database.schema("proposals").field("implemented_at", .datetime).update()
    let sql = try MigrationSQL.of(database)
    try await sql.create(index: "proposal_instructions_message").on("proposal_instructions").column("message_id")
      .column("created_at").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "proposal_instructions_message").run()
    try await database.schema("proposals").deleteField("implemented_at").update()
    try await database.schema("proposal_instructions").delete()
  }
}
