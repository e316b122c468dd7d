import Foundation
import MinshengCore
import MinshengStore

extension AdminSections {
  func rules(_ names: ReferenceNames, _ options: AdminOptions) async throws -> ([AdminTable], [AdminForm]) {
    let section = Section.rules
    let rules = store.rules
    let uploads = try await store.ruleDocuments()
    let fingerprint = Store.slaFingerprint(rules.sla)
    let sla = AdminTable(
      id: "sla", title: text("admin_sla_table"),
      headers: ["region", "type", "urgent", "dispatch", "acceptance", "reply", "max_extension"].map {
        text("admin_sla_" + $0)
      },
      rows: rules.sla.rules.enumerated().map { index, rule in
        AdminRow(
          id: "sla-\(index)",
          cells: [
            rule.region.map { code in
              names.regions.values.first { $0.code == code }.map {
                $0.name + language.text("in_brackets", ["text": .plain(code)])
              } ?? code
            } ?? text("admin_all"),
            rule.type.map(language.name) ?? text("admin_all"),
            text((rule.urgent ?? false) ? "admin_yes" : "admin_no"), rule.dispatch.map(language.duration) ?? "—",
            rule.acceptance.map(language.duration) ?? "—",
            rule.reply.map(language.duration) ?? "—",
            rule.maxExtension.map { language.duration(.workingDays($0)) } ?? "—",
          ],
          forms: [
            AdminForm(
              id: "sla-edit-\(index)", title: text("admin_edit"), action: section.change("sla-update"),
              submit: text("admin_save"),
              fields: [.hidden("index", String(index)), .hidden("sla_fingerprint", fingerprint)]
                + slaFields(rule, options)),
            AdminForm(
              id: "sla-delete-\(index)", title: text("admin_delete"), action: section.change("sla-delete"),
              submit: text("admin_confirm_delete"), danger: true,
              fields: [.hidden("index", String(index)), .hidden("sla_fingerprint", fingerprint)]),
          ])
      })
    let years = AdminTable(
      id: "years", title: text("admin_years_table"),
      headers: ["year", "source", "holidays", "makeup", "loaded_from"].map { text("admin_years_" + $0) },
      rows: rules.calendar.years.values.sorted { $0.year < $1.year }.map { year in
        let upload = uploads.first { $0.kind == .calendar && $0.key == String(year.year) }
        return AdminRow(
          id: "year-\(year.year)",
          cells: [
            String(year.year), year.source, language.list(year.holidays.map(\.name)),
            String(year.holidays.reduce(0) { $0 + $1.work.count }),
            upload.map {
              text(
                "admin_years_uploaded", ["who": .plain($0.updatedBy), "when": .plain(language.dateTime($0.updatedAt))])
            } ?? text("admin_years_shipped"),
          ], forms: [])
      })
    // Every holiday with its days; those of years entered here can be removed one by one.
    let holidays = AdminTable(
      id: "holidays", title: text("admin_holidays_table"),
      headers: ["year", "name", "off", "makeup"].map { text("admin_holidays_" + $0) },
      rows: rules.calendar.years.values.sorted { $0.year < $1.year }.flatMap { year in
        let entered = uploads.contains { $0.kind == .calendar && $0.key == String(year.year) }
        return year.holidays.map { holiday in
          AdminRow(
            id: "holiday-\(holiday.offFrom)",
            cells: [
              String(year.year), holiday.name,
              holiday.offFrom == holiday.offTo ? "\(holiday.offFrom)" : "\(holiday.offFrom) – \(holiday.offTo)",
              holiday.work.isEmpty ? "—" : language.list(holiday.work.map(\.description)),
            ],
            forms: entered
              ? [
                AdminForm(
                  id: "holiday-delete-\(holiday.offFrom)", title: text("admin_delete"),
                  action: section.change("holiday-delete"), submit: text("admin_confirm_delete"), danger: true,
                  fields: [.hidden("year", String(year.year)), .hidden("off_from", holiday.offFrom.description)])
              ] : [])
        }
      })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let json = (try? encoder.encode(rules.sla)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    let forms = [
      AdminForm(
        id: "sla-add", title: text("admin_sla_add"), action: section.change("sla-add"), isAdd: true,
        submit: text("admin_add"), intro: text("admin_sla_add_intro"),
        fields: [.hidden("sla_fingerprint", fingerprint)] + slaFields(SLARule(), options)),
      AdminForm(
        id: "holiday-add", title: text("admin_holiday_add"), action: section.change("holiday-add"), isAdd: true,
        submit: text("admin_add"), intro: text("admin_holiday_add_intro"),
        fields: [
          .number("year", text("admin_holidays_year"), "", required: true),
          .text("source", text("admin_holiday_source"), "", maxlength: 200, hint: text("admin_holiday_source_hint")),
          .text("name", text("admin_holidays_name"), "", required: true, maxlength: 50),
          .date("off_from", text("admin_holiday_off_from"), required: true),
          .date("off_to", text("admin_holiday_off_to"), required: true),
          .text(
            "work", text("admin_holidays_makeup"), "", maxlength: 200, hint: text("admin_holiday_makeup_hint")),
        ]),
      AdminForm(
        id: "calendar-upload", title: text("admin_calendar_upload"), action: section.change("calendar"),
        submit: text("admin_upload"), intro: text("admin_calendar_upload_intro"), multipart: true,
        fields: [.file("file", text("admin_calendar_file"))]),
      AdminForm(
        id: "sla-edit", title: text("admin_sla_edit"), action: section.change("sla"), submit: text("admin_sla_save"),
        intro: text("admin_sla_edit_intro"),
        fields: [.textarea("sla", text("admin_sla_json"), json, required: true, maxlength: 20_000, rows: 12)]),
    ]
    return ([sla, holidays, years], forms)
  }

  /// The fields of one SLA rule: where and to what it applies, and each limit as a number and a unit.
  private func slaFields(_ rule: SLARule, _ options: AdminOptions) -> [AdminField] {
    func duration(_ name: String, _ value: SLADuration?) -> [AdminField] {
      let (count, unit): (String, String) =
        switch value {
        case .workingDays(let n)?: (String(n), "wd")
        case .days(let n)?: (String(n), "d")
        case .hours(let n)?: (String(n), "h")
        case nil: ("", "wd")
        }
      return [
        .number(name + "_n", text("admin_sla_" + name), count, hint: text("admin_sla_blank_inherits")),
        .select(
          name + "_unit", text("admin_sla_unit_of", ["what": .key("admin_sla_" + name)]),
          ["wd", "d", "h"].map { Option(value: $0, label: text("admin_sla_unit_" + $0), selected: $0 == unit) }),
      ]
    }
    return [
      .select("region_code", text("admin_sla_region"), options.regionCodes(rule.region, none: text("admin_all"))),
      .select(
        "type", text("admin_sla_type"),
        [Option(value: "", label: text("admin_all"), selected: rule.type == nil)]
          + MessageType.allCases.map { Option(value: $0.rawValue, label: language.name($0), selected: $0 == rule.type) }
      ),
      .checkbox("urgent", text("admin_sla_urgent_rule"), checked: rule.urgent ?? false),
    ] + duration("dispatch", rule.dispatch) + duration("acceptance", rule.acceptance) + duration("reply", rule.reply)
      + [
        .number(
          "max_extension", text("admin_sla_max_extension_days"), rule.maxExtension.map(String.init) ?? "",
          hint: text("admin_sla_blank_inherits"))
      ]
  }

  func words() async throws -> ([AdminTable], [AdminForm]) {
    let section = Section.words
    let table = AdminTable(
      id: "words", title: text("admin_section_words"),
      headers: [text("admin_field_word"), text("admin_field_severity")],
      rows: try await store.bannedWords().sorted { $0.word < $1.word }.map { word in
        let id = word.id.uuidString.lowercased()
        return AdminRow(
          id: id, cells: [word.word, text("admin_severity_" + word.severity.rawValue)],
          forms: [
            AdminForm(
              id: "word-" + id, title: text("admin_delete"), action: section.change("delete", word.id),
              submit: text("admin_confirm_delete"), danger: true, fields: [])
          ])
      })
    let add = AdminForm(
      id: "word-add", title: text("admin_add_word"), action: section.change("add"), isAdd: true,
      submit: text("admin_add"),
      fields: [
        .text("word", text("admin_field_word"), "", required: true, maxlength: 50),
        .select(
          "severity", text("admin_field_severity"),
          BannedWord.Severity.allCases.map {
            Option(value: $0.rawValue, label: text("admin_severity_option_" + $0.rawValue), selected: $0 == .block)
          }),
      ])
    return ([table], [add])
  }

  func users(_ names: ReferenceNames, _ options: AdminOptions) async throws -> ([AdminTable], [AdminForm]) {
    let section = Section.users
    let roles: [Role] = [.dispatcher, .handler, .reviewer, .leader, .supervisor, .admin]
    let emails = try await store.staffEmails()
    let passwordLabel = text("admin_new_password", ["min": .number(PasswordPolicy.minimumLength)])
    let table = AdminTable(
      id: "users", title: text("admin_accounts"), headers: headers(["username", "role", "unit_id", "email", "state"]),
      rows: try await store.staffAccounts().map { account in
        let id = account.id.uuidString.lowercased()
        var forms = [
          AdminForm(
            id: "password-" + id, title: text("admin_reset_password"), action: section.change("password", account.id),
            submit: text("admin_reset"), fields: [.password("password", passwordLabel)]),
          AdminForm(
            id: "email-" + id, title: text("admin_field_email"), action: section.change("email", account.id),
            submit: text("admin_save"),
            fields: [
              .text(
                "email", text("admin_email"), emails[account.username] ?? "", maxlength: 254,
                hint: text("admin_hint_email"))
            ]),
        ]
        if account.id != me.id {
          forms.append(
            account.disabled
              ? AdminForm(
                id: "enable-" + id, title: text("admin_enable"), action: section.change("enable", account.id),
                submit: text("admin_confirm_enable"), fields: [])
              : AdminForm(
                id: "disable-" + id, title: text("admin_disable"), action: section.change("disable", account.id),
                submit: text("admin_confirm_disable"), danger: true, fields: []))
        }
        return AdminRow(
          id: id,
          cells: [
            account.username, language.name(account.role), options.unitName(account.unitID),
            emails[account.username].flatMap { $0.isEmpty ? nil : $0 } ?? "—",
            text(account.disabled ? "admin_disabled" : "admin_active"),
          ],
          forms: forms)
      })
    let add = AdminForm(
      id: "user-add", title: text("admin_add_user"), action: section.change("add"), isAdd: true,
      submit: text("admin_add"),
      fields: [
        .text(
          "username", text("admin_field_username"), "", required: true, maxlength: 32, hint: text("admin_hint_username")
        ),
        .select(
          "role", text("admin_field_role"),
          roles.map { Option(value: $0.rawValue, label: language.name($0), selected: $0 == .handler) }, required: true),
        .select("unit_id", text("admin_field_unit_id"), options.units(nil, none: text("admin_none_unit"))),
        .text("email", text("admin_email_optional"), "", maxlength: 254),
        .password("password", text("admin_initial_password", ["min": .number(PasswordPolicy.minimumLength)])),
      ])
    return ([table], [add])
  }

  func knowledge(_ names: ReferenceNames, _ options: AdminOptions) async throws -> ([AdminTable], [AdminForm]) {
    let section = Section.knowledge
    let kinds = { (selected: KnowledgeEntry.Kind) in
      KnowledgeEntry.Kind.allCases.map {
        Option(value: $0.rawValue, label: text("knowledge_" + $0.rawValue), selected: $0 == selected)
      }
    }
    let table = AdminTable(
      id: "knowledge", title: text("admin_knowledge_table"),
      headers: headers(["title", "kind", "category_id", "body", "updated"]),
      rows: try await store.searchKnowledge("", limit: 100).map { entry in
        let id = entry.id.uuidString.lowercased()
        return AdminRow(
          id: id,
          cells: [
            entry.title, text("knowledge_" + entry.kind.rawValue),
            entry.categoryID.flatMap { names.categories[$0]?.name } ?? text("admin_all"), entry.body,
            language.dateTime(entry.updatedAt),
          ],
          forms: [
            AdminForm(
              id: "knowledge-" + id, title: text("admin_edit"), action: section.change("update", entry.id),
              submit: text("admin_save"),
              fields: [
                .select("kind", text("admin_field_kind"), kinds(entry.kind)),
                .text("title", text("admin_field_title"), entry.title, required: true, maxlength: 100),
                .select(
                  "category_id", text("admin_field_category_id"),
                  options.categories(entry.categoryID, none: text("admin_all_categories"))),
                .textarea("body", text("admin_field_body"), entry.body, required: true, maxlength: 5_000, rows: 6),
              ]),
            AdminForm(
              id: "knowledge-delete-" + id, title: text("admin_delete"), action: section.change("delete", entry.id),
              submit: text("admin_confirm_delete"), danger: true, fields: []),
          ])
      })
    let add = AdminForm(
      id: "knowledge-add", title: text("admin_add_knowledge"), action: section.change("add"), isAdd: true,
      submit: text("admin_add"),
      fields: [
        .select("kind", text("admin_field_kind"), kinds(.answer)),
        .text("title", text("admin_field_title"), "", required: true, maxlength: 100),
        .select(
          "category_id", text("admin_field_category_id"), options.categories(nil, none: text("admin_all_categories"))),
        .textarea("body", text("admin_field_body"), "", required: true, maxlength: 5_000, rows: 6),
      ])
    return ([table], [add])
  }
}
