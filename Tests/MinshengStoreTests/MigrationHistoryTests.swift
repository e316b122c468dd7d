import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

@testable import MinshengStore

/// Released migrations are history: each is applied in turn to an empty SQLite file and the schema it
/// leaves (every table, index and trigger as SQLite keeps its SQL) is hashed. The hashes are committed
/// (`Fixtures/migration-schemas.txt`); editing a released migration, or a constant it once read,
/// changes its hash and fails here. A new migration is recorded with `MINSHENG_RECORD_MIGRATIONS=1`,
/// which only ever appends.
@Suite struct MigrationHistoryTests {
  static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/migration-schemas.txt")

  @Test func releasedMigrations_leaveTheSchemaTheyAlwaysLeft() async throws {
    let recorded = Self.recorded()
    let computed = try await TestDatabase.sqlite.withDatabase { location in
      let database = try await StoreDatabase.open(location, implementation: .portable)
      do {
        var computed: [Recorded] = []
        for (index, migration) in StoreMigrations.all.enumerated() {
          try await database.migrate(through: index + 1)
          computed.append(Recorded(name: migration.name, hash: try await Self.schemaHash(database)))
        }
        await database.close()
        return computed
      } catch {
        await database.close()
        throw error
      }
    }
    #expect(Set(computed.map(\.name)).count == computed.count, "migration names are unique")
    for (index, entry) in computed.enumerated() where index < recorded.count {
      let (name, hash) = (entry.name, entry.hash)
      #expect(recorded[index].name == name, "migration \(index + 1) was \(recorded[index].name), is \(name)")
      #expect(recorded[index].hash == hash, "the released migration \(name) changed what it creates")
    }
    let new = computed.dropFirst(recorded.count)
    if ProcessInfo.processInfo.environment["MINSHENG_RECORD_MIGRATIONS"] == "1" {
      let lines = new.map { "\($0.name) \($0.hash)\n" }.joined()
      let handle = try FileHandle(forWritingTo: Self.file)
      try handle.seekToEnd()
      try handle.write(contentsOf: Data(lines.utf8))
      try handle.close()
    } else {
      #expect(
        new.isEmpty, "record the new migrations: MINSHENG_RECORD_MIGRATIONS=1 swift test --filter MigrationHistory")
    }
  }

  struct Recorded: Sendable {
    let name: String
    let hash: String
  }

  static func recorded() -> [Recorded] {
    let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
      let parts = line.split(separator: " ")
      return parts.count == 2 ? Recorded(name: String(parts[0]), hash: String(parts[1])) : nil
    }
  }

  /// SHA-256 of the schema's SQL.
  static func schemaHash(_ database: StoreDatabase) async throws -> String {
    Hashing.sha256Hex(try await database.sqliteSchema())
  }
}
