import Foundation
import MinshengCore
import MinshengStore
import MinshengText
import Synchronization
import Vapor

/// 工作台: the staff's pages under `/staff` — login, the dispatcher's pool, the unit's inbox, the
/// supervision board, moderation, and the case file with a form for every action the viewer may take.
///
/// Pages need the staff session cookie (the same session as `POST /api/v1/auth/session`); every form
/// carries the session's CSRF token. Every page and action checks the role and the unit.
struct StaffPages: Sendable {
  let store: Store
  let clock: @Sendable () -> Date
  let renderer: PageRenderer
  let auth: AuthController
  /// The supervision board's topics, recomputed at most every five minutes per instance.
  let topics = TopicsCache()
  /// The queues' section counts: a large one is reused for a few seconds.
  let counts = CountCache()

  func register(on routes: any RoutesBuilder) {
    let staff = routes.grouped("staff")
    staff.get("login", use: loginForm)
    staff.post("login", use: login)
    staff.post("logout", use: logout)
    staff.get(use: home)
    staff.get("pool", use: pool)
    staff.get("inbox", use: inbox)
    staff.get("supervision", use: supervision)
    staff.get("intake", use: intakeForm)
    staff.post("intake", use: intake)
    staff.get("moderation", use: moderation)
    staff.post("moderation", ":id", use: moderate)
    staff.get("messages", ":id", use: caseFile)
    staff.post("messages", ":id", "actions", ":action", use: act)
    staff.post("messages", ":id", "duplicates", ":candidate", "dismiss", use: dismissDuplicate)
    staff.get("media", ":id", use: media)
  }

  /// A logged-in member of staff.
  struct Session: Sendable {
    var account: StaffAccount
    var csrf: String
    var key: String
  }

  func session(_ request: Request) async throws -> Session? {
    guard let key = request.cookies[SessionCookie.name]?.string, !key.isEmpty,
      let found = try await store.session(forKey: key, at: clock())
    else { return nil }
    return Session(account: found.account, csrf: found.csrfToken, key: key)
  }

  /// Where a request without a session goes.
  func toLogin(_ request: Request) -> Response {
    request.redirect(to: "/staff/login", redirectType: .normal)
  }

  /// Refuses a form without the session's CSRF token.
  func checkCSRF(_ sent: String?, _ session: Session) throws {
    guard let sent, PageTokens.equal(sent, session.csrf) else {
      throw Abort(.forbidden, reason: "页面已过期或来源不明，请刷新页面后重新提交")
    }
  }

  func render<Body: Encodable & Sendable>(
    _ request: Request, _ template: String, title: String, session: Session, _ body: Body,
    notice: String = "", errors: [String] = [], status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let page = StaffPage(
      title: title, user: Self.describe(session.account, names: try await store.referenceNames()),
      csrf: session.csrf, nav: Self.nav(for: session.account.role, current: request.url.path), notice: notice,
      errors: errors, body: body)
    let view = try await request.view.render(template, page)
    return renderer.respond(request, html: view.data, status: status)
  }

  static func describe(_ account: StaffAccount, names: ReferenceNames) -> String {
    let unit = account.unitID.flatMap { names.units[$0]?.name }
    return account.username + "（" + account.role.chinese + (unit.map { " · " + $0 } ?? "") + "）"
  }

  static func nav(for role: Role, current: String) -> [NavLink] {
    var links: [(String, String)] = []
    switch role {
    case .dispatcher:
      links = [("/staff/pool", "交办池"), ("/staff/intake", "来电来信登记"), ("/staff/moderation", "发布审核")]
    case .handler, .reviewer, .leader: links = [("/staff/inbox", "办件箱")]
    case .supervisor: links = [("/staff/supervision", "督办台"), ("/staff/pool", "交办池")]
    case .admin:
      links = [
        ("/staff/pool", "交办池"), ("/staff/intake", "来电来信登记"), ("/staff/moderation", "发布审核"),
        ("/staff/supervision", "督办台"), ("/staff/admin", "系统管理"),
      ]
    case .citizen, .system: links = []
    }
    return links.map { NavLink(href: $0.0, label: $0.1, current: current == $0.0) }
  }

  // MARK: Login

  struct LoginForm: Decodable {
    var _csrf: String?
    var username: String?
    var password: String?
  }

  func loginForm(_ request: Request) async throws -> Response {
    if try await session(request) != nil { return request.redirect(to: "/staff", redirectType: .normal) }
    return try await loginPage(request, username: "", error: "", status: .ok)
  }

  private func loginPage(
    _ request: Request, username: String, error: String, status: HTTPResponseStatus
  )
    async throws -> Response
  {
    let token = request.formToken
    let view = try await request.view.render(
      "staff/login", StaffLoginContent(username: username, error: error, formToken: token.value))
    return renderer.respond(request, html: view.data, status: status, token: token)
  }

  func login(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(LoginForm.self)) ?? LoginForm()
    try request.checkFormToken(form._csrf)
    let account: StaffAccount
    do {
      account = try await auth.authenticate(
        AuthController.Credentials(username: form.username ?? "", password: form.password ?? ""))
    } catch let error as Abort {
      return try await loginPage(request, username: form.username ?? "", error: error.reason, status: error.status)
    }
    let key = randomSecret(prefix: "")
    try await store.openSession(
      for: account, key: key, csrfToken: randomSecret(prefix: ""), at: clock(), lifetime: SessionCookie.lifetime)
    let response = request.redirect(to: "/staff", redirectType: .normal)
    response.cookies[SessionCookie.name] = SessionCookie.value(key, secure: renderer.secureCookies)
    return response
  }

  struct TokenForm: Decodable {
    var _csrf: String?
  }

  func logout(_ request: Request) async throws -> Response {
    guard let session = try await session(request) else {
      return request.redirect(to: "/staff/login", redirectType: .normal)
    }
    try checkCSRF((try? request.content.decode(TokenForm.self))?._csrf, session)
    try await store.closeSession(key: session.key)
    let response = request.redirect(to: "/staff/login", redirectType: .normal)
    response.cookies[SessionCookie.name] = SessionCookie.expired(secure: renderer.secureCookies)
    return response
  }

  /// `/staff`: each role's first page.
  func home(_ request: Request) async throws -> Response {
    guard let session = try await session(request) else { return toLogin(request) }
    let target = Self.nav(for: session.account.role, current: "").first?.href ?? "/staff/login"
    return request.redirect(to: target, redirectType: .normal)
  }

  // MARK: Queues

  /// 交办池: what waits for the caller's dispatching office (all offices for supervisors and admins):
  /// new messages (urgent first) with the routing rule's and the classifier's suggestions, returns,
  /// extension requests and reopen requests.
  func pool(_ request: Request) async throws -> Response {
    guard let session = try await session(request) else { return toLogin(request) }
    let office: UUID?
    switch session.account.role {
    case .dispatcher:
      guard let unit = session.account.unitID else { throw Abort(.forbidden, reason: "交办员须属于一个交办单位") }
      office = unit
    case .supervisor, .admin: office = nil
    default: throw Abort(.forbidden, reason: "只有交办单位、督查和管理员可以查看交办池")
    }
    let names = try await store.referenceNames()
    let now = clock()
    let window = queueWindow(request)
    var sections: [QueueSection] = []
    for (id, title, status) in [
      ("new", "待交办", Status.received), ("returned", "退回待处理", .returned),
      ("extension", "延期申请", .extensionRequested), ("reopen", "重办申请", .reopenRequested),
    ] where window.shows(id) {
      // New messages come urgent first (急事急办), each part newest first; the store pages in that order.
      let messages = try await store.cases(
        dispatchedBy: office, status: status, limit: window.limit, offset: window.offset)
      // The hints of every new message in two queries, not two per message.
      let ids = status == .received ? messages.map(\.id) : []
      let duplicateCounts = try await store.openDuplicateCounts(of: ids)
      let suggestions = try await store.suggestions(for: ids)
      var rows: [CaseRow] = []
      for message in messages {
        var hint = ""
        if status == .received {
          var parts: [String] = []
          if let unit = message.suggestedUnitID.flatMap({ names.units[$0]?.name }) { parts.append("规则建议：" + unit) }
          let duplicates = duplicateCounts[message.id] ?? 0
          if duplicates > 0 { parts.append("可能重复 \(duplicates) 件") }
          if let suggestion = suggestions[message.id] {
            parts.append(
              "模型建议：\(suggestion.label)（\(Int((suggestion.confidence * 100).rounded()))%）"
                + (suggestion.unitID.flatMap { names.units[$0]?.name }.map { " → " + $0 } ?? ""))
          }
          hint = parts.joined(separator: "；")
        }
        rows.append(CaseRow(message, names: names, now: now, calendar: store.rules.calendar, hint: hint))
      }
      let total = try await counts.count("pool \(office?.uuidString ?? "all") \(status.rawValue)") {
        try await store.caseCount(status: status, dispatchingUnit: office)
      }
      sections.append(window.section(id: id, title: title, rows: rows, total: total, path: "/staff/pool"))
    }
    let content = QueueContent(
      heading: "交办池", intro: "新留言按时间倒序排列，每页中急件在前。点开一件即可交办、改派、并单或作无效件处理。", sections: sections,
      units: [], filterPath: "")
    return try await render(request, "staff/queue", title: "交办池", session: session, content)
  }

  /// The part of a queue page asked for: `?section=ID&page=N`, else the overview.
  func queueWindow(_ request: Request, keep: [(String, String)] = []) -> QueueWindow {
    QueueWindow(
      section: request.query[String.self, at: "section"].flatMap { $0.isEmpty ? nil : String($0.prefix(20)) },
      page: request.query[Int.self, at: "page"] ?? 1, keep: keep)
  }

  /// 办件箱: the unit's open messages by deadline — to accept, in hand, in review, and those it assists.
  func inbox(_ request: Request) async throws -> Response {
    guard let session = try await session(request) else { return toLogin(request) }
    guard [.handler, .reviewer, .leader].contains(session.account.role), let unit = session.account.unitID else {
      throw Abort(.forbidden, reason: "只有承办单位的工作人员有办件箱")
    }
    // Each section is read in deadline order (the most urgent are never cut off), a page at a time.
    let window = queueWindow(request)
    let names = try await store.referenceNames()
    let now = clock()
    func rows(_ messages: [CaseSummary]) -> [CaseRow] {
      messages.map { CaseRow($0, names: names, now: now, calendar: store.rules.calendar) }
        .sorted { ($0.dueSort, $0.serial) < ($1.dueSort, $1.serial) }
    }
    /// Several statuses in one section: each read up to the end of the page, merged in deadline order.
    func section(_ id: String, _ title: String, _ statuses: [Status]) async throws -> QueueSection? {
      guard window.shows(id) else { return nil }
      var led: [CaseSummary] = []
      var total = 0
      for status in statuses {
        led += try await store.cases(ledBy: unit, status: status, limit: window.offset + window.limit)
        total += try await counts.count("inbox \(unit.uuidString) \(status.rawValue)") {
          try await store.caseCount(status: status, leadUnit: unit)
        }
      }
      let page = Array(rows(led).dropFirst(window.offset).prefix(window.limit))
      return window.section(id: id, title: title, rows: page, total: total, path: "/staff/inbox")
    }
    var sections: [QueueSection] = []
    if let accept = try await section("accept", "待签收", [.assigned]) { sections.append(accept) }
    if let handling = try await section("handling", "办理中", [.accepted, .extensionRequested, .returned]) {
      sections.append(handling)
    }
    if let review = try await section("review", "待审核答复", [.reviewing]) { sections.append(review) }
    if window.shows("assist") {
      let assisted = try await store.cases(assistedBy: unit, limit: window.limit, offset: window.offset)
      sections.append(
        window.section(
          id: "assist", title: "协办", rows: rows(assisted),
          total: try await counts.count("assist \(unit.uuidString)") { try await store.assistedCount(by: unit) },
          path: "/staff/inbox"))
    }
    var content = QueueContent(
      heading: "办件箱",
      intro: "按期限排列：绿色为期限内，黄色为剩余不足一个工作日，红色为已超期。",
      sections: sections, units: [], filterPath: "")
    var recipients = ["user:" + session.account.username]
    if let code = names.units[unit]?.code { recipients.append("unit:" + code) }
    content.notices = try await store.outbox(recipients: recipients, limit: 10).map {
      NoticeView(at: PageLanguage.zh.dateTime($0.createdAt), body: $0.body)
    }
    return try await render(request, "staff/queue", title: "办件箱", session: session, content)
  }

  /// 督办台: overdue cases and those due within one working day, across units (supervisors, admins).
  func supervision(_ request: Request) async throws -> Response {
    guard let session = try await session(request) else { return toLogin(request) }
    guard [.supervisor, .admin].contains(session.account.role) else {
      throw Abort(.forbidden, reason: "只有督查和管理员可以查看督办台")
    }
    let names = try await store.referenceNames()
    let unit = request.query[String.self, at: "unit"].flatMap(UUID.init(uuidString:))
    let now = clock()
    let calendar = store.rules.calendar
    // Read from the database in deadline order, a page at a time: what is overdue, and what the
    // core calls due soon (the deadlines before its horizon).
    let horizon = DeadlineStatus.dueSoonHorizon(at: now, calendar: calendar)
    let window = queueWindow(request, keep: [("unit", unit?.uuidString.lowercased() ?? "")])
    var sections: [QueueSection] = []
    for (id, title, from, before) in [("late", "已超期", nil, now), ("soon", "即将到期", now, horizon)]
    where window.shows(id) {
      let cases = try await store.casesDue(
        from: from, before: before, leadUnit: unit, limit: window.limit, offset: window.offset)
      let rows = cases.map { CaseRow($0, names: names, now: now, calendar: calendar) }
        .filter { $0.dueClass == id }.sorted { ($0.dueSort, $0.serial) < ($1.dueSort, $1.serial) }
      let total = try await counts.count("due \(id) \(unit?.uuidString ?? "all")") {
        try await store.casesDueCount(from: from, before: before, leadUnit: unit)
      }
      sections.append(window.section(id: id, title: title, rows: rows, total: total, path: "/staff/supervision"))
    }
    var content = QueueContent(
      heading: "督办台",
      intro: "已超期和剩余不足一个工作日的件，最紧迫的在前。点开一件可以催办、督办；可按单位筛选。",
      sections: sections,
      units: names.units.values.sorted { $0.code < $1.code }.map {
        Option(value: $0.id.uuidString.lowercased(), label: $0.name, selected: $0.id == unit)
      }, filterPath: "/staff/supervision")
    if let found = await topics.topics(store: store, now: now) {
      content.topics = found
    } else {
      content.topicsPending = true
    }
    content.figure = try await firstContactFigure(office: nil)
    return try await render(request, "staff/queue", title: "督办台", session: session, content)
  }

  // MARK: Operators' intake

  struct IntakeFields: Decodable {
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
  }

  /// `GET /staff/intake`: 12345 operators and mailbox clerks (the dispatching office's staff) enter a
  /// message taken by phone or letter.
  func intakeForm(_ request: Request) async throws -> Response {
    guard let session = try await session(request) else { return toLogin(request) }
    try requireIntake(session)
    return try await intakePage(request, session: session, fields: IntakeFields(), errors: [])
  }

  private func requireIntake(_ session: Session) throws {
    guard [.dispatcher, .admin].contains(session.account.role) else {
      throw Abort(.forbidden, reason: "只有交办单位（话务员、来信登记员）和管理员可以登记来电来信")
    }
  }

  private func intakePage(
    _ request: Request, session: Session, fields: IntakeFields, errors: [String], status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let names = try await store.referenceNames()
    let office = session.account.role == .dispatcher ? session.account.unitID : nil
    let boards = names.leaders.values.filter { office == nil || $0.dispatchingUnitID == office }
      .sorted { $0.code < $1.code }
    var content = IntakeContent(
      boards: boards.map {
        Option(
          value: $0.id.uuidString.lowercased(), label: MessageItem.boardLabel($0, names: names),
          selected: $0.id.uuidString.lowercased() == fields.board?.lowercased())
      },
      types: MessageType.citizenTypes.map {
        Option(
          value: $0.rawValue, label: PageLanguage.zh.type($0), selected: $0.rawValue == (fields.type ?? "complaint"))
      },
      categories: names.categories.values.filter { $0.parentID == nil }.sorted { $0.code < $1.code }.map {
        Option(
          value: $0.id.uuidString.lowercased(), label: $0.name,
          selected: $0.id.uuidString.lowercased() == fields.category?.lowercased())
      },
      channels: [("hotline", "热线电话"), ("mailbox", "来信")].map {
        Option(value: $0.0, label: $0.1, selected: $0.0 == (fields.channel ?? "hotline"))
      },
      title: fields.title ?? "", body: fields.body ?? "", address: fields.address ?? "", name: fields.name ?? "",
      phone: fields.phone ?? "", answer: fields.answer ?? "", isPrivate: fields.visibility == "private")
    content.figure = try await firstContactFigure(office: office)
    return try await render(
      request, "staff/intake", title: "来电来信登记", session: session, content, errors: errors, status: status)
  }

  /// 一次解决率 this month (Beijing time), in words.
  func firstContactFigure(office: UUID?) async throws -> String {
    let now = clock()
    let calendar = PageLanguage.beijing
    guard let start = calendar.date(from: calendar.dateComponents([.year, .month], from: now)) else { return "" }
    let figure = try await store.firstContactResolution(
      from: start, before: now.addingTimeInterval(1), dispatchingUnit: office)
    guard let rate = figure.rate else { return "本月尚无来电来信。" }
    return "本月来电来信 \(figure.received) 件，当场直办 \(figure.resolved) 件，一次解决率 "
      + String(format: "%.1f%%", rate * 100) + "。"
  }

  /// `POST /staff/intake`: stores the message with its channel; with an answer, answers it at once (直办,
  /// resolved at first contact), else it waits in the pool like any other.
  func intake(_ request: Request) async throws -> Response {
    guard let session = try await session(request) else { return toLogin(request) }
    try requireIntake(session)
    let fields = (try? request.content.decode(IntakeFields.self)) ?? IntakeFields()
    try checkCSRF(fields._csrf, session)
    let channel = MinshengCore.Channel(rawValue: fields.channel ?? "") ?? .hotline
    let address = (fields.address ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    let input = NewMessage(
      type: MessageType(rawValue: fields.type ?? "") ?? .complaint, title: fields.title ?? "", body: fields.body ?? "",
      leaderID: fields.board.flatMap(UUID.init(uuidString:)), regionID: nil,
      categoryID: fields.category.flatMap(UUID.init(uuidString:)),
      channel: [.hotline, .mailbox].contains(channel) ? channel : .hotline,
      location: address.isEmpty ? nil : Location(address: address),
      contact: Contact(name: fields.name ?? "", phone: fields.phone ?? ""), isPublic: fields.visibility != "private")
    let answer = (fields.answer ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    let now = clock()
    let message: Message
    do {
      message = try await store.submit(
        input, by: session.account.actor, at: now, fingerprint: .of(title: input.title, body: input.body)
      ).message
    } catch let error as ValidationError {
      return try await intakePage(
        request, session: session, fields: fields,
        errors: error.problems.map { Self.intakeLabel($0.field) + "：" + $0.message }, status: .unprocessableEntity)
    }
    guard !answer.isEmpty else {
      return request.redirect(
        to: "/staff/messages/\(message.id.uuidString.lowercased())?done=intake", redirectType: .normal)
    }
    do {
      try await store.perform(
        .answerDirectly(body: answer), on: message.id, by: session.account.actor, at: now,
        expectedVersion: message.version)
    } catch let error as WorkflowError {
      return try await casePage(
        request, session: session, message: message, notice: "已登记，但未能直接答复", errors: [error.message],
        status: .unprocessableEntity)
    }
    return request.redirect(
      to: "/staff/messages/\(message.id.uuidString.lowercased())?done=answer_directly", redirectType: .normal)
  }

  static func intakeLabel(_ field: String) -> String {
    [
      "title": "标题", "body": "内容", "contact.name": "来电（来信）人", "contact.phone": "联系电话",
      "location.address": "地址", "leader": "留言板", "category": "领域",
    ][field] ?? field
  }

  // MARK: Moderation

  func moderation(_ request: Request) async throws -> Response {
    guard let session = try await session(request) else { return toLogin(request) }
    return try await moderationPage(request, session: session, notice: "", errors: [])
  }

  private func moderationPage(
    _ request: Request, session: Session, notice: String, errors: [String], status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let office: UUID?
    switch Moderation.queueScope(of: session.account.actor) {
    case .all: office = nil
    case .office(let unit): office = unit
    case .none: throw Abort(.forbidden, reason: "只有交办单位和管理员可以审核发布")
    }
    let names = try await store.referenceNames()
    let items = try await store.moderationQueue(dispatchingUnit: office)
    let content = ModerationContent(
      backlog: try await store.moderationBacklog(dispatchingUnit: office),
      items: items.map { item in
        let message = item.message
        return ModerationView(
          id: message.id.uuidString.lowercased(), version: message.version, serial: message.serial.description,
          title: message.title, body: message.body,
          masked: PrivacyMask.mask(message.title) + "\n" + PrivacyMask.mask(message.body),
          created: PageLanguage.zh.dateTime(message.createdAt),
          flagged: item.flagged.map(\.word).joined(separator: "、"),
          board: MessageItem.boardName(message, names: names))
      })
    return try await render(
      request, "staff/moderation", title: "发布审核", session: session, content, notice: notice, errors: errors,
      status: status)
  }

  struct ModerationForm: Decodable {
    var _csrf: String?
    var decision: String?
    var public_title: String?
    var public_body: String?
    var reason: String?
    var expected_version: String?
  }

  func moderate(_ request: Request) async throws -> Response {
    guard let session = try await session(request) else { return toLogin(request) }
    let form = (try? request.content.decode(ModerationForm.self)) ?? ModerationForm()
    try checkCSRF(form._csrf, session)
    guard let id = request.parameters.get("id", as: UUID.self), let message = try await store.message(id),
      Moderation.mayModerate(session.account.actor, message)
    else { throw Abort(.notFound, reason: "未找到这条待审核的留言") }
    let decision: ModerationDecision =
      form.decision == "withhold"
      ? .withhold(reason: form.reason ?? "") : .publish(title: form.public_title, body: form.public_body)
    do {
      try await store.moderate(
        id, expectedVersion: form.expected_version.flatMap { Int($0) }, decision: decision, by: session.account.actor,
        at: clock())
    } catch let error as ValidationError {
      return try await moderationPage(
        request, session: session, notice: "", errors: error.problems.map { Self.label($0.field) + "：" + $0.message },
        status: .unprocessableEntity)
    } catch let error as StoreError {
      guard case .conflict = error else { throw error }
      return try await moderationPage(
        request, session: session, notice: "", errors: [error.message], status: .conflict)
    }
    let done = form.decision == "withhold" ? "已决定不予公开" : "已公开"
    return try await moderationPage(request, session: session, notice: "\(message.serial)：\(done)", errors: [])
  }

  // MARK: The case file

  func caseFile(_ request: Request) async throws -> Response {
    guard let session = try await session(request) else { return toLogin(request) }
    let message = try await readable(request, session)
    let done = request.query[String.self, at: "done"]
    let notice =
      done == "intake" ? "已登记，等待交办" : done.flatMap(Action.init(rawValue:)).map { "已执行「\($0.chinese)」" } ?? ""
    return try await casePage(request, session: session, message: message, notice: notice, errors: [])
  }

  /// The message in the path, if the viewer may read it; 404 otherwise, the same for an unknown id.
  private func readable(_ request: Request, _ session: Session) async throws -> Message {
    guard let id = request.parameters.get("id", as: UUID.self), let message = try await store.message(id),
      CaseAccess.mayRead(session.account.actor, message)
    else { throw Abort(.notFound, reason: "未找到该留言，或您无权查看") }
    return message
  }

  private func casePage(
    _ request: Request, session: Session, message: Message, notice: String, errors: [String],
    status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let names = try await store.referenceNames()
    let now = clock()
    let calendar = store.rules.calendar
    let deadline = DeadlineStatus.of(message, at: now, calendar: calendar)
    func unit(_ id: UUID?) -> String { id.flatMap { names.units[$0]?.name } ?? "—" }
    let suggestion = try await store.suggestion(for: message.id)
    var facts: [Fact] = [
      Fact(label: "编号", value: message.serial.description),
      Fact(label: "状态", value: message.status.chinese + (message.urgent ? "（急件）" : "")),
      Fact(label: "类型", value: PageLanguage.zh.type(message.type)),
      Fact(label: "渠道", value: Self.channel(message.channel)),
      Fact(label: "收到", value: PageLanguage.zh.dateTime(message.createdAt)),
      Fact(label: "写给", value: message.leaderID == nil ? "按地区分派" : MessageItem.boardName(message, names: names)),
      Fact(label: "地区", value: message.regionID.flatMap { names.regions[$0]?.name } ?? "—"),
      Fact(label: "领域", value: message.categoryID.flatMap { names.categories[$0]?.name } ?? "—"),
      Fact(label: "地址", value: message.location?.address ?? "—"),
      Fact(label: "留言人", value: message.contact.name),
      Fact(label: "手机", value: message.contact.phone),
      Fact(label: "交办单位", value: unit(message.dispatchingUnitID)),
      Fact(label: "主办单位", value: unit(message.leadUnitID)),
      Fact(
        label: "协办单位",
        value: message.assistingUnitIDs.isEmpty ? "—" : message.assistingUnitIDs.map { unit($0) }.joined(separator: "、")
      ),
      Fact(
        label: "公开",
        value: message.isPublic
          ? ["pending": "公开，待审核", "published": "已公开", "withheld": "不予公开"][message.publication.rawValue] ?? ""
          : "留言人选择不公开"),
      Fact(label: "来源地区", value: message.sourceRegion ?? "—"),
    ]
    if let email = message.contact.email { facts.insert(Fact(label: "邮箱", value: email), at: 11) }
    let events = try await store.events(of: message.id)
    let timeline = events.map { event in
      StaffEventView(
        at: PageLanguage.zh.dateTime(event.draft.at),
        who: event.draft.actor.role.chinese
          + (event.draft.actor.unitID.flatMap { names.units[$0]?.name }.map { " · " + $0 } ?? "")
          + (event.draft.actor.id.isEmpty ? "" : "（\(event.draft.actor.id)）"),
        what: Self.describe(event.draft, names: names), note: event.draft.note ?? "",
        isInternal: event.draft.visibility == .internal)
    }
    let replies = try await store.publishedReplies(of: message.id).map {
      StaffReplyView(
        unit: unit($0.unitID), date: PageLanguage.zh.dateTime($0.publishedAt),
        paragraphs: PublicPages.paragraphs($0.body))
    }
    let draft =
      try await store.draftReply(of: message.id).map {
        [StaffReplyView(unit: unit($0.unitID), date: "", paragraphs: PublicPages.paragraphs($0.body))]
      } ?? []
    let images = try await store.attachments(of: message.id).map { "/staff/media/\($0.id.uuidString.lowercased())" }
    let forms = forms(for: message, actor: session.account.actor, names: names, now: now)
    let canReply = forms.contains { [Action.reply.rawValue, Action.answerDirectly.rawValue].contains($0.action) }
    let knowledgeQuery = String((request.query[String.self, at: "kb"] ?? "").prefix(50))
    let knowledge = canReply ? try await store.searchKnowledge(knowledgeQuery, limit: 10) : []
    let mayMerge = forms.contains { $0.action == Action.merge.rawValue }
    let mayDismiss = CaseAccess.mayDispatch(session.account.actor, message)
    let duplicates = try await store.duplicateCandidates(of: message.id).map { candidate in
      DuplicateView(
        id: candidate.message.id.uuidString.lowercased(), serial: candidate.message.serial.description,
        title: candidate.message.title, status: candidate.message.status.chinese,
        similarity: "\(Int((candidate.similarity * 100).rounded()))%",
        state: ["open": "待判断", "merged": "已并入", "dismissed": "不是重复"][candidate.state.rawValue] ?? "",
        canMerge: mayMerge && candidate.state == .open, canDismiss: mayDismiss && candidate.state == .open)
    }
    let content = CaseContent(
      id: message.id.uuidString.lowercased(), version: message.version, serial: message.serial.description,
      title: message.title, paragraphs: PublicPages.paragraphs(message.body), facts: facts, images: images,
      suggestion: suggestion.map {
        "\($0.label)（\(Int(($0.confidence * 100).rounded()))%）" + ($0.unitID.map { " → " + unit($0) } ?? "")
          + ($0.top.count > 1
            ? "；其次："
              + $0.top.dropFirst().map { "\($0.label) \(Int(($0.confidence * 100).rounded()))%" }.joined(separator: "、")
            : "")
      } ?? "",
      reasons: suggestion.map { $0.reasons.prefix(6).map(\.gram).joined(separator: " · ") } ?? "",
      due: deadline.due.map(PageLanguage.zh.deadline) ?? "", dueClass: CaseRow.dueClass(deadline),
      timeLeft: PageLanguage.zh.timeLeft(deadline) ?? "", timeline: timeline, replies: replies, draft: draft,
      forms: forms, duplicates: duplicates, knowledgeQuery: knowledgeQuery,
      knowledge: knowledge.map {
        KnowledgeView(kind: $0.kind == .answer ? "答复口径" : "答复模板", title: $0.title, body: $0.body)
      },
      canReply: canReply,
      instructions: zip(events, timeline).filter { $0.0.draft.action == .workflow(.instruct) }.map(\.1))
    return try await render(
      request, "staff/case", title: message.serial.description + " " + message.title, session: session, content,
      notice: notice, errors: errors, status: status)
  }

  /// A form for each action the viewer may take on the message now: the workflow table's actions for
  /// the role, less those the workflow refuses for the viewer's unit.
  func forms(for message: Message, actor: Actor, names: ReferenceNames, now: Date) -> [ActionForm] {
    let region = RegionPath.of(message.regionID, in: names.regions)
    let units = names.units.values.sorted { $0.code < $1.code }.map {
      Option(value: $0.id.uuidString.lowercased(), label: $0.name, selected: $0.id == message.suggestedUnitID)
    }
    return Workflow.actions(from: message.status, for: actor.role).compactMap { (action: Action) -> ActionForm? in
      guard action != .evaluate, let sample = Self.sample(action, message: message) else { return nil }
      do {
        _ = try Workflow.transition(
          from: message, action: sample, by: actor, at: now, rules: store.rules, region: region)
      } catch let error as WorkflowError {
        switch error {
        case .notAllowed, .notYourUnit: return nil
        case .reasonRequired, .invalidParameter: break
        }
      } catch {
        return nil
      }
      let needsUnit = [.assign, .reassign, .transfer].contains(action)
      return ActionForm(
        action: action.rawValue, label: action == .note ? "内部备注 / 联系记录" : action.chinese,
        primary: [.assign, .accept, .reply, .approveReply, .approveExtension, .grantReopen].contains(action),
        unit: needsUnit, assisting: needsUnit, instruction: [.assign, .reassign].contains(action),
        reason: [
          .transfer, .returnToDispatcher, .rejectReturn, .requestExtension, .denyExtension, .declineReopen, .close,
          .markInvalid, .setUrgent,
        ].contains(action),
        note: [.accept, .approveExtension, .approveReply, .grantReopen, .merge, .remind, .supervise, .note, .instruct]
          .contains(action),
        noteRequired: [.supervise, .note, .instruct].contains(action),
        days: [.requestExtension, .approveExtension].contains(action),
        body: [.reply, .contribute, .answerDirectly].contains(action),
        comment: action == .sendBackReply, into: action == .merge, urgent: action == .setUrgent,
        units: needsUnit ? units : [], urgentNow: message.urgent, contact: action == .note,
        now: Self.localMinute(now))
    }
  }

  /// A command for the dry run that decides whether to offer an action.
  static func sample(_ action: Action, message: Message) -> MinshengCore.Command? {
    let unit = message.leadUnitID ?? message.suggestedUnitID ?? UUID()
    switch action {
    case .assign: return .assign(lead: unit)
    case .reassign: return .reassign(lead: unit)
    case .transfer: return .transfer(lead: unit, reason: "—")
    case .accept: return .accept()
    case .returnToDispatcher: return .returnToDispatcher(reason: "—")
    case .rejectReturn: return .rejectReturn(reason: "—")
    case .requestExtension: return .requestExtension(workingDays: 5, reason: "—")
    case .approveExtension: return .approveExtension(workingDays: 5)
    case .denyExtension: return .denyExtension(reason: "—")
    case .reply: return .reply(body: "—")
    case .approveReply: return .approveReply()
    case .sendBackReply: return .sendBackReply(comment: "—")
    case .grantReopen: return .grantReopen()
    case .declineReopen: return .declineReopen(reason: "—")
    case .close: return .close(reason: "—")
    case .markInvalid: return .markInvalid(reason: "—")
    case .merge: return .merge(into: UUID())
    case .setUrgent: return .setUrgent(!message.urgent, reason: "—")
    case .remind: return .remind()
    case .supervise: return .supervise(note: "—")
    case .contribute: return .contribute(text: "—")
    case .note: return .note(text: "—")
    case .instruct: return .instruct(text: "—")
    case .answerDirectly: return .answerDirectly(body: "—")
    case .evaluate: return nil
    }
  }

  struct ActionFields: Decodable {
    var _csrf: String?
    var expected_version: String?
    var lead_unit: String?
    var assisting_units: [String]?
    var instruction: String?
    var reason: String?
    var note: String?
    var working_days: String?
    var body: String?
    var comment: String?
    var into_serial: String?
    var urgent: String?
    var contact_kind: String?
    var contacted_at: String?
  }

  /// `POST /staff/messages/{id}/actions/{action}`: one workflow action from the case page. The
  /// workflow checks the role and the unit; on success the case page is shown again.
  func act(_ request: Request) async throws -> Response {
    guard let session = try await session(request) else { return toLogin(request) }
    let form = (try? request.content.decode(ActionFields.self)) ?? ActionFields()
    try checkCSRF(form._csrf, session)
    let message = try await readable(request, session)
    guard let name = request.parameters.get("action"), let action = Action(rawValue: name), action != .evaluate else {
      throw Abort(.notFound)
    }
    func text(_ value: String?) -> String? {
      guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
      return value
    }
    var errors: [String] = []
    var into: UUID?
    if action == .merge {
      if let serial = text(form.into_serial).flatMap(Serial.init), let parent = try await store.message(serial: serial)
      {
        into = parent.id
      } else {
        errors.append("并入的留言编号：请填写形如 2026-000123 的编号")
      }
    }
    var contactKind: ContactRecord.Kind?
    var contactedAt: Date?
    if action == .note, let kind = text(form.contact_kind) {
      contactKind = ContactRecord.Kind(rawValue: kind)
      contactedAt = text(form.contacted_at).flatMap(Self.parseLocalMinute)
      if contactKind == nil { errors.append("联系方式：请从列表中选择") }
      if contactedAt == nil { errors.append("联系时间：请填写，如 2026-12-01 10:30") }
    }
    var days: Int?
    if let value = text(form.working_days) {
      if let number = Int(value) { days = number } else { errors.append("工作日数：须为整数") }
    }
    var status = HTTPResponseStatus.unprocessableEntity
    if errors.isEmpty {
      let body = ActionRequest(
        leadUnit: text(form.lead_unit).flatMap(UUID.init(uuidString:)),
        assistingUnits: (form.assisting_units ?? []).compactMap(UUID.init(uuidString:)),
        instruction: text(form.instruction), reason: text(form.reason), note: text(form.note), workingDays: days,
        body: text(form.body), comment: text(form.comment), into: into, urgent: form.urgent == "yes",
        expectedVersion: text(form.expected_version).flatMap { Int($0) }, contactKind: contactKind,
        contactedAt: contactedAt)
      do {
        try await store.perform(
          try body.command(for: action), on: message.id, by: session.account.actor, at: clock(),
          expectedVersion: body.expectedVersion)
        return request.redirect(
          to: "/staff/messages/\(message.id.uuidString.lowercased())?done=\(action.rawValue)", redirectType: .normal)
      } catch let error as ValidationError {
        errors = error.problems.map { Self.label($0.field) + "：" + $0.message }
      } catch let error as WorkflowError {
        errors = [error.message]
        switch error {
        case .notYourUnit: status = .forbidden
        case .notAllowed: status = .conflict
        case .reasonRequired, .invalidParameter: status = .unprocessableEntity
        }
      } catch let error as StoreError {
        guard case .conflict = error else { throw error }
        errors = [error.message]
        status = .conflict
      }
    }
    let current = try await store.message(message.id) ?? message
    return try await casePage(request, session: session, message: current, notice: "", errors: errors, status: status)
  }

  /// `POST /staff/messages/{id}/duplicates/{candidate}/dismiss`: 不是重复.
  func dismissDuplicate(_ request: Request) async throws -> Response {
    guard let session = try await session(request) else { return toLogin(request) }
    try checkCSRF((try? request.content.decode(TokenForm.self))?._csrf, session)
    let message = try await readable(request, session)
    guard let candidate = request.parameters.get("candidate", as: UUID.self) else { throw Abort(.notFound) }
    do {
      try await store.dismissDuplicate(message.id, candidate: candidate, by: session.account.actor, at: clock())
    } catch let error as StoreError {
      guard case .forbidden = error else { throw error }
      return try await casePage(
        request, session: session, message: message, notice: "", errors: [error.message], status: .forbidden)
    }
    return try await casePage(request, session: session, message: message, notice: "已标记为不是重复", errors: [])
  }

  /// An image of a message, for the staff who may read it.
  func media(_ request: Request) async throws -> Response {
    guard let session = try await session(request) else { throw Abort(.unauthorized) }
    guard let id = request.parameters.get("id", as: UUID.self), let image = try await store.attachment(id),
      let message = try await store.message(image.messageID), CaseAccess.mayRead(session.account.actor, message)
    else { throw StoreError.notFound("图片") }
    return PublicPages.imageResponse(image, cache: "private, no-store")
  }

  // MARK: Words

  /// A time as a `datetime-local` field shows it, in China Standard Time (`2026-12-01T10:30`).
  static func localMinute(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = WorkingCalendar.chinaStandardTime
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
    return formatter.string(from: date)
  }

  /// What a `datetime-local` field sends (or the same with a space), read in China Standard Time.
  static func parseLocalMinute(_ text: String) -> Date? {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = WorkingCalendar.chinaStandardTime
    for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
      formatter.dateFormat = format
      if let date = formatter.date(from: text) { return date }
    }
    return nil
  }

  static func label(_ field: String) -> String {
    [
      "lead_unit": "主办单位", "reason": "理由", "note": "说明", "working_days": "工作日数", "body": "内容",
      "comment": "意见", "into": "并入的留言", "urgent": "急件", "public_title": "公开标题", "public_body": "公开内容",
      "instruction": "交办意见",
    ][field] ?? field
  }

  static func channel(_ channel: MinshengCore.Channel) -> String {
    switch channel {
    case .web: "网站"
    case .app: "客户端"
    case .api: "接口"
    case .hotline: "热线电话"
    case .mailbox: "信件"
    case .imported: "导入"
    case .social: "社交媒体"
    }
  }

  /// An event for staff: the public wording, or the internal one.
  static func describe(_ event: EventDraft, names: ReferenceNames) -> String {
    switch event.action {
    case .moderated:
      return event.payload["publication"] == "published"
        ? "审核公开" + ((event.payload["redacted"] ?? "").isEmpty ? "" : "（已删改公开文本）") : "审核：不予公开"
    case .workflow(.note) where event.payload["contact_kind"] != nil:
      let kind = event.payload["contact_kind"].flatMap(ContactRecord.Kind.init(rawValue:))?.chinese ?? "联系"
      let at = event.payload["contacted_at"].flatMap(Double.init).map {
        PageLanguage.zh.dateTime(Date(timeIntervalSince1970: $0 / 1000))
      }
      return "联系记录：" + kind + (at.map { "（\($0)）" } ?? "")
    case .workflow(let action)
    where [.note, .contribute, .remind, .supervise, .returnToDispatcher, .instruct].contains(action):
      return action.chinese
    default:
      return PublicPages.describe(event, names: names, language: .zh)
    }
  }
}

/// The queues' section counts. Counting 25,000 overdue cases reads 25,000 index entries, which was
/// the largest part of the supervision board's time; so a count of `large` or more is reused for
/// `lifetime` seconds (the list under it is always read afresh), while a smaller count — the ones a
/// handler watches go down as they work — is always exact.
final class CountCache: Sendable {
  private let kept = Mutex<[String: (value: Int, at: ContinuousClock.Instant)]>([:])
  let large: Int
  let lifetime: Duration

  init(large: Int = 500, lifetime: Duration = .seconds(10)) {
    self.large = large
    self.lifetime = lifetime
  }

  func count(_ key: String, _ compute: () async throws -> Int) async throws -> Int {
    let now = ContinuousClock.now
    if let found = kept.withLock({ $0[key] }), found.value >= large, now - found.at < lifetime { return found.value }
    let value = try await compute()
    kept.withLock { kept in
      if kept.count > 10_000 { kept.removeAll() }
      kept[key] = (value, now)
    }
    return value
  }
}

/// 近期热点 for the supervision board: the messages of the last seven days clustered into topics,
/// with their growth against the seven days before. Clustering a busy fortnight takes seconds, so no
/// request waits for it once there is a result: a result older than five minutes is still shown
/// while one computation (per instance) replaces it in the background. Only the very first request
/// waits, and for at most `firstWait`; after that the board says the topics are being counted.
final class TopicsCache: Sendable {
  private struct State {
    var kept: (at: Date, topics: [TopicView])?
    var computing = false
  }
  private let state = Mutex(State())
  let lifetime: TimeInterval
  let firstWait: Duration

  init(lifetime: TimeInterval = 300, firstWait: Duration = .seconds(2)) {
    self.lifetime = lifetime
    self.firstWait = firstWait
  }

  /// The topics at `now`, or nil while the first computation is still running.
  func topics(store: Store, now: Date) async -> [TopicView]? {
    let (kept, start) = state.withLock { state -> ([TopicView]?, Bool) in
      if let kept = state.kept, now >= kept.at, now.timeIntervalSince(kept.at) < lifetime {
        return (kept.topics, false)
      }
      let start = !state.computing
      state.computing = true
      return (state.kept?.topics, start)
    }
    if start {
      Task { [self] in
        let found = try? await Self.compute(store: store, now: now)
        state.withLock { state in
          state.computing = false
          if let found { state.kept = (now, found) }
        }
      }
    }
    if let kept { return kept }
    let deadline = ContinuousClock.now + firstWait
    while ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(20))
      if let found = state.withLock({ $0.kept?.topics }) { return found }
    }
    return nil
  }

  static func compute(store: Store, now: Date) async throws -> [TopicView] {
    let week: TimeInterval = 7 * 86_400
    let current = try await TopicsCommand.fromStore(
      store, from: now.addingTimeInterval(-week), before: now.addingTimeInterval(1))
    let previous = try await TopicsCommand.fromStore(
      store, from: now.addingTimeInterval(-2 * week), before: now.addingTimeInterval(-week))
    return TopicFinder().topics(current: current, previous: previous, limit: 5).map { topic in
      TopicView(
        label: topic.label, size: topic.size,
        growth: topic.growth.map { String(format: "%+.0f%%", $0 * 100) } ?? "新出现",
        titles: Array(topic.titles.prefix(3)))
    }
  }
}
