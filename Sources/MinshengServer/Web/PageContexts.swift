import Foundation
import MinshengCore
import MinshengStore

// Every public page is a context struct plus a template under Resources/Views/public/. Contexts
// hold display-ready strings: masked, in the page's language, never contact details. Optional
// values are empty strings or empty arrays, so that templates need no nil checks.

/// One line of a message list.
struct MessageItem: Encodable, Sendable {
  var id: String
  var serial: String
  var title: String
  var type: String
  var status: String
  var statusClass: String
  var date: String
  var board: String
  var timeLeft: String
  var overdue: Bool

  init(_ message: Message, names: ReferenceNames, language: PageLanguage, now: Date, calendar: WorkingCalendar) {
    id = message.id.uuidString.lowercased()
    serial = message.serial.description
    title = PrivacyMask.mask(message.titleForPublic)
    type = language.type(message.type)
    status = language.status(message.status)
    statusClass = message.status.rawValue
    date = language.date(message.createdAt)
    board = Self.boardName(message, names: names)
    let deadline = DeadlineStatus.of(message, at: now, calendar: calendar)
    timeLeft = language.timeLeft(deadline) ?? ""
    overdue = deadline.isOverdue
  }
}

extension MessageItem {
  /// The board a message was written to, with its region unless that is the whole city: 中心区 区长.
  static func boardName(_ message: Message, names: ReferenceNames) -> String {
    guard let leader = message.leaderID.flatMap({ names.leaders[$0] }) else {
      return message.regionID.flatMap { names.regions[$0]?.name } ?? ""
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

  init(_ figures: Figures?, language: PageLanguage) {
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

struct Option: Encodable, Sendable {
  var value: String
  var label: String
  var selected: Bool
}

struct OverdueContent: Encodable, Sendable {
  var intro: String
  var items: [OverdueItem]
}

struct OverdueItem: Encodable, Sendable {
  var item: MessageItem
  var unit: String
  var unitID: String
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
}

struct TimelineEntryView: Encodable, Sendable {
  var at: String
  var text: String
}

struct ReplyView: Encodable, Sendable {
  var unit: String
  var unitID: String
  var date: String
  var paragraphs: [String]
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
  var boardID: String
  var region: String
  var category: String
  var unit: String
  var unitID: String
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
  var parentID: String
  var parentSerial: String
  var images: [ImageView]
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
}

struct WrittenContent: Encodable, Sendable {
  var serial: String
  var trackingCode: String
  var promise: String
  var messageURL: String
  /// Public, and waiting for a moderator before it appears.
  var pending: Bool
}

struct TrackContent: Encodable, Sendable {
  var error: String
  var found: Bool
  var message: [MessageView]
  var deadline: String
  var canEvaluate: Bool
  var canThank: Bool
  var scores: [Int]
  var errors: [String]
  /// The author's view of publication: 待审核 / 已公开 / 不予公开 (empty for a private message).
  var publication: String
}

struct UnitContent: Encodable, Sendable {
  var name: String
  var heading: String
  var figures: FiguresView
  var empty: Bool
  var items: [MessageItem]
  var thanks: [ThanksView]
  var listURL: String
}

struct ErrorContent: Encodable, Sendable {
  var message: String
}
