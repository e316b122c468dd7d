import Foundation
import MinshengCore

/// A webhook: another system's URL (a city's data platform, 12345's system) that is told of the
/// public steps of every case — the event kinds it takes, or all of them.
public struct Webhook: Sendable, Equatable {
  public var id: UUID
  public var url: String
  /// The event kinds (`received`, `accept`, `reply` …) it takes; empty for all.
  public var events: [String]
  public var createdAt: Date

  /// Whether it takes events of this kind.
  public func takes(_ kind: String) -> Bool { events.isEmpty || events.contains(kind) }
}

/// How a webhook's deliveries stand, from the outbox.
public struct WebhookStatus: Sendable, Equatable {
  public var delivered = 0
  public var waiting = 0
  public var failed = 0
  public var lastDeliveredAt: Date?
  public var lastError: String?
}

extension ReferenceChange {
  static func webhook(_ id: UUID, url: String, events: String) -> ReferenceChange {
    ReferenceChange(entity: "webhook", id: id, after: ["url": url, "events": events])
  }
}

extension Store {
  /// The event kinds a webhook may take: the message's arrival, every public step of the workflow and
  /// of a suggestion.
  public static let webhookEventKinds: [String] = {
    let actions = Workflow.table.filter { $0.visibility == .public }.map(\.action.rawValue)
    var kinds = ["received"]
    for action in actions where !kinds.contains(action) { kinds.append(action) }
    // The public steps of a suggestion (人民建议).
    kinds += [EventAction.proposalOpened, .proposalEvaluated, .adoptionRecorded, .proposalInstructed].map(\.description)
    return kinds
  }()

  /// Registers a webhook; returns it and the secret its deliveries are signed with, shown once.
  /// The URL must be http or https with a host; the kinds must be known (none: every kind).
  public func createWebhook(
    url: String, events: [String], by actor: String, at now: Date
  ) async throws -> (webhook: Webhook, secret: String) {
    let url = Self.trimmed(url)
    guard url.count <= 500, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased()),
      parsed.host?.isEmpty == false
    else { throw ValidationError(field: "url", reason: .invalid(LocalizedText("error_webhook_url"))) }
    let kinds = events.map(Self.trimmed).filter { !$0.isEmpty }
    if let unknown = kinds.first(where: { !Self.webhookEventKinds.contains($0) }) {
      throw ValidationError(
        field: "events", reason: .invalid(LocalizedText("error_webhook_event", ["event": .plain(unknown)])))
    }
    var generator = SystemRandomNumberGenerator()
    let secret =
      "whsec_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    let hook = Webhook(id: ids.newID(), url: url, events: kinds, createdAt: now)
    let list = kinds.joined(separator: ",")
    try await reference.insert(
      ReferenceRow(
        table: .webhooks,
        values: [
          ("id", .uuid(hook.id)), ("url", .text(url)), ("events", .text(list)), ("secret", .text(secret)),
          ("created_at", .date(now)),
        ], duplicate: nil),
      change: changeEntry(.webhook(hook.id, url: url, events: list), "create", by: actor, at: now))
    return (hook, secret)
  }

  /// Every webhook, oldest first.
  public func webhooks() async throws -> [Webhook] {
    try await search.runner.all(
      SQLFragment("SELECT id, url, events, created_at FROM webhooks ORDER BY created_at"), as: WebhookRow.self
    ).map(\.core)
  }

  /// Where a webhook's deliveries go and the secret they are signed with (the sender's only).
  public func webhookTarget(_ id: UUID) async throws -> (url: String, secret: String)? {
    try await search.runner.all(
      SQLFragment("SELECT url, secret FROM webhooks WHERE id = ?", [.uuid(id)]), as: WebhookTargetRow.self
    ).first.map { ($0.url, $0.secret) }
  }

  /// Removes a webhook; deliveries still waiting are dropped by its sender. Recorded in `reference_changes`.
  public func deleteWebhook(_ id: UUID, by actor: String, at now: Date) async throws {
    guard let hook = try await webhooks().first(where: { $0.id == id }),
      try await reference.delete(
        .webhooks, id: id,
        change: changeEntry(
          .webhook(id, url: hook.url, events: hook.events.joined(separator: ",")), "delete", by: actor, at: now))
    else { throw StoreError.notFound(.webhook) }
  }

  /// 推送: queues a delivery to every webhook that takes it for each public event sealed into the global
  /// chain since the last run (at most `limit` events; a webhook gets the events from its registration
  /// on), and moves the dispatcher on, in one transaction; another instance running at once writes
  /// nothing. Deliveries are sent by the outbox. Returns how many were queued.
  @discardableResult
  public func dispatchWebhooks(at now: Date, limit: Int = 500) async throws -> Int {
    let cursor = try await jobs.webhookCursor()
    // The head is read before the webhooks, so that one registered meanwhile is not skipped past.
    let head = try await jobs.sealedHead()
    let hooks = try await webhooks()
    guard !hooks.isEmpty else {
      // Nobody to tell: the dispatcher only keeps up with the chain, reading no events.
      if head > cursor { _ = try await jobs.advanceWebhookCursor(from: cursor, to: head, deliveries: []) }
      return 0
    }
    let rows = try await jobs.webhookEvents(after: cursor, limit: limit)
    guard let last = rows.last?.chain_pos else { return 0 }
    var deliveries: [OutboxRow] = []
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    for row in rows where row.visibility == Visibility.public.rawValue {
      let at = Date(timeIntervalSince1970: Double(row.at_ms) / 1_000)
      for hook in hooks where hook.takes(row.action) && at >= hook.createdAt {
        let payload = WebhookPayload(
          event: row.action, event_id: row.id.uuidString.lowercased(),
          message_id: row.message_id.uuidString.lowercased(),
          serial: Serial(year: row.serial_year, number: row.serial_number).description, status: row.to_status,
          at: ISO8601DateFormatter().string(from: at))
        deliveries.append(
          OutboxRow(
            id: ids.newID(), channel: "webhook", recipient: "webhook:" + hook.id.uuidString.lowercased(),
            body: String(decoding: try encoder.encode(payload), as: UTF8.self), createdAt: now,
            messageID: row.message_id))
      }
    }
    guard try await jobs.advanceWebhookCursor(from: cursor, to: last, deliveries: deliveries) else { return 0 }
    return deliveries.count
  }

  /// How each webhook's deliveries stand (from its latest 1,000).
  public func webhookStatus(_ id: UUID) async throws -> WebhookStatus {
    var status = WebhookStatus()
    for notice in try await outbox(recipient: "webhook:" + id.uuidString.lowercased(), limit: 1_000) {
      if notice.failedAt != nil {
        status.failed += 1
      } else if let sent = notice.sentAt {
        status.delivered += 1
        status.lastDeliveredAt = max(status.lastDeliveredAt ?? sent, sent)
      } else {
        status.waiting += 1
      }
      if status.lastError == nil, let error = notice.lastError { status.lastError = error }
    }
    return status
  }
}

/// What a webhook delivery says: the event and the case it belongs to, never the text or the author.
private struct WebhookPayload: Encodable {
  var event: String
  var event_id: String
  var message_id: String
  var serial: String
  var status: String
  var at: String
}

private struct WebhookRow: Decodable, Sendable {
  var id: UUID
  var url: String
  var events: String
  var created_at: Date

  var core: Webhook {
    Webhook(id: id, url: url, events: events.split(separator: ",").map(String.init), createdAt: created_at)
  }
}

private struct WebhookTargetRow: Decodable, Sendable {
  var url: String
  var secret: String
}
