import FluentKit

/// 不再提醒: the mobile numbers whose authors turned 办理提醒 off in 我的留言, kept as SHA-256 only.
struct M0054_NoticeOptOuts: AsyncMigration {
  var name: String { "0054_NoticeOptOuts" }
  func prepare(on database: any Database) async throws {
    try await database.schema("notice_opt_outs")
      .field("phone_hash", .string, .identifier(auto: false))
      .field("created_at", .datetime, .required)
      .create()
  }
  func revert(on database: any Database) async throws {
    try await database.schema("notice_opt_outs").delete()
  }
}
