import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 热点转办: from a hot topic on the supervision board, the office writes one suggestion and refers it
/// to a unit for evaluation. The form comes filled from the topic (its label, its size, its messages);
/// the office writes what it proposes and picks the unit.
struct ReferralController: Sendable {
  let pages: StaffPages
  var context: ServerContext { pages.context }

  struct Content: Encodable, Sendable {
    var action: String
    var title: String
    var problem: String
    var proposal: String
    var units: [Option]
    var campaigns: [Option]
    var isPublic: Bool
    var sources: [Source]

    struct Source: Encodable, Sendable {
      var id: String
      var label: String
      var url: String
    }
  }

  struct Query: Decodable {
    var label: String?
    var size: Int?
    var source: [String]?
  }

  struct Fields: Decodable {
    var _csrf: String?
    var title: String?
    var problem: String?
    var proposal: String?
    var unit: String?
    var campaign: String?
    var `public`: String?
    var sources: [String]?
  }

  /// `GET /staff/supervision/referral?label=…&size=…&source[]=…`: the form, filled from the topic.
  func form(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    _ = try pages.scope(of: .supervision, for: session)
    let query = (try? request.query.decode(Query.self)) ?? Query()
    let language = request.pageLanguage
    let sources = try await messages(query.source ?? [])
    let label = String((query.label ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(40))
    let count = max(query.size ?? sources.count, sources.count)
    let problem =
      ([language.text("referral_default_problem", ["count": .number(count)])]
      + sources.enumerated().map { "\($0.offset + 1). \($0.element.title)" }).joined(separator: "\n")
    let content = try await content(
      request, title: label.isEmpty ? "" : language.text("referral_default_title", ["label": .plain(label)]),
      problem: sources.isEmpty ? "" : problem, proposal: "", unit: nil, campaign: nil, isPublic: false,
      sources: sources)
    return try await pages.render(
      request, "staff/referral", title: language.text("referral_title"), session: session, content)
  }

  /// `POST /staff/supervision/referral`: the suggestion written and assigned; to its case page.
  func submit(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let form = (try? request.content.decode(Fields.self)) ?? Fields()
    try pages.checkCSRF(form._csrf, session)
    _ = try pages.scope(of: .supervision, for: session)
    let unit = form.unit.flatMap(UUID.init(uuidString:))
    let campaign = form.campaign.flatMap(UUID.init(uuidString:))
    let sourceIDs = (form.sources ?? []).compactMap(UUID.init(uuidString:))
    let referral = TopicReferral(
      title: form.title ?? "", problem: form.problem ?? "", proposal: form.proposal ?? "", unitID: unit,
      campaignID: campaign, sourceIDs: sourceIDs, isPublic: form.public == "yes")
    do {
      let message = try await context.store.referTopic(referral, by: session.actor, at: context.clock())
      return request.redirect(
        to: SiteURL.staff(.message(.value(message.id))).path(query: [("done", "referred")]), redirectType: .normal)
    } catch {
      let mapped = MappedError.of(error)
      guard mapped.status.code < 500, mapped.status != .notFound else { throw error }
      let language = request.pageLanguage
      let errors = mapped.messages(in: language) { Self.label($0, language) }
      let content = try await content(
        request, title: referral.title, problem: referral.problem, proposal: referral.proposal, unit: unit,
        campaign: campaign, isPublic: referral.isPublic, sources: try await messages(form.sources ?? []))
      return try await pages.render(
        request, "staff/referral", title: language.text("referral_title"), session: session, content,
        errors: errors, status: mapped.status)
    }
  }

  private func content(
    _ request: Request, title: String, problem: String, proposal: String, unit: UUID?, campaign: UUID?,
    isPublic: Bool, sources: [Message]
  ) async throws -> Content {
    let names = try await context.store.referenceNames()
    let today = context.calendar.day(of: context.clock())
    let campaigns = try await context.store.campaigns().filter { $0.phase(on: today) == .open }
    return Content(
      action: SiteURL.staff(.referral).path, title: title, problem: problem, proposal: proposal,
      units: pages.unitOptions(names, selected: unit),
      campaigns: campaigns.map { Option($0.id, $0.title, selected: campaign ?? Campaign.generalID) },
      isPublic: isPublic,
      sources: sources.map {
        Content.Source(
          id: $0.id.uuidString.lowercased(), label: $0.serial.description + " " + $0.title,
          url: SiteURL.staff(.message(.value($0.id))).path)
      })
  }

  /// The topic's messages that exist, at most `TopicReferral.maxSources`, in the order given.
  private func messages(_ ids: [String]) async throws -> [Message] {
    var seen: Set<UUID> = []
    var found: [Message] = []
    for id in ids.compactMap(UUID.init(uuidString:)) where seen.insert(id).inserted {
      guard found.count < TopicReferral.maxSources else { break }
      if let message = try await context.store.message(id) { found.append(message) }
    }
    return found
  }

  private static func label(_ field: String, _ language: Language) -> String {
    let keys = [
      "title": "title", "body": "referral_problem", "proposal": "referral_proposal", "unit": "referral_unit",
      "campaign": "campaign_label", "sources": "referral_sources",
    ]
    return keys[field].map { language.text($0) } ?? field
  }
}
