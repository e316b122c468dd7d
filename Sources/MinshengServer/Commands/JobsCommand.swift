import ArgumentParser
import Foundation
import MinshengCore
import MinshengStore

/// `minsheng jobs run-once`: the scheduled jobs (reminders, supervision notices, auto-close) once.
struct JobsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "jobs", abstract: "Scheduled jobs: reminders, supervision notices, auto-close.",
    subcommands: [RunOnce.self])

  struct RunOnce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "run-once",
      abstract:
        "Run every scheduled job once (under the database lease, so it is safe beside running servers) and print what was done."
    )

    func run() async throws {
      let output = try await withConfiguredStore { store, configuration in
        try await store.runScheduledJobs(
          schedule: configuration.supervisionSchedule, holder: JobsCommand.holderName(), at: Date()
        ).description
      }
      print(output)
    }
  }

  /// Who holds the lease: this host and process.
  static func holderName() -> String {
    ProcessInfo.processInfo.hostName + ":" + String(ProcessInfo.processInfo.processIdentifier) + ":"
      + UUID().uuidString.prefix(8)
  }
}
