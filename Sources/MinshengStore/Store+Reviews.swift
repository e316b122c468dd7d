import Foundation
import MinshengCore

/// 专家评审: the office names staff to a suggestion's panel; each gives an opinion once; the unit
/// decides the outcome with the opinions before it. Each step is an internal event in the
/// suggestion's chain, in the transaction that changes the panel.
extension Store {
  /// Names staff accounts (enabled ones) to the panel; those named already are left as they are.
  /// Returns the panel as it then stands.
  @discardableResult
  public func nameReviewers(
    _ messageID: UUID, usernames: [String], by actor: Actor, at now: Date
  ) async throws -> [ProposalReview] {
    guard let message = try await message(messageID), let proposal = try await proposal(messageID) else {
      throw StoreError.notFound(.proposal)
    }
    if let refusal = ProposalRules.mayNameReviewers(actor, message, proposal) { throw StoreError.forbidden(refusal) }
    guard !usernames.isEmpty else { throw ValidationError(field: "reviewers", reason: .missing) }
    let accounts = Dictionary(
      try await staffAccounts().filter { !$0.disabled }.map { ($0.username, $0) },
      uniquingKeysWith: { first, _ in first })
    let unknown = usernames.filter { accounts[$0] == nil }
    if !unknown.isEmpty {
      throw ValidationError(
        field: "reviewers",
        reason: .invalid(LocalizedText("error_reviewers_unknown", ["names": .plain(unknown.joined(separator: ", "))])))
    }
    let current = try await reviews(of: messageID)
    let added = usernames.filter { name in !current.contains { $0.username == name } }
    guard current.count + added.count <= ProposalReview.maxPanel else {
      throw ValidationError(field: "reviewers", reason: .tooLong(max: ProposalReview.maxPanel))
    }
    guard !added.isEmpty else { return current }
    try await recordEvent(
      on: messageID, expectedVersion: message.version, at: now,
      { current in
        EventDraft(
          messageID: messageID, action: .reviewersNamed, from: current.status, to: current.status, actor: actor,
          note: nil, visibility: .internal, payload: ["reviewers": added.joined(separator: ",")], at: now)
      },
      rows: added.map { name in
        .statement(
          SQLFragment(
            "INSERT INTO proposal_reviews (message_id, username, named_by, named_at) VALUES (?, ?, ?, ?)",
            [.uuid(messageID), .text(name), .text(actor.id), .date(now)]))
      })
    return try await reviews(of: messageID)
  }

  /// 评审意见: a panel member's opinion, once, while the unit has not decided.
  @discardableResult
  public func recordReview(
    _ messageID: UUID, outcome: ProposalOutcome, opinion: String, by actor: Actor, at now: Date
  ) async throws -> ProposalReview {
    let opinion = Self.trimmed(opinion)
    if opinion.isEmpty { throw ValidationError(field: "opinion", reason: .missing) }
    if opinion.count > ProposalReview.maxOpinionLength {
      throw ValidationError(field: "opinion", reason: .tooLong(max: ProposalReview.maxOpinionLength))
    }
    guard let message = try await message(messageID), let proposal = try await proposal(messageID) else {
      throw StoreError.notFound(.proposal)
    }
    let membership = try await reviews(of: messageID).first { $0.username == actor.id }
    if let refusal = ProposalRules.mayReview(actor, message, proposal, membership: membership) {
      throw StoreError.forbidden(refusal)
    }
    try await recordEvent(
      on: messageID, expectedVersion: message.version, at: now,
      { current in
        EventDraft(
          messageID: messageID, action: .proposalReviewed, from: current.status, to: current.status, actor: actor,
          note: opinion, visibility: .internal, payload: ["outcome": outcome.rawValue], at: now)
      },
      rows: [
        .statement(
          SQLFragment(
            """
            UPDATE proposal_reviews SET outcome = ?, opinion = ?, reviewed_at = ?
            WHERE message_id = ? AND username = ? AND reviewed_at IS NULL
            """, [.text(outcome.rawValue), .text(opinion), .date(now), .uuid(messageID), .text(actor.id)]))
      ])
    guard let stored = try await reviews(of: messageID).first(where: { $0.username == actor.id }) else {
      throw StoreError.notFound(.proposal)
    }
    return stored
  }

  /// A suggestion's panel, in the order named.
  public func reviews(of messageID: UUID) async throws -> [ProposalReview] {
    try await search.runner.all(
      SQLFragment(
        "SELECT * FROM proposal_reviews WHERE message_id = ? ORDER BY named_at, username", [.uuid(messageID)]),
      as: ReviewRow.self
    ).map(\.core)
  }

  /// The suggestions on whose panel `username` sits: those waiting for their opinion first.
  public func reviewAssignments(of username: String, limit: Int = 100) async throws -> [(ProposalReview, Message)] {
    let rows = try await search.runner.all(
      SQLFragment(
        """
        SELECT * FROM proposal_reviews WHERE username = ?
        ORDER BY CASE WHEN reviewed_at IS NULL THEN 0 ELSE 1 END, named_at DESC LIMIT ?
        """, [.text(username), .integer(Int64(limit))]),
      as: ReviewRow.self)
    var found: [(ProposalReview, Message)] = []
    for row in rows { if let message = try await message(row.message_id) { found.append((row.core, message)) } }
    return found
  }
}

private struct ReviewRow: Decodable, Sendable {
  var message_id: UUID
  var username: String
  var named_by: String
  var named_at: Date
  var outcome: String?
  var opinion: String?
  var reviewed_at: Date?

  var core: ProposalReview {
    ProposalReview(
      messageID: message_id, username: username, namedBy: named_by, namedAt: named_at,
      outcome: outcome.flatMap(ProposalOutcome.init(rawValue:)), opinion: opinion, reviewedAt: reviewed_at)
  }
}
