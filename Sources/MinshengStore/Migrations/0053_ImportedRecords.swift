import FluentKit

/// 外部编号: which message each imported record became, by its source and its id there (the pair
/// is the key, so importing a file twice adds nothing), with the link to a social-media comment.
/// Written in the transaction that stores the message.
struct M0053_ImportedRecords: AsyncMigration {
  var name: String { "0053_ImportedRecords" }
  func prepare(on database: any Database) async throws {
    try await database.schema("imported_records")
      .field("source", .string, .required)
      .field("external_id", .string, .required)
      .field("message_id", .uuid, .required, .references("messages", "id"))
      .field("link", .string)
      .field("imported_at", .datetime, .required)
      .compositeIdentifier(over: "source", "external_id")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("imported_records").delete()
  }
}
