import ArgumentParser
import Foundation
import MinshengCore
import MinshengStore

/// `minsheng apikey add|list|revoke` (also `open311-key`): the API keys partner systems post Open311
/// requests with, each scoped to a channel.
struct Open311KeyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apikey", abstract: "Issue, list and revoke partner API keys (Open311), each scoped to a channel.",
    subcommands: [Open311KeyAddCommand.self, Open311KeyListCommand.self, Open311KeyRevokeCommand.self],
    aliases: ["open311-key"])
}

struct Open311KeyAddCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Issue a key for a partner system; the key is printed once and stored only hashed.")

  @Argument(help: "Whose key it is (a partner system's name).")
  var name: String

  @ArgumentParser.Option(help: "The channel its messages carry: app, hotline, mailbox, imported or social.")
  var channel = "app"

  @Flag(
    help:
      "The partner proves its users' mobile numbers itself (a mini-program's phone authorisation), so its requests may say phone_verified=true."
  )
  var verifiesPhones = false

  func run() async throws {
    let (name, verifies) = (self.name, verifiesPhones)
    guard let channel = Channel(rawValue: channel), Open311Key.channels.contains(channel) else {
      throw ValidationError(say("cli_key_channel"))
    }
    let secret = try await withConfiguredStore { store, _ in
      try await store.issueOpen311Key(name: name, channel: channel, verifiesPhones: verifies, by: "cli", at: Date())
        .secret
    }
    print(secret)
  }
}

struct Open311KeyListCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the keys: id, name, channel, whether it proves numbers, issued, revoked.")

  func run() async throws {
    let keys = try await withConfiguredStore { store, _ in try await store.open311Keys() }
    for key in keys {
      let revoked = key.revokedAt.map { $0.formatted(.iso8601) } ?? "-"
      print(
        "\(key.id.uuidString.lowercased())\t\(key.name)\t\(key.channel.rawValue)\t"
          + "\(key.verifiesPhones ? "verifies-phones" : "-")\t"
          + "\(key.createdAt.formatted(.iso8601))\t\(revoked)")
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
