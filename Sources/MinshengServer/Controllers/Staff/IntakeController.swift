import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 来电来信登记: 12345 operators and mailbox clerks (the dispatching office's staff) enter a message
/// taken by phone or letter; an answer given on the spot closes the first contact (直办).
struct IntakeController: Sendable {
  let pages: StaffPages

  var context: ServerContext { pages.context }

  struct Fields: Decodable {
    var _csrf: String?
    var channel: String?
    var board: String?
    var type: String?
    var category: String?
    var title: String?
    var body: String?
    var address: String?
    var name: String?
    var phone: String?
    var visibility: String?
    var answer: String?
    /// 人民建议 by letter or phone: the campaign, the proposal and the benefit (type 建议 only).
    var campaign: String?
    var proposal: String?
    var benefit: String?
  }

  func form(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let office = try pages.scope(of: .intake, for: session).unitID
    let caller = String((request.query[String.self, at: "caller"] ?? "").prefix(20))
    var fields = Fields()
    fields.phone = caller
    return try await page(
      request, session: session, office: office, fields: fields, errors: [], caller: caller,
      knowledgeQuery: String((request.query[String.self, at: "kb"] ?? "").prefix(50)))
  }

  private func page(
    _ request: Request, session: StaffSession, office: UUID?, fields: Fields, errors: [String],
    caller: String = "", knowledgeQuery: String = "", status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let language = request.pageLanguage
    let names = try await context.store.referenceNames()
    let boards = names.leadersByCode.filter { office == nil || $0.dispatchingUnitID == office }
    var content = IntakeContent(
      boards: boards.map {
        Option(
          value: $0.id.uuidString.lowercased(), label: MessageItem.boardLabel($0, names: names),
          selected: $0.id.uuidString.lowercased() == fields.board?.lowercased())
      },
      types: MessageType.citizenTypes.map {
        Option(value: $0.rawValue, label: language.name($0), selected: $0.rawValue == (fields.type ?? "complaint"))
      },
      categories: names.firstLevelCategories.map {
        Option(
          value: $0.id.uuidString.lowercased(), label: $0.name,
          selected: $0.id.uuidString.lowercased() == fields.category?.lowercased())
      },
      channels: [MinshengCore.Channel.hotline, .mailbox].map {
        Option(value: $0.rawValue, label: language.name($0), selected: $0.rawValue == (fields.channel ?? "hotline"))
      },
      title: fields.title ?? "", body: fields.body ?? "", address: fields.address ?? "", name: fields.name ?? "",
      phone: fields.phone ?? "", answer: fields.answer ?? "", isPrivate: fields.visibility == "private")
    content.action = SiteURL.staff(.intake).path
    let today = context.calendar.day(of: context.clock())
    content.campaigns = try await context.store.campaigns().filter { $0.phase(on: today) == .open }.map {
      Option(
        value: $0.id.uuidString.lowercased(), label: $0.title,
        selected: fields.campaign.map { UUID(uuidString: $0) } == $0.id || (fields.campaign == nil && $0.isGeneral))
    }
    content.proposal = fields.proposal ?? ""
    content.benefit = fields.benefit ?? ""
    let caller = caller.trimmingCharacters(in: .whitespaces)
    if !caller.isEmpty {
      content.caller = caller
      content.callerSearched = true
      content.history = try await context.store.callerHistory(phone: caller, readableBy: session.actor).map {
        CallerHistoryItem(
          serial: $0.serial.description, title: $0.title, status: language.name($0.status),
          date: language.date($0.createdAt), url: SiteURL.staff(.message(.value($0.id))).path)
      }
    }
    let words = knowledgeQuery.trimmingCharacters(in: .whitespaces)
    if !words.isEmpty {
      content.knowledgeQuery = words
      content.knowledgeSearched = true
      content.knowledge = try await context.store.searchKnowledge(words, limit: 10).map {
        KnowledgeView(kind: language.text("knowledge_" + $0.kind.rawValue), title: $0.title, body: $0.body)
      }
    }
    content.figure = try await FirstContact(context: context).figure(office: office, language: language)
    return try await pages.render(
      request, "staff/intake", title: language.text("place_intake"), session: session, content, errors: errors,
      status: status)
  }

  /// `POST /staff/intake`: stores the message with its channel; with an answer, answers it at once (直办,
  /// resolved at first contact), else it waits in the pool like any other.
  func submit(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let office = try pages.scope(of: .intake, for: session).unitID
    let fields = (try? request.content.decode(Fields.self)) ?? Fields()
    try pages.checkCSRF(fields._csrf, session)
    let language = request.pageLanguage
    let channel = MinshengCore.Channel(rawValue: fields.channel ?? "").flatMap {
      [.hotline, .mailbox].contains($0) ? $0 : nil
    }
    let address = (fields.address ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    var input = NewMessage(
      type: MessageType(rawValue: fields.type ?? "") ?? .complaint, title: fields.title ?? "", body: fields.body ?? "",
      leaderID: fields.board.flatMap(UUID.init(uuidString:)), regionID: nil,
      categoryID: fields.category.flatMap(UUID.init(uuidString:)), channel: channel ?? .hotline,
      location: address.isEmpty ? nil : Location(address: address),
      contact: Contact(name: fields.name ?? "", phone: fields.phone ?? ""), isPublic: fields.visibility != "private",
      // The operator took the call from this number; a letter's number is only written down.
      phoneVerified: (channel ?? .hotline) == .hotline)
    let proposal = (fields.proposal ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    if !proposal.isEmpty {
      input.proposal = ProposalDetails(
        campaignID: fields.campaign.flatMap(UUID.init(uuidString:)), proposal: proposal, benefit: fields.benefit ?? "")
    }
    let answer = (fields.answer ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    let now = context.clock()
    let message: Message
    do {
      message = try await context.intake.receive(
        input, by: session.actor, assignAutomatically: answer.isEmpty, at: now, logger: request.logger
      ).message
    } catch let error as ValidationError {
      return try await page(
        request, session: session, office: office, fields: fields,
        errors: MappedError.of(error).messages(in: language) { Self.label($0, language) }, caller: fields.phone ?? "",
        status: .unprocessableEntity)
    }
    let caseURL = SiteURL.staff(.message(.value(message.id)))
    guard !answer.isEmpty else {
      return request.redirect(to: caseURL.path(query: [("done", "intake")]), redirectType: .normal)
    }
    do {
      try await context.store.perform(
        .answerDirectly(body: answer), on: message.id, by: session.actor, at: now, expectedVersion: message.version)
    } catch let error as WorkflowError {
      return try await CaseController(pages: pages).page(
        request, session: session, message: message, notice: language.text("intake_not_answered"),
        errors: [language.text(error.text)], status: .unprocessableEntity)
    }
    return request.redirect(to: caseURL.path(query: [("done", Action.answerDirectly.rawValue)]), redirectType: .normal)
  }

  static func label(_ field: String, _ language: Language) -> String {
    let keys = [
      "title": "intake_title", "body": "intake_body", "contact.name": "intake_name", "contact.phone": "intake_phone",
      "location.address": "intake_address", "leader": "intake_board", "category": "intake_category",
      "type": "intake_type", "proposal": "proposal_text", "benefit": "proposal_benefit", "campaign": "campaign_label",
    ]
    return keys[field].map { language.text($0) } ?? field
  }
}
