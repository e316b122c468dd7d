import Foundation
import MinshengCore

extension ReferenceChange {
  static func awardRound(_ round: AwardRound) -> ReferenceChange {
    ReferenceChange(
      entity: "award_round", id: round.id,
      after: [
        "title": round.title, "from": round.from.description, "to": round.to.description,
        "tiers": round.tiers.map { "\($0.id)×\($0.count)" }.joined(separator: ","),
      ])
  }
}

extension Store {
  /// 表彰奖励: opens a round for the suggestions adopted from `from` to `to` (both included), with
  /// the tiers given (the shipped ones by default). Administrators only; recorded in the changes.
  public func createAwardRound(
    title: String, from: LocalDate?, to: LocalDate?, tiers: [AwardTier]? = nil, by actor: Actor, at now: Date
  ) async throws -> AwardRound {
    guard ProposalRules.mayManageAwards(actor) else {
      throw StoreError.forbidden(LocalizedText("error_proposal_role"))
    }
    let title = Self.trimmed(title)
    var problems: [ValidationError.Problem] = []
    if title.isEmpty { problems.append(.init(field: "title", reason: .missing)) }
    if title.count > 100 { problems.append(.init(field: "title", reason: .tooLong(max: 100))) }
    if from == nil { problems.append(.init(field: "from", reason: .missing)) }
    if to == nil { problems.append(.init(field: "to", reason: .missing)) }
    if let from, let to, to < from {
      problems.append(.init(field: "to", reason: .invalid(LocalizedText("error_campaign_closes_before"))))
    }
    guard problems.isEmpty, let from, let to else { throw ValidationError(problems: problems) }
    let round = AwardRound(
      id: ids.newID(), title: title, from: from, to: to, tiers: try tiers ?? AwardTier.bundled(), createdAt: now)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try await reference.insert(
      ReferenceRow(
        table: .awardRounds,
        values: [
          ("id", .uuid(round.id)), ("title", .text(title)), ("from_day", .text(from.description)),
          ("to_day", .text(to.description)),
          ("tiers", .text(String(decoding: try encoder.encode(round.tiers), as: UTF8.self))),
          ("created_at", .date(now)),
        ], duplicate: nil),
      change: changeEntry(.awardRound(round), "create", by: actor.id, at: now))
    return round
  }

  /// Every round, newest first; `publishedOnly` for the public.
  public func awardRounds(publishedOnly: Bool = false) async throws -> [AwardRound] {
    try await search.runner.all(
      SQLFragment(
        "SELECT * FROM award_rounds" + (publishedOnly ? " WHERE published_at IS NOT NULL" : "")
          + " ORDER BY created_at DESC"), as: AwardRoundRow.self
    ).compactMap(\.core)
  }

  public func awardRound(_ id: UUID) async throws -> AwardRound? {
    try await search.runner.all(
      SQLFragment("SELECT * FROM award_rounds WHERE id = ?", [.uuid(id)]), as: AwardRoundRow.self
    ).first?.core
  }

  /// The round's nominees: the suggestions adopted or partly adopted in its period, earliest first,
  /// with the panel's scores so far.
  public func awardNominees(_ round: AwardRound) async throws -> [AwardNominee] {
    let span = rules.calendar.start(of: round.from)..<rules.calendar.start(of: round.to.adding(days: 1))
    let rows = try await search.runner.all(
      SQLFragment(
        """
        SELECT p.message_id AS message_id, m.serial_year AS serial_year, m.serial_number AS serial_number
        FROM proposals p JOIN messages m ON m.id = p.message_id
        WHERE p.outcome IN ('adopted', 'partly_adopted') AND p.evaluated_at >= ? AND p.evaluated_at < ?
        ORDER BY m.serial_year, m.serial_number
        """, [.date(span.lowerBound), .date(span.upperBound)]), as: NomineeRow.self)
    var scores: [UUID: [Int]] = [:]
    for row in try await search.runner.all(
      SQLFragment("SELECT message_id, score FROM award_scores WHERE round_id = ?", [.uuid(round.id)]),
      as: ScoreRow.self)
    {
      scores[row.message_id, default: []].append(row.score)
    }
    return rows.map {
      AwardNominee(
        messageID: $0.message_id, serial: Serial(year: $0.serial_year, number: $0.serial_number),
        scores: scores[$0.message_id] ?? [])
    }
  }

  /// The scores a panel member gave in a round, by suggestion.
  public func awardScores(_ roundID: UUID, by scorer: String) async throws -> [UUID: Int] {
    let rows = try await search.runner.all(
      SQLFragment(
        "SELECT message_id, score FROM award_scores WHERE round_id = ? AND scorer = ?", [.uuid(roundID), .text(scorer)]),
      as: ScoreRow.self)
    return Dictionary(rows.map { ($0.message_id, $0.score) }, uniquingKeysWith: { first, _ in first })
  }

  /// 评审打分: a panel member scores a nominee from 0 to 100, once; refused after publication.
  public func scoreNominee(
    round roundID: UUID, message messageID: UUID, score: Int?, by actor: Actor, at now: Date
  ) async throws {
    guard ProposalRules.mayScoreAwards(actor) else { throw StoreError.forbidden(LocalizedText("error_proposal_role")) }
    guard let score, (0...100).contains(score) else {
      throw ValidationError(field: "score", reason: .invalid(LocalizedText("error_award_score")))
    }
    guard let round = try await awardRound(roundID) else { throw StoreError.notFound(.awardRound) }
    guard round.publishedAt == nil else { throw StoreError.forbidden(LocalizedText("error_award_published")) }
    guard try await awardNominees(round).contains(where: { $0.messageID == messageID }) else {
      throw StoreError.notFound(.proposal)
    }
    try await reference.insert(
      ReferenceRow(
        table: .awardScores,
        values: [
          ("round_id", .uuid(roundID)), ("message_id", .uuid(messageID)), ("scorer", .text(actor.id)),
          ("score", .integer(Int64(score))), ("created_at", .date(now)),
        ], duplicate: (.awardScore, actor.id)),
      change: changeEntry(
        ReferenceChange(
          entity: "award_score", id: roundID,
          after: ["message": messageID.uuidString, "scorer": actor.id, "score": String(score)]),
        "create", by: actor.id, at: now))
  }

  /// 评选结果发布: ranks the nominees by the panel's scores, fills the tiers and keeps the result
  /// whole (recorded in the changes), then records `awarded` in each winner's chain and tells its
  /// author (办理提醒 rules: a proved mobile number that did not turn them off). Run again after an
  /// interruption, it completes the events and notices without deciding anew.
  @discardableResult
  public func publishAwardRound(_ roundID: UUID, by actor: Actor, at now: Date) async throws -> AwardRound {
    guard ProposalRules.mayManageAwards(actor) else { throw StoreError.forbidden(LocalizedText("error_proposal_role")) }
    guard var round = try await awardRound(roundID) else { throw StoreError.notFound(.awardRound) }
    if round.result == nil {
      let result = AwardResult.decide(try await awardNominees(round), tiers: round.tiers)
      guard !result.winners.isEmpty else {
        throw StoreError.forbidden(LocalizedText("error_award_nobody_scored"))
      }
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      var change = ReferenceChange.awardRound(round)
      change.after["winners"] = result.winners.map { "\($0.tier):\($0.serial)" }.joined(separator: ",")
      // Published once: of two administrators publishing at once, the second finds it published and
      // goes on with the result the first froze.
      let published = try await reference.update(
        .awardRounds, id: roundID,
        set: [
          "published_at": .date(now), "published_by": .text(actor.id),
          "result": .text(String(decoding: try encoder.encode(result), as: UTF8.self)),
        ], whileNull: "published_at", change: changeEntry(change, "publish", by: actor.id, at: now))
      if published {
        round.result = result
        round.publishedAt = now
      } else {
        guard let frozen = try await awardRound(roundID) else { throw StoreError.notFound(.awardRound) }
        round = frozen
      }
    }
    for winner in round.result?.winners ?? [] {
      // The message first, then its events: an award recorded after this read moves its version on,
      // and recording this one from the old version fails (a conflict) rather than award it twice.
      guard let message = try await message(winner.messageID) else { continue }
      let done = try await events(of: winner.messageID).contains {
        $0.draft.action == .awarded && $0.draft.payload["round"] == roundID.uuidString
      }
      guard !done else { continue }
      let serial = message.serial.description
      let notices = try await authorNotices(
        message, text: LocalizedText("sms_proposal_awarded", ["serial": .plain(serial)]),
        subject: LocalizedText("mail_proposal_awarded", ["serial": .plain(serial)]), at: now)
      // The message moved on meanwhile (another publish recording the same award, or a step of its
      // own): look again, and record it only if it is not there yet.
      try await recordAward(winner, of: roundID, message: message, notices: notices, by: actor, at: now)
    }
    return round
  }

  /// Records `winner`'s award on its message once, retrying after a concurrent change.
  private func recordAward(
    _ winner: AwardResult.Winner, of roundID: UUID, message: Message, notices: [OutboxRow], by actor: Actor,
    at now: Date
  ) async throws {
    var message = message
    for _ in 0..<3 {
      do {
        try await recordEvent(
          on: message.id, expectedVersion: message.version, at: now,
          { current in
            EventDraft(
              messageID: current.id, action: .awarded, from: current.status, to: current.status, actor: actor,
              note: nil, visibility: .public, payload: ["round": roundID.uuidString, "tier": winner.tier], at: now)
          }, notices: notices)
        return
      } catch StoreError.conflict {
        guard let current = try await self.message(winner.messageID) else { return }
        let done = try await events(of: winner.messageID).contains {
          $0.draft.action == .awarded && $0.draft.payload["round"] == roundID.uuidString
        }
        guard !done else { return }
        message = current
      }
    }
  }
}

struct AwardRoundRow: Decodable, Sendable {
  var id: UUID
  var title: String
  var from_day: String
  var to_day: String
  var tiers: String
  var created_at: Date
  var published_at: Date?
  var result: String?

  var core: AwardRound? {
    guard let from = LocalDate(from_day), let to = LocalDate(to_day),
      let tiers = try? JSONDecoder().decode([AwardTier].self, from: Data(tiers.utf8))
    else { return nil }
    return AwardRound(
      id: id, title: title, from: from, to: to, tiers: tiers, createdAt: created_at, publishedAt: published_at,
      result: result.flatMap { try? JSONDecoder().decode(AwardResult.self, from: Data($0.utf8)) })
  }
}

private struct NomineeRow: Decodable, Sendable {
  var message_id: UUID
  var serial_year: Int
  var serial_number: Int
}

private struct ScoreRow: Decodable, Sendable {
  var message_id: UUID
  var score: Int
}
