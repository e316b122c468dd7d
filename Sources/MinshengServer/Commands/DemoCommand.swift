import ArgumentParser
import Foundation
import MinshengCore
import MinshengStore

/// `minsheng demo`: loads the demonstration city into the configured (empty) database.
struct DemoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Load the demonstration (示范市, its boards, units, categories and messages) into an empty database.")

  @ArgumentParser.Option(help: "Seed: the same seed gives the same demonstration.")
  var seed: UInt64 = 2023

  @ArgumentParser.Option(help: "How many messages to generate.")
  var messages = 1_000

  func validate() throws {
    guard (1...1_000_000).contains(messages) else {
      throw ValidationError(say("cli_range", ["option": "--messages", "min": 1, "max": 1_000_000]))
    }
  }

  func run() async throws {
    let (seed, count) = (self.seed, messages)
    try await withConfiguredStore(ids: SeededIdentifiers(seed: seed)) { store, configuration in
      try await store.database.migrate()
      print(
        say(
          "cli_demo_loading",
          ["count": .number(count), "seed": .plain(String(seed)), "database": .plain("\(configuration.database)")]))
      var bar = (stage: DemoStage.messages, line: ProgressLine())
      let summary = try await Demo.load(into: store, messages: count, seed: seed, now: Date()) { stage, done, total in
        if stage != bar.stage {
          bar.line.finish()
          bar = (stage, ProgressLine())
          print(say("cli_demo_stage_\(stage.rawValue)"))
        }
        bar.line.show(done, of: total)
      }
      bar.line.finish()
      print(
        say(
          "cli_demo_summary",
          [
            "regions": .number(summary.regions), "units": .number(summary.units), "leaders": .number(summary.leaders),
            "categories": .number(summary.categories), "messages": .number(summary.messages),
          ]))
      for status in Status.allCases {
        print(
          say(
            "cli_demo_status",
            [
              "status": .key(status.nameKey), "code": .plain(status.rawValue),
              "count": .number(summary.byStatus[status] ?? 0),
            ]))
      }
      print(say("cli_accounts_once"))
      for account in summary.accounts { print(account.line) }
    }
  }
}
