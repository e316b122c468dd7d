import FluentKit
import SQLKit

/// The board's topics are found in an even sample of each week's messages (every n-th serial
/// number). The index by arrival time did not hold the serial, so taking the sample read every row
/// of the week (140,000 on a province's platform, seconds while cold) to keep one in thirty; with the
/// serial in the index the sample is chosen from the index alone and only its rows are read.
struct M0046_ArrivalSerialIndex: AsyncMigration {
  var name: String { "0046_ArrivalSerialIndex" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "messages_created").run()
    try await sql.raw("CREATE INDEX messages_created ON messages (created_at, serial_year, serial_number)").run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.drop(index: "messages_created").run()
    try await sql.raw("CREATE INDEX messages_created ON messages (created_at)").run()
  }
}
