import FluentKit
import SQLKit

/// A moderator's redaction of a suggestion's proposal and benefit, as the public reads them (null for
/// the author's text), kept apart as a message's public title and body are.
struct M0066_ProposalRedaction: AsyncMigration {
  var name: String { "0066_ProposalRedaction" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE proposals ADD COLUMN public_proposal TEXT").run()
    try await sql.raw("ALTER TABLE proposals ADD COLUMN public_benefit TEXT").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw("ALTER TABLE proposals DROP COLUMN public_benefit").run()
    try await sql.raw("ALTER TABLE proposals DROP COLUMN public_proposal").run()
  }
}
