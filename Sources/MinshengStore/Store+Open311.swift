import Foundation
import MinshengCore

/// An Open311 API key as administrators see it (the key itself is shown once, when issued).
public struct Open311Key: Sendable, Equatable {
  public var id: UUID
  public var name: String
  public var createdAt: Date
  public var revokedAt: Date?
}

extension ReferenceChange {
  static func open311Key(_ id: UUID, name: String, revoked: Bool = false) -> ReferenceChange {
    ReferenceChange(entity: "open311_key", id: id, after: ["name": name, "revoked": revoked ? "true" : "false"])
  }
}

extension Store {
  /// Issues an Open311 API key for a partner system; returns it (`ms311_` and 48 hex digits) once.
  /// Only its SHA-256 is stored; the issue is recorded in `reference_changes`.
  public func issueOpen311Key(
    name: String, by actor: String, at now: Date
  ) async throws -> (key: Open311Key, secret: String) {
    let name = Self.trimmed(name)
    guard !name.isEmpty, name.count <= 100 else {
      throw ValidationError(field: "name", reason: name.isEmpty ? .missing : .tooLong(max: 100))
    }
    var generator = SystemRandomNumberGenerator()
    let secret =
      "ms311_"
      + (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }
      .joined()
    let key = Open311Key(id: ids.newID(), name: name, createdAt: now, revokedAt: nil)
    try await reference.insert(
      ReferenceRow(
        table: .open311Keys,
        values: [
          ("id", .uuid(key.id)), ("name", .text(name)), ("key_hash", .text(Hashing.sha256Hex(secret))),
          ("created_at", .date(now)),
        ], duplicate: (.apiKey, name)),
      change: changeEntry(.open311Key(key.id, name: name), "create", by: actor, at: now))
    return (key, secret)
  }

  /// Every key, newest first.
  public func open311Keys() async throws -> [Open311Key] {
    try await search.runner.all(
      SQLFragment("SELECT id, name, created_at, revoked_at FROM open311_keys ORDER BY created_at DESC"),
      as: Open311KeyRow.self
    ).map { Open311Key(id: $0.id, name: $0.name, createdAt: $0.created_at, revokedAt: $0.revoked_at) }
  }

  /// The key a request presents, when it is one issued and not revoked.
  public func open311Key(presented secret: String) async throws -> Open311Key? {
    guard secret.hasPrefix("ms311_"), secret.count <= 80 else { return nil }
    return try await search.runner.all(
      SQLFragment(
        "SELECT id, name, created_at, revoked_at FROM open311_keys WHERE key_hash = ? AND revoked_at IS NULL",
        [.text(Hashing.sha256Hex(secret))]), as: Open311KeyRow.self
    ).first.map { Open311Key(id: $0.id, name: $0.name, createdAt: $0.created_at, revokedAt: $0.revoked_at) }
  }

  /// Revokes a key (it stays listed, with when it was revoked); recorded in `reference_changes`.
  public func revokeOpen311Key(_ id: UUID, by actor: String, at now: Date) async throws {
    guard let key = try await open311Keys().first(where: { $0.id == id }), key.revokedAt == nil,
      try await reference.update(
        .open311Keys, id: id, set: ["revoked_at": .date(now)],
        change: changeEntry(.open311Key(id, name: key.name, revoked: true), "revoke", by: actor, at: now))
    else { throw StoreError.notFound(.apiKey) }
  }
}

private struct Open311KeyRow: Decodable, Sendable {
  var id: UUID
  var name: String
  var created_at: Date
  var revoked_at: Date?
}
