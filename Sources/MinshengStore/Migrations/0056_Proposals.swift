import FluentKit
import Foundation
import SQLKit

/// 人民建议征集: campaigns (征集活动), with the general one (常年征集) that is always open; the
/// suggestions, each the details a 建议 message adds (its campaign, proposal, benefit, supports and the
/// unit's outcome); the supports (附议), one per verified number (kept as a keyed hash) and suggestion;
/// and the adoption steps (转化运用) of adopted suggestions.
struct M0056_Proposals: AsyncMigration {
  var name: String { "0056_Proposals" }
  func prepare(on database: any Database) async throws {
    try await database.schema("proposal_campaigns")
      .id()
      .field("title", .string, .required)
      .field("description", .string, .required)
      .field("opens_on", .string, .required)
      .field("closes_on", .string)
      .field("support_threshold", .int)
      .field("unit_ids", .string, .required)
      .field("is_general", .bool, .required)
      .field("created_at", .datetime, .required)
      .create()
    try await database.schema("proposals")
      .field("message_id", .uuid, .identifier(auto: false))
      .field("campaign_id", .uuid, .required)
      .field("proposal", .string, .required)
      .field("benefit", .string, .required)
      .field("supports", .int, .required)
      .field("threshold_reached_at", .datetime)
      .field("outcome", .string)
      .field("outcome_reason", .string)
      .field("evaluated_at", .datetime)
      .field("evaluated_by", .uuid)
      .field("created_at", .datetime, .required)
      .create()
    try await database.schema("proposal_supports")
      .field("message_id", .uuid, .required)
      .field("phone_hash", .string, .required)
      .field("created_at", .datetime, .required)
      .unique(on: "message_id", "phone_hash")
      .create()
    try await database.schema("adoptions")
      .id()
      .field("message_id", .uuid, .required)
      .field("unit_id", .uuid)
      .field("measure", .string, .required)
      .field("document_title", .string)
      .field("document_number", .string)
      .field("document_date", .string)
      .field("link", .string)
      .field("progress", .int, .required)
      .field("created_at", .datetime, .required)
      .create()
    let sql = try MigrationSQL.of(database)
    try await sql.create(index: "proposals_campaign").on("proposals").column("campaign_id").column("created_at").run()
    try await sql.create(index: "proposals_created").on("proposals").column("created_at").run()
    try await sql.create(index: "adoptions_message").on("adoptions").column("message_id").column("created_at").run()
    try await sql.raw(
      """
      INSERT INTO proposal_campaigns (id, title, description, opens_on, closes_on, support_threshold, unit_ids,
        is_general, created_at)
      VALUES (\(bind: UUID(uuidString: "00000000-0000-4000-8000-00000000c0de")!), \(bind: "常年征集"),
        \(bind: "对经济社会发展和民生事务的意见建议，任何时候都可以提出。"), \(bind: "2000-01-01"), NULL, NULL, \(bind: ""),
        \(bind: true), \(bind: Date(timeIntervalSince1970: 1_767_225_600)))
      """
    ).run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    for index in ["adoptions_message", "proposals_created", "proposals_campaign"] {
      try await sql.drop(index: index).run()
    }
    try await database.schema("adoptions").delete()
    try await database.schema("proposal_supports").delete()
    try await database.schema("proposals").delete()
    try await database.schema("proposal_campaigns").delete()
  }
}
