import Foundation
import MinshengCore
import MinshengStore

// Every public page is a context struct plus a template under Resources/Views/public/. Contexts
// hold display-ready strings: masked, in the page's language, never contact details. Optional
// values are empty strings or empty arrays, so that templates need no nil checks.

/// One line of a message list.
struct MessageItem: Encodable, Sendable {
  var id: String
  var url: String
  var serial: String
  var title: String
  var type: String
  var status: String
  var statusClass: String
  var date: String
  var board: String
  var timeLeft: String
  var overdue: Bool
  /// In search results: the title and a snippet of the text, the matched words marked (each part
  /// escaped by the template); empty elsewhere.
  var titleParts: [Highlighted.Part] = []
  var snippet: [Highlighted.Part] = []

  init(_ item: PublicCase, names: ReferenceNames, language: Language, now: Date, calendar: WorkingCalendar) {
    id = item.id.uuidString.lowercased()
    url = SiteURL.message(.value(item.id)).path
    serial = item.serial.description
    title = item.title
    type = language.name(item.type)
    status = language.statusName(item.status, closure: item.closure)
    statusClass = item.status.rawValue
    date = language.date(item.createdAt)
    board = Self.boardName(leader: item.leaderID, region: item.regionID, names: names)
    let deadline = DeadlineStatus.of(item, at: now, calendar: calendar)
    timeLeft = language.timeLeft(deadline) ?? ""
    overdue = deadline.isOverdue
  }
}

extension MessageItem {
  /// The board a message was written to, with its region unless that is the whole city: 中心区 区长;
  /// without a board, its region.
  static func boardName(leader: UUID?, region: UUID?, names: ReferenceNames) -> String {
    guard let leader = leader.flatMap({ names.leaders[$0] }) else {
      return region.flatMap { names.regions[$0]?.name } ?? ""
    }
    return boardLabel(leader, names: names)
  }

  /// A board's name with its region unless that is the whole city: 中心区 区长, 市委书记.
  static func boardLabel(_ leader: Leader, names: ReferenceNames) -> String {
    guard let region = names.regions[leader.regionID], region.parentID != nil else { return leader.title }
    return region.name + " " + leader.title
  }
}

/// A board's or a unit's figures, formatted.
struct FiguresView: Encodable, Sendable {
  var received: Int
  var replied: Int
  var replyRate: String
  var medianReply: String
  var satisfaction: String
  var thanks: Int

  init(_ figures: Figures?, language: Language) {
    let figures = figures ?? Figures()
    received = figures.received
    replied = figures.replied
    replyRate = language.percent(figures.replyRate)
    medianReply = language.duration(hours: figures.medianHoursToReply)
    satisfaction = language.percent(figures.satisfaction)
    thanks = figures.thanks
  }
}

struct BoardCard: Encodable, Sendable {
  var id: String
  var url: String
  var writeURL: String
  var title: String
  var figures: FiguresView
}

struct RegionBoards: Encodable, Sendable {
  var name: String
  var boards: [BoardCard]
}

struct HomeContent: Encodable, Sendable {
  var year: String
  var regions: [RegionBoards]
  var hasLatest: Bool
  var items: [MessageItem]
}

struct OverdueContent: Encodable, Sendable {
  var intro: String
  var items: [OverdueItem]
  /// 通报: the units that have them, the most first.
  var unitsIntro = ""
  var units: [OverdueUnit] = []
}

struct OverdueUnit: Encodable, Sendable {
  var name: String
  var url: String
  var count: String
}

struct OverdueItem: Encodable, Sendable {
  var item: MessageItem
  var unit: String
  var unitURL: String
  var noticed: String
}

struct ListContent: Encodable, Sendable {
  var query: String
  var heading: String
  var empty: Bool
  var items: [MessageItem]
  var nextURL: String
  var regions: [Option]
  var boards: [Option]
  var units: [Option]
  var types: [Option]
  var categories: [Option]
  var statuses: [Option]
  var from: String
  var to: String
  /// 共 N 条 (超过 1000 条 when a search's count stopped at its cap).
  var count: String
  /// With words: 按相关度 / 按时间, each keeping the filters.
  var sorts: [NavLink] = []
  /// 全部 / 待回复 / 办理中 / 已办结, each keeping the other filters.
  var tabs: [NavLink]
  /// The filters in use, each removable; and the list without any.
  var chips: [FilterChip]
  var clearURL: String
  /// The tab in use ("" for 全部), kept when the filter form is sent.
  var stage: String
}

struct FilterChip: Encodable, Sendable {
  var text: String
  var removeURL: String
  var removeLabel: String
}

struct TimelineEntryView: Encodable, Sendable {
  var at: String
  var text: String
}

struct ReplyView: Encodable, Sendable {
  var unit: String
  var unitURL: String
  var date: String
  var paragraphs: [String]
  /// Its photos (答复附图).
  var images: [ImageView] = []
}

struct EvaluationView: Encodable, Sendable {
  var resolution: Int
  var attitude: Int
  var speed: Int
  var level: String
  var satisfied: Bool
  var comment: String
}

struct ThanksView: Encodable, Sendable {
  var author: String
  var date: String
  var paragraphs: [String]
}

struct ImageView: Encodable, Sendable {
  var url: String
  var alt: String
}

struct MessageView: Encodable, Sendable {
  var id: String
  var serial: String
  var title: String
  var paragraphs: [String]
  var type: String
  var status: String
  var statusClass: String
  var created: String
  var board: String
  var boardURL: String
  var region: String
  var category: String
  var unit: String
  var unitURL: String
  var author: String
  var address: String
  var timeLeft: String
  var overdue: Bool
  var isPublic: Bool
  var timeline: [TimelineEntryView]
  var replies: [ReplyView]
  var replyCount: Int
  var hasEvaluation: Bool
  var evaluation: [EvaluationView]
  var thanks: [ThanksView]
  var mergedNote: String
  var parentURL: String
  var parentSerial: String
  var images: [ImageView]
  /// 人民建议: the suggestion's section, for a message that is one.
  var proposal: [ProposalView] = []
}

struct MessageContent: Encodable, Sendable {
  /// One message; a list so that the page and the tracking page share one template.
  var message: [MessageView]
}

/// The write form, with what was typed and what was wrong when it comes back.
struct WriteContent: Encodable, Sendable {
  var errors: [String]
  var boards: [Option]
  var regions: [Option]
  var types: [Option]
  var categories: [Option]
  var title: String
  var body: String
  var address: String
  var name: String
  var phone: String
  var isPrivate: Bool
  var consent: Bool
  var byRegion: Bool
  /// Whether the mobile number is verified by a one-time code.
  var askCode: Bool
  /// "手机号已验证：138****8000" when the citizen is logged in; a code is then not needed for it.
  var verifiedPhone: String
  /// "验证码已发送至 …" after the 获取验证码 button without a script.
  var notice: String
  /// Whether the classifier can suggest an area as the author types.
  var canSuggest: Bool
  /// Images were attached to a form that came back: they must be chosen again ("" when none were).
  var imagesAgain = ""
  /// 人民建议: the campaign line the form shows (its title) and the campaign's id when the form writes a suggestion ("" otherwise).
  var campaign = ""
  var campaignID = ""
  var proposal = ""
  var benefit = ""
  /// 获奖署名: how the author would be named on an award list.
  var awardNames: [Option] = []
}

struct WrittenContent: Encodable, Sendable {
  var serial: String
  var trackingCode: String
  var promise: String
  /// Public, and waiting for a moderator before it appears.
  var pending: Bool
}

struct TrackContent: Encodable, Sendable {
  var error: String
  /// The code as typed, kept when it is refused so that a slip can be corrected.
  var code: String = ""
  /// A confirmation after the author evaluated or thanked (empty otherwise).
  var notice: String = ""
  var found: Bool
  var message: [MessageView]
  var deadline: String
  var canEvaluate: Bool
  var canThank: Bool
  /// Whether the author may still withdraw it (not yet dispatched).
  var canWithdraw = false
  /// The five answers to each question, best first, as words (很满意 … 很不满意) with their scores.
  var scores: [Option]
  var errors: [String]
  /// The author's view of publication: 待审核 / 已公开 / 不予公开 (empty for a private message).
  var publication: String
  /// The thanks letter as typed, kept when the page comes back (a preview, a refusal).
  var thanksBody = ""
  var thanksAuthor = ""
  /// How the letter would read in public, after 预览: the signature and the masked text.
  var thanksPreviewAuthor = ""
  var thanksPreviewBody = ""
}

struct UnitContent: Encodable, Sendable {
  var name: String
  var heading: String
  var figures: FiguresView
  var empty: Bool
  var items: [MessageItem]
  var thanks: [ThanksView]
  var listURL: String
  /// 给TA留言 on a board's page (the write form with the board filled in); empty on a unit's.
  var writeURL: String
  /// 表彰: a unit's places on the published honours lists.
  var citations: [HonoursContent.Citation] = []
  /// 写感谢信 on a unit's page; empty on a board's.
  var thanksURL = ""
  /// 考核指标: the group's KPIs this year and this month.
  var stats: StatsSection
}

struct ErrorContent: Encodable, Sendable {
  var message: String
}

extension MessageView {
  /// Everything the public (or the author) may see of a message, in display form.
  init(_ file: PublicCaseFile, names: ReferenceNames, language: Language, now: Date, calendar: WorkingCalendar) {
    let item = file.item
    let deadline = DeadlineStatus.of(item, at: now, calendar: calendar)
    func unitName(_ id: UUID?) -> String { id.flatMap { names.units[$0]?.name } ?? "" }
    self.init(
      id: item.id.uuidString.lowercased(), serial: item.serial.description, title: item.title,
      paragraphs: Self.paragraphs(item.body), type: language.name(item.type),
      status: language.statusName(item.status, closure: item.closure),
      statusClass: item.status.rawValue, created: language.dateTime(item.createdAt),
      board: item.leaderID == nil
        ? "" : MessageItem.boardName(leader: item.leaderID, region: item.regionID, names: names),
      boardURL: item.leaderID.map { SiteURL.leader(.value($0)).path } ?? "",
      region: item.regionID.flatMap { names.regions[$0]?.name } ?? "",
      category: item.categoryID.flatMap { names.categories[$0]?.name } ?? "", unit: unitName(item.leadUnitID),
      unitURL: item.leadUnitID.map { SiteURL.unit(.value($0)).path } ?? "", author: item.author,
      address: item.address ?? "", timeLeft: language.timeLeft(deadline) ?? "", overdue: deadline.isOverdue,
      isPublic: item.isPublic,
      timeline: file.timeline.map {
        TimelineEntryView(
          at: language.dateTime($0.at), text: TimelineText.describe($0, names: names, language: language))
      },
      replies: file.replies.map {
        ReplyView(
          unit: unitName($0.unitID), unitURL: SiteURL.unit(.value($0.unitID)).path,
          date: language.dateTime($0.publishedAt), paragraphs: Self.paragraphs($0.body),
          images: $0.imageIDs.enumerated().map { index, id in
            ImageView(url: SiteURL.media(.value(id)).path, alt: language.text("reply_photo") + " \(index + 1)")
          })
      },
      replyCount: file.replies.count, hasEvaluation: file.evaluation != nil,
      evaluation: file.evaluation.map {
        [
          EvaluationView(
            resolution: $0.evaluation.resolution, attitude: $0.evaluation.attitude, speed: $0.evaluation.speed,
            level: language.name($0.evaluation.level), satisfied: $0.evaluation.level.isSatisfied,
            comment: $0.evaluation.comment ?? "")
        ]
      } ?? [],
      thanks: file.thanks.map { [ThanksView($0, language: language)] } ?? [],
      mergedNote: file.mergedCount > 0 ? language.text("merged_note", ["count": .number(file.mergedCount)]) : "",
      parentURL: file.parent.map { SiteURL.message(.value($0.id)).path } ?? "",
      parentSerial: file.parent?.serial.description ?? "",
      images: file.images.enumerated().map { index, image in
        ImageView(
          url: SiteURL.media(.value(image.id)).path, alt: language.text("images") + " \(index + 1)")
      })
  }

  /// Text split into its non-empty lines, each shown as a paragraph.
  static func paragraphs(_ text: String) -> [String] {
    text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }
}

extension ThanksView {
  init(_ letter: PublicThanks, language: Language) {
    self.init(
      author: letter.author, date: language.date(letter.createdAt), paragraphs: MessageView.paragraphs(letter.body))
  }
}
