import Foundation
import MinshengCore
import MinshengStore
import MinshengText
import Synchronization
import Vapor

/// The queues: 交办池 (dispatching offices), 办件箱 (units), 督办台 (supervisors). Each shows its
/// sections' first cases with their counts, or one section a page at a time (`?section=ID&page=N`).
struct QueuesController: Sendable {
  let pages: StaffPages
  /// The supervision board's topics, recomputed at most every five minutes per instance.
  let topics = TopicsCache()
  /// The queues' section counts: a large one is reused for a few seconds.
  let counts = CountCache()

  var context: ServerContext { pages.context }
  var store: Store { context.store }

  /// Starts counting the supervision board's topics, so that its first visitor after a start does
  /// not wait for them (they take seconds on a province's volume).
  func prepareTopics() {
    Task { [topics, store, context] in _ = await topics.topics(store: store, now: context.clock()) }
  }

  /// The part of a queue page asked for: `?section=ID&page=N`, else the overview.
  func window(_ request: Request, keep: [(String, String)] = []) -> QueueWindow {
    QueueWindow(
      section: request.query[String.self, at: "section"].flatMap { $0.isEmpty ? nil : String($0.prefix(20)) },
      page: request.query[Int.self, at: "page"] ?? 1, keep: keep)
  }

  /// 交办池: what waits for the caller's dispatching office (all offices for supervisors and admins):
  /// new messages (urgent first) with the routing rule's and the classifier's suggestions, returns,
  /// extension requests and reopen requests.
  func pool(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let office = try pages.scope(of: .pool, for: session).unitID
    let language = request.pageLanguage
    let names = try await store.referenceNames()
    let now = context.clock()
    let window = window(request)
    let path = SiteURL.staff(.pool).path
    var sections: [QueueSection] = []
    for (id, status) in [
      ("new", Status.received), ("returned", .returned), ("extension", .extensionRequested),
      ("reopen", .reopenRequested),
    ]
    where window.shows(id) {
      // New messages come urgent first (急事急办), each part newest first; the store pages in that order.
      let cases = try await store.cases(
        dispatchedBy: office, status: status, limit: window.limit, offset: window.offset)
      // The hints of every new message in two queries, not two per message.
      let ids = status == .received ? cases.map(\.id) : []
      let duplicateCounts = try await store.openDuplicateCounts(of: ids)
      let suggestions = try await store.suggestions(for: ids)
      let rows = cases.map { summary in
        CaseRow(
          summary, names: names, language: language, now: now, calendar: context.calendar,
          hint: status == .received
            ? Self.hint(
              summary, duplicates: duplicateCounts[summary.id] ?? 0, suggestion: suggestions[summary.id], names: names,
              language: language)
            : "",
          dispatchLimit: status == .received
            ? store.rules.sla.policy(
              type: summary.type, urgent: summary.urgent, region: RegionPath.of(summary.regionID, in: names.regions)
            ).dispatch : nil)
      }
      let total = try await counts.count("pool \(office?.uuidString ?? "all") \(status.rawValue)") {
        try await store.caseCount(status: status, dispatchingUnit: office)
      }
      sections.append(
        window.section(
          id: id, title: language.text("pool_section_" + id), rows: rows, total: total, path: path, language: language))
    }
    if window.shows("proposals") {
      sections.append(
        try await proposalSection(office: office, window: window, path: path, names: names, language: language))
    }
    let content = QueueContent(
      heading: language.text("place_pool"), intro: language.text("pool_intro"), sections: sections, units: [],
      filterPath: "")
    return try await pages.render(request, "staff/queue", title: language.text("place_pool"), session: session, content)
  }

  /// The pool's hint for a new message: the routing rule's unit, possible duplicates, the classifier.
  static func hint(
    _ summary: CaseSummary, duplicates: Int, suggestion: CategorySuggestion?, names: ReferenceNames, language: Language
  ) -> String {
    var parts: [String] = []
    if let unit = summary.suggestedUnitID.flatMap({ names.units[$0]?.name }) {
      parts.append(language.text("hint_rule", ["unit": .plain(unit)]))
    }
    if duplicates > 0 { parts.append(language.text("hint_duplicates", ["count": .number(duplicates)])) }
    if let suggestion {
      parts.append(
        language.text(
          "hint_model",
          [
            "label": .plain(suggestion.label), "percent": .number(Int((suggestion.confidence * 100).rounded())),
            "unit": .plain(suggestion.unitID.flatMap { names.units[$0]?.name }.map { " → " + $0 } ?? ""),
          ]))
    }
    return parts.joined(separator: language.text("hint_separator"))
  }

  /// 办件箱: the unit's open messages by deadline — to accept, in hand, in review, and those it assists;
  /// and the notices sent to the unit and to the viewer.
  func inbox(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    guard let unit = try pages.scope(of: .inbox, for: session).unitID else { throw PageError.notAllowed(.inbox) }
    let language = request.pageLanguage
    let window = window(request)
    let names = try await store.referenceNames()
    let now = context.clock()
    let path = SiteURL.staff(.inbox).path
    func rows(_ cases: [CaseSummary]) -> [CaseRow] {
      cases.map { CaseRow($0, names: names, language: language, now: now, calendar: context.calendar) }
        .sorted { ($0.dueSort, $0.serial) < ($1.dueSort, $1.serial) }
    }
    /// Several statuses in one section: each read up to the end of the page, merged in deadline order.
    func section(_ id: String, _ statuses: [Status]) async throws -> QueueSection? {
      var led: [CaseSummary] = []
      var total = 0
      for status in statuses {
        led += try await store.cases(ledBy: unit, status: status, limit: window.offset + window.limit)
        total += try await counts.count("inbox \(unit.uuidString) \(status.rawValue)") {
          try await store.caseCount(status: status, leadUnit: unit)
        }
      }
      let page = Array(rows(led).dropFirst(window.offset).prefix(window.limit))
      return window.section(
        id: id, title: language.text("inbox_section_" + id), rows: page, total: total, path: path, language: language)
    }
    var sections: [QueueSection] = []
    // The viewer's own next step first (`InboxSection.order`); notices come after the work.
    for kind in InboxSection.order(for: session.account.role) where window.shows(kind.rawValue) {
      if kind == .assist {
        let assisted = try await store.cases(assistedBy: unit, limit: window.limit, offset: window.offset)
        sections.append(
          window.section(
            id: "assist", title: language.text("inbox_section_assist"), rows: rows(assisted),
            total: try await counts.count("assist \(unit.uuidString)") { try await store.assistedCount(by: unit) },
            path: path, language: language))
      } else if let found = try await section(kind.rawValue, kind.statuses) {
        sections.append(found)
      }
    }
    var content = QueueContent(
      heading: language.text("place_inbox"), intro: language.text("inbox_intro"), sections: sections, units: [],
      filterPath: "")
    var recipients = ["user:" + session.account.username]
    if let code = names.units[unit]?.code { recipients.append("unit:" + code) }
    let notices = try await store.outbox(recipients: recipients, limit: 10)
    let read = try await store.readNotices(notices.map(\.id), by: session.account.username)
    content.notices = notices.map {
      NoticeView(
        id: $0.id.uuidString.lowercased(), at: language.dateTime($0.createdAt), body: $0.body,
        url: $0.messageID.map { SiteURL.staff(.message(.value($0))).path } ?? "", read: read.contains($0.id))
    }
    content.unreadNotices = content.notices.filter { !$0.read }.map(\.id)
    content.noticesReadPath = SiteURL.staff(.noticesRead).path
    return try await pages.render(
      request, "staff/queue", title: language.text("place_inbox"), session: session, content)
  }

  /// 督办台: overdue cases and those due within one working day, across units or for one, with this
  /// week's topics and this month's first-contact resolution.
  func supervision(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    _ = try pages.scope(of: .supervision, for: session)
    let language = request.pageLanguage
    let names = try await store.referenceNames()
    let unit = request.query[String.self, at: "unit"].flatMap(UUID.init(uuidString:))
    let now = context.clock()
    let calendar = context.calendar
    // Read from the database in deadline order, a page at a time: what is overdue, and what the
    // core calls due soon (the deadlines before its horizon).
    let horizon = DeadlineStatus.dueSoonHorizon(at: now, calendar: calendar)
    let window = window(request, keep: [("unit", unit?.uuidString.lowercased() ?? "")])
    let path = SiteURL.staff(.supervision).path
    var sections: [QueueSection] = []
    for (id, from, before) in [("late", nil, now), ("soon", now, horizon)] where window.shows(id) {
      let cases = try await store.casesDue(
        from: from, before: before, leadUnit: unit, limit: window.limit, offset: window.offset)
      let rows = cases.map { CaseRow($0, names: names, language: language, now: now, calendar: calendar) }
        .filter { $0.dueClass == id }.sorted { ($0.dueSort, $0.serial) < ($1.dueSort, $1.serial) }
      let total = try await counts.count("due \(id) \(unit?.uuidString ?? "all")") {
        try await store.casesDueCount(from: from, before: before, leadUnit: unit)
      }
      sections.append(
        window.section(
          id: id, title: language.text("board_section_" + id), rows: rows, total: total, path: path, language: language)
      )
    }
    var content = QueueContent(
      heading: language.text("place_supervision"), intro: language.text("board_intro"), sections: sections,
      units: pages.unitOptions(names, selected: unit), filterPath: path)
    if let found = await topics.topics(store: store, now: now) {
      content.topics = found.map { topic in
        TopicView(
          label: topic.label, size: language.text("queue_topic_size", ["n": .number(topic.size)]),
          growth: language.text(
            "queue_topic_growth",
            ["growth": .plain(topic.growth.map { String(format: "%+.0f%%", $0 * 100) } ?? language.text("topic_new"))]),
          items: topic.examples.map { example in
            TopicView.Item(
              title: example.title,
              url: example.id.flatMap(UUID.init(uuidString:)).map { SiteURL.staff(.message(.value($0))).path } ?? "")
          },
          referURL: ProposalRules.mayReferTopic(session.actor) == nil
            ? SiteURL.staff(.referral).path(
              query: [("label", topic.label), ("size", String(topic.size))]
                + topic.examples.compactMap(\.id).map { ("source[]", $0) }) : "")
      }
    } else {
      content.topicsPending = true
    }
    content.figure = try await FirstContact(context: context).figure(office: nil, language: language)
    content.bulkPath = SiteURL.staff(.supervisionBulk).path
    if [.supervisor, .admin].contains(session.account.role) {
      content.appeals = try await store.pendingRatingAppeals(limit: 50).map {
        TopicView.Item(
          title: $0.serial.description + " " + $0.title, url: SiteURL.staff(.message(.value($0.id))).path + "#appeal")
      }
    }
    return try await pages.render(
      request, "staff/queue", title: language.text("place_supervision"), session: session, content,
      notice: SupervisionBulk.notice(request, language: language))
  }
}

/// 一次解决率 this month (Beijing time), in words: for every office from the roll-ups (the supervision
/// board, the busiest page, reads no messages for it), for one office counted exactly (the operator
/// watching their own figure).
struct FirstContact: Sendable {
  let context: ServerContext

  func figure(office: UUID?, language: Language) async throws -> String {
    let now = context.clock()
    let calendar = BeijingTime.calendar
    guard let start = calendar.date(from: calendar.dateComponents([.year, .month], from: now)) else { return "" }
    let figure =
      if let office {
        try await context.store.firstContactResolution(
          from: start, before: now.addingTimeInterval(1), dispatchingUnit: office)
      } else {
        try await context.store.firstContactResolution(monthOf: now)
      }
    guard let rate = figure.rate else { return language.text("fcr_none") }
    return language.text(
      "fcr_figure",
      [
        "received": .number(figure.received), "resolved": .number(figure.resolved),
        "rate": .plain(String(format: "%.1f%%", rate * 100)),
      ])
  }
}

/// Values by key, each reused for `lifetime` when `reusable` says it may be.
final class KeptValues<Value: Sendable>: Sendable {
  private let kept = Mutex<[String: (value: Value, at: ContinuousClock.Instant)]>([:])
  let lifetime: Duration
  let reusable: @Sendable (Value) -> Bool

  init(lifetime: Duration, reusable: @escaping @Sendable (Value) -> Bool = { _ in true }) {
    self.lifetime = lifetime
    self.reusable = reusable
  }

  func value(_ key: String, _ compute: () async throws -> Value) async throws -> Value {
    let now = ContinuousClock.now
    if let found = kept.withLock({ $0[key] }), reusable(found.value), now - found.at < lifetime { return found.value }
    let value = try await compute()
    kept.withLock { kept in
      if kept.count > 10_000 { kept.removeAll() }
      kept[key] = (value, now)
    }
    return value
  }
}

/// The queues' section counts. Counting 25,000 overdue cases reads 25,000 index entries, which was
/// the largest part of the supervision board's time; so a count of `large` or more is reused for
/// `lifetime` seconds (the list under it is always read afresh), while a smaller count — the ones a
/// handler watches go down as they work — is always exact.
final class CountCache: Sendable {
  private let kept: KeptValues<Int>

  init(large: Int = 500, lifetime: Duration = .seconds(10)) {
    kept = KeptValues(lifetime: lifetime) { $0 >= large }
  }

  func count(_ key: String, _ compute: () async throws -> Int) async throws -> Int {
    try await kept.value(key, compute)
  }
}

/// 近期热点 for the supervision board: the messages of the last seven days clustered into topics,
/// with their growth against the seven days before. Clustering a busy fortnight takes seconds, so no
/// request waits for it once there is a result: a result older than five minutes is still shown
/// while one computation (per instance) replaces it in the background. Only the very first request
/// waits, and for at most `firstWait`; after that the board says the topics are being counted.
final class TopicsCache: Sendable {
  private struct State {
    var kept: (at: Date, topics: [Topic])?
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
  func topics(store: Store, now: Date) async -> [Topic]? {
    let (kept, start) = state.withLock { state -> ([Topic]?, Bool) in
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

  /// How many messages of each week are clustered at most: a busier platform is sampled evenly (by
  /// serial number) and its topics' sizes scaled back, so that the board's memory and time stay bounded.
  static let sampleLimit = 5_000

  static func compute(store: Store, now: Date) async throws -> [Topic] {
    let week: TimeInterval = 7 * 86_400
    let weeks = [
      (now.addingTimeInterval(-week), now.addingTimeInterval(1)),
      (now.addingTimeInterval(-2 * week), now.addingTimeInterval(-week)),
    ]
    var largest = 0
    for (from, before) in weeks {
      largest = max(largest, try await store.messageCount(createdFrom: from, before: before))
    }
    let stride = max(1, (largest + sampleLimit - 1) / sampleLimit)
    var texts: [[TopicMessage]] = []
    for (from, before) in weeks {
      texts.append(
        try await store.texts(createdFrom: from, before: before, every: stride).map {
          TopicMessage(id: $0.id.uuidString.lowercased(), title: $0.title, body: $0.body)
        })
    }
    // Seconds of work on a province's volume: on a thread of its own at a lower priority, not on one
    // of the cooperative pool's few threads that answer the requests.
    let (current, previous) = (texts[0], texts[1])
    let found = await LowPriorityThread.run { TopicFinder().topics(current: current, previous: previous, limit: 5) }
    return found.map { topic in
      var scaled = topic
      scaled.size *= stride
      scaled.previousSize *= stride
      return scaled
    }
  }

}

/// CPU-heavy work run on a thread of its own with a lower priority (nice 10 on Linux, where a
/// thread's priority is its own), so that requests keep the cores while it runs.
enum LowPriorityThread {
  static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
      Thread.detachNewThread {
        #if os(Linux)
          _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
        continuation.resume(returning: work())
      }
    }
  }
}
