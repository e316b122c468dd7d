import Foundation
import MinshengCore

/// An Open311 API key as administrators see it (the key itself is shown once, when issued).
public struct Open311Key: Sendable, Equatable {
  public var id: UUID
  public var name: String
  /// The channel the messages posted with it carry (the county app's `app`, 12345's `hotline` …).
  public var channel: Channel
  public var createdAt: Date
  public var revokedAt: Date?
  /// Whether the partner proves its users' mobile numbers itself (a mini-program's phone
  /// authorisation), so that a request may say its number is proved (`phone_verified`).
  public var verifiesPhones: Bool = false

  /// The channels a partner key may be scoped to: every one but the site's own form and JSON API.
  public static let channels: [Channel] = Channel.allCases.filter { $0 != .web && $0 != .api && $0 != .referral }
}

extension ReferenceChange {
  static func open311Key(
    _ id: UUID, name: String, channel: Channel, verifiesPhones: Bool, revoked: Bool = false
  ) -> ReferenceChange {
    ReferenceChange(
      entity: "open311_key", id: id,
      after: [
        "name": name, "channel": channel.rawValue, "verifies_phones": verifiesPhones ? "true" : "false",
        "revoked": revoked ? "true" : "false",
      ])
  }
}

extension Store {
  /// Issues an Open311 API key for a partner system, scoped to `channel`; returns it (`ms311_` and
  /// 48 hex digits) once. Only its SHA-256 is stored; the issue is recorded in `reference_changes`.
  public func issueOpen311Key(
    name: String, channel: Channel = .app, verifiesPhones: Bool = false, by actor: String, at now: Date
  ) async throws -> (key: Open311Key, secret: String) {
    let name = Self.trimmed(name)
    guard !name.isEmpty, name.count <= 100 else {
      throw ValidationError(field: "name", reason: name.isEmpty ? .missing : .tooLong(max: 100))
    }
    guard Open311Key.channels.contains(channel) else {
      throw ValidationError(field: "channel", reason: .invalid(LocalizedText("error_key_channel")))
    }
    var generator = SystemRandomNumberGenerator()
    let secret =
      "ms311_"
      + (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }
      .joined()
    let key = Open311Key(
      id: ids.newID(), name: name, channel: channel, createdAt: now, revokedAt: nil, verifiesPhones: verifiesPhones)
    try await reference.insert(
      ReferenceRow(
        table: .open311Keys,
        values: [
          ("id", .uuid(key.id)), ("name", .text(name)), ("key_hash", .text(Hashing.sha256Hex(secret))),
          ("channel", .text(channel.rawValue)), ("created_at", .date(now)), ("verifies_phones", .bool(verifiesPhones)),
        ], duplicate: (.apiKey, name)),
      change: changeEntry(
        .open311Key(key.id, name: name, channel: channel, verifiesPhones: verifiesPhones), "create", by: actor,
        at: now))
    return (key, secret)
  }

  /// Every key, newest first.
  public func open311Keys() async throws -> [Open311Key] {
    try await search.runner.all(
      SQLFragment(
        "SELECT id, name, channel, created_at, revoked_at, verifies_phones FROM open311_keys ORDER BY created_at DESC"),
      as: Open311KeyRow.self
    ).map(\.key)
  }

  /// The key a request presents, when it is one issued and not revoked.
  public func open311Key(presented secret: String) async throws -> Open311Key? {
    guard secret.hasPrefix("ms311_"), secret.count <= 80 else { return nil }
    return try await search.runner.all(
      SQLFragment(
        """
        SELECT id, name, channel, created_at, revoked_at, verifies_phones FROM open311_keys
        WHERE key_hash = ? AND revoked_at IS NULL
        """, [.text(Hashing.sha256Hex(secret))]), as: Open311KeyRow.self
    ).first?.key
  }

  /// Revokes a key (it stays listed, with when it was revoked); recorded in `reference_changes`.
  public func revokeOpen311Key(_ id: UUID, by actor: String, at now: Date) async throws {
    guard let key = try await open311Keys().first(where: { $0.id == id }), key.revokedAt == nil,
      try await reference.update(
        .open311Keys, id: id, set: ["revoked_at": .date(now)],
        change: changeEntry(
          .open311Key(id, name: key.name, channel: key.channel, verifiesPhones: key.verifiesPhones, revoked: true),
          "revoke", by: actor, at: now))
    else { throw StoreError.notFound(.apiKey) }
  }
}

private struct Open311KeyRow: Decodable, Sendable {
  var id: UUID
  var name: String
  var channel: String
  var created_at: Date
  var revoked_at: Date?
  var verifies_phones: Bool

  var key: Open311Key {
    Open311Key(
      id: id, name: name, channel: Channel(rawValue: channel) ?? .app, createdAt: created_at, revokedAt: revoked_at,
      verifiesPhones: verifies_phones)
  }
}

/// A change of a public message's status that the public may read, as Open311's update extension
/// (mySociety's `servicerequestupdates`) lists it.
public struct PublicStatusUpdate: Sendable, Equatable {
  public var messageID: UUID
  public var serial: Serial
  /// The event's place in the message's own chain: with the serial, a stable identifier.
  public var sequence: Int
  public var at: Date
  public var status: Status
  /// The published reply that came with a reply or an answer, masked as the public reads it.
  public var reply: String?
}

extension Store {
  /// The public status changes of public, published messages from `start` to `end` (both
  /// included), oldest first, at most `limit`: a partner polls on from the last one's time.
  public func publicStatusUpdates(from start: Date, through end: Date, limit: Int) async throws -> [PublicStatusUpdate]
  {
    let rows = try await search.runner.all(
      SQLFragment(
        """
        SELECT e.message_id AS message_id, m.serial_year AS serial_year, m.serial_number AS serial_number,
          e.message_seq AS message_seq, e.at_ms AS at_ms, e.to_status AS to_status
        FROM events e JOIN messages m ON m.id = e.message_id
        WHERE e.at_ms >= ? AND e.at_ms <= ? AND e.visibility = 'public'
          AND (e.from_status IS NULL OR e.from_status <> e.to_status)
          AND m.is_public = ? AND m.publication = 'published'
        ORDER BY e.at_ms, m.serial_year, m.serial_number, e.message_seq LIMIT ?
        """,
        [
          .integer(AuditChain.milliseconds(start)), .integer(AuditChain.milliseconds(end)), .bool(true),
          .integer(Int64(max(0, limit))),
        ]), as: StatusUpdateRow.self)
    // The replies of the messages that were answered, to give each answer its text.
    let answered = Set(
      rows.filter { $0.to_status == Status.replied.rawValue || $0.to_status == Status.closed.rawValue }
        .map(\.message_id))
    var replies: [UUID: [(at: Date, body: String)]] = [:]
    if !answered.isEmpty {
      for row in try await search.runner.all(
        SQLFragment("SELECT message_id, body, published_at FROM replies WHERE state = 'published' AND message_id IN (")
          + .list(answered.map { .uuid($0) }) + SQLFragment(") ORDER BY published_at"), as: UpdateReplyRow.self)
      {
        replies[row.message_id, default: []].append((row.published_at, PrivacyMask.mask(row.body)))
      }
    }
    return rows.compactMap { row in
      guard let status = Status(rawValue: row.to_status) else { return nil }
      let at = Date(timeIntervalSince1970: Double(row.at_ms) / 1000)
      // The latest reply published by then (a second after, for the rounding of the event's time).
      let reply = replies[row.message_id]?.last { $0.at <= at.addingTimeInterval(1) }?.body
      return PublicStatusUpdate(
        messageID: row.message_id, serial: Serial(year: row.serial_year, number: row.serial_number),
        sequence: row.message_seq, at: at, status: status, reply: answered.contains(row.message_id) ? reply : nil)
    }
  }
}

private struct StatusUpdateRow: Decodable, Sendable {
  var message_id: UUID
  var serial_year: Int
  var serial_number: Int
  var message_seq: Int
  var at_ms: Int64
  var to_status: String
}

private struct UpdateReplyRow: Decodable, Sendable {
  var message_id: UUID
  var body: String
  var published_at: Date
}

extension Store {
  /// 合作方更新: a partner's update to a request of its channel (mySociety's `POST
  /// servicerequestupdates`: the author's follow-up, a comment forwarded from its app), recorded as an
  /// internal note for the units, in the message's chain, once per update id: the same update sent
  /// again records nothing and returns false. It never changes the case's status, which only its
  /// units do.
  public func recordPartnerUpdate(
    _ text: String, on messageID: UUID, key: Open311Key, updateID: String, at now: Date
  ) async throws -> Bool {
    do {
      try await perform(
        .note(text: text), on: messageID, by: Actor(role: .admin, id: "open311:" + key.id.uuidString.lowercased()),
        at: now, expectedVersion: nil, jobKey: "open311-update:\(key.id.uuidString.lowercased()):\(updateID)",
        notices: { _ in [] })
      return true
    } catch StoreError.alreadyDone {
      return false
    }
  }
}
