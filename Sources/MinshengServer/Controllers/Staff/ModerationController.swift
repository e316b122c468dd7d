import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 发布审核 in the browser: the moderators' queue, publish (perhaps redacted) or withhold.
struct ModerationPagesController: Sendable {
  let pages: StaffPages

  var context: ServerContext { pages.context }

  func queue(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    return try await page(request, session: session, notice: "", errors: [])
  }

  private func page(
    _ request: Request, session: StaffSession, notice: String, errors: [String], status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let office = try pages.scope(of: .moderation, for: session).unitID
    let language = request.pageLanguage
    let names = try await context.store.referenceNames()
    let items = try await context.store.moderationQueue(dispatchingUnit: office)
    let backlog = try await context.store.moderationBacklog(dispatchingUnit: office)
    var views: [ModerationView] = []
    for item in items {
      let message = item.message
      let images = try await context.store.attachments(of: message.id).map {
        ModerationView.Image(
          id: $0.id.uuidString.lowercased(), url: SiteURL.staff(.media(.value($0.id))).path, hidden: $0.hidden)
      }
      var view =
        ModerationView(
          id: message.id.uuidString.lowercased(), url: SiteURL.staff(.moderate(.value(message.id))).path,
          version: message.version, serial: message.serial.description, title: message.title, body: message.body,
          address: message.location?.address ?? "", images: images,
          masked: PrivacyMask.mask(message.title) + "\n" + PrivacyMask.mask(message.body),
          created: language.dateTime(message.createdAt),
          flagged: item.flagged.isEmpty
            ? "" : language.text("moderation_flagged", ["words": .plain(language.list(item.flagged.map(\.word)))]),
          board: MessageItem.boardName(leader: message.leaderID, region: message.regionID, names: names))
      if let proposal = try await context.store.proposal(message.id) {
        view.isSuggestion = true
        view.proposal = proposal.publicProposal ?? proposal.proposal
        view.benefit = proposal.publicBenefit ?? proposal.benefit
        view.masked += "\n" + PrivacyMask.mask(view.proposal) + "\n" + PrivacyMask.mask(view.benefit)
      }
      views.append(view)
    }
    var content = ModerationContent(
      intro: language.text("moderation_intro", ["count": .number(backlog)]), backlog: backlog, items: views)
    content.notes = try await context.store.pendingThanksNotes(for: session.actor).map { note in
      ModerationContent.Note(
        id: note.id.uuidString.lowercased(), url: SiteURL.staff(.moderateThanks(.value(note.id))).path,
        unit: names.units[note.unitID]?.name ?? "", author: note.author, paragraphs: MessageView.paragraphs(note.body),
        created: language.dateTime(note.createdAt))
    }
    return try await pages.render(
      request, "staff/moderation", title: language.text("place_moderation"), session: session, content,
      notice: notice, errors: errors, status: status)
  }

  struct DecisionForm: Decodable {
    var _csrf: String?
    var decision: String?
    var public_title: String?
    var public_body: String?
    var public_address: String?
    var hide_address: String?
    var hidden_images: [String]?
    var public_proposal: String?
    var public_benefit: String?
    var reason: String?
    var expected_version: String?
  }

  /// `POST /staff/moderation/thanks/{id}` with `decision=publish|withhold` (and a reason): a held
  /// letter to a unit.
  func decideThanks(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let form = (try? request.content.decode(DecisionForm.self)) ?? DecisionForm()
    try pages.checkCSRF(form._csrf, session)
    guard let id = request.parameters.get("id", as: UUID.self) else {
      throw PageError(.notFound, "error_moderation_not_found")
    }
    let language = request.pageLanguage
    let withhold = form.decision == "withhold"
    do {
      try await context.store.decideThanksNote(
        id, publish: !withhold, reason: form.reason, by: session.actor, at: context.clock())
    } catch {
      let mapped = MappedError.of(error)
      guard [.unprocessableEntity, .forbidden].contains(mapped.status) else { throw error }
      return try await page(
        request, session: session, notice: "",
        errors: mapped.messages(in: language) { CaseController.label($0, language) }, status: mapped.status)
    }
    return try await page(
      request, session: session,
      notice: language.text(withhold ? "thanks_note_withheld" : "thanks_note_released"), errors: [])
  }

  func decide(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let form = (try? request.content.decode(DecisionForm.self)) ?? DecisionForm()
    try pages.checkCSRF(form._csrf, session)
    let language = request.pageLanguage
    guard let id = request.parameters.get("id", as: UUID.self), let message = try await context.store.message(id),
      Moderation.mayModerate(session.actor, message)
    else { throw PageError(.notFound, "error_moderation_not_found") }
    let withhold = form.decision == "withhold"
    do {
      try await context.store.moderate(
        id, expectedVersion: form.expected_version.flatMap { Int($0) },
        decision: withhold
          ? .withhold(reason: form.reason ?? "")
          : .publish(
            title: form.public_title, body: form.public_body, address: form.public_address,
            hideAddress: form.hide_address == "yes",
            hiddenImages: (form.hidden_images ?? []).compactMap(UUID.init(uuidString:)),
            proposal: form.public_proposal, benefit: form.public_benefit),
        by: session.actor, at: context.clock())
    } catch {
      let mapped = MappedError.of(error)
      guard [.unprocessableEntity, .conflict].contains(mapped.status) else { throw error }
      return try await page(
        request, session: session, notice: "",
        errors: mapped.messages(in: language) { CaseController.label($0, language) }, status: mapped.status)
    }
    return try await page(
      request, session: session,
      notice: message.serial.description + language.text("field_separator")
        + language.text(withhold ? "moderation_withheld" : "moderation_published"), errors: [])
  }
}
