import Foundation
import MinshengCore
import Vapor

/// A path parameter: its name, when a route is registered, or its value, when a link is made.
enum Parameter<Value: Sendable & Equatable>: Sendable, Equatable {
  case key
  case value(Value)
}

/// 站点地图: every path of the service. Each case both registers its route (`pathComponents`) and
/// makes its links (`path`), so a renamed path cannot leave a dead link behind; `Routes.swift` is the
/// one place routes are declared, and no template or handler writes a path by hand.
enum SiteURL: Sendable, Equatable {
  // The citizens' website.
  case home
  case messages
  case search
  case message(Parameter<UUID>)
  case write
  case writeCode
  case writeSuggest
  case track
  case trackEvaluate
  case trackThanks
  case trackForget
  /// 撤回: the author withdraws a message not yet dispatched.
  case trackWithdraw
  case account
  case accountCode
  case accountLogin
  case accountLogout
  case accountOpen
  case accountNotices
  case unit(Parameter<UUID>)
  /// 写感谢信: a letter to a unit without a case of the author's own.
  case unitThanks(Parameter<UUID>)
  case leader(Parameter<UUID>)
  case region(Parameter<UUID>)
  case overdue
  /// 统计公开.
  case stats
  /// 感谢信: the latest letters to every unit.
  case thanks
  /// 年度表彰: the latest published year, and one year's lists.
  case honours
  case honoursYear(Parameter<String>)
  /// 人民建议征集: the campaigns and the latest suggestions; one campaign; 附议 on a suggestion.
  case suggestions
  case campaign(Parameter<UUID>)
  case support(Parameter<UUID>)
  /// A published document file (an adoption step's policy, a campaign's notice).
  case document(Parameter<UUID>)
  /// 表彰奖励: the published rounds, and one round's winners.
  case awards
  case award(Parameter<UUID>)
  case media(Parameter<UUID>)
  case language(Parameter<String>)
  /// 关怀版 (适老化): `on` or `off`.
  case care(Parameter<String>)
  // The staff workbench.
  case staff(StaffURL)
  // The JSON API.
  case api(APIURL)
  /// Open311 GeoReport v2: `discovery`, `services` or `requests` with `.xml` or `.json`, one service's
  /// definition, one request.
  case open311(Parameter<String>)
  case open311Service(Parameter<String>)
  case open311Request(Parameter<String>)
  // The service itself.
  case healthz
  case metrics
  case ping

  /// The path's segments: fixed words, and named parameters with their values when known.
  var segments: [Segment] {
    switch self {
    case .home: []
    case .messages: ["messages"]
    case .search: ["search"]
    case .message(let id): ["messages", .uuid("id", id)]
    case .write: ["write"]
    case .writeCode: ["write", "code"]
    case .writeSuggest: ["write", "suggest"]
    case .track: ["track"]
    case .trackEvaluate: ["track", "evaluate"]
    case .trackThanks: ["track", "thanks"]
    case .trackForget: ["track", "forget"]
    case .trackWithdraw: ["track", "withdraw"]
    case .account: ["account"]
    case .accountCode: ["account", "code"]
    case .accountLogin: ["account", "login"]
    case .accountLogout: ["account", "logout"]
    case .accountNotices: ["account", "notices"]
    case .accountOpen: ["account", "open"]
    case .unit(let id): ["units", .uuid("id", id)]
    case .unitThanks(let id): ["units", .uuid("id", id), "thanks"]
    case .leader(let id): ["leaders", .uuid("id", id)]
    case .region(let id): ["regions", .uuid("id", id)]
    case .overdue: ["overdue"]
    case .stats: ["stats"]
    case .honours: ["honours"]
    case .thanks: ["thanks"]
    case .honoursYear(let year): ["honours", .text("year", year)]
    case .suggestions: ["suggestions"]
    case .campaign(let id): ["suggestions", "campaigns", .uuid("id", id)]
    case .support(let id): ["suggestions", .uuid("id", id), "support"]
    case .document(let id): ["documents", .uuid("id", id)]
    case .awards: ["suggestions", "awards"]
    case .award(let id): ["suggestions", "awards", .uuid("id", id)]
    case .media(let id): ["media", .uuid("id", id)]
    case .language(let code): ["lang", .text("code", code)]
    case .care(let mode): ["care", .text("mode", mode)]
    case .staff(let staff): ["staff"] + staff.segments
    case .api(let api): ["api", "v1"] + api.segments
    case .open311(let file): ["open311", "v2", .text("file", file)]
    case .open311Service(let file): ["open311", "v2", "services", .text("file", file)]
    case .open311Request(let file): ["open311", "v2", "requests", .text("file", file)]
    case .healthz: ["healthz"]
    case .metrics: ["metrics"]
    case .ping: ["ping"]
    }
  }

  /// The components a route is registered with (`:id` for a parameter).
  var pathComponents: [PathComponent] {
    segments.map { segment in
      switch segment {
      case .fixed(let word): .constant(word)
      case .parameter(let name, _): .parameter(name)
      }
    }
  }

  /// The link: `/messages/2f…`, parameters filled in (a parameter without a value keeps its name).
  var path: String {
    "/"
      + segments.map { segment in
        switch segment {
        case .fixed(let word): word
        case .parameter(let name, let value): value.map(Self.encodedSegment) ?? ":" + name
        }
      }.joined(separator: "/")
  }

  /// A path segment percent-encoded; ids, serials and codes (letters, digits, `-`, `_`, `.`) need
  /// nothing, and a queue page builds a few hundred links, so those are returned as they are.
  static func encodedSegment(_ value: String) -> String {
    let plain = value.utf8.allSatisfy {
      (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D || $0 == 0x5F
        || $0 == 0x2E
    }
    return plain ? value : value.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? ""
  }

  private static let segmentCharacters = CharacterSet.urlPathAllowed.subtracting(["/"])

  /// The link with a query: `/messages?unit=…`; empty values are left out.
  func path(query items: [(String, String?)]) -> String {
    let kept = items.compactMap { name, value in
      value.flatMap { $0.isEmpty ? nil : Self.encoded(name) + "=" + Self.encoded($0) }
    }
    return kept.isEmpty ? path : path + "?" + kept.joined(separator: "&")
  }

  /// A query name or value percent-encoded so that it stays one item: besides what a query may not
  /// hold, `&`, `=`, `+` and `#` are encoded too (URLComponents leaves them, which splits a value
  /// such as `/messages?type=a&status=b` into two items).
  static func encoded(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: queryValueCharacters) ?? ""
  }

  private static let queryValueCharacters: CharacterSet = {
    var set = CharacterSet.urlQueryAllowed
    set.remove(charactersIn: "&=+#")
    return set
  }()
}

/// One segment of a path.
enum Segment: Sendable, Equatable, ExpressibleByStringLiteral {
  case fixed(String)
  case parameter(String, value: String?)

  init(stringLiteral value: String) { self = .fixed(value) }

  static func uuid(_ name: String, _ parameter: Parameter<UUID>) -> Segment {
    if case .value(let id) = parameter { return .parameter(name, value: id.uuidString.lowercased()) }
    return .parameter(name, value: nil)
  }

  static func text(_ name: String, _ parameter: Parameter<String>) -> Segment {
    if case .value(let text) = parameter { return .parameter(name, value: text) }
    return .parameter(name, value: nil)
  }
}

/// The staff workbench's paths, under `/staff`.
enum StaffURL: Sendable, Equatable {
  case home
  case login
  case logout
  case pool
  case inbox
  case supervision
  /// 批量催办、督办: the cases ticked on the supervision board.
  case supervisionBulk
  /// 热点转办: a hot topic referred to a unit as a suggestion.
  case referral
  /// 标为已读: the inbox's notices.
  case noticesRead
  case intake
  case moderation
  /// 案件检索: every case the viewer may read, by text, number, name or serial.
  case search
  case moderate(Parameter<UUID>)
  /// 感谢信审核: a held letter to a unit.
  case moderateThanks(Parameter<UUID>)
  case message(Parameter<UUID>)
  case action(Parameter<UUID>, Parameter<String>)
  /// 评价申诉, and its decision (申诉复核).
  case appealRating(Parameter<UUID>)
  case decideAppeal(Parameter<UUID>)
  /// 人民建议: make a 建议 message a suggestion, give its outcome, record a step of its adoption.
  case openProposal(Parameter<UUID>)
  case evaluateProposal(Parameter<UUID>)
  case recordAdoption(Parameter<UUID>)
  /// 领导批示 on a suggestion.
  case recordInstruction(Parameter<UUID>)
  /// 专家评审: the office names a panel; a member's list and the opinion page.
  case nameReviewers(Parameter<UUID>)
  case reviews
  case review(Parameter<UUID>)
  /// 建议评奖: the rounds (and a new one), one round's nominees, a score, publication.
  case awards
  case awardRound(Parameter<UUID>)
  case awardScore(Parameter<UUID>)
  case awardPublish(Parameter<UUID>)
  /// 保存草稿: the reply's wording kept for later.
  case replyDraft(Parameter<UUID>)
  case dismissDuplicate(Parameter<UUID>, candidate: Parameter<UUID>)
  case media(Parameter<UUID>)
  case admin
  /// 统计看板, and the cases behind one of its figures.
  case dashboard
  case dashboardCases
  /// 表彰定榜: an administrator publishes a finished year's honours.
  case honoursFreeze
  /// 督办报告: by unit, the 督办 of a period and their answers.
  case supervisionReport
  /// 统计导出: the dashboard's period as a workbook (XLSX).
  case dashboardExport
  case adminSection(Parameter<String>)
  case adminChange(Parameter<String>, verb: Parameter<String>)
  case adminChangeRow(Parameter<String>, verb: Parameter<String>, id: Parameter<UUID>)

  var segments: [Segment] {
    switch self {
    case .home: []
    case .login: ["login"]
    case .logout: ["logout"]
    case .pool: ["pool"]
    case .inbox: ["inbox"]
    case .supervision: ["supervision"]
    case .supervisionBulk: ["supervision", "bulk"]
    case .referral: ["supervision", "referral"]
    case .noticesRead: ["notices", "read"]
    case .intake: ["intake"]
    case .moderation: ["moderation"]
    case .search: ["search"]
    case .dashboard: ["dashboard"]
    case .dashboardCases: ["dashboard", "cases"]
    case .honoursFreeze: ["honours"]
    case .supervisionReport: ["supervision", "report"]
    case .dashboardExport: ["dashboard", "export.xlsx"]
    case .moderate(let id): ["moderation", .uuid("id", id)]
    case .moderateThanks(let id): ["moderation", "thanks", .uuid("id", id)]
    case .message(let id): ["messages", .uuid("id", id)]
    case .action(let id, let action): ["messages", .uuid("id", id), "actions", .text("action", action)]
    case .replyDraft(let id): ["messages", .uuid("id", id), "draft"]
    case .appealRating(let id): ["messages", .uuid("id", id), "appeal"]
    case .decideAppeal(let id): ["messages", .uuid("id", id), "appeal", "decide"]
    case .openProposal(let id): ["messages", .uuid("id", id), "proposal"]
    case .evaluateProposal(let id): ["messages", .uuid("id", id), "proposal", "evaluation"]
    case .recordAdoption(let id): ["messages", .uuid("id", id), "proposal", "adoptions"]
    case .recordInstruction(let id): ["messages", .uuid("id", id), "proposal", "instructions"]
    case .nameReviewers(let id): ["messages", .uuid("id", id), "proposal", "reviewers"]
    case .reviews: ["reviews"]
    case .review(let id): ["reviews", .uuid("id", id)]
    case .awards: ["awards"]
    case .awardRound(let id): ["awards", .uuid("id", id)]
    case .awardScore(let id): ["awards", .uuid("id", id), "scores"]
    case .awardPublish(let id): ["awards", .uuid("id", id), "publish"]
    case .dismissDuplicate(let id, let candidate):
      ["messages", .uuid("id", id), "duplicates", .uuid("candidate", candidate), "dismiss"]
    case .media(let id): ["media", .uuid("id", id)]
    case .admin: ["admin"]
    case .adminSection(let section): ["admin", .text("section", section)]
    case .adminChange(let section, let verb): ["admin", .text("section", section), .text("verb", verb)]
    case .adminChangeRow(let section, let verb, let id):
      ["admin", .text("section", section), .text("verb", verb), .uuid("id", id)]
    }
  }

  /// The staff page of a place of the workbench.
  static func of(_ place: StaffPlace) -> StaffURL {
    switch place {
    case .pool: .pool
    case .inbox: .inbox
    case .supervision: .supervision
    case .moderation: .moderation
    case .intake: .intake
    case .administration: .admin
    case .knowledge: .home
    case .statistics: .dashboard
    case .awards: .awards
    }
  }
}

extension RoutesBuilder {
  /// Registers `handler` for `method` on the site map's path.
  @discardableResult
  func on<Response: AsyncResponseEncodable>(
    _ method: HTTPMethod, _ url: SiteURL, body: HTTPBodyStreamStrategy = .collect,
    use handler: @escaping @Sendable (Request) async throws -> Response
  ) -> Route {
    on(method, url.pathComponents, body: body, use: handler)
  }
}
