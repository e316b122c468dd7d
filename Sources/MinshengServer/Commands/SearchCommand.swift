import ArgumentParser
import Foundation
import MinshengStore

struct SearchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search", abstract: "Keep the full-text search indexes.",
    subcommands: [SearchReindexCommand.self, SearchCatchUpCommand.self])
}

/// `minsheng search reindex`: empties both indexes and indexes every message again (after an
/// upgrade that changes how text is cut, or to repair them).
struct SearchReindexCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reindex", abstract: "Rebuild the public and staff search indexes from every message.")

  func run() async throws {
    try await withConfiguredStore { store, _ in
      let started = ContinuousClock.now
      let progress = ProgressLine()
      let done = try await store.rebuildSearchIndex { done, total in progress.show(done, of: total) }
      progress.finish()
      let seconds = (ContinuousClock.now - started).components.seconds
      print(say("cli_search_reindexed", ["count": .number(done), "seconds": .number(Int(seconds))]))
    }
  }
}

/// `minsheng search catch-up`: indexes the messages waiting to be (what `serve` does every second).
struct SearchCatchUpCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "catch-up", abstract: "Index the messages waiting to be indexed, then stop.")

  func run() async throws {
    try await withConfiguredStore { store, _ in
      let total = try await store.searchBacklog()
      let progress = ProgressLine()
      var done = 0
      while true {
        let indexed = try await store.indexPendingSearch(limit: 1_000)
        guard indexed > 0 else { break }
        done += indexed
        progress.show(min(done, total), of: max(total, done))
      }
      progress.finish()
      print(say("cli_search_caught_up", ["count": .number(done)]))
    }
  }
}

/// A progress bar on standard error, redrawn in place when it is a terminal, every 10% otherwise.
final class ProgressLine: @unchecked Sendable {
  private var lastTenth = -1
  private let terminal = isatty(STDERR_FILENO) == 1

  func show(_ done: Int, of total: Int) {
    guard total > 0 else { return }
    let share = Double(done) / Double(total)
    let tenth = Int(share * 10)
    if !terminal {
      guard tenth != lastTenth else { return }
      lastTenth = tenth
    }
    let width = 30
    let filled = Int(share * Double(width))
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let line = "[\(bar)] \(done)/\(total) \(Int(share * 100))%"
    FileHandle.standardError.write(Data(((terminal ? "\r" : "") + line + (terminal ? "" : "\n")).utf8))
  }

  func finish() {
    if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}
