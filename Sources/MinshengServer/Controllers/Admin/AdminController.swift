import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 系统管理: the administrators' pages under `/staff/admin` — regions, leaders' boards, units and
/// their dispatching rights, categories and routing rules, SLA rules and holiday calendars, banned
/// words, staff accounts and the knowledge base, and the log of every change.
///
/// Only administrators see them (`StaffAccess`: anyone else gets 403 on every page and form). Every
/// form carries the session's CSRF token; every change goes through the store, which records it in
/// `reference_changes` in the same transaction.
struct AdminController: Sendable {
  let pages: StaffPages

  var context: ServerContext { pages.context }
  var store: Store { context.store }

  enum Section: String, CaseIterable, Sendable {
    case regions, leaders, units, categories, rules, words, users, knowledge, keys, webhooks, campaigns

    var url: SiteURL { .staff(.adminSection(.value(rawValue))) }

    /// Where a form of the section is sent: `/staff/admin/{section}/{verb}[/{id}]`.
    func change(_ verb: String, _ id: UUID? = nil) -> String {
      guard let id else { return SiteURL.staff(.adminChange(.value(rawValue), verb: .value(verb))).path }
      return SiteURL.staff(.adminChangeRow(.value(rawValue), verb: .value(verb), id: .value(id))).path
    }
  }

  /// The session of an administrator; nil without a session, 403 for anyone else.
  func administrator(_ request: Request) async throws -> StaffSession? {
    guard let session = try await pages.session(request) else { return nil }
    _ = try pages.scope(of: .administration, for: session)
    return session
  }

  /// `/staff/admin`: the sections and the latest changes, who made them and when.
  func index(_ request: Request) async throws -> Response {
    guard let session = try await administrator(request) else { return pages.toLogin(request) }
    let language = request.pageLanguage
    let names = try await store.referenceNames()
    let accounts = Dictionary(uniqueKeysWithValues: try await store.staffAccounts().map { ($0.id, $0.username) })
    let rows = try await store.recentReferenceChanges(limit: 100).map { record in
      AdminRow(
        id: record.change.id.uuidString.lowercased(),
        cells: [
          language.dateTime(record.at), record.actorID, language.text("admin_entity_" + record.change.entity),
          language.text("admin_verb_" + record.action),
          Self.summary(record.change, names: names, accounts: accounts, language: language),
        ], forms: [])
    }
    let content = AdminContent(
      heading: language.text("place_administration"), links: links(current: nil, language: language),
      intro: language.text("admin_intro"),
      tables: [
        AdminTable(
          id: "changes", title: language.text("admin_changes"),
          headers: ["admin_when", "admin_who", "admin_what", "admin_action", "admin_content"].map { language.text($0) },
          rows: rows)
      ], forms: [])
    return try await pages.render(
      request, "staff/admin", title: language.text("place_administration"), session: session, content)
  }

  /// `/staff/admin/{section}`.
  func page(_ request: Request) async throws -> Response {
    guard let session = try await administrator(request) else { return pages.toLogin(request) }
    guard let section = Section(rawValue: request.parameters.get("section") ?? "") else {
      throw PageError(.notFound, "error_page_not_found")
    }
    let notice = request.query[String.self, at: "done"].map { Self.notice($0, language: request.pageLanguage) } ?? ""
    return try await render(request, section, session: session, notice: notice)
  }

  func render(
    _ request: Request, _ section: Section, session: StaffSession, notice: String = "", errors: [String] = [],
    prefill: [String: String] = [:], status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let language = request.pageLanguage
    var content = try await AdminSections(store: store, language: language, me: session.account).content(section)
    content.links = links(current: section, language: language)
    content.forms = content.forms.map { $0.prefilled(prefill) }
    content.tables = content.tables.map { table in
      var table = table
      table.rows = table.rows.map { row in
        var row = row
        row.forms = row.forms.map { $0.prefilled(prefill) }
        return row
      }
      return table
    }
    return try await pages.render(
      request, "staff/admin", title: content.heading, session: session, content, notice: notice, errors: errors,
      status: status)
  }

  private func links(current: Section?, language: Language) -> [NavLink] {
    [NavLink(href: SiteURL.staff(.admin).path, label: language.text("admin_changes_link"), current: current == nil)]
      + Section.allCases.map {
        NavLink(href: $0.url.path, label: language.text("admin_section_" + $0.rawValue), current: $0 == current)
      }
  }

  /// The notice after a change (`?done=…` names it; anything else reads as saved).
  static func notice(_ done: String, language: Language) -> String {
    if let year = Int(done.dropFirst("calendar-".count)), done.hasPrefix("calendar-") {
      return language.text("admin_done_calendar", ["year": .number(year)])
    }
    return language.text(done == "rule-deleted" ? "admin_done_rule_deleted" : "admin_done_saved")
  }

  /// What the change set, in words (names rather than ids; never a password hash — none is recorded).
  static func summary(
    _ change: ReferenceChange, names: ReferenceNames, accounts: [UUID: String], language: Language
  ) -> String {
    let fields = [
      "code", "name", "title", "username", "role", "word", "severity", "kind", "year", "source", "rules", "region_code",
      "requires_reply_review", "disabled", "email",
    ]
    var parts = fields.compactMap { key in
      change.after[key].flatMap {
        $0.isEmpty ? nil : language.text("admin_field_" + key) + language.text("field_separator") + $0
      }
    }
    for key in ["unit_id", "dispatching_unit_id"] {
      if let id = change.after[key].flatMap(UUID.init(uuidString:)), let unit = names.units[id] {
        parts.append(language.text("admin_field_" + key) + language.text("field_separator") + unit.name)
      }
    }
    if let id = change.after["category_id"].flatMap(UUID.init(uuidString:)), let category = names.categories[id] {
      parts.append(language.text("admin_field_category_id") + language.text("field_separator") + category.name)
    }
    return parts.joined(separator: language.text("hint_separator"))
  }
}
