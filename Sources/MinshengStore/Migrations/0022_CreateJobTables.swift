import FluentKit

/// Scheduled jobs: a lease per job so that one instance runs it at a time, and the jobs done per
/// message (a reminder per deadline, a notice per missed deadline, one auto-close), each once.
struct M0022_CreateJobTables: AsyncMigration {
  var name: String { "0022_CreateJobTables" }
  func prepare(on database: any Database) async throws {
    try await database.schema("job_leases")
      .field("name", .string, .required)
      .field("holder", .string, .required)
      .field("expires_at", .datetime, .required)
      .unique(on: "name")
      .create()
    try await database.schema("job_runs")
      .field("message_id", .uuid, .required, .references("messages", .id))
      .field("job_key", .string, .required)
      .field("done_at", .datetime, .required)
      .unique(on: "message_id", "job_key")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("job_runs").delete()
    try await database.schema("job_leases").delete()
  }
}
