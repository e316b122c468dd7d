import Foundation
import MinshengCore
import MinshengStore
import MinshengText
import Vapor

/// The citizens' website: home, browse and search, one message, write, track, evaluate, thank,
/// unit and board pages, and the images sent with messages.
struct PublicPages: Sendable {
  let store: Store
  let clock: @Sendable () -> Date
  let classifiers: ClassifierHolder
  let nameStyle: PrivacyMask.NameStyle
  let renderer: PageRenderer
  /// Phone verification, address handling and the region table of the write form.
  let intake: CitizenIntake
  /// 督办公开: cases still overdue this many working days after their supervision notice are listed.
  var overdueAfterWorkingDays = SupervisionSchedule().publishOverdueAfterWorkingDays
  /// Assigns confident suggestions at once, when configured.
  let autoAssigner: AutoAssigner
  let figures = FiguresCache()
  /// The home page is the same for everyone in a language; it is rendered at most every 5 seconds.
  let shared = SharedPages(maximumAge: .seconds(5))
  /// Message pages by (message, version, language), for up to 30 seconds.
  let messagePages = SharedPages(maximumAge: .seconds(30))

  func register(on routes: any RoutesBuilder) {
    routes.get(use: home)
    routes.get("messages", use: list)
    routes.get("search", use: list)
    routes.get("messages", ":id", use: show)
    routes.get("write", use: writeForm)
    routes.on(.POST, "write", body: .collect(maxSize: "16mb"), use: write)
    routes.on(.POST, "write", "code", body: .collect(maxSize: "16mb"), use: sendWriteCode)
    routes.post("write", "suggest", use: suggest)
    routes.get("track", use: track)
    routes.post("track", use: openTrack)
    routes.post("track", "evaluate", use: evaluate)
    routes.post("track", "thanks", use: thank)
    routes.post("track", "forget", use: forgetTrack)
    routes.get("units", ":id", use: unitPage)
    routes.get("leaders", ":id", use: leaderPage)
    routes.get("overdue", use: overdue)
    routes.get("media", ":id", use: media)
    routes.get("lang", ":code", use: switchLanguage)
  }

  // MARK: Home

  func home(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    if let html = shared.page(language.rawValue) {
      return renderer.respond(request, html: html, cacheable: true)
    }
    let now = clock()
    let names = try await store.referenceNames()
    let entry = try await figures.figures(store: store, now: now)
    let leadersByRegion = Dictionary(grouping: names.leaders.values, by: \.regionID)
    var regions: [RegionBoards] = []
    for region in Self.treeOrder(names.regions) {
      let boards = (leadersByRegion[region.id] ?? []).sorted { $0.code < $1.code }.map {
        BoardCard(
          id: $0.id.uuidString.lowercased(), title: $0.title,
          figures: FiguresView(entry.leaders[$0.id], language: language))
      }
      if !boards.isEmpty { regions.append(RegionBoards(name: region.name, boards: boards)) }
    }
    let latest = try await store.latestReplied(limit: 8).map {
      MessageItem($0, names: names, language: language, now: now, calendar: store.rules.calendar)
    }
    let content = HomeContent(
      year: String(format: language.text("figures_year"), entry.year), regions: regions, hasLatest: !latest.isEmpty,
      items: latest)
    let response = try await renderer.render(
      request, "public/home", title: language.text("tagline"), content, cacheable: true)
    if let html = response.body.buffer { shared.remember(html, as: language.rawValue) }
    return response
  }

  /// Regions with each parent before its children (市 → 区/县), siblings by code.
  static func treeOrder(_ regions: [UUID: Region]) -> [Region] {
    let children = Dictionary(grouping: regions.values, by: \.parentID)
    var ordered: [Region] = []
    func visit(_ parent: UUID?, depth: Int) {
      guard depth < 16 else { return }
      for region in (children[parent] ?? []).sorted(by: { $0.code < $1.code }) {
        ordered.append(region)
        visit(region.id, depth: depth + 1)
      }
    }
    visit(nil, depth: 0)
    return ordered
  }

  // MARK: Browse and search

  struct ListQuery: Decodable {
    var q: String?
    var region: String?
    var leader: String?
    var unit: String?
    var type: String?
    var category: String?
    var status: String?
    var from: String?
    var to: String?
    var after: String?
  }

  func list(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let query = (try? request.query.decode(ListQuery.self)) ?? ListQuery()
    let names = try await store.referenceNames()
    var filter = MessageFilter()
    let words = String((query.q ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(50))
    filter.text = words.isEmpty ? nil : words
    filter.regionID = query.region.flatMap(UUID.init(uuidString:))
    filter.leaderID = query.leader.flatMap(UUID.init(uuidString:))
    filter.leadUnitID = query.unit.flatMap(UUID.init(uuidString:))
    filter.type = query.type.flatMap(MessageType.init(rawValue:))
    filter.categoryID = query.category.flatMap(UUID.init(uuidString:))
    filter.status = query.status.flatMap(Status.init(rawValue:))
    let calendar = store.rules.calendar
    if let from = query.from.flatMap({ LocalDate($0) }) { filter.createdFrom = calendar.start(of: from) }
    if let to = query.to.flatMap({ LocalDate($0) }) { filter.createdBefore = calendar.start(of: to.adding(days: 1)) }
    filter.after = query.after.flatMap(Serial.init)
    let page = try await store.messages(matching: filter, limit: 20)
    let now = clock()
    let items = page.messages.map {
      MessageItem($0, names: names, language: language, now: now, calendar: calendar)
    }
    var nextURL = ""
    if let next = page.nextAfter {
      var components = URLComponents()
      components.path = "/messages"
      var parameters: [URLQueryItem] = [
        ("q", words), ("region", query.region), ("leader", query.leader), ("unit", query.unit), ("type", query.type),
        ("category", query.category), ("status", query.status), ("from", query.from), ("to", query.to),
      ].compactMap { name, value in
        guard let value, !value.isEmpty else { return nil }
        return URLQueryItem(name: name, value: value)
      }
      parameters.append(URLQueryItem(name: "after", value: next.description))
      components.queryItems = parameters
      nextURL = components.string ?? ""
    }
    func option(_ id: UUID, _ label: String, _ selected: UUID?) -> Option {
      Option(value: id.uuidString.lowercased(), label: label, selected: id == selected)
    }
    let content = ListContent(
      query: words,
      heading: words.isEmpty ? language.text("list_title") : language.text("results_for") + words,
      empty: items.isEmpty, items: items, nextURL: nextURL,
      regions: Self.treeOrder(names.regions).map { option($0.id, $0.name, filter.regionID) },
      boards: names.leaders.values.sorted { $0.code < $1.code }.map {
        option($0.id, MessageItem.boardLabel($0, names: names), filter.leaderID)
      },
      units: names.units.values.sorted { $0.code < $1.code }.map { option($0.id, $0.name, filter.leadUnitID) },
      types: MessageType.citizenTypes.map {
        Option(value: $0.rawValue, label: language.type($0), selected: $0 == filter.type)
      },
      categories: names.categories.values.filter { $0.parentID == nil }.sorted { $0.code < $1.code }.map {
        option($0.id, $0.name, filter.categoryID)
      },
      statuses: Status.allCases.map {
        Option(value: $0.rawValue, label: language.status($0), selected: $0 == filter.status)
      },
      from: query.from.flatMap { LocalDate($0) }.map(\.description) ?? "",
      to: query.to.flatMap { LocalDate($0) }.map(\.description) ?? "")
    return try await renderer.render(request, "public/list", title: content.heading, content, cacheable: true)
  }

  // MARK: One message

  /// A message page. Each request reads the message's current version and whether it is public (one
  /// indexed row); the page rendered for that version is served for up to 30 seconds, so the time
  /// left and the merged count may be that old, and everything else is current.
  func show(_ request: Request) async throws -> Response {
    guard let id = request.parameters.get("id", as: UUID.self), let stamp = try await store.publicStamp(of: id),
      stamp.isPublic
    else { throw StoreError.notFound("留言") }
    let language = request.pageLanguage
    let key = "\(id.uuidString)-\(stamp.version)-\(language.rawValue)"
    if let html = messagePages.page(key) {
      return renderer.respond(request, html: html, cacheable: true)
    }
    guard let file = try await store.caseFile(id), file.message.isShownPublicly else {
      throw StoreError.notFound("留言")
    }
    let view = try await messageView(file, language: language)
    let response = try await renderer.render(
      request, "public/message", title: view.title, MessageContent(message: [view]), cacheable: true)
    if let html = response.body.buffer {
      messagePages.remember(html, as: "\(id.uuidString)-\(file.message.version)-\(language.rawValue)")
    }
    return response
  }

  /// Everything the public (or the author) may see of a message, in display form.
  func messageView(_ file: CaseFile, language: PageLanguage) async throws -> MessageView {
    let message = file.message
    let names = try await store.referenceNames()
    let now = clock()
    let deadline = DeadlineStatus.of(message, at: now, calendar: store.rules.calendar)
    func unitName(_ id: UUID?) -> String { id.flatMap { names.units[$0]?.name } ?? "" }
    let evaluation = try await store.evaluation(of: message.id)
    let letter = try await store.thanksLetter(of: message.id)
    let merged = try await store.mergedCount(into: message.id)
    var parentSerial = ""
    if let parent = message.mergedIntoID, let parentMessage = try await store.message(parent),
      parentMessage.isShownPublicly
    {
      parentSerial = parentMessage.serial.description
    }
    let images = try await store.attachments(of: message.id).enumerated().map { index, image in
      ImageView(url: "/media/\(image.id.uuidString.lowercased())", alt: "\(language.text("images")) \(index + 1)")
    }
    return MessageView(
      id: message.id.uuidString.lowercased(), serial: message.serial.description,
      title: PrivacyMask.mask(message.titleForPublic),
      paragraphs: Self.paragraphs(PrivacyMask.mask(message.bodyForPublic)),
      type: language.type(message.type), status: language.status(message.status),
      statusClass: message.status.rawValue, created: language.dateTime(message.createdAt),
      board: message.leaderID == nil ? "" : MessageItem.boardName(message, names: names),
      boardID: message.leaderID?.uuidString.lowercased() ?? "",
      region: message.regionID.flatMap { names.regions[$0]?.name } ?? "",
      category: message.categoryID.flatMap { names.categories[$0]?.name } ?? "",
      unit: unitName(message.leadUnitID), unitID: message.leadUnitID?.uuidString.lowercased() ?? "",
      author: PrivacyMask.displayName(message.contact.name, style: nameStyle),
      address: PrivacyMask.mask(message.location?.address ?? ""),
      timeLeft: language.timeLeft(deadline) ?? "", overdue: deadline.isOverdue, isPublic: message.isPublic,
      timeline: file.events.filter { $0.draft.visibility == .public }.map {
        TimelineEntryView(
          at: language.dateTime($0.draft.at), text: Self.describe($0.draft, names: names, language: language))
      },
      replies: file.replies.map {
        ReplyView(
          unit: unitName($0.unitID), unitID: $0.unitID.uuidString.lowercased(), date: language.dateTime($0.publishedAt),
          paragraphs: Self.paragraphs(PrivacyMask.mask($0.body)))
      },
      replyCount: file.replies.count, hasEvaluation: evaluation != nil,
      evaluation: evaluation.map {
        [
          EvaluationView(
            resolution: $0.evaluation.resolution, attitude: $0.evaluation.attitude, speed: $0.evaluation.speed,
            level: language.level($0.evaluation.level), satisfied: $0.evaluation.level.isSatisfied,
            comment: PrivacyMask.mask($0.evaluation.comment ?? ""))
        ]
      } ?? [],
      thanks: letter.map { [thanksView($0, language: language)] } ?? [],
      mergedNote: merged > 0 ? String(format: language.text("merged_note"), merged) : "",
      parentID: parentSerial.isEmpty ? "" : message.mergedIntoID?.uuidString.lowercased() ?? "",
      parentSerial: parentSerial, images: images)
  }

  func thanksView(_ letter: ThanksLetter, language: PageLanguage) -> ThanksView {
    ThanksView(
      author: PrivacyMask.displayName(letter.author, style: nameStyle), date: language.date(letter.createdAt),
      paragraphs: Self.paragraphs(PrivacyMask.mask(letter.body)))
  }

  /// Text split into its non-empty lines, each shown as a paragraph.
  static func paragraphs(_ text: String) -> [String] {
    text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  /// A public event as one line of the timeline: 交办至 市住建委, 延期至 12月20日 …
  static func describe(_ event: EventDraft, names: ReferenceNames, language: PageLanguage) -> String {
    let zh = language == .zh
    func unit(_ key: String) -> String {
      event.payload[key].flatMap(UUID.init(uuidString:)).flatMap { names.units[$0]?.name } ?? ""
    }
    func due(_ key: String) -> String {
      guard let text = event.payload[key], let ms = Double(text) else { return "" }
      return language.deadline(Date(timeIntervalSince1970: ms / 1_000))
    }
    let actor = event.actor.unitID.flatMap { names.units[$0]?.name } ?? ""
    switch event.action {
    case .received: return zh ? "收到留言" : "Message received"
    case .thanked: return zh ? "留言人写来感谢信" : "The author sent a thanks letter"
    case .moderated: return zh ? "审核发布" : "Moderated"
    case .workflow(let action):
      switch action {
      case .assign: return zh ? "交办至 \(unit("lead_unit"))" : "Dispatched to \(unit("lead_unit"))"
      case .reassign: return zh ? "改派至 \(unit("lead_unit"))" : "Re-dispatched to \(unit("lead_unit"))"
      case .transfer: return zh ? "转办至 \(unit("lead_unit"))" : "Transferred to \(unit("lead_unit"))"
      case .accept:
        return zh ? "\(actor) 签收，答复期限 \(due("reply_due"))" : "Accepted by \(actor); reply due \(due("reply_due"))"
      case .approveExtension: return zh ? "延期至 \(due("reply_due"))" : "Extended until \(due("reply_due"))"
      case .reply, .approveReply: return zh ? "\(actor) 答复" : "Replied by \(actor)"
      case .evaluate:
        let level = event.payload["level"].flatMap(SatisfactionLevel.init(rawValue:)).map(language.level) ?? ""
        if event.to == .reopenRequested {
          return zh ? "留言人评价：\(level)，申请重新办理" : "Author's evaluation: \(level); reopening requested"
        }
        return zh ? "留言人评价：\(level)" : "Author's evaluation: \(level)"
      case .grantReopen:
        return zh ? "同意重新办理，答复期限 \(due("reply_due"))" : "Reopened; reply due \(due("reply_due"))"
      case .declineReopen: return zh ? "不予重新办理" : "Reopening declined"
      case .close: return zh ? "办结" : "Closed"
      case .markInvalid: return zh ? "列为无效留言" : "Marked invalid"
      case .merge: return zh ? "与同类留言合并办理" : "Merged with a message on the same problem"
      case .setUrgent: return zh ? "列为急件" : "Marked urgent"
      default: return language.status(event.to)
      }
    }
  }

  // MARK: Write

  func writeForm(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let leader = request.query[String.self, at: "leader"].flatMap(UUID.init(uuidString:))
    let content = try await writeContent(
      request, errors: [], leader: leader, region: nil, type: nil, category: nil, fields: WriteForm())
    return try await renderer.render(request, "public/write", title: language.text("write_title"), content)
  }

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
  }

  func write(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let form: WriteForm
    do {
      form = try request.content.decode(WriteForm.self)
    } catch {
      throw Abort(.badRequest, reason: "无法读取提交的表单，请返回重试")
    }
    try request.checkFormToken(form._csrf)
    let leader = form.board.flatMap(UUID.init(uuidString:))
    let region = form.region.flatMap(UUID.init(uuidString:))
    let type = form.type.flatMap(MessageType.init(rawValue:))
    let category = form.category.flatMap(UUID.init(uuidString:))
    var errors: [String] = []
    if type == nil || type == .thanks {
      errors.append(fieldLabel("type", language) + "：" + language.text("choose_type"))
    }
    if form.consent != "yes" { errors.append(language.text("consent")) }
    let images = (form.images ?? []).filter { $0.data.readableBytes > 0 }.map { Data(buffer: $0.data) }
    let title = form.title ?? ""
    let body = form.body ?? ""
    let input = NewMessage(
      type: type ?? .complaint, title: title, body: body, leaderID: leader, regionID: leader == nil ? region : nil,
      categoryID: category, channel: .web,
      location: (form.address ?? "").isEmpty ? nil : Location(address: form.address, latitude: nil, longitude: nil),
      contact: Contact(name: form.name ?? "", phone: form.phone ?? "", email: nil),
      isPublic: form.visibility != "private")
    do {
      _ = try input.validated()
    } catch {
      errors += error.problems.map { fieldLabel($0.field, language) + "：" + $0.message }
    }
    do {
      _ = try Store.checkImages(images)
    } catch let error as ValidationError {
      errors += error.problems.map { language.text("images") + "：" + $0.message }
    }
    let verifiedPhone = try await citizenPhone(request)
    let needsCode =
      intake.verifyPhone && (verifiedPhone == nil || verifiedPhone != PhoneNumber.mobile(input.contact.phone))
    if needsCode, errors.isEmpty {
      do {
        try await store.verifyPhoneCode(form.code ?? "", for: input.contact.phone, at: clock())
      } catch let error as PhoneCodeError {
        errors.append(language.text("code") + "：" + error.message)
      }
    }
    if errors.isEmpty {
      let suggestion = classifiers.current.map {
        CategorySuggestion(prediction: $0.predict(title: title, body: body))
      }
      do {
        let now = clock()
        let submission = try await store.submit(
          input, at: now, suggestion: suggestion, images: images, origin: request.intakeOrigin(intake),
          fingerprint: .of(title: title, body: body))
        let message = submission.message
        await autoAssigner.run(on: message, at: now, logger: request.logger)
        let names = try await store.referenceNames()
        let path = RegionPath.of(message.regionID, in: names.regions)
        let policy = store.rules.sla.policy(type: message.type, urgent: false, region: path)
        let promise = String(
          format: language.text("written_promise_text"), Self.describe(policy.acceptance, language) as NSString,
          language.deadline(policy.acceptance.deadline(after: now, in: store.rules.calendar)) as NSString)
        let content = WrittenContent(
          serial: message.serial.description,
          trackingCode: Self.grouped(TrackingCode.normalized(submission.trackingCode) ?? submission.trackingCode),
          promise: promise,
          messageURL: "/messages/\(message.id.uuidString.lowercased())",
          pending: message.isPublic && message.publication == .pending)
        let response = try await renderer.render(
          request, "public/written", title: language.text("written_title"), content, status: .created)
        response.cookies[PageCookies.track] = trackCookie(submission.trackingCode)
        return response
      } catch let error as ValidationError {
        errors += error.problems.map { fieldLabel($0.field, language) + "：" + $0.message }
      } catch let error as StoreError {
        guard case .rateLimited = error else { throw error }
        let content = try await writeContent(
          request, errors: [error.message], leader: leader, region: region, type: type, category: category,
          fields: form)
        let response = try await renderer.render(
          request, "public/write", title: language.text("write_title"), content, status: .tooManyRequests)
        if case .rateLimited(_, _, let retryAfter) = error {
          response.headers.replaceOrAdd(
            name: .retryAfter, value: String(max(1, Int(retryAfter.timeIntervalSince(clock())))))
        }
        return response
      }
    }
    let content = try await writeContent(
      request, errors: errors, leader: leader, region: region, type: type, category: category, fields: form)
    return try await renderer.render(
      request, "public/write", title: language.text("write_title"), content, status: .unprocessableEntity)
  }

  /// `POST /write/code` (the form's 获取验证码 button): sends a one-time code to the mobile number in
  /// the form. Scripts get JSON; without a script the form comes back filled in, with the notice.
  func sendWriteCode(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let form = (try? request.content.decode(WriteForm.self)) ?? WriteForm()
    try request.checkFormToken(form._csrf)
    let (status, notice, error) = await sendCode(to: form.phone ?? "", language: language)
    if request.headers.accept.contains(where: { $0.mediaType == .json }) {
      return try await CodeResult(ok: error.isEmpty, message: error.isEmpty ? notice : error)
        .encodeResponse(status: status, for: request)
    }
    var content = try await writeContent(
      request, errors: error.isEmpty ? [] : [error], leader: form.board.flatMap(UUID.init(uuidString:)),
      region: form.region.flatMap(UUID.init(uuidString:)), type: form.type.flatMap(MessageType.init(rawValue:)),
      category: form.category.flatMap(UUID.init(uuidString:)), fields: form)
    if error.isEmpty {
      let hadImages = (form.images ?? []).contains { $0.data.readableBytes > 0 }
      content.notice = notice + (hadImages ? language.text("code_images_again") : "")
    }
    return try await renderer.render(
      request, "public/write", title: language.text("write_title"), content, status: status)
  }

  /// The answer to a script's request for a code.
  struct CodeResult: Content {
    var ok: Bool
    var message: String
  }

  /// Issues a code; returns the status, the notice on success, or the error.
  func sendCode(to phone: String, language: PageLanguage) async -> (HTTPResponseStatus, String, String) {
    do {
      try await store.issuePhoneCode(to: phone, at: clock())
      let masked = PrivacyMask.mask(PhoneNumber.mobile(phone) ?? phone)
      return (.ok, String(format: language.text("code_sent"), masked as NSString), "")
    } catch let error as PhoneCodeError {
      let status: HTTPResponseStatus =
        switch error {
        case .tooSoon: .tooManyRequests
        default: .unprocessableEntity
        }
      return (status, "", language.text("code") + "：" + error.message)
    } catch let error as StoreError {
      return (.tooManyRequests, "", error.message)
    } catch {
      return (.serviceUnavailable, "", language.text("code") + "：" + StoreError.unavailable.message)
    }
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
    guard let classifier = classifiers.current, text.count >= 8,
      text.count <= NewMessage.maxBodyLength + NewMessage.maxTitleLength
    else {
      return SuggestResult(found: false, categoryID: "", label: "", confidence: 0, text: "")
    }
    let prediction = classifier.predict(title: form.title ?? "", body: form.body ?? "")
    let names = try await store.referenceNames()
    guard let top = prediction.top.first,
      let category = names.categories.values.first(where: { $0.parentID == nil && $0.name == top.label })
    else { return SuggestResult(found: false, categoryID: "", label: "", confidence: 0, text: "") }
    let percent = Int((top.confidence * 100).rounded())
    let language = request.pageLanguage
    return SuggestResult(
      found: true, categoryID: category.id.uuidString.lowercased(), label: category.name, confidence: top.confidence,
      text: language.text("suggested") + category.name + "（\(percent)%）")
  }

  struct SuggestResult: Content {
    var found: Bool
    var categoryID: String
    var label: String
    var confidence: Double
    var text: String
  }

  /// The verified mobile number of the citizen's session, if the browser has one.
  func citizenPhone(_ request: Request) async throws -> String? {
    guard let key = request.cookies[PageCookies.citizen]?.string, !key.isEmpty else { return nil }
    return try await store.citizenPhone(forSession: key, at: clock())
  }

  private func writeContent(
    _ request: Request, errors: [String], leader: UUID?, region: UUID?, type: MessageType?, category: UUID?,
    fields: WriteForm
  ) async throws -> WriteContent {
    let language = request.pageLanguage
    let verified = try await citizenPhone(request)
    let names = try await store.referenceNames()
    let regions = Self.treeOrder(names.regions)
    var boards: [Option] = []
    for region in regions {
      for board in names.leaders.values.filter({ $0.regionID == region.id }).sorted(by: { $0.code < $1.code }) {
        boards.append(
          Option(
            value: board.id.uuidString.lowercased(), label: MessageItem.boardLabel(board, names: names),
            selected: board.id == leader))
      }
    }
    return WriteContent(
      errors: errors, boards: boards,
      regions: regions.map {
        Option(value: $0.id.uuidString.lowercased(), label: $0.name, selected: $0.id == region)
      },
      types: MessageType.citizenTypes.map {
        Option(value: $0.rawValue, label: language.type($0), selected: $0 == (type ?? .complaint))
      },
      categories: names.categories.values.filter { $0.parentID == nil }.sorted { $0.code < $1.code }.map {
        Option(value: $0.id.uuidString.lowercased(), label: $0.name, selected: $0.id == category)
      },
      title: fields.title ?? "", body: fields.body ?? "", address: fields.address ?? "", name: fields.name ?? "",
      phone: fields.phone ?? verified ?? "", isPrivate: fields.visibility == "private",
      consent: fields.consent == "yes",
      byRegion: leader == nil && region != nil, askCode: intake.verifyPhone,
      verifiedPhone: verified.map { String(format: language.text("phone_verified"), PrivacyMask.mask($0) as NSString) }
        ?? "",
      notice: "", canSuggest: classifiers.current != nil)
  }

  private func fieldLabel(_ field: String, _ language: PageLanguage) -> String {
    switch field {
    case "title": language.text("title")
    case "body": language.text("body")
    case "type": language.text("choose_type")
    case "contact.name": language.text("name")
    case "contact.phone": language.text("mobile")
    case "location.address": language.text("address")
    case "leader": language.text("choose_board")
    case "region": language.text("choose_region")
    case "category": language.text("choose_category")
    case "code": language.text("code")
    default: field
    }
  }

  /// An SLA duration in words: 5 个工作日, 2 小时.
  static func describe(_ duration: SLADuration, _ language: PageLanguage) -> String {
    let text = duration.description
    let number = text.filter(\.isNumber)
    if text.hasSuffix("h") { return language == .zh ? "\(number) 小时" : "\(number) hours" }
    return language == .zh ? "\(number) 个工作日" : "\(number) working days"
  }

  /// A tracking code in groups of four, as it is easiest to copy.
  static func grouped(_ code: String) -> String {
    var groups: [String] = []
    var current = ""
    for character in code {
      current.append(character)
      if current.count == 4 {
        groups.append(current)
        current = ""
      }
    }
    if !current.isEmpty { groups.append(current) }
    return groups.joined(separator: "-")
  }

  // MARK: Track, evaluate, thank

  private func trackCookie(_ code: String) -> HTTPCookies.Value {
    HTTPCookies.Value(
      string: TrackingCode.normalized(code) ?? "", maxAge: 86_400 * 7, path: "/", isSecure: renderer.secureCookies,
      isHTTPOnly: true, sameSite: .strict)
  }

  func track(_ request: Request) async throws -> Response {
    try await trackPage(request, message: try await trackedMessage(request), error: "", errors: [])
  }

  /// The message this browser follows: by the tracking code in its cookie, or a message opened from
  /// 我的留言 whose mobile number is the one the citizen's session verified.
  func trackedMessage(_ request: Request) async throws -> Message? {
    if let code = request.cookies[PageCookies.track]?.string, !code.isEmpty {
      return try await store.message(trackingCode: code)
    }
    guard let id = request.cookies[PageCookies.trackedCase].flatMap({ UUID(uuidString: $0.string) }),
      let phone = try await citizenPhone(request), let message = try await store.message(id),
      PhoneNumber.mobile(message.contact.phone) == phone
    else { return nil }
    return message
  }

  func trackPage(
    _ request: Request, message: Message?, error: String, errors: [String], status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let language = request.pageLanguage
    var content = TrackContent(
      error: error, found: false, message: [], deadline: "", canEvaluate: false, canThank: false,
      scores: [5, 4, 3, 2, 1],
      errors: errors, publication: "")
    if let message, let file = try await store.caseFile(message.id) {
      content.found = true
      let view = try await messageView(file, language: language)
      content.message = [view]
      let deadline = DeadlineStatus.of(file.message, at: clock(), calendar: store.rules.calendar)
      content.deadline =
        deadline.due.map { language.deadline($0) + "（" + (language.timeLeft(deadline) ?? "") + "）" } ?? ""
      content.canEvaluate = file.message.status == .replied
      content.canThank =
        !file.replies.isEmpty && view.thanks.isEmpty
        && [.replied, .closed, .reopenRequested].contains(file.message.status)
      if file.message.isPublic {
        content.publication = language.text("publication_" + file.message.publication.rawValue)
      }
    }
    return try await renderer.render(
      request, "public/track", title: language.text("track_title"), content, status: status)
  }

  struct TrackForm: Decodable {
    var _csrf: String?
    var code: String?
  }

  func openTrack(_ request: Request) async throws -> Response {
    let form = try request.content.decode(TrackForm.self)
    try request.checkFormToken(form._csrf)
    let language = request.pageLanguage
    guard let code = form.code.flatMap(TrackingCode.normalized), try await store.message(trackingCode: code) != nil
    else {
      return try await trackPage(
        request, message: nil,
        error: language == .zh ? "查询码不正确，请核对后重试。" : "No message has this tracking code.",
        errors: [], status: .notFound)
    }
    let response = request.redirect(to: "/track", redirectType: .normal)
    response.cookies[PageCookies.track] = trackCookie(code)
    response.cookies[PageCookies.trackedCase] = expiredCookie()
    return response
  }

  func forgetTrack(_ request: Request) async throws -> Response {
    let form = try request.content.decode(TrackForm.self)
    try request.checkFormToken(form._csrf)
    let response = request.redirect(to: "/track", redirectType: .normal)
    response.cookies[PageCookies.track] = expiredCookie()
    response.cookies[PageCookies.trackedCase] = expiredCookie()
    return response
  }

  /// A cookie value that makes the browser forget the cookie.
  func expiredCookie() -> HTTPCookies.Value {
    HTTPCookies.Value(
      string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isSecure: renderer.secureCookies,
      isHTTPOnly: true, sameSite: .strict)
  }

  struct EvaluateForm: Decodable {
    var _csrf: String?
    var resolution: Int?
    var attitude: Int?
    var speed: Int?
    var comment: String?
  }

  func evaluate(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(EvaluateForm.self)) ?? EvaluateForm()
    try request.checkFormToken(form._csrf)
    let language = request.pageLanguage
    guard let message = try await trackedMessage(request) else {
      return request.redirect(to: "/track", redirectType: .normal)
    }
    let scores = [form.resolution, form.attitude, form.speed]
    guard scores.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 5 }) else {
      return try await trackPage(
        request, message: message, error: "",
        errors: [language == .zh ? "请为三项各打 1 到 5 分。" : "Give each of the three a score from 1 to 5."],
        status: .unprocessableEntity)
    }
    let comment = form.comment?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    if comment.count > 500 {
      return try await trackPage(
        request, message: message, error: "", errors: [language == .zh ? "意见最多 500 字。" : "At most 500 characters."],
        status: .unprocessableEntity)
    }
    let evaluation = Evaluation(
      resolution: form.resolution ?? 0, attitude: form.attitude ?? 0, speed: form.speed ?? 0,
      comment: comment.isEmpty ? nil : comment)
    do {
      try await store.perform(
        .evaluate(evaluation), on: message.id, by: Actor(role: .citizen, id: "citizen"), at: clock(),
        expectedVersion: message.version)
    } catch let error as WorkflowError {
      return try await trackPage(request, message: message, error: "", errors: [error.message], status: .conflict)
    } catch StoreError.conflict {
      return try await trackPage(
        request, message: message, error: "",
        errors: [StoreError.conflict(messageID: message.id, expectedVersion: 0, currentVersion: nil).message],
        status: .conflict)
    }
    return request.redirect(to: "/track", redirectType: .normal)
  }

  struct ThanksForm: Decodable {
    var _csrf: String?
    var author: String?
    var body: String?
  }

  func thank(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(ThanksForm.self)) ?? ThanksForm()
    try request.checkFormToken(form._csrf)
    guard let message = try await trackedMessage(request) else {
      return request.redirect(to: "/track", redirectType: .normal)
    }
    do {
      try await store.thank(message, author: form.author ?? "", body: form.body ?? "", at: clock())
    } catch let error as ValidationError {
      return try await trackPage(
        request, message: message, error: "", errors: error.problems.map(\.message), status: .unprocessableEntity)
    } catch StoreError.duplicate(let what) {
      return try await trackPage(
        request, message: message, error: "", errors: [StoreError.duplicate(what).message], status: .conflict)
    }
    return request.redirect(to: "/track", redirectType: .normal)
  }

  // MARK: Units and boards

  func unitPage(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let names = try await store.referenceNames()
    guard let id = request.parameters.get("id", as: UUID.self), let unit = names.units[id] else {
      throw StoreError.notFound("单位")
    }
    let now = clock()
    let entry = try await figures.figures(store: store, now: now)
    var filter = MessageFilter()
    filter.leadUnitID = id
    let items = try await store.messages(matching: filter, limit: 20).messages.map {
      MessageItem($0, names: names, language: language, now: now, calendar: store.rules.calendar)
    }
    let letters = try await store.thanksLetters(toUnit: id, limit: 10).map { thanksView($0, language: language) }
    let content = UnitContent(
      name: unit.name, heading: language.text("unit_messages"),
      figures: FiguresView(entry.units[id], language: language), empty: items.isEmpty, items: items, thanks: letters,
      listURL: "/messages?unit=\(id.uuidString.lowercased())")
    return try await renderer.render(request, "public/unit", title: unit.name, content, cacheable: true)
  }

  func leaderPage(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let names = try await store.referenceNames()
    guard let id = request.parameters.get("id", as: UUID.self), let leader = names.leaders[id] else {
      throw StoreError.notFound("留言板")
    }
    let now = clock()
    let entry = try await figures.figures(store: store, now: now)
    var filter = MessageFilter()
    filter.leaderID = id
    let items = try await store.messages(matching: filter, limit: 20).messages.map {
      MessageItem($0, names: names, language: language, now: now, calendar: store.rules.calendar)
    }
    let content = UnitContent(
      name: leader.title, heading: language.text("board_messages"),
      figures: FiguresView(entry.leaders[id], language: language), empty: items.isEmpty, items: items, thanks: [],
      listURL: "/messages?leader=\(id.uuidString.lowercased())")
    return try await renderer.render(request, "public/unit", title: leader.title, content, cacheable: true)
  }

  // MARK: 督办公开

  /// `/overdue`: public messages still overdue `overdueAfterWorkingDays` working days after their
  /// supervision notice, longest overdue first, with the unit that has them.
  func overdue(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let now = clock()
    let names = try await store.referenceNames()
    let found = try await store.publiclyOverdue(afterWorkingDays: overdueAfterWorkingDays, at: now)
    let content = OverdueContent(
      intro: String(format: language.text("overdue_intro"), overdueAfterWorkingDays),
      items: found.map { entry in
        OverdueItem(
          item: MessageItem(entry.message, names: names, language: language, now: now, calendar: store.rules.calendar),
          unit: entry.message.leadUnitID.flatMap { names.units[$0]?.name } ?? "",
          unitID: entry.message.leadUnitID?.uuidString.lowercased() ?? "", noticed: language.date(entry.noticedAt))
      })
    return try await renderer.render(
      request, "public/overdue", title: language.text("overdue_title"), content, cacheable: true)
  }

  // MARK: Images and language

  /// An image of a public message, or of the message being tracked in this browser. Served as a
  /// download-safe image: its checked type, `nosniff`, and a policy that runs nothing.
  func media(_ request: Request) async throws -> Response {
    guard let id = request.parameters.get("id", as: UUID.self), let image = try await store.attachment(id),
      let message = try await store.message(image.messageID)
    else { throw StoreError.notFound("图片") }
    var allowed = message.isShownPublicly
    if !allowed, let tracked = try await trackedMessage(request) {
      allowed = tracked.id == message.id
    }
    guard allowed else { throw StoreError.notFound("图片") }
    return Self.imageResponse(image, cache: message.isShownPublicly ? "public, max-age=300" : "private, no-store")
  }

  /// An image as a download-safe response: its checked type, `nosniff`, an inline file name, and a
  /// policy that runs nothing (for `/media` and `/staff/media`).
  static func imageResponse(_ image: Attachment, cache: String) -> Response {
    let ext = image.contentType.split(separator: "/").last.map(String.init) ?? "bin"
    var headers = HTTPHeaders()
    headers.replaceOrAdd(name: .contentType, value: image.contentType)
    headers.replaceOrAdd(
      name: .contentDisposition, value: "inline; filename=\"minsheng-\(image.id.uuidString.lowercased()).\(ext)\"")
    headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
    headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; sandbox")
    headers.replaceOrAdd(name: .cacheControl, value: cache)
    return Response(status: .ok, headers: headers, body: .init(data: image.data))
  }

  /// `/lang/en?back=/messages`: remembers the language and goes back to a page of this site.
  func switchLanguage(_ request: Request) async throws -> Response {
    let language = request.parameters.get("code").flatMap(PageLanguage.init(rawValue:)) ?? .zh
    var back = request.query[String.self, at: "back"] ?? "/"
    if !back.hasPrefix("/") || back.hasPrefix("//") || back.contains("\\") { back = "/" }
    let response = request.redirect(to: back, redirectType: .normal)
    response.cookies[PageCookies.language] = HTTPCookies.Value(
      string: language.rawValue, maxAge: 86_400 * 365, path: "/", isSecure: renderer.secureCookies,
      isHTTPOnly: true, sameSite: .lax)
    return response
  }
}

extension MessageType {
  /// The types a citizen chooses from when writing (a thanks letter is written to a reply instead).
  static let citizenTypes: [MessageType] = [.suggestion, .consultation, .complaint, .help]
}
