import Foundation
import MinshengCore
import MinshengStore

/// The content of each administration section: its tables, with each row's forms, and its add forms.
struct AdminSections: Sendable {
  let store: Store
  let language: Language
  let me: StaffAccount

  typealias Section = AdminController.Section

  func text(_ key: String, _ arguments: [String: LocalizedText.Argument] = [:]) -> String {
    language.text(key, arguments)
  }

  func content(_ section: Section) async throws -> AdminContent {
    let names = try await store.referenceNames()
    var content = AdminContent(
      heading: text("admin_section_" + section.rawValue), links: [], intro: text("admin_intro_" + section.rawValue),
      tables: [], forms: [])
    let options = AdminOptions(names: names, language: language)
    switch section {
    case .regions: (content.tables, content.forms) = regions(names, options)
    case .leaders: (content.tables, content.forms) = leaders(names, options)
    case .units: (content.tables, content.forms) = units(names, options)
    case .categories: (content.tables, content.forms) = try await categories(names, options)
    case .rules: (content.tables, content.forms) = try await rules(names, options)
    case .words: (content.tables, content.forms) = try await words()
    case .users: (content.tables, content.forms) = try await users(names, options)
    case .knowledge: (content.tables, content.forms) = try await knowledge(names, options)
    case .keys: (content.tables, content.forms) = try await keys()
    case .webhooks: (content.tables, content.forms) = try await webhooks()
    case .campaigns: (content.tables, content.forms) = try await campaigns(names, options)
    }
    return content
  }

  func headers(_ keys: [String]) -> [String] { keys.map { text("admin_field_" + $0) } }

  private func regions(_ names: ReferenceNames, _ options: AdminOptions) -> ([AdminTable], [AdminForm]) {
    let section = Section.regions
    let table = AdminTable(
      id: "regions", title: text("admin_section_regions"),
      headers: headers(["code", "name", "parent", "dispatching_unit_id"]),
      rows: names.regions.values.sorted { $0.code < $1.code }.map { region in
        let id = region.id.uuidString.lowercased()
        return AdminRow(
          id: id,
          cells: [
            region.code, region.name, options.regionName(region.parentID), options.unitName(region.dispatchingUnitID),
          ],
          forms: [
            AdminForm(
              id: "region-" + id, title: text("admin_edit"), action: section.change("update", region.id),
              submit: text("admin_save"),
              fields: [
                .text("name", text("admin_field_name"), region.name, required: true, maxlength: 100),
                .select(
                  "dispatching_unit_id", text("admin_field_dispatching_unit_id"),
                  options.units(region.dispatchingUnitID, none: text("admin_unchanged"))),
              ])
          ])
      })
    let add = AdminForm(
      id: "region-add", title: text("admin_add_region"), action: section.change("add"), isAdd: true,
      submit: text("admin_add"),
      fields: [
        .text(
          "code", text("admin_field_code"), "", required: true, maxlength: 32, hint: text("admin_hint_region_code")),
        .text("name", text("admin_field_name"), "", required: true, maxlength: 100),
        .select("parent_id", text("admin_field_parent_region"), options.regions(nil, none: text("admin_none_top"))),
      ])
    return ([table], [add])
  }

  private func leaders(_ names: ReferenceNames, _ options: AdminOptions) -> ([AdminTable], [AdminForm]) {
    let section = Section.leaders
    let table = AdminTable(
      id: "leaders", title: text("admin_section_leaders"),
      headers: headers(["code", "board", "region_id", "dispatching_unit_id"]),
      rows: names.leadersByCode.map { leader in
        let id = leader.id.uuidString.lowercased()
        return AdminRow(
          id: id,
          cells: [
            leader.code, leader.title, options.regionName(leader.regionID), options.unitName(leader.dispatchingUnitID),
          ],
          forms: [
            AdminForm(
              id: "leader-" + id, title: text("admin_edit"), action: section.change("update", leader.id),
              submit: text("admin_save"),
              fields: [
                .text("title", text("admin_field_board"), leader.title, required: true, maxlength: 100),
                .select(
                  "dispatching_unit_id", text("admin_field_dispatching_unit_id"),
                  options.units(leader.dispatchingUnitID, none: text("admin_unchanged"))),
              ])
          ])
      })
    let add = AdminForm(
      id: "leader-add", title: text("admin_add_leader"), action: section.change("add"), isAdd: true,
      submit: text("admin_add"),
      fields: [
        .text("code", text("admin_field_code"), "", required: true, maxlength: 32),
        .text("title", text("admin_field_board"), "", required: true, maxlength: 100, hint: text("admin_hint_board")),
        .select(
          "region_id", text("admin_field_region_id"), options.regions(nil, none: text("form_choose")), required: true),
        .select(
          "dispatching_unit_id", text("admin_field_dispatching_unit_id"), options.units(nil, none: text("form_choose"))),
      ])
    return ([table], [add])
  }

  private func units(_ names: ReferenceNames, _ options: AdminOptions) -> ([AdminTable], [AdminForm]) {
    let section = Section.units
    let dispatches = Dictionary(
      grouping: names.leaders.values.compactMap { leader in leader.dispatchingUnitID.map { ($0, leader.title) } }
        + names.regions.values.compactMap { region in region.dispatchingUnitID.map { ($0, region.name) } },
      by: \.0)
    let table = AdminTable(
      id: "units", title: text("admin_section_units"),
      headers: headers(["code", "name", "region_id", "requires_reply_review", "dispatches"]),
      rows: names.unitsByCode.map { unit in
        let id = unit.id.uuidString.lowercased()
        return AdminRow(
          id: id,
          cells: [
            unit.code, unit.name, options.regionName(unit.regionID),
            text(unit.requiresReplyReview ? "admin_yes" : "admin_no"),
            language.list((dispatches[unit.id] ?? []).map(\.1).sorted()),
          ],
          forms: [
            AdminForm(
              id: "unit-" + id, title: text("admin_edit"), action: section.change("update", unit.id),
              submit: text("admin_save"),
              fields: [
                .text("name", text("admin_field_name"), unit.name, required: true, maxlength: 100),
                .select(
                  "region_id", text("admin_field_region_id"), options.regions(unit.regionID, none: nil), required: true),
                .checkbox("requires_reply_review", text("admin_requires_review"), checked: unit.requiresReplyReview),
              ])
          ])
      })
    let add = AdminForm(
      id: "unit-add", title: text("admin_add_unit"), action: section.change("add"), isAdd: true,
      submit: text("admin_add"),
      fields: [
        .text("code", text("admin_field_code"), "", required: true, maxlength: 32),
        .text("name", text("admin_field_name"), "", required: true, maxlength: 100),
        // No region is chosen for the administrator: the first in the list is not a default.
        .select(
          "region_id", text("admin_field_region_id"), options.regions(nil, none: text("form_choose")), required: true),
        .checkbox("requires_reply_review", text("admin_requires_review"), checked: false),
      ])
    return ([table], [add])
  }

  private func categories(_ names: ReferenceNames, _ options: AdminOptions) async throws -> ([AdminTable], [AdminForm])
  {
    let section = Section.categories
    let categories = AdminTable(
      id: "categories", title: text("admin_categories"), headers: headers(["code", "name", "parent"]),
      rows: names.categories.values.sorted { $0.code < $1.code }.map { category in
        let id = category.id.uuidString.lowercased()
        return AdminRow(
          id: id,
          cells: [category.code, category.name, category.parentID.flatMap { names.categories[$0]?.name } ?? "—"],
          forms: [
            AdminForm(
              id: "category-" + id, title: text("admin_rename"), action: section.change("update", category.id),
              submit: text("admin_save"),
              fields: [.text("name", text("admin_field_name"), category.name, required: true, maxlength: 100)]),
            AdminForm(
              id: "questions-" + id, title: text("admin_questions"), action: section.change("questions", category.id),
              submit: text("admin_save"),
              fields: [
                {
                  var field = AdminField.textarea(
                    "questions", text("admin_field_questions"), ServiceQuestions.lines(category.questions),
                    required: false, maxlength: 20_000, rows: 4)
                  field.hint = text("admin_hint_questions")
                  return field
                }()
              ]),
          ])
      })
    let entries = try await store.routingRuleEntries().map { ($0, names.categories[$0.rule.categoryID]?.name ?? "—") }
      .sorted { ($0.1, $0.0.rule.regionCode ?? "") < ($1.1, $1.0.rule.regionCode ?? "") }
    let rules = AdminTable(
      id: "rules", title: text("admin_routing_rules"),
      headers: headers(["category_id", "region_code", "default_unit"]),
      rows: entries.map { entry, category in
        let id = entry.id.uuidString.lowercased()
        return AdminRow(
          id: "rule-" + id,
          cells: [category, entry.rule.regionCode ?? text("admin_all"), options.unitName(entry.rule.unitID)],
          forms: [
            AdminForm(
              id: "rule-delete-" + id, title: text("admin_delete"), action: section.change("rule-delete", entry.id),
              submit: text("admin_confirm_delete"), danger: true, fields: [])
          ])
      })
    let forms = [
      AdminForm(
        id: "category-add", title: text("admin_add_category"), action: section.change("add"), isAdd: true,
        submit: text("admin_add"),
        fields: [
          .text("code", text("admin_field_code"), "", required: true, maxlength: 32),
          .text("name", text("admin_field_name"), "", required: true, maxlength: 100),
          .select(
            "parent_id", text("admin_field_parent_category"),
            options.categories(nil, none: text("admin_none_first_level"))),
        ]),
      AdminForm(
        id: "rule-add", title: text("admin_add_rule"), action: section.change("rule"), isAdd: true,
        submit: text("admin_add"),
        fields: [
          .select("category_id", text("admin_field_category_id"), options.categories(nil, none: nil), required: true),
          .select(
            "region_code", text("admin_field_region_code_optional"), options.regionCodes(nil, none: text("admin_all")),
            hint: text("admin_hint_region_code_rule")),
          .select(
            "unit_id", text("admin_field_default_unit"), options.units(nil, none: text("form_choose")), required: true),
        ]),
    ]
    return ([categories, rules], forms)
  }
}

/// The option lists of the administration forms.
struct AdminOptions: Sendable {
  let names: ReferenceNames
  let language: Language

  func unitName(_ id: UUID?) -> String { id.flatMap { names.units[$0]?.name } ?? "—" }
  func regionName(_ id: UUID?) -> String { id.flatMap { names.regions[$0]?.name } ?? "—" }

  func units(_ selected: UUID?, none: String) -> [Option] {
    [Option(value: "", label: none, selected: selected == nil)]
      + names.unitsByCode.map { Option($0.id, $0.name, selected: selected) }
  }

  func regions(_ selected: UUID?, none: String?) -> [Option] {
    (none.map { [Option(value: "", label: $0, selected: selected == nil)] } ?? [])
      + names.regions.values.sorted { $0.code < $1.code }.map {
        Option($0.id, $0.name + language.text("in_brackets", ["text": .plain($0.code)]), selected: selected)
      }
  }

  /// Regions by their code (a routing rule names a region by code: the region and those under it).
  func regionCodes(_ selected: String?, none: String) -> [Option] {
    [Option(value: "", label: none, selected: selected == nil)]
      + names.regions.values.sorted { $0.code < $1.code }.map {
        Option(
          value: $0.code, label: $0.name + language.text("in_brackets", ["text": .plain($0.code)]),
          selected: $0.code == selected)
      }
  }

  func categories(_ selected: UUID?, none: String?) -> [Option] {
    (none.map { [Option(value: "", label: $0, selected: selected == nil)] } ?? [])
      + names.categories.values.sorted { $0.code < $1.code }.map {
        Option($0.id, $0.name + language.text("in_brackets", ["text": .plain($0.code)]), selected: selected)
      }
  }
}
