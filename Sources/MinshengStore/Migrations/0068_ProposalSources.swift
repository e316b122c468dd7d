import FluentKit
import SQLKit

/// 热点转办: the messages of the hot topic a referred suggestion came from, in the topic's order.
struct M0068_ProposalSources: AsyncMigration {
  var name: String { "0068_ProposalSources" }
  func prepare(on database: any Database) async throws {
    try await database.schema("proposal_sources")
      .field("message_id", .uuid, .required)
      .field("source_id", .uuid, .required)
      .field("position", .int, .required)
      .unique(on: "message_id", "source_id")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("proposal_sources").delete()
  }
}
