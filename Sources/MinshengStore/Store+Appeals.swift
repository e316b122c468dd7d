import Foundation
import MinshengCore

extension Store {
  /// 评价申诉: the lead unit appeals the case's latest (unsatisfied) rating with its reasons; an
  /// internal event in the case's chain. Refused unless `RatingAppeal.mayAppeal`.
  public func appealRating(_ id: UUID, reason: String, by actor: Actor, at now: Date) async throws {
    let reason = Self.trimmed(reason)
    guard !reason.isEmpty, reason.count <= 1_000 else {
      throw ValidationError(field: "reason", reason: .invalid(LocalizedText("error_appeal_reason")))
    }
    guard let message = try await message(id) else { throw StoreError.notFound(.message) }
    let events = try await events(of: id).map(\.draft)
    guard RatingAppeal.mayAppeal(actor, message, events: events) else {
      throw StoreError.forbidden(LocalizedText("error_appeal_not_allowed"))
    }
    try await recordEvent(on: id, expectedVersion: message.version, at: now) { current in
      EventDraft(
        messageID: id, action: .ratingAppealed, from: current.status, to: current.status, actor: actor,
        note: reason, visibility: .internal, payload: [:], at: now)
    }
  }

  /// 申诉复核: a supervisor or an administrator upholds the appeal (the rating leaves the satisfaction
  /// and resolution rates) or rejects it, with an optional note. Refused unless an appeal is pending.
  public func decideRatingAppeal(
    _ id: UUID, upheld: Bool, note: String?, by actor: Actor, at now: Date
  ) async throws {
    let note = note.map(Self.trimmed).flatMap { $0.isEmpty ? nil : String($0.prefix(1_000)) }
    guard let message = try await message(id) else { throw StoreError.notFound(.message) }
    let events = try await events(of: id).map(\.draft)
    guard RatingAppeal.mayDecide(actor, events: events) else {
      throw StoreError.forbidden(LocalizedText("error_appeal_decide_not_allowed"))
    }
    try await recordEvent(on: id, expectedVersion: message.version, at: now) { current in
      EventDraft(
        messageID: id, action: .ratingAppealDecided, from: current.status, to: current.status, actor: actor,
        note: note, visibility: .internal, payload: ["upheld": upheld ? "true" : "false"], at: now)
    }
  }

  /// The cases whose rating appeal waits for a decision, oldest appeal first.
  public func pendingRatingAppeals(limit: Int = 100) async throws -> [Message] {
    let rows = try await search.runner.all(
      SQLFragment(
        """
        SELECT e.message_id FROM events e WHERE e.action = 'rating_appealed' AND NOT EXISTS (
          SELECT 1 FROM events d WHERE d.message_id = e.message_id AND d.message_seq > e.message_seq
          AND d.action IN ('rating_appeal_decided', 'evaluate'))
        ORDER BY e.at_ms LIMIT ?
        """, [.integer(Int64(max(1, min(limit, 500))))]), as: AppealRow.self)
    var found: [Message] = []
    for row in rows {
      if let message = try await message(row.message_id) { found.append(message) }
    }
    return found
  }
}

private struct AppealRow: Decodable, Sendable {
  var message_id: UUID
}
