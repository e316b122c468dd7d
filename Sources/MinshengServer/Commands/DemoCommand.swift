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
    guard (1...100_000).contains(messages) else { throw ValidationError("--messages 须在 1 到 100000 之间") }
  }

  func run() async throws {
    let (seed, count) = (self.seed, messages)
    try await withConfiguredStore(ids: SeededIdentifiers(seed: seed)) { store, configuration in
      try await store.database.migrate()
      print("正在装入演示数据（\(count) 条留言，种子 \(seed)）到 \(configuration.database) …")
      let summary = try await Demo.load(into: store, messages: count, seed: seed, now: Date())
      print(
        "区划 \(summary.regions) 个，单位 \(summary.units) 个，领导信箱 \(summary.leaders) 个，领域 \(summary.categories) 个，留言 \(summary.messages) 条。"
      )
      for status in Status.allCases {
        print("  \(status.chinese)（\(status.rawValue)）: \(summary.byStatus[status] ?? 0)")
      }
      print("工作人员账号（密码只显示这一次）：")
      for account in summary.accounts {
        print("  \(account.username)  \(account.role.chinese)  \(account.unit)  密码: \(account.password)")
      }
    }
  }
}
