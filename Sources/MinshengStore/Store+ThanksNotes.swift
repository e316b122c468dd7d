import Foundation
import MinshengCore

extension Store {
  /// 感谢信 to a unit from a citizen whose mobile number is proved (我的留言's session), without a
  /// case of their own: screened against the banned words, at most three a day from one number, and
  /// held for a moderator under a moderation policy.
  @discardableResult
  public func thankUnit(
    _ unitID: UUID, author: String, body: String, phone: String, at now: Date
  ) async throws -> ThanksNote {
    guard try await unit(unitID) != nil else { throw StoreError.notFound(.unit) }
    guard let mobile = PhoneNumber.mobile(phone) else {
      throw ValidationError(field: "phone", reason: .invalid(LocalizedText("error_phone_format")))
    }
    let (name, text) = try ThanksNote.validated(author: author, body: body)
    _ = try await screen([("author", name), ("body", text)])
    let hash = try await counterKey("thanks", mobile)
    let limit = RateLimit(count: 3, window: 86_400)
    let today = try await search.runner.integer(
      SQLFragment(
        "SELECT COUNT(*) FROM thanks_notes WHERE phone_hash = ? AND created_at >= ?",
        [.text(hash), .date(now.addingTimeInterval(-limit.window))]))
    guard today < limit.count else {
      throw StoreError.rateLimited(what: .phone, limit: limit, retryAfter: now.addingTimeInterval(limit.window))
    }
    let note = ThanksNote(
      id: ids.newID(), unitID: unitID, author: name, body: text,
      publication: policy.moderation ? .pending : .published, createdAt: now)
    try await citizens.write([
      SQLFragment(
        """
        INSERT INTO thanks_notes (id, unit_id, author, body, phone_hash, publication, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        [
          .uuid(note.id), .uuid(unitID), .text(name), .text(text), .text(hash), .text(note.publication.rawValue),
          .date(now),
        ])
    ])
    return note
  }

  /// The office that decides a held letter to `unitID`: the one that dispatches for its region.
  func thanksOffice(of unitID: UUID) async throws -> UUID? {
    guard let unit = try await unit(unitID) else { return nil }
    let snapshot = try await snapshot()
    return DispatchSuggestion.owner(
      leader: nil, path: try await regionPath(of: unit.regionID),
      platformOffice: DispatchSuggestion.platformOffice(
        code: policy.defaultOffice, units: snapshot.units, regions: snapshot.regions))
  }

  /// The held letters a moderator may decide, oldest first.
  public func pendingThanksNotes(for actor: Actor, limit: Int = 50) async throws -> [ThanksNote] {
    guard [.admin, .dispatcher].contains(actor.role) else { return [] }
    var found: [ThanksNote] = []
    for note in try await thanksNotes(SQLFragment("WHERE publication = 'pending' ORDER BY created_at LIMIT 500")) {
      if ThanksNote.mayModerate(actor, office: try await thanksOffice(of: note.unitID)) { found.append(note) }
      if found.count >= limit { break }
    }
    return found
  }

  /// 审核: publishes a held letter, or withholds it with a reason.
  public func decideThanksNote(
    _ id: UUID, publish: Bool, reason: String?, by actor: Actor, at now: Date
  ) async throws {
    guard let note = try await thanksNotes(SQLFragment("WHERE id = ?", [.uuid(id)])).first else {
      throw StoreError.notFound(.thanksLetter)
    }
    guard ThanksNote.mayModerate(actor, office: try await thanksOffice(of: note.unitID)) else {
      throw StoreError.forbidden(LocalizedText("error_forbidden_moderate"))
    }
    let reason = reason.map(Self.trimmed).flatMap { $0.isEmpty ? nil : String($0.prefix(500)) }
    if !publish, reason == nil { throw ValidationError(field: "reason", reason: .missing) }
    try await citizens.write([
      SQLFragment(
        """
        UPDATE thanks_notes SET publication = ?, decided_at = ?, decided_by = ?, reason = ?
        WHERE id = ? AND publication = 'pending'
        """,
        [
          .text(publish ? Publication.published.rawValue : Publication.withheld.rawValue), .date(now), .text(actor.id),
          .optional(reason), .uuid(id),
        ])
    ])
  }

  /// Published letters without a case, to one unit or to all, newest first.
  func publishedThanksNotes(toUnit unitID: UUID?, before: Date?, limit: Int) async throws -> [PublicThanks] {
    var conditions = [SQLFragment("publication = 'published'")]
    if let unitID { conditions.append(SQLFragment("unit_id = ?", [.uuid(unitID)])) }
    if let before { conditions.append(SQLFragment("created_at < ?", [.date(before)])) }
    let rows = try await thanksNotes(
      SQLFragment.where(conditions) + SQLFragment(" ORDER BY created_at DESC LIMIT ?", [.integer(Int64(limit))]))
    return rows.map {
      PublicThanks(
        messageID: nil, unitID: $0.unitID, author: PrivacyMask.displayName($0.author, style: publicNameStyle),
        body: PrivacyMask.mask($0.body), createdAt: $0.createdAt)
    }
  }

  /// Letters with a case and without, newest first, `limit` of them.
  static func merged(_ letters: [PublicThanks], _ notes: [PublicThanks], limit: Int) -> [PublicThanks] {
    Array((letters + notes).sorted { $0.createdAt > $1.createdAt }.prefix(limit))
  }

  private func thanksNotes(_ condition: SQLFragment) async throws -> [ThanksNote] {
    try await search.runner.all(SQLFragment("SELECT * FROM thanks_notes ") + condition, as: ThanksNoteRow.self)
      .compactMap(\.core)
  }
}

private struct ThanksNoteRow: Decodable, Sendable {
  var id: UUID
  var unit_id: UUID
  var author: String
  var body: String
  var publication: String
  var created_at: Date
  var reason: String?

  var core: ThanksNote? {
    Publication(rawValue: publication).map {
      ThanksNote(
        id: id, unitID: unit_id, author: author, body: body, publication: $0, createdAt: created_at, reason: reason)
    }
  }
}
