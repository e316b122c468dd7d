import ArgumentParser
import Foundation
import MinshengCore
import MinshengStore

/// The `minsheng` command and its subcommands.
public struct Minsheng: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "minsheng",
    abstract: "民生之声 Minsheng: citizens' messages to government, handled in public and on time.",
    subcommands: [
      ServeCommand.self, DemoCommand.self, UserCommand.self, MigrateCommand.self, AuditCommand.self,
      WorkflowCommand.self, ClassifyCommand.self, TopicsCommand.self, JobsCommand.self, BackupCommand.self,
      RestoreCommand.self, SearchCommand.self, StatsCommand.self, Open311KeyCommand.self, ImportCommand.self,
      WebhookCommand.self,
    ]
  )

  public init() {}
}

/// Opens the configured database with the configured rules for a command, and closes it after.
///
/// Unless `schemaCheck` is off, an SQLite database is first brought up to date (as `serve` does) and a
/// PostgreSQL database with pending migrations is refused with a clear message.
func withConfiguredStore<T: Sendable>(
  ids: any IdentifierSource = RandomIdentifiers(), schemaCheck: Bool = true,
  _ body: @Sendable (Store, Configuration) async throws -> T
) async throws -> T {
  let configuration: Configuration
  do {
    configuration = try Configuration.read()
  } catch {
    throw ValidationError(error.description)
  }
  let rules = try configuration.caseRules()
  let database = try await StoreDatabase.open(
    configuration.database, logger: configuration.logger(label: "minsheng.store"),
    sqliteMemory: configuration.sqliteMemory, readReplicas: configuration.readReplicas)
  do {
    if schemaCheck {
      let pending = try await database.pendingMigrations()
      if !pending.isEmpty {
        guard !configuration.database.isPostgres else {
          throw ValidationError(say("cli_pending_migrations", ["count": .number(pending.count)]))
        }
        try await database.migrate()
      }
    }
    let store = Store(database: database, rules: rules, ids: ids)
    if schemaCheck { try await store.reloadRules() }
    let result = try await body(store, configuration)
    await database.close()
    return result
  } catch {
    await database.close()
    throw error
  }
}

struct MigrateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "migrate", abstract: "Apply pending database migrations (also lists them with --dry-run).")

  @Flag(help: "Only list the pending migrations.")
  var dryRun = false

  func run() async throws {
    let dryRun = self.dryRun
    try await withConfiguredStore(schemaCheck: false) { store, configuration in
      let pending = try await store.database.pendingMigrations()
      if pending.isEmpty {
        print(say("cli_up_to_date", ["database": .plain("\(configuration.database)")]))
        return
      }
      for name in pending {
        print(say(dryRun ? "cli_migration_pending" : "cli_migration_applying", ["name": .plain(name)]))
      }
      if !dryRun {
        try await store.database.migrate()
        print(say("cli_migrations_applied", ["count": .number(pending.count)]))
      }
    }
  }
}

struct AuditCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit", abstract: "Check the audit chains.", subcommands: [AuditVerifyCommand.self])
}

struct AuditVerifyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Recompute both hash chains over every event; print `ok: N events` or the first broken event and exit 1.")

  func run() async throws {
    let (code, output) = try await withConfiguredStore { store, _ in try await AuditVerification.run(store) }
    print(output)
    if code != 0 { throw ExitCode(code) }
  }
}

/// The audit check as a plain function: the exit code and the line to print.
public enum AuditVerification {
  public static func run(_ store: Store) async throws -> (exitCode: Int32, output: String) {
    let report = try await store.verifyAudit()
    if let broken = report.firstBreak {
      let id = broken.eventID.map { " id=\($0.uuidString.lowercased())" } ?? ""
      return (
        1,
        "broken: event seq=\(broken.sequence)\(id): \(broken.reason) (\(report.eventCount) events verified before it)"
      )
    }
    let unsealed = report.unsealedCount > 0 ? " (\(report.unsealedCount) not sealed into the global chain yet)" : ""
    return (0, "ok: \(report.eventCount) events\(unsealed)")
  }
}

struct WorkflowCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "workflow", abstract: "Show the workflow.", subcommands: [WorkflowTableCommand.self])
}

struct WorkflowTableCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "table",
    abstract:
      "Print the allowed-transition table as Markdown (as in docs/workflow.md, or docs/suggestions.md with --suggestions)."
  )

  @Flag(help: "The suggestions' workflow instead of the messages'.")
  var suggestions = false

  func run() {
    print(suggestions ? ProposalWorkflow.markdownTable() : Workflow.markdownTable())
  }
}
