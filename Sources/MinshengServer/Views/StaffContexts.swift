import Foundation
import MinshengCore
import MinshengStore

struct QueueSection: Encodable, Sendable {
  var id: String
  var title: String
  var rows: [CaseRow]
  /// How many cases the section has in all, and which of them are shown ("第 21–40 件，共 4,123 件").
  var extent = ""
  /// Links to the section's other pages (empty when everything is shown).
  var previous = ""
  var next = ""
  /// In the overview: the section on its own; on a section's page: back to the overview.
  var all = ""
  var overview = ""
}

/// Which part of a queue is shown: the first cases of every section (the overview), or one
/// section a page at a time (`?section=ID&page=N`). Every section is read in its own order with an
/// offset, so no page reads more than it shows.
struct QueueWindow: Sendable {
  /// Cases per section in the overview.
  static let preview = 20
  /// Cases per page of one section.
  static let pageSize = 50

  var section: String?
  var page: Int
  /// Extra query items kept in the links (the supervision board's unit filter).
  var keep: [(String, String)]

  init(section: String?, page: Int, keep: [(String, String)] = []) {
    self.section = section
    self.page = max(1, min(page, 2_000))
    self.keep = keep
  }

  /// Whether the section appears at all.
  func shows(_ id: String) -> Bool { section == nil || section == id }
  /// The section's cases to read: `offset` skipped, at most `limit`.
  var offset: Int { section == nil ? 0 : (page - 1) * Self.pageSize }
  var limit: Int { section == nil ? Self.preview : Self.pageSize }

  /// The section with its counts and links, on a page at `path`.
  func section(
    id: String, title: String, rows: [CaseRow], total: Int, path: String, language: Language
  ) -> QueueSection {
    var section = QueueSection(
      id: id, title: title + language.text("in_brackets", ["text": .number(total)]), rows: rows)
    guard total > rows.count || self.section != nil else { return section }
    func link(_ page: Int?) -> String {
      var items = keep.filter { !$0.1.isEmpty }.map { "\($0.0)=\($0.1)" }
      if let page { items += ["section=\(id)", "page=\(page)"] }
      return path + (items.isEmpty ? "" : "?" + items.joined(separator: "&")) + "#q-\(id)"
    }
    let first = offset + (rows.isEmpty ? 0 : 1)
    section.extent = language.text(
      "queue_extent", ["first": .number(first), "last": .number(offset + rows.count), "total": .number(total)])
    if self.section == nil {
      section.all = link(1)
    } else {
      if page > 1 { section.previous = link(page - 1) }
      if offset + rows.count < total { section.next = link(page + 1) }
      section.overview = link(nil)
    }
    return section
  }
}

struct QueueContent: Encodable, Sendable {
  var heading: String
  var intro: String
  var sections: [QueueSection]
  /// The supervision board's unit filter (empty elsewhere).
  var units: [Option]
  var filterPath: String
  /// 热点: the supervision board's topics of the last seven days (empty elsewhere).
  var topics: [TopicView] = []
  /// The topics are still being counted for the first time (the board shows them on a later visit).
  var topicsPending = false
  /// 通知: the reminders and supervision notices sent to the viewer's unit and to the viewer (the inbox).
  var notices: [NoticeView] = []
  /// A figure for the whole board (the supervision board: this month's first-contact resolution).
  var figure = ""
  /// 待复核的评价申诉 (the supervision board, for those who decide them).
  var appeals: [TopicView.Item] = []
  /// The supervision board's bulk 催办 / 督办 form ("" elsewhere).
  var bulkPath = ""
  /// Where notices are marked read, and the ids of those the viewer has not read yet (the inbox).
  var noticesReadPath = ""
  var unreadNotices: [String] = []
}

struct TopicView: Encodable, Sendable {
  var label: String
  /// How many messages, in words: 12 条.
  var size: String
  /// The growth against the week before, in words: 较前 7 天 +20%.
  var growth: String
  /// Up to three of its messages, each linked to its case.
  var items: [Item]
  /// 热点转办: the form that refers it to a unit as a suggestion ("" for a viewer who may not).
  var referURL = ""

  struct Item: Encodable, Sendable {
    var title: String
    var url: String
  }
}

struct StaffLoginContent: Encodable, Sendable {
  var username: String
  var error: String
}

/// The whole case file as staff see it, with a form for every action the viewer may take now.
struct CaseContent: Encodable, Sendable {
  var id: String
  var url: String
  var version: Int
  var serial: String
  var title: String
  var paragraphs: [String]
  var facts: [Fact]
  var images: [String]
  var suggestion: String
  var reasons: String
  var due: String
  var dueClass: String
  var timeLeft: String
  var timeline: [StaffEventView]
  var replies: [StaffReplyView]
  var draft: [StaffReplyView]
  /// Drafts a reviewer edited before publishing, as the unit wrote them.
  var revisedDrafts: [StaffReplyView]
  var forms: [ActionForm]
  /// 并单候选, with the forms to merge into one or dismiss it when the viewer may.
  var duplicates: [DuplicateView]
  /// 知识库 search from the reply editor: the words, and what they found.
  var knowledgeQuery: String
  var knowledge: [KnowledgeView]
  /// Whether the viewer can reply now (the search is offered then).
  var canReply: Bool
  /// 领导批示 on the case, shown above everything else.
  var instructions: [StaffEventView]
  /// Where 并入此件 is sent.
  var mergeURL: String
  /// 评价申诉.
  var appeal = AppealView()
  /// 人民建议.
  var proposal = ProposalStaffView()
}

struct KnowledgeView: Encodable, Sendable {
  var kind: String
  var title: String
  var body: String
}

struct DuplicateView: Encodable, Sendable {
  var id: String
  var url: String
  var dismissURL: String
  /// The note 并入此件 records: 与 2026-000123 反映同一问题.
  var mergeNote: String
  var serial: String
  var title: String
  var status: String
  var similarity: String
  var state: String
  var canMerge: Bool
  var canDismiss: Bool
}

struct Fact: Encodable, Sendable {
  var label: String
  var value: String
}

struct StaffEventView: Encodable, Sendable {
  var at: String
  var who: String
  var what: String
  var note: String
  var isInternal: Bool
}

struct StaffReplyView: Encodable, Sendable {
  var unit: String
  var date: String
  var paragraphs: [String]
  /// Its photos (答复附图), as staff open them.
  var images: [String] = []
}

/// One action's form: which fields it asks for.
struct ActionForm: Encodable, Sendable {
  var action: String
  var url: String
  var label: String
  var primary: Bool
  var unit: Bool
  var assisting: Bool
  var instruction: Bool
  var reason: Bool
  var note: Bool
  var noteRequired: Bool
  var days: Bool
  /// The longest extension the rules in force allow, in working days, and the limit in words.
  var daysMax: Int
  var daysHint: String
  var body: Bool
  /// A reply must be written; the reviewer's edit of a draft may be left as it is.
  var bodyRequired: Bool
  var bodyLabel: String
  /// A reply or direct answer: photos may go with it (the form is sent as multipart).
  var photos: Bool
  /// The reply form's 保存草稿: where it is sent, and when the unit last saved (empty: never).
  var draftURL: String
  var draftSaved: String
  var comment: Bool
  var into: Bool
  var urgent: Bool
  var units: [Option]
  var urgentNow: Bool
  /// The note form doubles as the contact log: how the author was reached, and when.
  var contact: Bool
  /// 退回: why, as a code the statistics count.
  var returnCode: Bool
  var returnCodes: [Option]
  var contactKinds: [Option]
  /// Now, as the contact time's default.
  var now: String
  /// Open on the page: the primary action, or the form the server just refused.
  var open = false
  /// The assisting units, those typed into a refused form selected.
  var assistingUnits: [Option] = []
  /// Empty, or what was typed into the form the server refused, with each field's error.
  var typed = TypedAction()
}

/// 来电来信登记: the operator's form, kept as typed when it comes back with errors.
struct IntakeContent: Encodable, Sendable {
  /// Where the form is sent.
  var action = ""
  /// 人民建议: the open campaigns, and the proposal and benefit as typed.
  var campaigns: [Option] = []
  var proposal = ""
  var benefit = ""
  /// This month's first-contact resolution of the office (or all offices).
  var figure = ""
  var boards: [Option]
  var types: [Option]
  var categories: [Option]
  var channels: [Option]
  var title: String
  var body: String
  var address: String
  var name: String
  var phone: String
  var answer: String
  var isPrivate: Bool
  /// 来电历史: the number looked up, and the caller's earlier messages the operator may read.
  var caller = ""
  var callerSearched = false
  var history: [CallerHistoryItem] = []
  /// 知识库: the words searched, and the entries found (to answer the caller on the spot).
  var knowledgeQuery = ""
  var knowledgeSearched = false
  var knowledge: [KnowledgeView] = []
}

/// One of a caller's earlier messages, as the operator's lookup lists it.
struct CallerHistoryItem: Encodable, Sendable {
  var serial: String
  var title: String
  var status: String
  var date: String
  var url: String
}

struct ModerationContent: Encodable, Sendable {
  /// A held thanks letter to a unit (感谢信 without a case).
  struct Note: Encodable, Sendable {
    var id: String
    var url: String
    var unit: String
    var author: String
    var paragraphs: [String]
    var created: String
  }

  var intro: String
  var backlog: Int
  var items: [ModerationView]
  var notes: [Note] = []
}

struct ModerationView: Encodable, Sendable {
  struct Image: Encodable, Sendable {
    var id: String
    var url: String
    var hidden: Bool
  }

  var id: String
  var url: String
  var version: Int
  var serial: String
  var title: String
  var body: String
  /// The address as written (empty when none): the moderator may change or hide it.
  var address: String
  /// The images, each of which the moderator may keep from the public.
  var images: [Image]
  var masked: String
  var created: String
  var flagged: String
  var board: String
  /// A suggestion's proposal and benefit as the public will read them, for the moderator to redact;
  /// `isSuggestion` false for any other message.
  var isSuggestion = false
  var proposal = ""
  var benefit = ""
}
