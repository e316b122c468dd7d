import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 系统管理: the administrators' pages under `/staff/admin` — regions, leaders' boards, units and
/// their dispatching rights, categories and routing rules, SLA rules and holiday calendars, banned
/// words, staff accounts and the knowledge base, and the log of every change.
///
/// Only administrators see them (anyone else gets 403 on every page and form). Every form carries
/// the session's CSRF token; every change goes through the store, which records it in
/// `reference_changes` in the same transaction.
struct AdminPages: Sendable {
  let staff: StaffPages
  let passwords: PasswordHashing

  var store: Store { staff.store }

  enum Section: String, CaseIterable, Sendable {
    case regions, leaders, units, categories, rules, words, users, knowledge

    var title: String {
      switch self {
      case .regions: "区划"
      case .leaders: "领导信箱"
      case .units: "单位"
      case .categories: "领域与分派规则"
      case .rules: "时限与节假日"
      case .words: "敏感词"
      case .users: "账号与角色"
      case .knowledge: "知识库"
      }
    }
  }

  func register(on routes: any RoutesBuilder) {
    let admin = routes.grouped("staff", "admin")
    admin.get(use: index)
    admin.get(":section", use: page)
    admin.post(":section", ":verb", use: change)
    admin.post(":section", ":verb", ":id", use: change)
  }

  // MARK: Pages

  private func administrator(_ request: Request) async throws -> StaffPages.Session? {
    guard let session = try await staff.session(request) else { return nil }
    guard session.account.role == .admin else { throw Abort(.forbidden, reason: "只有系统管理员可以使用管理功能") }
    return session
  }

  /// `/staff/admin`: the sections and the latest changes, who made them and when.
  func index(_ request: Request) async throws -> Response {
    guard let session = try await administrator(request) else { return staff.toLogin(request) }
    let names = try await store.referenceNames()
    let accounts = Dictionary(uniqueKeysWithValues: try await store.staffAccounts().map { ($0.id, $0.username) })
    let rows = try await store.recentReferenceChanges(limit: 100).map { record in
      AdminRow(
        id: record.change.id.uuidString.lowercased(),
        cells: [
          PageLanguage.zh.dateTime(record.at), record.actorID, Self.entity(record.change.entity),
          Self.verb(record.action), Self.summary(record.change, names: names, accounts: accounts),
        ], forms: [])
    }
    let content = AdminContent(
      heading: "系统管理", links: links(current: nil),
      intro: "基础数据、时限、账号和知识库的每一次修改都记录在下面（谁、何时、改成了什么），不能删除。",
      tables: [
        AdminTable(id: "changes", title: "最近的修改", headers: ["时间", "操作人", "对象", "操作", "内容"], rows: rows)
      ], forms: [])
    return try await staff.render(request, "staff/admin", title: "系统管理", session: session, content)
  }

  /// `/staff/admin/{section}`.
  func page(_ request: Request) async throws -> Response {
    guard let session = try await administrator(request) else { return staff.toLogin(request) }
    guard let section = Section(rawValue: request.parameters.get("section") ?? "") else { throw Abort(.notFound) }
    let notice = request.query[String.self, at: "done"].map { _ in "已保存" } ?? ""
    return try await render(request, section, session: session, notice: notice)
  }

  private func render(
    _ request: Request, _ section: Section, session: StaffPages.Session, notice: String = "", errors: [String] = [],
    prefill: [String: String] = [:], status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    var content = try await content(section, me: session.account)
    content.forms = content.forms.map { $0.prefilled(prefill) }
    return try await staff.render(
      request, "staff/admin", title: section.title, session: session, content, notice: notice, errors: errors,
      status: status)
  }

  private func links(current: Section?) -> [NavLink] {
    [NavLink(href: "/staff/admin", label: "修改记录", current: current == nil)]
      + Section.allCases.map { NavLink(href: "/staff/admin/" + $0.rawValue, label: $0.title, current: $0 == current) }
  }

  private func content(_ section: Section, me: StaffAccount) async throws -> AdminContent {
    let names = try await store.referenceNames()
    let regions = names.regions.values.sorted { $0.code < $1.code }
    let units = names.units.values.sorted { $0.code < $1.code }
    let categories = names.categories.values.sorted { $0.code < $1.code }
    func unitOptions(_ selected: UUID?, none: String) -> [Option] {
      [Option(value: "", label: none, selected: selected == nil)]
        + units.map { Option(value: $0.id.uuidString.lowercased(), label: $0.name, selected: $0.id == selected) }
    }
    func regionOptions(_ selected: UUID?, none: String?) -> [Option] {
      (none.map { [Option(value: "", label: $0, selected: selected == nil)] } ?? [])
        + regions.map {
          Option(value: $0.id.uuidString.lowercased(), label: "\($0.name)（\($0.code)）", selected: $0.id == selected)
        }
    }
    func categoryOptions(_ selected: UUID?, none: String?) -> [Option] {
      (none.map { [Option(value: "", label: $0, selected: selected == nil)] } ?? [])
        + categories.map {
          Option(value: $0.id.uuidString.lowercased(), label: "\($0.name)（\($0.code)）", selected: $0.id == selected)
        }
    }
    let unitName = { (id: UUID?) in id.flatMap { names.units[$0]?.name } ?? "—" }
    let regionName = { (id: UUID?) in id.flatMap { names.regions[$0]?.name } ?? "—" }
    var content = AdminContent(heading: section.title, links: links(current: section), intro: "", tables: [], forms: [])
    let base = "/staff/admin/" + section.rawValue

    switch section {
    case .regions:
      content.intro = "区划下的留言没有指定领导信箱时，由该区划的交办单位交办。"
      content.tables = [
        AdminTable(
          id: "regions", title: "区划", headers: ["代码", "名称", "上级", "交办单位"],
          rows: regions.map { region in
            AdminRow(
              id: region.id.uuidString.lowercased(),
              cells: [region.code, region.name, regionName(region.parentID), unitName(region.dispatchingUnitID)],
              forms: [
                AdminForm(
                  id: "region-" + region.id.uuidString.lowercased(), title: "修改",
                  action: "\(base)/update/\(region.id.uuidString.lowercased())", submit: "保存",
                  fields: [
                    .text("name", "名称", region.name, required: true, maxlength: 100),
                    .select("dispatching_unit_id", "交办单位", unitOptions(region.dispatchingUnitID, none: "（不变）")),
                  ])
              ])
          })
      ]
      content.forms = [
        AdminForm(
          id: "region-add", title: "新增区划", action: base + "/add", submit: "新增",
          fields: [
            .text("code", "代码", "", required: true, maxlength: 32, hint: "行政区划代码，如 990104"),
            .text("name", "名称", "", required: true, maxlength: 100),
            .select("parent_id", "上级区划", regionOptions(nil, none: "（无，作为顶级）")),
          ])
      ]

    case .leaders:
      content.intro = "每个领导信箱由一个交办单位负责交办，例如市委书记信箱由市信访办交办。"
      content.tables = [
        AdminTable(
          id: "leaders", title: "领导信箱", headers: ["代码", "信箱", "区划", "交办单位"],
          rows: names.leaders.values.sorted { $0.code < $1.code }.map { leader in
            AdminRow(
              id: leader.id.uuidString.lowercased(),
              cells: [leader.code, leader.title, regionName(leader.regionID), unitName(leader.dispatchingUnitID)],
              forms: [
                AdminForm(
                  id: "leader-" + leader.id.uuidString.lowercased(), title: "修改",
                  action: "\(base)/update/\(leader.id.uuidString.lowercased())", submit: "保存",
                  fields: [
                    .text("title", "信箱名称", leader.title, required: true, maxlength: 100),
                    .select("dispatching_unit_id", "交办单位", unitOptions(leader.dispatchingUnitID, none: "（不变）")),
                  ])
              ])
          })
      ]
      content.forms = [
        AdminForm(
          id: "leader-add", title: "新增领导信箱", action: base + "/add", submit: "新增",
          fields: [
            .text("code", "代码", "", required: true, maxlength: 32),
            .text("title", "信箱名称", "", required: true, maxlength: 100, hint: "写职务，不写姓名，如「市长」"),
            .select("region_id", "区划", regionOptions(nil, none: nil), required: true),
            .select("dispatching_unit_id", "交办单位", unitOptions(nil, none: "请选择")),
          ])
      ]

    case .units:
      content.intro = "承办单位及其是否要求答复经本单位审核后发布。交办权限在「区划」和「领导信箱」中设置。"
      let dispatches = Dictionary(
        grouping: names.leaders.values.compactMap { leader in leader.dispatchingUnitID.map { ($0, leader.title) } }
          + names.regions.values.compactMap { region in region.dispatchingUnitID.map { ($0, region.name) } },
        by: \.0)
      content.tables = [
        AdminTable(
          id: "units", title: "单位", headers: ["代码", "名称", "区划", "答复须审核", "交办"],
          rows: units.map { unit in
            AdminRow(
              id: unit.id.uuidString.lowercased(),
              cells: [
                unit.code, unit.name, regionName(unit.regionID), unit.requiresReplyReview ? "是" : "否",
                (dispatches[unit.id] ?? []).map(\.1).sorted().joined(separator: "、"),
              ],
              forms: [
                AdminForm(
                  id: "unit-" + unit.id.uuidString.lowercased(), title: "修改",
                  action: "\(base)/update/\(unit.id.uuidString.lowercased())", submit: "保存",
                  fields: [
                    .text("name", "名称", unit.name, required: true, maxlength: 100),
                    .checkbox("requires_reply_review", "答复须经本单位审核", checked: unit.requiresReplyReview),
                  ])
              ])
          })
      ]
      content.forms = [
        AdminForm(
          id: "unit-add", title: "新增单位", action: base + "/add", submit: "新增",
          fields: [
            .text("code", "代码", "", required: true, maxlength: 32),
            .text("name", "名称", "", required: true, maxlength: 100),
            .select("region_id", "区划", regionOptions(nil, none: nil), required: true),
            .checkbox("requires_reply_review", "答复须经本单位审核", checked: false),
          ])
      ]

    case .categories:
      content.intro = "留言的领域，以及「某领域、某区划的留言默认交给哪个单位」的分派规则（区划留空则适用全部区划）。"
      content.tables = [
        AdminTable(
          id: "categories", title: "领域", headers: ["代码", "名称", "上级"],
          rows: categories.map { category in
            AdminRow(
              id: category.id.uuidString.lowercased(),
              cells: [category.code, category.name, category.parentID.flatMap { names.categories[$0]?.name } ?? "—"],
              forms: [
                AdminForm(
                  id: "category-" + category.id.uuidString.lowercased(), title: "改名",
                  action: "\(base)/update/\(category.id.uuidString.lowercased())", submit: "保存",
                  fields: [.text("name", "名称", category.name, required: true, maxlength: 100)])
              ])
          }),
        AdminTable(
          id: "rules", title: "分派规则", headers: ["领域", "区划代码", "默认承办单位"],
          rows: try await store.routingRuleEntries().map { entry in
            (entry, names.categories[entry.rule.categoryID]?.name ?? "—")
          }.sorted { ($0.1, $0.0.rule.regionCode ?? "") < ($1.1, $1.0.rule.regionCode ?? "") }.map { entry, category in
            let id = entry.id.uuidString.lowercased()
            return AdminRow(
              id: "rule-" + id,
              cells: [category, entry.rule.regionCode ?? "全部", unitName(entry.rule.unitID)],
              forms: [
                AdminForm(
                  id: "rule-delete-" + id, title: "删除", action: "\(base)/rule-delete/\(id)", submit: "确认删除",
                  danger: true, fields: [])
              ])
          }),
      ]
      content.forms = [
        AdminForm(
          id: "category-add", title: "新增领域", action: base + "/add", submit: "新增",
          fields: [
            .text("code", "代码", "", required: true, maxlength: 32),
            .text("name", "名称", "", required: true, maxlength: 100),
            .select("parent_id", "上级领域", categoryOptions(nil, none: "（无，作为一级领域）")),
          ]),
        AdminForm(
          id: "rule-add", title: "新增分派规则", action: base + "/rule", submit: "新增",
          fields: [
            .select("category_id", "领域", categoryOptions(nil, none: nil), required: true),
            .text("region_code", "区划代码（可选）", "", maxlength: 32, hint: "留空适用全部区划；填写则适用该区划及其下级"),
            .select("unit_id", "默认承办单位", unitOptions(nil, none: "请选择"), required: true),
          ]),
      ]

    case .rules:
      let rules = store.rules
      let uploads = try await store.ruleDocuments()
      content.intro =
        "受理、答复时限按留言类型、急件和区划设置；工作日按国家公布的节假日和调休计算。修改只影响此后设定的期限，已定的期限不变。"
      content.tables = [
        AdminTable(
          id: "sla", title: "现行时限规则（后面的、更具体的规则优先）", headers: ["区划", "类型", "急件", "受理", "答复", "最长延期"],
          rows: rules.sla.rules.enumerated().map { index, rule in
            AdminRow(
              id: "sla-\(index)",
              cells: [
                rule.region ?? "全部", rule.type.map(PageLanguage.zh.type) ?? "全部", (rule.urgent ?? false) ? "是" : "否",
                rule.acceptance.map(Self.duration) ?? "—", rule.reply.map(Self.duration) ?? "—",
                rule.maxExtension.map { "\($0) 个工作日" } ?? "—",
              ], forms: [])
          }),
        AdminTable(
          id: "years", title: "已加载的节假日安排", headers: ["年份", "来源", "节假日", "调休上班日", "加载自"],
          rows: rules.calendar.years.values.sorted { $0.year < $1.year }.map { year in
            let upload = uploads.first { $0.kind == .calendar && $0.key == String(year.year) }
            return AdminRow(
              id: "year-\(year.year)",
              cells: [
                String(year.year), year.source, year.holidays.map(\.name).joined(separator: "、"),
                String(year.holidays.reduce(0) { $0 + $1.work.count }),
                upload.map { "上传（\($0.updatedBy)，\(PageLanguage.zh.dateTime($0.updatedAt))）" } ?? "随系统提供或配置文件",
              ], forms: [])
          }),
      ]
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      let json = (try? encoder.encode(rules.sla)).map { String(decoding: $0, as: UTF8.self) } ?? ""
      content.forms = [
        AdminForm(
          id: "calendar-upload", title: "上传一年的节假日安排", action: base + "/calendar", submit: "上传",
          intro:
            "格式与 Sources/MinshengCore/Data/calendars/cn-2026.json 相同：year、source、holidays（name、offFrom、offTo、work）。",
          multipart: true, fields: [.file("file", "节假日安排文件（JSON）")]),
        AdminForm(
          id: "sla-edit", title: "修改时限规则", action: base + "/sla", submit: "保存时限规则",
          intro: "时长写作 5wd（工作日）、24h（小时）；每条规则可按 region（区划代码）、type、urgent 限定。",
          fields: [.textarea("sla", "时限规则（JSON）", json, required: true, maxlength: 20_000, rows: 12)]),
      ]

    case .words:
      content.intro = "「拒收」的词出现在留言中时，留言人须修改后才能提交；「提示」的词在发布审核时标出。"
      content.tables = [
        AdminTable(
          id: "words", title: "敏感词", headers: ["词语", "处理"],
          rows: try await store.bannedWords().sorted { $0.word < $1.word }.map { word in
            AdminRow(
              id: word.id.uuidString.lowercased(), cells: [word.word, word.severity == .block ? "拒收" : "提示"],
              forms: [
                AdminForm(
                  id: "word-" + word.id.uuidString.lowercased(), title: "删除",
                  action: "\(base)/delete/\(word.id.uuidString.lowercased())", submit: "确认删除", danger: true,
                  fields: [])
              ])
          })
      ]
      content.forms = [
        AdminForm(
          id: "word-add", title: "新增敏感词", action: base + "/add", submit: "新增",
          fields: [
            .text("word", "词语", "", required: true, maxlength: 50),
            .select(
              "severity", "处理",
              [
                Option(value: "block", label: "拒收", selected: true),
                Option(value: "review", label: "提示审核", selected: false),
              ]),
          ])
      ]

    case .users:
      content.intro =
        "交办员、承办人、审核人和单位领导须属于一个单位；督查和管理员不属于单位。单位领导可查看本单位的件，并收到督办通知的抄送。停用的账号不能登录，其会话和令牌立即失效。"
      let roles: [Role] = [.dispatcher, .handler, .reviewer, .leader, .supervisor, .admin]
      let emails = try await store.staffEmails()
      content.tables = [
        AdminTable(
          id: "users", title: "账号", headers: ["用户名", "角色", "单位", "通知邮箱", "状态"],
          rows: try await store.staffAccounts().map { account in
            let id = account.id.uuidString.lowercased()
            var forms = [
              AdminForm(
                id: "password-" + id, title: "重设密码", action: "\(base)/password/\(id)", submit: "重设",
                fields: [.password("password", "新密码（至少 10 位）")]),
              AdminForm(
                id: "email-" + id, title: "通知邮箱", action: "\(base)/email/\(id)", submit: "保存",
                fields: [
                  .text(
                    "email", "邮箱", emails[account.username] ?? "", maxlength: 254, hint: "催办、督办通知发到这里；留空则不发邮件")
                ]),
            ]
            if account.id != me.id {
              forms.append(
                account.disabled
                  ? AdminForm(
                    id: "enable-" + id, title: "启用", action: "\(base)/enable/\(id)", submit: "确认启用", fields: [])
                  : AdminForm(
                    id: "disable-" + id, title: "停用", action: "\(base)/disable/\(id)", submit: "确认停用", danger: true,
                    fields: []))
            }
            return AdminRow(
              id: id,
              cells: [
                account.username, account.role.chinese, unitName(account.unitID), account.disabled ? "已停用" : "正常",
              ],
              forms: forms)
          })
      ]
      content.forms = [
        AdminForm(
          id: "user-add", title: "新增账号", action: base + "/add", submit: "新增",
          fields: [
            .text("username", "用户名", "", required: true, maxlength: 32, hint: "3 到 32 位字母、数字或 . - _"),
            .select(
              "role", "角色",
              roles.map { Option(value: $0.rawValue, label: $0.chinese, selected: $0 == .handler) }, required: true),
            .select("unit_id", "单位", unitOptions(nil, none: "（督查、管理员不选）")),
            .text("email", "通知邮箱（可选）", "", maxlength: 254),
            .password("password", "初始密码（至少 10 位）"),
          ])
      ]

    case .knowledge:
      let kinds = { (selected: KnowledgeEntry.Kind) in
        [
          Option(value: "answer", label: "答复口径", selected: selected == .answer),
          Option(value: "template", label: "答复模板", selected: selected == .template),
        ]
      }
      content.intro = "承办人写答复、话务员直办时可以查找并插入这里的答复口径和模板。"
      content.tables = [
        AdminTable(
          id: "knowledge", title: "知识库条目", headers: ["标题", "类别", "领域", "内容", "更新"],
          rows: try await store.searchKnowledge("", limit: 100).map { entry in
            let id = entry.id.uuidString.lowercased()
            return AdminRow(
              id: id,
              cells: [
                entry.title, entry.kind == .answer ? "答复口径" : "答复模板",
                entry.categoryID.flatMap { names.categories[$0]?.name } ?? "全部", entry.body,
                PageLanguage.zh.dateTime(entry.updatedAt),
              ],
              forms: [
                AdminForm(
                  id: "knowledge-" + id, title: "修改", action: "\(base)/update/\(id)", submit: "保存",
                  fields: [
                    .select("kind", "类别", kinds(entry.kind)),
                    .text("title", "标题", entry.title, required: true, maxlength: 100),
                    .select("category_id", "领域", categoryOptions(entry.categoryID, none: "全部领域")),
                    .textarea("body", "内容", entry.body, required: true, maxlength: 5_000, rows: 6),
                  ]),
                AdminForm(
                  id: "knowledge-delete-" + id, title: "删除", action: "\(base)/delete/\(id)", submit: "确认删除",
                  danger: true, fields: []),
              ])
          })
      ]
      content.forms = [
        AdminForm(
          id: "knowledge-add", title: "新增条目", action: base + "/add", submit: "新增",
          fields: [
            .select("kind", "类别", kinds(.answer)),
            .text("title", "标题", "", required: true, maxlength: 100),
            .select("category_id", "领域", categoryOptions(nil, none: "全部领域")),
            .textarea("body", "内容", "", required: true, maxlength: 5_000, rows: 6),
          ])
      ]
    }
    return content
  }

  // MARK: Changes

  struct CalendarUpload: Decodable {
    var _csrf: String?
    var file: File?
  }

  /// `POST /staff/admin/{section}/{verb}[/{id}]`: one change. On success the section is shown again
  /// with a notice (303, so a reload does not repeat it); a refused change shows the section with the
  /// reasons and the add form as it was filled in.
  func change(_ request: Request) async throws -> Response {
    guard let session = try await administrator(request) else { return staff.toLogin(request) }
    guard let section = Section(rawValue: request.parameters.get("section") ?? ""),
      let verb = request.parameters.get("verb")
    else { throw Abort(.notFound) }
    let id = request.parameters.get("id").map { UUID(uuidString: $0) }
    if case .some(.none) = id { throw Abort(.notFound) }
    let actor = session.account.username
    let now = staff.clock()
    var fields: [String: String] = [:]
    var upload: Data?
    if section == .rules, verb == "calendar" {
      let form = (try? request.content.decode(CalendarUpload.self)) ?? CalendarUpload()
      fields["_csrf"] = form._csrf
      upload = form.file.map { Data($0.data.readableBytesView) }
    } else {
      fields = (try? request.content.decode([String: String].self)) ?? [:]
    }
    try staff.checkCSRF(fields["_csrf"], session)
    func text(_ name: String) -> String { fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
    func uuid(_ name: String) -> UUID? { UUID(uuidString: text(name)) }
    func required(_ name: String) throws -> UUID {
      guard let value = uuid(name) else { throw ValidationError(field: name, reason: .missing) }
      return value
    }
    func account() async throws -> StaffAccount {
      guard let found = try await store.staffAccounts().first(where: { $0.id == id ?? nil }) else {
        throw StoreError.notFound("账号")
      }
      return found
    }

    do {
      switch (section, verb, id ?? nil) {
      case (.regions, "add", nil):
        _ = try await store.createRegion(
          code: text("code"), name: text("name"), parent: uuid("parent_id"), by: actor, at: now)
      case (.regions, "update", let id?):
        _ = try await store.updateRegion(
          id, name: text("name"), dispatchingUnit: uuid("dispatching_unit_id"), by: actor, at: now)
      case (.leaders, "add", nil):
        _ = try await store.createLeader(
          code: text("code"), title: text("title"), region: try required("region_id"),
          dispatchingUnit: uuid("dispatching_unit_id"), by: actor, at: now)
      case (.leaders, "update", let id?):
        _ = try await store.updateLeader(
          id, title: text("title"), dispatchingUnit: uuid("dispatching_unit_id"), by: actor, at: now)
      case (.units, "add", nil):
        _ = try await store.createUnit(
          code: text("code"), name: text("name"), region: try required("region_id"),
          requiresReplyReview: fields["requires_reply_review"] == "yes", by: actor, at: now)
      case (.units, "update", let id?):
        _ = try await store.updateUnit(
          id, name: text("name"), requiresReplyReview: fields["requires_reply_review"] == "yes", by: actor, at: now)
      case (.categories, "add", nil):
        _ = try await store.createCategory(
          code: text("code"), name: text("name"), parent: uuid("parent_id"), by: actor, at: now)
      case (.categories, "update", let id?):
        _ = try await store.updateCategory(id, name: text("name"), by: actor, at: now)
      case (.categories, "rule", nil):
        try await store.addRoutingRule(
          RoutingRule(
            categoryID: try required("category_id"),
            regionCode: text("region_code").isEmpty ? nil : text("region_code"),
            unitID: try required("unit_id")), by: actor, at: now)
      case (.categories, "rule-delete", let id?):
        try await store.removeRoutingRule(id, by: actor, at: now)
        return done(request, section, "分派规则已删除；此后收到的留言不再按它建议承办单位")
      case (.rules, "calendar", nil):
        guard let upload, !upload.isEmpty else { throw ValidationError(field: "file", reason: .missing) }
        let year = try await store.saveCalendarYear(json: upload, by: actor, at: now)
        return done(request, section, "\(year.year) 年节假日安排已加载")
      case (.rules, "sla", nil):
        try await store.saveSLA(json: Data(text("sla").utf8), by: actor, at: now)
      case (.words, "add", nil):
        guard let severity = BannedWord.Severity(rawValue: text("severity")) else {
          throw ValidationError(field: "severity", reason: .missing)
        }
        _ = try await store.addBannedWord(text("word"), severity: severity, by: actor, at: now)
      case (.words, "delete", let id?):
        try await store.removeBannedWord(id, by: actor, at: now)
      case (.users, "add", nil):
        guard let role = Role(rawValue: text("role")) else { throw ValidationError(field: "role", reason: .missing) }
        let password = fields["password"] ?? ""
        try StaffAccount.validate(username: text("username"), role: role, unitID: uuid("unit_id"), password: password)
        guard role.belongsToUnit || uuid("unit_id") == nil else {
          throw ValidationError(field: "unit", reason: .invalid("督查和管理员不属于单位"))
        }
        if !text("email").isEmpty, !Store.isEmailAddress(text("email")) {
          throw ValidationError(field: "email", reason: .invalid("邮箱地址格式不对"))
        }
        _ = try await store.createStaffAccount(
          username: text("username"), passwordHash: try passwords.hash(password), role: role, unitID: uuid("unit_id"),
          by: actor, at: now)
        if !text("email").isEmpty {
          try await store.setEmail(username: text("username"), email: text("email"), by: actor, at: now)
        }
      case (.users, "email", _?):
        try await store.setEmail(username: try await account().username, email: text("email"), by: actor, at: now)
      case (.users, "password", _?):
        let password = fields["password"] ?? ""
        guard password.count >= 10 else {
          throw ValidationError(field: "password", reason: .invalid("密码至少 10 位"))
        }
        try await store.setPassword(
          username: try await account().username, passwordHash: try passwords.hash(password), by: actor, at: now)
      case (.users, "disable", let id?):
        guard id != session.account.id else {
          throw ValidationError(field: "account", reason: .invalid("不能停用自己的账号"))
        }
        try await store.disable(username: try await account().username, by: actor, at: now)
      case (.users, "enable", _?):
        try await store.enable(username: try await account().username, by: actor, at: now)
      case (.knowledge, "add", nil), (.knowledge, "update", _?):
        try await store.saveKnowledge(
          id: id ?? nil, kind: KnowledgeEntry.Kind(rawValue: text("kind")) ?? .answer, title: text("title"),
          body: text("body"), category: uuid("category_id"), by: actor, at: now)
      case (.knowledge, "delete", let id?):
        try await store.deleteKnowledge(id, by: actor, at: now)
      default:
        throw Abort(.notFound)
      }
    } catch let error as ValidationError {
      return try await render(
        request, section, session: session, errors: error.problems.map { Self.label($0.field) + "：" + $0.message },
        prefill: id == nil ? fields : [:], status: .unprocessableEntity)
    } catch let error as StoreError {
      let status: HTTPResponseStatus
      switch error {
      case .notFound: status = .notFound
      case .duplicate, .conflict: status = .conflict
      default: throw error
      }
      return try await render(
        request, section, session: session, errors: [error.message], prefill: id == nil ? fields : [:], status: status)
    }
    return done(request, section, "已保存")
  }

  private func done(_ request: Request, _ section: Section, _ notice: String) -> Response {
    let query = notice.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
    return request.redirect(to: "/staff/admin/\(section.rawValue)?done=\(query)", redirectType: .normal)
  }

  // MARK: Words

  static func label(_ field: String) -> String {
    [
      "code": "代码", "name": "名称", "title": "名称", "parent_id": "上级", "region_id": "区划", "region_code": "区划代码",
      "dispatching_unit_id": "交办单位", "category_id": "领域", "unit_id": "单位", "unit": "单位", "file": "文件",
      "sla": "时限规则", "word": "词语", "severity": "处理", "username": "用户名", "role": "角色", "password": "密码",
      "body": "内容", "account": "账号", "email": "邮箱",
    ][field] ?? field
  }

  static func entity(_ name: String) -> String {
    [
      "region": "区划", "leader": "领导信箱", "unit": "单位", "category": "领域", "routing_rule": "分派规则",
      "banned_word": "敏感词", "knowledge_entry": "知识库", "staff_account": "账号", "calendar_year": "节假日安排",
      "sla_rules": "时限规则",
    ][name] ?? name
  }

  static func verb(_ action: String) -> String {
    [
      "create": "新增", "update": "修改", "delete": "删除", "disable": "停用", "enable": "启用", "set_password": "重设密码",
    ][action] ?? action
  }

  /// What the change set, in words (names rather than ids; never a password hash — none is recorded).
  static func summary(
    _ change: ReferenceChange, names: ReferenceNames, accounts: [UUID: String]
  ) -> String {
    let fields: [(String, String)] = [
      ("code", "代码"), ("name", "名称"), ("title", "名称"), ("username", "用户名"), ("role", "角色"), ("word", "词语"),
      ("severity", "处理"), ("kind", "类别"), ("year", "年份"), ("source", "来源"), ("rules", "规则条数"),
      ("region_code", "区划代码"), ("requires_reply_review", "答复须审核"), ("disabled", "已停用"), ("email", "邮箱"),
    ]
    var parts = fields.compactMap { key, label in
      change.after[key].flatMap { $0.isEmpty ? nil : label + "：" + $0 }
    }
    for key in ["unit_id", "dispatching_unit_id"] {
      if let id = change.after[key].flatMap(UUID.init(uuidString:)), let unit = names.units[id] {
        parts.append((key == "unit_id" ? "单位：" : "交办单位：") + unit.name)
      }
    }
    if let id = change.after["category_id"].flatMap(UUID.init(uuidString:)), let category = names.categories[id] {
      parts.append("领域：" + category.name)
    }
    return parts.joined(separator: "；")
  }

  static func duration(_ duration: SLADuration) -> String {
    switch duration {
    case .workingDays(let n): "\(n) 个工作日"
    case .days(let n): "\(n) 天"
    case .hours(let n): "\(n) 小时"
    }
  }
}

// MARK: Contexts

struct AdminContent: Encodable, Sendable {
  var heading: String
  var links: [NavLink]
  var intro: String
  var tables: [AdminTable]
  var forms: [AdminForm]
}

struct AdminTable: Encodable, Sendable {
  var id: String
  var title: String
  var headers: [String]
  var rows: [AdminRow]
  var hasForms: Bool

  init(id: String, title: String, headers: [String], rows: [AdminRow]) {
    (self.id, self.title, self.headers, self.rows) = (id, title, headers, rows)
    hasForms = rows.contains { !$0.forms.isEmpty }
  }
}

struct AdminRow: Encodable, Sendable {
  var id: String
  var cells: [String]
  var forms: [AdminForm]
}

struct AdminForm: Encodable, Sendable {
  var id: String
  var title: String
  var action: String
  var submit: String
  var intro: String = ""
  var multipart = false
  var danger = false
  var fields: [AdminField]

  /// The form with the values that were sent (after a refused change), passwords excepted.
  func prefilled(_ values: [String: String]) -> AdminForm {
    guard !values.isEmpty, action.hasSuffix("/add") else { return self }
    var form = self
    form.fields = fields.map { field in
      var field = field
      guard field.kind != "password", field.kind != "file" else { return field }
      let value = values[field.name] ?? ""
      switch field.kind {
      case "checkbox": field.checked = value == "yes"
      case "select":
        field.options = field.options.map { Option(value: $0.value, label: $0.label, selected: $0.value == value) }
      default: field.value = value
      }
      return field
    }
    return form
  }
}

struct AdminField: Encodable, Sendable {
  var name: String
  var label: String
  var kind: String
  var value = ""
  var required = false
  var maxlength = 100
  var rows = 4
  var checked = false
  var options: [Option] = []
  var hint = ""

  static func text(
    _ name: String, _ label: String, _ value: String, required: Bool = false, maxlength: Int, hint: String = ""
  ) -> AdminField {
    AdminField(
      name: name, label: label, kind: "text", value: value, required: required, maxlength: maxlength, hint: hint)
  }

  static func textarea(
    _ name: String, _ label: String, _ value: String, required: Bool, maxlength: Int, rows: Int
  ) -> AdminField {
    AdminField(
      name: name, label: label, kind: "textarea", value: value, required: required, maxlength: maxlength, rows: rows)
  }

  static func select(_ name: String, _ label: String, _ options: [Option], required: Bool = false) -> AdminField {
    AdminField(name: name, label: label, kind: "select", required: required, options: options)
  }

  static func checkbox(_ name: String, _ label: String, checked: Bool) -> AdminField {
    AdminField(name: name, label: label, kind: "checkbox", checked: checked)
  }

  static func password(_ name: String, _ label: String) -> AdminField {
    AdminField(name: name, label: label, kind: "password", required: true, maxlength: 128)
  }

  static func file(_ name: String, _ label: String) -> AdminField {
    AdminField(name: name, label: label, kind: "file", required: true)
  }
}
