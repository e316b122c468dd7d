import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 建议评奖 (`/staff/awards`): the award rounds of the suggestions programme. Administrators open a
/// round (a period; the shipped tiers) and publish it; supervisors and administrators (the panel)
/// score each nominee — a suggestion adopted in the period — once, from 0 to 100.
struct AwardsController: Sendable {
  let pages: StaffPages

  var context: ServerContext { pages.context }
  var store: Store { context.store }

  /// `GET /staff/awards`: every round, and the form for a new one (administrators).
  func index(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    _ = try pages.scope(of: .awards, for: session)
    return try await list(request, session: session)
  }

  private func list(
    _ request: Request, session: StaffSession, errors: [String] = [], status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let language = request.pageLanguage
    let content = AwardsContent(
      rounds: try await store.awardRounds().map { round in
        AwardRoundLink(
          title: round.title, url: SiteURL.staff(.awardRound(.value(round.id))).path,
          period: ProposalTexts.period(from: round.from, to: round.to, language: language),
          state: Self.state(of: round, language: language))
      },
      createURL: ProposalRules.mayManageAwards(session.actor) ? SiteURL.staff(.awards).path : "")
    return try await pages.render(
      request, "staff/awards", title: language.text("place_awards"), session: session, content, errors: errors,
      status: status)
  }

  struct Fields: Decodable {
    var _csrf: String?
    var title: String?
    var from: String?
    var to: String?
    var message: String?
    var score: String?
  }

  /// `POST /staff/awards`: opens a round (administrators).
  func create(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let form = (try? request.content.decode(Fields.self)) ?? Fields()
    try pages.checkCSRF(form._csrf, session)
    _ = try pages.scope(of: .awards, for: session)
    do {
      let round = try await store.createAwardRound(
        title: form.title ?? "", from: form.from.flatMap(LocalDate.init), to: form.to.flatMap(LocalDate.init),
        by: session.actor, at: context.clock())
      return request.redirect(to: SiteURL.staff(.awardRound(.value(round.id))).path, redirectType: .normal)
    } catch {
      let mapped = MappedError.of(error)
      guard mapped.status == .unprocessableEntity || mapped.status == .forbidden else { throw error }
      let language = request.pageLanguage
      return try await list(
        request, session: session,
        errors: mapped.messages(in: language) { language.text("award_field_" + $0) }, status: mapped.status)
    }
  }

  /// `GET /staff/awards/{id}`: the round's tiers, its nominees with their mean scores and the viewer's
  /// own, the forms to score and to publish; the winners once published.
  func round(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    _ = try pages.scope(of: .awards, for: session)
    return try await page(request, session: session)
  }

  private func page(
    _ request: Request, session: StaffSession, errors: [String] = [], status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    guard let id = request.parameters.get("id", as: UUID.self), let round = try await store.awardRound(id) else {
      throw StoreError.notFound(.awardRound)
    }
    let language = request.pageLanguage
    let names = try await store.referenceNames()
    let mine = try await store.awardScores(id, by: session.actor.id)
    let open = round.publishedAt == nil
    var nominees: [AwardsRoundContent.Nominee] = []
    for nominee in try await store.awardNominees(round) {
      let message = try await store.message(nominee.messageID)
      let proposal = try await store.proposal(nominee.messageID)
      nominees.append(
        AwardsRoundContent.Nominee(
          id: nominee.messageID.uuidString.lowercased(), serial: nominee.serial.description,
          title: message?.title ?? "", url: SiteURL.staff(.message(.value(nominee.messageID))).path,
          unit: proposal?.evaluatedBy.flatMap { names.units[$0]?.name } ?? "",
          outcome: proposal?.outcome.map(language.name) ?? "",
          mean: nominee.mean.map { String(format: "%.1f", $0) } ?? "—", scorers: nominee.scores.count,
          myScore: mine[nominee.messageID].map(String.init) ?? "",
          canScore: open && ProposalRules.mayScoreAwards(session.actor) && mine[nominee.messageID] == nil))
    }
    let code = language.rawValue
    let winners = (round.result?.winners ?? []).map { winner in
      AwardsRoundContent.Winner(
        tier: round.tiers.first { $0.id == winner.tier }?.name(in: code) ?? winner.tier, serial: winner.serial,
        url: SiteURL.staff(.message(.value(winner.messageID))).path,
        score: String(format: "%.1f", winner.score))
    }
    let content = AwardsRoundContent(
      title: round.title,
      period: ProposalTexts.period(from: round.from, to: round.to, language: language),
      tiers: round.tiers.map {
        language.text(
          "award_tier_line",
          ["name": .plain($0.name(in: code)), "count": .number($0.count), "amount": .number($0.amount)])
      },
      nominees: nominees, winners: winners, scoreURL: SiteURL.staff(.awardScore(.value(id))).path,
      publishURL: open && ProposalRules.mayManageAwards(session.actor)
        ? SiteURL.staff(.awardPublish(.value(id))).path : "",
      publicURL: open ? "" : SiteURL.award(.value(id)).path, state: Self.state(of: round, language: language))
    return try await pages.render(
      request, "staff/award-round", title: round.title, session: session, content, errors: errors, status: status)
  }

  /// `POST /staff/awards/{id}/scores`: a panel member's score for a nominee.
  func score(_ request: Request) async throws -> Response {
    try await step(request) { id, form, session in
      try await store.scoreNominee(
        round: id, message: try Self.uuid(form.message, "message"), score: form.score.flatMap { Int($0) },
        by: session.actor, at: context.clock())
    }
  }

  /// `POST /staff/awards/{id}/publish`: ranks, fills the tiers, publishes (administrators).
  func publish(_ request: Request) async throws -> Response {
    try await step(request) { id, _, session in
      try await store.publishAwardRound(id, by: session.actor, at: context.clock())
    }
  }

  /// 评审中, or when the results were published.
  static func state(of round: AwardRound, language: Language) -> String {
    round.publishedAt.map { language.text("award_published_at", ["time": .plain(language.dateTime($0))]) }
      ?? language.text("award_scoring")
  }

  private static func uuid(_ text: String?, _ field: String) throws -> UUID {
    guard let id = text.flatMap(UUID.init(uuidString:)) else { throw ValidationError(field: field, reason: .missing) }
    return id
  }

  private func step(
    _ request: Request, _ body: (UUID, Fields, StaffSession) async throws -> Void
  ) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let form = (try? request.content.decode(Fields.self)) ?? Fields()
    try pages.checkCSRF(form._csrf, session)
    _ = try pages.scope(of: .awards, for: session)
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound(.awardRound) }
    do {
      try await body(id, form, session)
    } catch {
      let mapped = MappedError.of(error)
      guard [.unprocessableEntity, .forbidden, .conflict].contains(mapped.status) else { throw error }
      let language = request.pageLanguage
      return try await page(
        request, session: session,
        errors: mapped.messages(in: language) { language.text("award_field_" + $0) }, status: mapped.status)
    }
    return request.redirect(to: SiteURL.staff(.awardRound(.value(id))).path, redirectType: .normal)
  }
}

struct AwardsContent: Encodable, Sendable {
  var rounds: [AwardRoundLink]
  /// Where a new round is posted ("" for a supervisor, who only scores).
  var createURL: String
}

struct AwardsRoundContent: Encodable, Sendable {
  struct Nominee: Encodable, Sendable {
    var id: String
    var serial: String
    var title: String
    var url: String
    var unit: String
    var outcome: String
    var mean: String
    var scorers: Int
    var myScore: String
    var canScore: Bool
  }

  struct Winner: Encodable, Sendable {
    var tier: String
    var serial: String
    var url: String
    var score: String
  }

  var title: String
  var period: String
  var tiers: [String]
  var nominees: [Nominee]
  var winners: [Winner]
  var scoreURL: String
  var publishURL: String
  var publicURL: String
  var state: String
}
