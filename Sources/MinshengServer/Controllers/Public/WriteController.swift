import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// `/write`: the citizens' form — a board or a region, type, area (with the classifier's suggestion),
/// title, body, address, images, public or not, contact, the mobile number verified by an SMS code.
struct WriteController: Sendable {
  let context: ServerContext

  /// The fields of the write form; every one optional, so that a missing field is reported, not a 400.
  struct WriteForm: Decodable {
    var _csrf: String?
    var board: String?
    var region: String?
    var type: String?
    var category: String?
    var title: String?
    var body: String?
    var address: String?
    var visibility: String?
    var name: String?
    var phone: String?
    var consent: String?
    var code: String?
    var images: [File]?
    /// 人民建议: the campaign a suggestion answers, the proposal and the benefit.
    var campaign: String?
    var proposal: String?
    var benefit: String?
    /// How the author is named if the suggestion is awarded (`AwardName`).
    var award_name: String?

    /// The form as the code button sends it: every field but the images (the button posts the form
    /// URL-encoded, so a file field sends only its name and the request stays small).
    struct Typed: Decodable {
      var _csrf, board, region, type, category, title, body, address, visibility, name, phone, consent: String?
      var campaign, proposal, benefit, award_name: String?
      /// The names of the chosen images, when any were chosen.
      var images: [String]?

      var form: WriteForm {
        WriteForm(
          _csrf: _csrf, board: board, region: region, type: type, category: category, title: title, body: body,
          address: address, visibility: visibility, name: name, phone: phone, consent: consent, campaign: campaign,
          proposal: proposal, benefit: benefit, award_name: award_name)
      }
    }

    var leader: UUID? { board.flatMap(UUID.init(uuidString:)) }
    var regionID: UUID? { region.flatMap(UUID.init(uuidString:)) }
    var messageType: MessageType? { type.flatMap(MessageType.init(rawValue:)) }
    var categoryID: UUID? { category.flatMap(UUID.init(uuidString:)) }
    /// Whether the form writes a suggestion to a campaign.
    var isProposal: Bool { !(campaign ?? "").isEmpty }
  }

  func form(_ request: Request) async throws -> Response {
    var fields = WriteForm()
    fields.board = request.query[String.self, at: "leader"]
    fields.campaign = request.query[String.self, at: "campaign"]
    if fields.isProposal { fields.type = MessageType.suggestion.rawValue }
    return try await page(request, fields, errors: [])
  }

  func write(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    guard let form = try? request.content.decode(WriteForm.self) else {
      throw PageError(.badRequest, "error_form_unreadable")
    }
    try request.checkFormToken(form._csrf)
    var errors: [String] = []
    if form.messageType == nil || form.messageType == .thanks {
      errors.append(Self.label("type", language) + language.text("field_separator") + language.text("choose_type"))
    }
    if form.consent != "yes" { errors.append(language.text("consent")) }
    let images = (form.images ?? []).filter { $0.data.readableBytes > 0 }.map { Data(buffer: $0.data) }
    var input = NewMessage(
      type: form.messageType ?? .complaint, title: form.title ?? "", body: form.body ?? "", leaderID: form.leader,
      regionID: form.leader == nil ? form.regionID : nil, categoryID: form.categoryID, channel: .web,
      location: (form.address ?? "").isEmpty ? nil : Location(address: form.address),
      contact: Contact(name: form.name ?? "", phone: form.phone ?? "", email: nil),
      isPublic: form.visibility != "private")
    if form.isProposal {
      guard let campaign = form.campaign.flatMap(UUID.init(uuidString:)) else {
        throw PageError(.notFound, "error_page_not_found")
      }
      input.type = .suggestion
      input.proposal = ProposalDetails(
        campaignID: campaign, proposal: form.proposal ?? "", benefit: form.benefit ?? "",
        awardName: form.award_name.flatMap(AwardName.init(rawValue:)) ?? .masked)
    }
    // Every check that needs no database first, so all of them are listed at once.
    for check in [{ _ = try input.validated() }, { _ = try Store.checkImages(images) }] {
      do { try check() } catch { errors += MappedError.of(error).messages(in: language) { Self.label($0, language) } }
    }
    let verified = try await context.citizenPhone(request)
    if verified != nil, verified == PhoneNumber.mobile(input.contact.phone) {
      input.phoneVerified = true  // 我的留言's session proved this number
    } else if errors.isEmpty, context.citizens.verifyPhone {
      do {
        try await context.store.verifyPhoneCode(form.code ?? "", for: input.contact.phone, at: context.clock())
        input.phoneVerified = true
      } catch {
        errors += MappedError.of(error).messages(in: language) { Self.label($0, language) }
      }
    }
    // A browser cannot be given files back: say so, beside the field and in the summary.
    let again = images.isEmpty ? "" : language.text("images_choose_again", ["count": .number(images.count)])
    guard errors.isEmpty else {
      return try await page(
        request, form, errors: errors + (again.isEmpty ? [] : [again]), imagesAgain: again,
        status: .unprocessableEntity)
    }
    let now = context.clock()
    let submission: Submission
    do {
      submission = try await context.intake.receive(
        input, origin: request.intakeOrigin(context.citizens), images: images, at: now, logger: request.logger)
    } catch {
      let mapped = MappedError.of(error)
      guard mapped.status == .unprocessableEntity || mapped.status == .tooManyRequests else { throw error }
      let response = try await page(
        request, form,
        errors: mapped.messages(in: language) { Self.label($0, language) } + (again.isEmpty ? [] : [again]),
        imagesAgain: again, status: mapped.status)
      for (name, value) in mapped.headers { response.headers.replaceOrAdd(name: name, value: value) }
      return response
    }
    return try await written(request, submission, at: now)
  }

  /// The page that confirms a message: its serial, the tracking code (shown once), the acceptance promise.
  private func written(_ request: Request, _ submission: Submission, at now: Date) async throws -> Response {
    let language = request.pageLanguage
    let message = submission.message
    let names = try await context.store.referenceNames()
    let policy = context.store.rules.sla.policy(
      type: message.type, urgent: false, region: RegionPath.of(message.regionID, in: names.regions))
    let content = WrittenContent(
      serial: message.serial.description,
      trackingCode: Self.grouped(TrackingCode.normalized(submission.trackingCode) ?? submission.trackingCode),
      promise: language.text(
        "written_promise_text",
        [
          "duration": .plain(language.duration(policy.acceptance)),
          "deadline": .plain(language.deadline(policy.acceptance.deadline(after: now, in: context.calendar))),
        ]),
      pending: message.isPublic && message.publication == .pending)
    let response = try await context.renderer.render(
      request, "public/written", title: language.text("written_title"), content, status: .created)
    response.cookies[PageCookies.track] = TrackController.trackCookie(submission.trackingCode, context: context)
    return response
  }

  /// `POST /write/code` (the form's 获取验证码 button): sends a one-time code to the mobile number in
  /// the form. Scripts get JSON; without a script the form comes back filled in, with the notice.
  func sendCode(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let typed = (try? request.content.decode(WriteForm.Typed.self))
    let form = typed?.form ?? WriteForm()
    try request.checkFormToken(form._csrf)
    let sent = await PhoneCodes(context: context).send(to: form.phone ?? "", for: request)
    if request.headers.accept.contains(where: { $0.mediaType == .json }) {
      let response = try await CodeResult(
        ok: sent.error.isEmpty, message: sent.error.isEmpty ? sent.notice : sent.error
      )
      .encodeResponse(status: sent.status, for: request)
      for (name, value) in sent.headers { response.headers.replaceOrAdd(name: name, value: value) }
      return response
    }
    let hadImages = (typed?.images ?? []).contains { !$0.isEmpty }
    let response = try await page(
      request, form, errors: sent.error.isEmpty ? [] : [sent.error],
      notice: sent.error.isEmpty ? sent.notice + (hadImages ? language.text("code_images_again") : "") : "",
      status: sent.status)
    for (name, value) in sent.headers { response.headers.replaceOrAdd(name: name, value: value) }
    return response
  }

  /// The answer to a script's request for a code.
  struct CodeResult: Content {
    var ok: Bool
    var message: String
  }

  /// `POST /write/suggest`: the classifier's suggested area for the title and body typed so far.
  func suggest(_ request: Request) async throws -> SuggestResult {
    struct Form: Decodable {
      var _csrf: String?
      var title: String?
      var body: String?
    }
    let form = (try? request.content.decode(Form.self)) ?? Form()
    try request.checkFormToken(form._csrf)
    let text = (form.title ?? "") + (form.body ?? "")
    let none = SuggestResult(found: false, categoryID: "", label: "", confidence: 0, text: "")
    guard let classifier = context.classifiers.current, text.count >= 8,
      text.count <= NewMessage.maxBodyLength + NewMessage.maxTitleLength
    else { return none }
    let prediction = classifier.predict(title: form.title ?? "", body: form.body ?? "")
    let names = try await context.store.referenceNames()
    guard let top = prediction.top.first,
      let category = names.firstLevelCategories.first(where: { $0.name == top.label })
    else { return none }
    return SuggestResult(
      found: true, categoryID: category.id.uuidString.lowercased(), label: category.name, confidence: top.confidence,
      text: request.pageLanguage.text(
        "suggested_area", ["area": .plain(category.name), "percent": .number(Int((top.confidence * 100).rounded()))]))
  }

  struct SuggestResult: Content {
    var found: Bool
    var categoryID: String
    var label: String
    var confidence: Double
    var text: String
  }

  private func page(
    _ request: Request, _ fields: WriteForm, errors: [String], imagesAgain: String = "", notice: String = "",
    status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let language = request.pageLanguage
    let verified = try await context.citizenPhone(request)
    let names = try await context.store.referenceNames()
    let regions = names.regionsInTreeOrder
    var boards: [Option] = []
    for region in regions {
      for board in names.leaders.values.filter({ $0.regionID == region.id }).sorted(by: { $0.code < $1.code }) {
        boards.append(Option(board.id, MessageItem.boardLabel(board, names: names), selected: fields.leader))
      }
    }
    var campaign: Campaign?
    if fields.isProposal {
      guard let id = fields.campaign.flatMap(UUID.init(uuidString:)), let found = try await context.store.campaign(id)
      else { throw StoreError.notFound(.campaign) }
      campaign = found
    }
    let content = WriteContent(
      errors: errors, boards: boards, regions: regions.map { Option($0.id, $0.name, selected: fields.regionID) },
      types: MessageType.citizenTypes.map {
        Option(value: $0.rawValue, label: language.name($0), selected: $0 == (fields.messageType ?? .complaint))
      },
      categories: names.firstLevelCategories.map { Option($0.id, $0.name, selected: fields.categoryID) },
      title: fields.title ?? "", body: fields.body ?? "", address: fields.address ?? "", name: fields.name ?? "",
      phone: fields.phone ?? verified ?? "", isPrivate: fields.visibility == "private",
      consent: fields.consent == "yes", byRegion: fields.leader == nil && fields.regionID != nil,
      askCode: context.citizens.verifyPhone,
      verifiedPhone: verified.map { language.text("phone_verified", ["phone": .plain(PrivacyMask.mask($0))]) } ?? "",
      notice: notice, canSuggest: context.classifiers.current != nil, imagesAgain: imagesAgain,
      campaign: campaign.map { language.text("write_campaign", ["title": .plain($0.title)]) } ?? "",
      campaignID: campaign?.id.uuidString.lowercased() ?? "", proposal: fields.proposal ?? "",
      benefit: fields.benefit ?? "",
      awardNames: AwardName.allCases.map {
        Option(
          value: $0.rawValue, label: language.text("award_name_" + $0.rawValue),
          selected: $0.rawValue == (fields.award_name ?? AwardName.masked.rawValue))
      })
    return try await context.renderer.render(
      request, "public/write", title: language.text(campaign == nil ? "write_title" : "suggestion_write"), content,
      status: status)
  }

  /// The name of a field of the form, as the errors name it.
  static func label(_ field: String, _ language: Language) -> String {
    let keys = [
      "title": "title", "body": "body", "type": "choose_type", "contact.name": "name", "contact.phone": "mobile",
      "location.address": "address", "leader": "choose_board", "region": "choose_region",
      "category": "choose_category", "code": "code", "proposal": "proposal_text", "benefit": "proposal_benefit",
      "campaign": "campaign_label",
    ]
    if let key = keys[field] { return language.text(key) }
    return field.hasPrefix("images") ? language.text("images") : field
  }

  /// A tracking code in groups of four, as it is easiest to copy.
  static func grouped(_ code: String) -> String {
    stride(from: 0, to: code.count, by: 4).map { start in
      let from = code.index(code.startIndex, offsetBy: start)
      return String(code[from..<code.index(from, offsetBy: min(4, code.count - start))])
    }.joined(separator: "-")
  }
}

/// 短信验证码 for the forms: sends a code and says so, or why not, in the page's language.
struct PhoneCodes: Sendable {
  let context: ServerContext

  /// The outcome for the page: its status, the notice or the error, and the headers (`Retry-After`
  /// when the form must wait: the page shows the wait too, so nobody needs a captcha).
  struct Outcome {
    var status: HTTPResponseStatus
    var notice: String
    var error: String
    var headers: [(String, String)]
  }

  func send(to phone: String, for request: Request) async -> Outcome {
    let language = request.pageLanguage
    do {
      try await context.store.issuePhoneCode(
        to: phone, from: request.intakeOrigin(context.citizens), at: context.clock())
      let masked = PrivacyMask.mask(PhoneNumber.mobile(phone) ?? phone)
      return Outcome(status: .ok, notice: language.text("code_sent", ["phone": .plain(masked)]), error: "", headers: [])
    } catch {
      let mapped = MappedError.of(error)
      let message = mapped.messages(in: language) { _ in language.text("code") }.first ?? language.text(mapped.text)
      return Outcome(status: mapped.status, notice: "", error: message, headers: mapped.headers)
    }
  }
}
