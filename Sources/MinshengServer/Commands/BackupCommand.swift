import ArgumentParser
import Foundation
import MinshengCore
import MinshengStore

/// `minsheng backup FILE`: an online copy of the SQLite database (safe while `serve` runs), checked.
struct BackupCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backup",
    abstract: "Copy the SQLite database to FILE while it may be in use, then check the copy.",
    discussion: """
      Uses SQLite's online backup API: the copy is one consistent moment, and serving goes on. The copy \
      is then checked (SQLite's integrity check, both audit chains) and its counts printed. PostgreSQL \
      is backed up with pg_dump (docs/operations.md).
      """)

  @Argument(help: "The backup file to write (must not exist).") var file: String

  func run() async throws {
    let configuration = try Self.environment()
    let database = try await StoreDatabase.open(configuration.database, implementation: .portable)
    do {
      let summary = try await database.backup(to: file)
      await database.close()
      print(
        say(
          "cli_backup_done",
          [
            "path": .plain(file), "messages": .number(summary.messages), "events": .number(summary.events),
            "head": .plain(String(summary.auditHead)), "integrity": .plain(summary.integrity),
          ]))
    } catch let error as BackupError {
      await database.close()
      throw ValidationError(error.description)
    } catch {
      await database.close()
      throw error
    }
  }

  /// The configuration read from the environment, its problems said as the other commands say them.
  static func environment() throws -> Configuration {
    do {
      return try Configuration.read()
    } catch {
      throw ValidationError(error.description)
    }
  }
}

/// `minsheng restore FILE [--replace]`: puts a checked backup in place of the SQLite database.
struct RestoreCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "restore",
    abstract: "Put a checked backup in place of the SQLite database (never while serve runs on it).",
    discussion: """
      The backup is checked first (integrity, audit chains); the database file must not exist unless \
      --replace is given. Migrations the backup predates are applied.
      """)

  @Argument(help: "The backup file written by `minsheng backup`.") var file: String
  @Flag(help: "Replace an existing database file.") var replace = false

  func run() async throws {
    let configuration = try BackupCommand.environment()
    do {
      let summary = try await StoreDatabase.restore(from: file, to: configuration.database, replacing: replace)
      print(
        say(
          "cli_restore_done",
          [
            "path": .plain(file), "messages": .number(summary.messages), "events": .number(summary.events),
            "head": .plain(String(summary.auditHead)),
          ]))
    } catch let error as BackupError {
      throw ValidationError(error.description)
    }
  }
}
