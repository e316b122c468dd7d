import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 人民建议征集 (`/suggestions`): the open campaigns and the latest public suggestions by stage
/// (征集中, 评估中, 已答复, 已采纳); a campaign's page with its suggestions and the way to write one; and
/// 附议, for citizens logged in to 我的留言 with their mobile number.
struct SuggestionsController: Sendable {
  let context: ServerContext

  static let pageSize = 20

  /// `GET /suggestions[?stage=…][&before=…]`.
  func index(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let (stage, before) = try Self.listQuery(request)
    let campaigns = try await context.store.campaigns()
    let counts = try await context.store.campaignCounts()
    let today = context.calendar.day(of: context.clock())
    let items = try await context.store.publicProposals(stage: stage, before: before, limit: Self.pageSize)
    let content = SuggestionsContent(
      heading: language.text("suggestions_title"), paragraphs: [language.text("suggestions_intro")], facts: [],
      writeURL: SiteURL.write.path(query: [("campaign", Campaign.generalID.uuidString.lowercased())]),
      campaigns: campaigns.filter { $0.phase(on: today) != .upcoming }.map {
        CampaignCard($0, counts: counts[$0.id], language: language, today: today)
      },
      tabs: Self.tabs(SiteURL.suggestions, current: stage, language: language),
      items: items.map {
        ProposalItem($0, campaigns: Dictionary(uniqueKeysWithValues: campaigns.map { ($0.id, $0) }), language: language)
      },
      olderURL: Self.olderURL(SiteURL.suggestions, stage: stage, items: items))
    return try await context.renderer.render(
      request, "public/suggestions", title: content.heading, content, cacheable: true)
  }

  /// `GET /suggestions/campaigns/{id}[?stage=…][&before=…]`.
  func campaign(_ request: Request) async throws -> Response {
    guard let id = request.parameters.get("id", as: UUID.self), let campaign = try await context.store.campaign(id)
    else { throw StoreError.notFound(.campaign) }
    let language = request.pageLanguage
    let (stage, before) = try Self.listQuery(request)
    let names = try await context.store.referenceNames()
    let today = context.calendar.day(of: context.clock())
    let phase = campaign.phase(on: today)
    let items = try await context.store.publicProposals(
      campaign: id, stage: stage, before: before, limit: Self.pageSize)
    var facts = [
      SuggestionsContent.Fact(
        label: language.text("campaign_period_label"), value: ProposalTexts.period(campaign, language: language)),
      SuggestionsContent.Fact(label: language.text("campaign_phase_label"), value: language.name(phase)),
    ]
    let units = campaign.unitIDs.compactMap { names.units[$0]?.name }
    if !units.isEmpty {
      facts.append(.init(label: language.text("campaign_units_label"), value: language.list(units)))
    }
    if let threshold = campaign.supportThreshold {
      facts.append(
        .init(
          label: language.text("campaign_threshold_label"),
          value: language.text("campaign_threshold_value", ["count": .number(threshold)])))
    }
    let url = SiteURL.campaign(.value(id))
    var content = SuggestionsContent(
      heading: campaign.title, paragraphs: MessageView.paragraphs(campaign.description), facts: facts,
      writeURL: phase == .open ? SiteURL.write.path(query: [("campaign", id.uuidString.lowercased())]) : "",
      campaigns: [], tabs: Self.tabs(url, current: stage, language: language),
      items: items.map { ProposalItem($0, campaigns: [id: campaign], language: language) },
      olderURL: Self.olderURL(url, stage: stage, items: items))
    content.documents = (try await context.store.documents(of: [id])[id] ?? []).map {
      DocumentLink($0, language: language)
    }
    return try await context.renderer.render(
      request, "public/suggestions", title: campaign.title, content, cacheable: true)
  }

  struct SupportForm: Decodable {
    var _csrf: String?
  }

  /// `GET /suggestions/{id}/support`: the 附议 form for the number of the 我的留言 session (the message
  /// page is shared by every reader, so the form with this browser's token lives here), or the way to
  /// log in first; says so when the number supports it already or it takes no supports.
  func supportForm(_ request: Request) async throws -> Response {
    try await supportPage(request, notice: nil)
  }

  /// `POST /suggestions/{id}/support`: 附议 with the number of the 我的留言 session; without one, to
  /// 我的留言 to log in first. Back on the suggestion's page afterwards (303).
  func support(_ request: Request) async throws -> Response {
    guard let id = request.parameters.get("id", as: UUID.self) else { throw StoreError.notFound(.proposal) }
    let form = (try? request.content.decode(SupportForm.self)) ?? SupportForm()
    try request.checkFormToken(form._csrf)
    guard let phone = try await context.citizenPhone(request) else {
      return request.redirect(to: SiteURL.account.path, redirectType: .normal)
    }
    do {
      try await context.store.support(id, phone: phone, at: context.clock())
    } catch StoreError.duplicate {
      return try await supportPage(request, notice: "support_already", status: .conflict)
    }
    return request.redirect(to: SiteURL.message(.value(id)).path + "#proposal", redirectType: .normal)
  }

  private func supportPage(
    _ request: Request, notice: String?, status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    guard let id = request.parameters.get("id", as: UUID.self), let message = try await context.store.message(id),
      message.isShownPublicly, let proposal = try await context.store.proposal(id)
    else { throw StoreError.notFound(.proposal) }
    let language = request.pageLanguage
    let phone = try await context.citizenPhone(request)
    var notice = notice.map { language.text($0) } ?? ""
    var canSupport = phone != nil
    if let refusal = ProposalRules.maySupport(message, proposal) {
      canSupport = false
      notice = language.text(refusal)
    } else if let phone, try await context.store.hasSupported(id, phone: phone) {
      canSupport = false
      notice = language.text("support_already")
    }
    let content = SupportContent(
      title: PrivacyMask.mask(message.titleForPublic), messageURL: SiteURL.message(.value(id)).path + "#proposal",
      supports: language.text("proposal_supports", ["count": .number(proposal.supports)]), notice: notice,
      loggedIn: phone != nil, canSupport: canSupport, supportURL: SiteURL.support(.value(id)).path,
      phoneLabel: phone.map { language.text("account_phone", ["phone": .plain(PrivacyMask.mask($0))]) } ?? "")
    return try await context.renderer.render(
      request, "public/support", title: language.text("support_title"), content, status: status)
  }

  /// `GET /documents/{id}`: a published document file, downloaded under a safe name (the name the
  /// office gave it as `filename*`), never run by the browser; 404 for one not (or no longer) public.
  func document(_ request: Request) async throws -> Response {
    guard let id = request.parameters.get("id", as: UUID.self), let document = try await context.store.document(id),
      try await context.store.isDocumentPublic(document)
    else { throw StoreError.notFound(.document) }
    let info = document.info
    var headers = HTTPHeaders()
    headers.replaceOrAdd(name: .contentType, value: info.contentType)
    let safe = "minsheng-\(info.id.uuidString.lowercased()).\(info.fileExtension)"
    // RFC 5987: every byte but ASCII letters, digits and -._~ percent-encoded.
    let plain = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    let given = info.fileName.addingPercentEncoding(withAllowedCharacters: plain) ?? safe
    headers.replaceOrAdd(
      name: .contentDisposition, value: "attachment; filename=\"\(safe)\"; filename*=UTF-8''\(given)")
    headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
    headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; sandbox")
    headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
    return Response(status: .ok, headers: headers, body: .init(data: document.data))
  }

  /// The section of a message page for a suggestion, or nothing for any other message.
  static func view(
    of message: PublicCase, store: Store, names: ReferenceNames, language: Language
  ) async throws -> [ProposalView] {
    guard message.type == .suggestion, let proposal = try await store.proposal(message.id),
      let full = try await store.message(message.id)
    else { return [] }
    let item = store.publicProposal(full, proposal)
    let adoptions = try await store.adoptions(of: message.id)
    let documents = try await store.documents(of: adoptions.map(\.id))
    let reviewed = try await store.reviews(of: message.id).filter { $0.reviewedAt != nil }.count
    var view = ProposalView(
      item, campaign: try await store.campaign(proposal.campaignID),
      adoptions: adoptions, documents: documents, instructions: try await store.instructions(of: message.id),
      names: names, language: language)
    if reviewed > 0, proposal.outcome != nil {
      view.reviewed = language.text("proposal_reviewed_public", ["count": .number(reviewed)])
    }
    return [view]
  }

  private static func listQuery(_ request: Request) throws -> (ProposalStage?, Date?) {
    var stage: ProposalStage?
    if let text = request.query[String.self, at: "stage"], !text.isEmpty {
      guard let parsed = ProposalStage(rawValue: text) else { throw PageError(.badRequest, "error_bad_request") }
      stage = parsed
    }
    var before: Date?
    if let text = request.query[String.self, at: "before"], !text.isEmpty {
      guard let date = TimeCursor.date(text) else { throw PageError(.badRequest, "error_bad_request") }
      before = date
    }
    return (stage, before)
  }

  private static func tabs(_ url: SiteURL, current: ProposalStage?, language: Language) -> [NavLink] {
    [NavLink(href: url.path, label: language.text("proposal_stage_all"), current: current == nil)]
      + ProposalStage.allCases.map {
        NavLink(href: url.path(query: [("stage", $0.rawValue)]), label: language.name($0), current: current == $0)
      }
  }

  private static func olderURL(_ url: SiteURL, stage: ProposalStage?, items: [PublicProposal]) -> String {
    guard items.count == pageSize, let last = items.last else { return "" }
    return url.path(query: [
      ("stage", stage?.rawValue),
      ("before", TimeCursor.text(last.proposal.createdAt)),
    ])
  }
}

struct SupportContent: Encodable, Sendable {
  var title: String
  var messageURL: String
  var supports: String
  var notice: String
  var loggedIn: Bool
  var canSupport: Bool
  var supportURL: String
  var phoneLabel: String
}

/// 表彰奖励 in public: the published rounds, and one round's winners tier by tier (the author named as
/// the author chose when writing it — shortened as on every public page unless they chose their full
/// name or none — and the suggestion linked).
struct AwardsPageContent: Encodable, Sendable {
  struct Tier: Encodable, Sendable {
    struct Winner: Encodable, Sendable {
      var title: String
      var url: String
      var author: String
      var unit: String
      var serial: String
    }

    var id: String
    var name: String
    var amount: String
    var winners: [Winner]
  }

  var heading: String
  var paragraphs: [String]
  var rounds: [AwardRoundLink]
  var tiers: [Tier]
  var empty: String
}

extension SuggestionsController {
  /// `GET /suggestions/awards`: the published rounds, newest first.
  func awards(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let rounds = try await context.store.awardRounds(publishedOnly: true)
    let content = AwardsPageContent(
      heading: language.text("awards_title"), paragraphs: [language.text("awards_intro")],
      rounds: rounds.map { round in
        AwardRoundLink(
          title: round.title, url: SiteURL.award(.value(round.id)).path,
          period: ProposalTexts.period(from: round.from, to: round.to, language: language),
          state: AwardsController.state(of: round, language: language))
      }, tiers: [], empty: rounds.isEmpty ? language.text("awards_none") : "")
    return try await context.renderer.render(request, "public/awards", title: content.heading, content, cacheable: true)
  }

  /// `GET /suggestions/awards/{id}`: a published round's winners; 404 before it is published.
  func award(_ request: Request) async throws -> Response {
    guard let id = request.parameters.get("id", as: UUID.self), let round = try await context.store.awardRound(id),
      round.publishedAt != nil, let result = round.result
    else { throw StoreError.notFound(.awardRound) }
    let language = request.pageLanguage
    let names = try await context.store.referenceNames()
    var tiers: [AwardsPageContent.Tier] = []
    for tier in round.tiers {
      var winners: [AwardsPageContent.Tier.Winner] = []
      for winner in result.winners where winner.tier == tier.id {
        // A suggestion no longer public stays awarded, without its text or author.
        guard let message = try await context.store.message(winner.messageID), message.isShownPublicly,
          let proposal = try await context.store.proposal(winner.messageID)
        else {
          winners.append(
            .init(title: language.text("award_not_public"), url: "", author: "", unit: "", serial: winner.serial))
          continue
        }
        let shown = context.store.publicProposal(message, proposal)
        winners.append(
          .init(
            title: shown.message.title, url: SiteURL.message(.value(message.id)).path,
            author: proposal.awardName.shown(message.contact.name),
            unit: proposal.evaluatedBy.flatMap { names.units[$0]?.name } ?? "", serial: winner.serial))
      }
      guard !winners.isEmpty else { continue }
      tiers.append(
        .init(
          id: tier.id, name: tier.name(in: language.rawValue),
          amount: language.text("award_amount", ["amount": .number(tier.amount), "count": .number(winners.count)]),
          winners: winners))
    }
    let content = AwardsPageContent(
      heading: round.title,
      paragraphs: [
        language.text(
          "award_round_intro",
          [
            "from": .plain(round.from.description), "to": .plain(round.to.description),
            "count": .number(result.winners.count),
          ])
      ], rounds: [], tiers: tiers, empty: "")
    return try await context.renderer.render(request, "public/awards", title: round.title, content, cacheable: true)
  }
}
