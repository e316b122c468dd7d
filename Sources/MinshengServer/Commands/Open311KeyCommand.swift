import ArgumentParser
import Foundation
import MinshengCore
import MinshengStore

/// `minsheng open311-key add|list|revoke`: the API keys partner systems post Open311 requests with.
struct Open311KeyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "open311-key", abstract: "Issue, list and revoke Open311 API keys.",
    subcommands: [Open311KeyAddCommand.self, Open311KeyListCommand.self, Open311KeyRevokeCommand.self])
}

struct Open311KeyAddCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Issue a key for a partner system; the key is printed once and stored only hashed.")

  @Argument(help: "Whose key it is (a partner system's name).")
  var name: String

  func run() async throws {
    let name = self.name
    let secret = try await withConfiguredStore { store, _ in
      try await store.issueOpen311Key(name: name, by: "cli", at: Date()).secret
    }
    print(secret)
  }
}

struct Open311KeyListCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the keys: id, name, issued, revoked.")

  func run() async throws {
    let keys = try await withConfiguredStore { store, _ in try await store.open311Keys() }
    for key in keys {
      let revoked = key.revokedAt.map { $0.formatted(.iso8601) } ?? "-"
      print("\(key.id.uuidString.lowercased())\t\(key.name)\t\(key.createdAt.formatted(.iso8601))\t\(revoked)")
    }
  }
}

struct Open311KeyRevokeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a key by its id.")

  @Argument(help: "The key's id (from list).")
  var id: String

  func run() async throws {
    guard let id = UUID(uuidString: id) else { throw ValidationError(say("cli_open311_key_id")) }
    try await withConfiguredStore { store, _ in try await store.revokeOpen311Key(id, by: "cli", at: Date()) }
  }
}
