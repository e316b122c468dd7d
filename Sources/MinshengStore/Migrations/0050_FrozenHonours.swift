import FluentKit

/// 表彰定榜: a year's honours as an administrator published them, kept whole (the formula, the figures
/// behind each name, the moment they were judged at) so that later edits to cases cannot change a
/// published honour. One row per year; the publication is recorded in `reference_changes`.
struct M0050_FrozenHonours: AsyncMigration {
  var name: String { "0050_FrozenHonours" }
  func prepare(on database: any Database) async throws {
    try await database.schema("frozen_honours")
      .id()
      .field("year", .int, .required)
      .field("body", .string, .required)
      .field("frozen_at", .datetime, .required)
      .field("frozen_by", .string, .required)
      .unique(on: "year")
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("frozen_honours").delete()
  }
}
