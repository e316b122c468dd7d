import ArgumentParser
import Foundation
import MinshengCore
import MinshengStore

/// `minsheng webhook add|list|remove`: other systems told of every case's public steps.
struct WebhookCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "webhook", abstract: "Register, list and remove webhooks (signed deliveries of case events).",
    subcommands: [WebhookAddCommand.self, WebhookListCommand.self, WebhookRemoveCommand.self])
}

struct WebhookAddCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add",
    abstract: "Register a URL; prints its id and the secret deliveries are signed with (shown once).",
    discussion: "Event kinds: " + Store.webhookEventKinds.joined(separator: ", ") + ". Without --events: all of them.")

  @ArgumentParser.Argument(help: "The receiver's URL (http or https).") var url: String
  @ArgumentParser.Option(help: "The event kinds it takes, separated by commas (all when not given).") var events = ""

  func run() async throws {
    let (url, kinds) = (self.url, events.split(separator: ",").map(String.init))
    let (hook, secret) = try await withConfiguredStore { store, _ in
      try await store.createWebhook(url: url, events: kinds, by: "cli", at: Date())
    }
    print("\(hook.id.uuidString.lowercased())\t\(secret)")
  }
}

struct WebhookListCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the webhooks: id, URL, events, delivered, waiting, failed, last error.")

  func run() async throws {
    let lines = try await withConfiguredStore { store, _ in
      var lines: [String] = []
      for hook in try await store.webhooks() {
        let status = try await store.webhookStatus(hook.id)
        lines.append(
          [
            hook.id.uuidString.lowercased(), hook.url, hook.events.isEmpty ? "*" : hook.events.joined(separator: ","),
            String(status.delivered), String(status.waiting), String(status.failed), status.lastError ?? "-",
          ].joined(separator: "\t"))
      }
      return lines
    }
    for line in lines { print(line) }
  }
}

struct WebhookRemoveCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a webhook by its id.")

  @ArgumentParser.Argument(help: "The webhook's id (from list).") var id: String

  func run() async throws {
    guard let id = UUID(uuidString: id) else { throw ValidationError(say("cli_webhook_id")) }
    try await withConfiguredStore { store, _ in try await store.deleteWebhook(id, by: "cli", at: Date()) }
  }
}
