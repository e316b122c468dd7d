import Foundation
import MinshengCore
import MinshengStore
import Vapor

extension AdminController {
  struct FileUpload: Decodable {
    var _csrf: String?
    var file: File?
  }

  /// What a form sent: its text fields, and a file where the form takes one.
  struct Sent: Sendable {
    var fields: [String: String]
    var upload: Data?
    /// The uploaded file's name as the browser sent it.
    var uploadName = ""

    func text(_ name: String) -> String { fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
    func uuid(_ name: String) -> UUID? { UUID(uuidString: text(name)) }
    func required(_ name: String) throws -> UUID {
      guard let value = uuid(name) else { throw ValidationError(field: name, reason: .missing) }
      return value
    }
  }

  /// `POST /staff/admin/{section}/{verb}[/{id}]`: one change. On success the section is shown again
  /// with a notice (303, so a reload does not repeat it); a refused change shows the section with the
  /// reasons and the add form as it was filled in.
  func change(_ request: Request) async throws -> Response {
    guard let session = try await administrator(request) else { return pages.toLogin(request) }
    guard let section = Section(rawValue: request.parameters.get("section") ?? ""),
      let verb = request.parameters.get("verb")
    else { throw PageError(.notFound, "error_page_not_found") }
    let id = request.parameters.get("id").map { UUID(uuidString: $0) }
    if case .some(.none) = id { throw PageError(.notFound, "error_page_not_found") }
    var sent = Sent(fields: [:])
    if (section == .rules && verb == "calendar") || (section == .campaigns && verb == "document") {
      let form = (try? request.content.decode(FileUpload.self)) ?? FileUpload()
      sent.fields["_csrf"] = form._csrf
      sent.upload = form.file.map { Data($0.data.readableBytesView) }
      sent.uploadName = form.file?.filename ?? ""
    } else {
      sent.fields = (try? request.content.decode([String: String].self)) ?? [:]
    }
    try pages.checkCSRF(sent.fields["_csrf"], session)
    let language = request.pageLanguage
    let done: String
    do {
      if section == .keys, verb == "add", id == nil {
        // A key is shown once, on this page, never in a URL; the page is not stored by the browser.
        let channel = MinshengCore.Channel(rawValue: sent.text("channel").isEmpty ? "app" : sent.text("channel"))
        guard let channel else {
          throw ValidationError(field: "channel", reason: .invalid(LocalizedText("error_key_channel")))
        }
        let (key, secret) = try await store.issueOpen311Key(
          name: sent.text("name"), channel: channel, verifiesPhones: sent.fields["verifies_phones"] == "yes",
          by: session.account.username, at: context.clock())
        let response = try await render(
          request, section, session: session,
          notice: language.text("admin_key_issued", ["name": .plain(key.name), "key": .plain(secret)]))
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
      }
      if section == .webhooks, verb == "add", id == nil {
        let (hook, secret) = try await store.createWebhook(
          url: sent.text("url"), events: sent.text("events").split(separator: ",").map(String.init),
          by: session.account.username, at: context.clock())
        let response = try await render(
          request, section, session: session,
          notice: language.text("admin_webhook_added", ["url": .plain(hook.url), "secret": .plain(secret)]))
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
      }
      done = try await apply(section, verb, id: id ?? nil, sent: sent, session: session)
    } catch {
      let mapped = MappedError.of(error)
      guard [.unprocessableEntity, .notFound, .conflict].contains(mapped.status) else { throw error }
      return try await render(
        request, section, session: session,
        errors: mapped.messages(in: language) { language.text("admin_field_" + $0) },
        prefill: id == nil || sent.fields["_form"] != nil ? sent.fields : [:], status: mapped.status)
    }
    return request.redirect(to: section.url.path(query: [("done", done)]), redirectType: .normal)
  }

  /// A campaign as the add form sends it; a day or a number that cannot be read is refused by name.
  static func campaign(_ sent: Sent) throws -> NewCampaign {
    var problems: [ValidationError.Problem] = []
    func day(_ name: String) -> LocalDate? {
      let text = sent.text(name)
      guard !text.isEmpty else { return nil }
      guard let day = LocalDate(text) else {
        problems.append(.init(field: name, reason: .invalid(LocalizedText("form_date_hint"))))
        return nil
      }
      return day
    }
    let opens = day("opens_on")
    let closes = day("closes_on")
    var threshold: Int?
    if !sent.text("support_threshold").isEmpty {
      threshold = Int(sent.text("support_threshold"))
      if threshold == nil {
        problems.append(
          .init(
            field: "support_threshold",
            reason: .invalid(LocalizedText("error_campaign_threshold", ["max": .number(NewCampaign.maxThreshold)]))))
      }
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return NewCampaign(
      title: sent.text("title"), description: sent.text("description"), opensOn: opens, closesOn: closes,
      supportThreshold: threshold, unitIDs: [sent.uuid("unit_id"), sent.uuid("unit2_id")].compactMap { $0 })
  }

  /// Makes one change through the store; returns what the notice says (`saved`, `rule-deleted`, …).
  private func apply(
    _ section: Section, _ verb: String, id: UUID?, sent: Sent, session: StaffSession
  ) async throws
    -> String
  {
    let actor = session.account.username
    let now = context.clock()
    func account() async throws -> StaffAccount {
      guard let found = try await store.staffAccounts().first(where: { $0.id == id }) else {
        throw StoreError.notFound(.account)
      }
      return found
    }
    switch (section, verb, id) {
    case (.keys, "revoke", let id?):
      try await store.revokeOpen311Key(id, by: actor, at: now)
    case (.webhooks, "delete", let id?):
      try await store.deleteWebhook(id, by: actor, at: now)
    case (.campaigns, "add", nil):
      _ = try await store.createCampaign(try Self.campaign(sent), by: actor, at: now)
    case (.campaigns, "document", let id?):
      guard let upload = sent.upload, !upload.isEmpty else { throw ValidationError(field: "file", reason: .missing) }
      try await store.addCampaignDocument(
        id,
        DocumentFile(
          fileName: DocumentFile.displayName(sent.uploadName, fallback: LocalizedText("record_document").chinese),
          data: upload), by: actor, at: now)
    case (.regions, "add", nil):
      _ = try await store.createRegion(
        code: sent.text("code"), name: sent.text("name"), parent: sent.uuid("parent_id"), by: actor, at: now)
    case (.regions, "update", let id?):
      _ = try await store.updateRegion(
        id, name: sent.text("name"), dispatchingUnit: sent.uuid("dispatching_unit_id"), by: actor, at: now)
    case (.leaders, "add", nil):
      _ = try await store.createLeader(
        code: sent.text("code"), title: sent.text("title"), region: try sent.required("region_id"),
        dispatchingUnit: sent.uuid("dispatching_unit_id"), by: actor, at: now)
    case (.leaders, "update", let id?):
      _ = try await store.updateLeader(
        id, title: sent.text("title"), dispatchingUnit: sent.uuid("dispatching_unit_id"), by: actor, at: now)
    case (.units, "add", nil):
      _ = try await store.createUnit(
        code: sent.text("code"), name: sent.text("name"), region: try sent.required("region_id"),
        requiresReplyReview: sent.fields["requires_reply_review"] == "yes", by: actor, at: now)
    case (.units, "update", let id?):
      _ = try await store.updateUnit(
        id, name: sent.text("name"), requiresReplyReview: sent.fields["requires_reply_review"] == "yes",
        region: sent.uuid("region_id"), by: actor, at: now)
    case (.categories, "add", nil):
      _ = try await store.createCategory(
        code: sent.text("code"), name: sent.text("name"), parent: sent.uuid("parent_id"), by: actor, at: now)
    case (.categories, "update", let id?):
      _ = try await store.updateCategory(id, name: sent.text("name"), by: actor, at: now)
    case (.categories, "questions", let id?):
      _ = try await store.updateCategory(
        id, name: nil, questions: try ServiceQuestions.parse(sent.text("questions")), by: actor, at: now)
    case (.categories, "rule", nil):
      try await store.addRoutingRule(
        RoutingRule(
          categoryID: try sent.required("category_id"),
          regionCode: sent.text("region_code").isEmpty ? nil : sent.text("region_code"),
          unitID: try sent.required("unit_id")), by: actor, at: now)
    case (.categories, "rule-delete", let id?):
      try await store.removeRoutingRule(id, by: actor, at: now)
      return "rule-deleted"
    case (.rules, "calendar", nil):
      guard let upload = sent.upload, !upload.isEmpty else { throw ValidationError(field: "file", reason: .missing) }
      return "calendar-\(try await store.saveCalendarYear(json: upload, by: actor, at: now).year)"
    case (.rules, "sla", nil):
      try await store.saveSLA(json: Data(sent.text("sla").utf8), by: actor, at: now)
    case (.rules, "sla-add", nil), (.rules, "sla-update", nil), (.rules, "sla-delete", nil):
      var rules = store.rules.sla
      if verb == "sla-add" {
        rules.rules.append(try Self.slaRule(sent))
      } else {
        guard let index = Int(sent.text("index")), rules.rules.indices.contains(index) else {
          throw PageError(.notFound, "error_page_not_found")
        }
        if verb == "sla-delete" { rules.rules.remove(at: index) } else { rules.rules[index] = try Self.slaRule(sent) }
      }
      try await store.saveSLA(rules, expected: sent.text("sla_fingerprint"), by: actor, at: now)
    case (.rules, "holiday-add", nil):
      guard let year = Int(sent.text("year")), (2000...2100).contains(year) else {
        throw ValidationError(field: "year", reason: .invalid(LocalizedText("error_holiday_year")))
      }
      guard let from = LocalDate(sent.text("off_from")) else {
        throw ValidationError(field: "off_from", reason: .missing)
      }
      guard let to = LocalDate(sent.text("off_to")) else { throw ValidationError(field: "off_to", reason: .missing) }
      var work: [LocalDate] = []
      for text in sent.text("work").split(whereSeparator: { " ,，、;；".contains($0) }) {
        guard let day = LocalDate(String(text)) else {
          throw ValidationError(
            field: "work", reason: .invalid(LocalizedText("error_holiday_date", ["text": .plain(String(text))])))
        }
        work.append(day)
      }
      let holiday = HolidayYear.Holiday(name: sent.text("name"), offFrom: from, offTo: to, work: work)
      return
        "calendar-\(try await store.addHoliday(holiday, year: year, source: sent.text("source"), by: actor, at: now).year)"
    case (.rules, "holiday-delete", nil):
      guard let year = Int(sent.text("year")), let from = LocalDate(sent.text("off_from")) else {
        throw PageError(.notFound, "error_page_not_found")
      }
      try await store.removeHoliday(startingOn: from, year: year, by: actor, at: now)
    case (.words, "add", nil):
      guard let severity = BannedWord.Severity(rawValue: sent.text("severity")) else {
        throw ValidationError(field: "severity", reason: .missing)
      }
      _ = try await store.addBannedWord(sent.text("word"), severity: severity, by: actor, at: now)
    case (.words, "delete", let id?):
      try await store.removeBannedWord(id, by: actor, at: now)
    case (.users, "add", nil):
      try await addAccount(sent, by: actor, at: now)
    case (.users, "email", _?):
      try await store.setEmail(username: try await account().username, email: sent.text("email"), by: actor, at: now)
    case (.users, "password", _?):
      let password = sent.fields["password"] ?? ""
      try PasswordPolicy.check(password)
      try await store.setPassword(
        username: try await account().username, passwordHash: try context.passwords.hash(password), by: actor, at: now)
    case (.users, "disable", let id?):
      guard id != session.account.id else {
        throw ValidationError(field: "account", reason: .invalid(LocalizedText("error_disable_self")))
      }
      try await store.disable(username: try await account().username, by: actor, at: now)
    case (.users, "enable", _?):
      try await store.enable(username: try await account().username, by: actor, at: now)
    case (.knowledge, "add", nil), (.knowledge, "update", _?):
      try await store.saveKnowledge(
        id: id, kind: KnowledgeEntry.Kind(rawValue: sent.text("kind")) ?? .answer, title: sent.text("title"),
        body: sent.text("body"), category: sent.uuid("category_id"), by: actor, at: now)
    case (.knowledge, "delete", let id?):
      try await store.deleteKnowledge(id, by: actor, at: now)
    default:
      throw PageError(.notFound, "error_page_not_found")
    }
    return "saved"
  }

  /// An SLA rule as its form sent it: each limit a number and a unit, read by the core's parser
  /// (`SLADuration`); a blank number leaves the limit to the rules before it.
  static func slaRule(_ sent: Sent) throws -> SLARule {
    func duration(_ name: String) throws -> SLADuration? {
      let count = sent.text(name + "_n")
      guard !count.isEmpty else { return nil }
      guard let value = SLADuration(count + sent.text(name + "_unit")) else {
        throw ValidationError(field: name, reason: .invalid(LocalizedText("error_sla_duration")))
      }
      return value
    }
    var rule = SLARule()
    rule.region = sent.text("region_code").isEmpty ? nil : sent.text("region_code")
    if !sent.text("type").isEmpty {
      guard let type = MessageType(rawValue: sent.text("type")) else {
        throw ValidationError(field: "type", reason: .unknownReference)
      }
      rule.type = type
    }
    rule.urgent = sent.fields["urgent"] == "yes" ? true : nil
    rule.dispatch = try duration("dispatch")
    rule.acceptance = try duration("acceptance")
    rule.reply = try duration("reply")
    if !sent.text("max_extension").isEmpty {
      guard let days = Int(sent.text("max_extension")), (1...60).contains(days) else {
        throw ValidationError(field: "max_extension", reason: .invalid(LocalizedText("error_sla_max_extension")))
      }
      rule.maxExtension = days
    }
    guard rule.dispatch != nil || rule.acceptance != nil || rule.reply != nil || rule.maxExtension != nil else {
      throw ValidationError(field: "acceptance", reason: .invalid(LocalizedText("error_sla_rule_empty")))
    }
    return rule
  }

  private func addAccount(_ sent: Sent, by actor: String, at now: Date) async throws {
    guard let role = Role(rawValue: sent.text("role")) else { throw ValidationError(field: "role", reason: .missing) }
    let password = sent.fields["password"] ?? ""
    try StaffAccount.validate(
      username: sent.text("username"), role: role, unitID: sent.uuid("unit_id"), password: password)
    guard role.belongsToUnit || sent.uuid("unit_id") == nil else {
      throw ValidationError(field: "unit", reason: .invalid(LocalizedText("error_role_without_unit")))
    }
    if !sent.text("email").isEmpty, !Store.isEmailAddress(sent.text("email")) {
      throw ValidationError(field: "email", reason: .invalid(LocalizedText("error_email_address")))
    }
    _ = try await store.createStaffAccount(
      username: sent.text("username"), passwordHash: try context.passwords.hash(password), role: role,
      unitID: sent.uuid("unit_id"), by: actor, at: now)
    if !sent.text("email").isEmpty {
      try await store.setEmail(username: sent.text("username"), email: sent.text("email"), by: actor, at: now)
    }
  }
}
