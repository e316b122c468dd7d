import Foundation
import MinshengCore

/// A moderator's decision on a message waiting for publication.
public enum ModerationDecision: Sendable, Equatable {
  /// Publish, with the public title, body or address replaced by a redacted text (nil keeps the
  /// original); `hideAddress` publishes no address.
  /// `hiddenImages` are kept from the public. A suggestion's proposal and benefit may be redacted too.
  case publish(
    title: String?, body: String?, address: String? = nil, hideAddress: Bool = false, hiddenImages: [UUID] = [],
    proposal: String? = nil, benefit: String? = nil)
  /// Do not publish; the reason is recorded (the message is handled all the same).
  case withhold(reason: String)
}

extension ReferenceChange {
  static func bannedWord(_ word: BannedWord) -> ReferenceChange {
    ReferenceChange(entity: "banned_word", id: word.id, after: ["word": word.word, "severity": word.severity.rawValue])
  }
}

extension Store {
  // MARK: Banned words

  /// The banned-word list (at most five seconds old on other instances than the one that changed it).
  public func bannedWords() async throws -> [BannedWord] {
    try await snapshot().bannedWords
  }

  /// Adds a banned word; the change is recorded in `reference_changes` in the same transaction.
  public func addBannedWord(
    _ word: String, severity: BannedWord.Severity, by actor: String, at now: Date
  ) async throws
    -> BannedWord
  {
    let word = Self.trimmed(word)
    try BannedWordList.validate(word: word)
    let entry = BannedWord(id: ids.newID(), word: word, severity: severity)
    try await reference.insert(
      ReferenceRow(
        table: .bannedWords,
        values: [
          ("id", .uuid(entry.id)), ("word", .text(word)), ("severity", .text(severity.rawValue)),
          ("created_at", .date(now)),
        ],
        duplicate: (.bannedWord, "「\(word)」")),
      change: changeEntry(.bannedWord(entry), "create", by: actor, at: now))
    references.invalidate()
    return entry
  }

  /// Removes a banned word; the removal is recorded in `reference_changes`.
  public func removeBannedWord(_ id: UUID, by actor: String, at now: Date) async throws {
    guard let entry = try await bannedWords().first(where: { $0.id == id }),
      try await reference.delete(
        .bannedWords, id: id, change: changeEntry(.bannedWord(entry), "delete", by: actor, at: now))
    else { throw StoreError.notFound(.bannedWord) }
    references.invalidate()
  }

  // MARK: 发布审核

  /// 发布审核: publishes a message (perhaps with a redacted public title or body) or withholds it,
  /// with a `moderated` audit event in the same transaction. The original text stays for handlers.
  ///
  /// Dispatchers of the message's dispatching office and admins may moderate; a message can be
  /// moderated again (a published message withheld after a complaint, a redaction corrected).
  @discardableResult
  public func moderate(
    _ id: UUID, expectedVersion: Int? = nil, decision: ModerationDecision, by actor: Actor, at now: Date
  ) async throws -> Message {
    guard let message = try await message(id) else { throw StoreError.notFound(.message) }
    guard Moderation.mayModerate(actor, message) else {
      throw StoreError.forbidden(LocalizedText("error_forbidden_moderate"))
    }
    let payload: [String: String]
    let note: String?
    let publication: Publication
    var title: String?
    var body: String?
    var address: String?
    var rows: [SideRow] = []
    switch decision {
    case .publish(
      let newTitle, let newBody, let newAddress, let hideAddress, let hiddenImages, let newProposal,
      let newBenefit):
      (title, body, address) = try Moderation.redaction(
        title: newTitle, body: newBody, address: newAddress, hideAddress: hideAddress, of: message)
      // A suggestion's own texts: a redaction kept apart, as the title's and the body's are.
      var proposalRedaction: (proposal: String?, benefit: String?) = (nil, nil)
      if let proposal = try await self.proposal(id) {
        proposalRedaction = try Moderation.proposalRedaction(proposal: newProposal, benefit: newBenefit, of: proposal)
        rows.append(
          .statement(
            SQLFragment(
              "UPDATE proposals SET public_proposal = ?, public_benefit = ? WHERE message_id = ?",
              [
                proposalRedaction.proposal.map { .text($0) } ?? .null,
                proposalRedaction.benefit.map { .text($0) } ?? .null, .uuid(id),
              ])))
      }
      _ = try await screen([
        ("public_title", title ?? ""), ("public_body", body ?? ""), ("public_address", address ?? ""),
        ("public_proposal", proposalRedaction.proposal ?? ""), ("public_benefit", proposalRedaction.benefit ?? ""),
      ])
      publication = .published
      note = nil
      var redacted: [String] = []
      if title != nil { redacted.append("title") }
      if body != nil { redacted.append("body") }
      if address != nil { redacted.append("address") }
      if proposalRedaction.proposal != nil { redacted.append("proposal") }
      if proposalRedaction.benefit != nil { redacted.append("benefit") }
      let images = try await attachments(of: id).map(\.id)
      guard hiddenImages.allSatisfy(images.contains) else {
        throw ValidationError(field: "hidden_images", reason: .unknownReference)
      }
      // Every image's publication is decided now: the hidden ones kept back, the others shown.
      rows += images.map { image in
        .statement(
          SQLFragment(
            "UPDATE attachments SET hidden = ? WHERE id = ? AND message_id = ?",
            [.bool(hiddenImages.contains(image)), .uuid(image), .uuid(id)]))
      }
      if !hiddenImages.isEmpty { redacted.append("images") }
      payload = ["publication": publication.rawValue, "redacted": redacted.joined(separator: ",")]
    case .withhold(let reason):
      let reason = Self.trimmed(reason)
      guard !reason.isEmpty else { throw ValidationError(field: "reason", reason: .missing) }
      guard reason.count <= 500 else { throw ValidationError(field: "reason", reason: .tooLong(max: 500)) }
      publication = .withheld
      note = reason
      title = message.publicTitle
      body = message.publicBody
      address = message.publicAddress
      payload = ["publication": publication.rawValue]
    }
    try await recordEvent(
      on: id, expectedVersion: expectedVersion ?? message.version, at: now,
      { current in
        EventDraft(
          messageID: current.id, action: .moderated, from: current.status, to: current.status, actor: actor,
          note: note, visibility: .internal, payload: payload, at: now)
      },
      changing: { [title, body, address] next in
        next.publication = publication
        next.publicTitle = title
        next.publicBody = body
        next.publicAddress = address
      }, rows: rows)
    guard let updated = try await self.message(id) else { throw StoreError.notFound(.message) }
    return updated
  }
}
