import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// `/messages`, `/search` and `/messages/{id}`: browse and search the public messages, and read one.
struct BrowseController: Sendable {
  let context: ServerContext
  /// Message pages by (message, version, language), for up to 30 seconds.
  let messagePages = SharedPages(maximumAge: .seconds(30))
  /// The list's counts by filter, for up to 30 seconds.
  let listCounts = KeptValues<Int>(lifetime: .seconds(30))

  struct ListQuery: Decodable {
    var q: String?
    var region: String?
    var leader: String?
    var unit: String?
    var type: String?
    var category: String?
    var status: String?
    var from: String?
    var to: String?
    var stage: String?
    var sort: String?
    var after: String?
    var page: String?

    /// The filters as query items, in the form's order (the page cursor left out).
    var items: [(String, String?)] {
      [
        ("q", q), ("region", region), ("leader", leader), ("unit", unit), ("type", type), ("category", category),
        ("status", status), ("from", from), ("to", to), ("stage", stage), ("sort", sort),
      ]
    }

    /// The list's address with `name` set to `value` (nil: without it).
    func url(_ name: String, _ value: String?) -> String {
      SiteURL.messages.path(query: items.map { $0.0 == name ? ($0.0, value) : $0 })
    }
  }

  func list(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    var query = (try? request.query.decode(ListQuery.self)) ?? ListQuery()
    let names = try await context.store.referenceNames()
    let calendar = context.calendar
    var filter = MessageFilter()
    let words = String((query.q ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(50))
    filter.regionID = query.region.flatMap(UUID.init(uuidString:))
    filter.leaderID = query.leader.flatMap(UUID.init(uuidString:))
    filter.leadUnitID = query.unit.flatMap(UUID.init(uuidString:))
    filter.type = query.type.flatMap(MessageType.init(rawValue:))
    filter.categoryID = query.category.flatMap(UUID.init(uuidString:))
    filter.status = query.status.flatMap(Status.init(rawValue:))
    if let from = query.from.flatMap({ LocalDate($0) }) { filter.createdFrom = calendar.start(of: from) }
    if let to = query.to.flatMap({ LocalDate($0) }) { filter.createdBefore = calendar.start(of: to.adding(days: 1)) }
    let stage = query.stage.flatMap(PublicStage.init(rawValue:))
    if let stage { filter.statuses = stage.statuses }
    // Only what was understood stays in the links (tabs, chips, next page).
    query.q = words
    query.stage = stage?.rawValue
    let now = context.clock()
    var items: [MessageItem]
    var nextURL = ""
    var count: String
    var sorts: [NavLink] = []
    if !words.isEmpty {
      // A search: the public index, best matches first unless the newest are asked for.
      let order: SearchOrder = query.sort == SearchOrder.newest.rawValue ? .newest : .relevance
      query.sort = order == .newest ? order.rawValue : nil
      let page = max(1, min(Int(query.page ?? "") ?? 1, Store.searchDeepest / 20))
      var found = SearchResults<PublicCase>.none
      if let search = SearchQuery(words) {
        found = try await context.store.searchPublic(
          search, filter: filter, order: order, limit: 20, offset: (page - 1) * 20)
      }
      items = found.hits.map { hit in
        var item = MessageItem(hit.item, names: names, language: language, now: now, calendar: calendar)
        item.titleParts = hit.title.parts
        item.snippet = hit.snippet.parts
        return item
      }
      if found.nextOffset != nil { nextURL = SiteURL.messages.path(query: query.items + [("page", String(page + 1))]) }
      count = language.text(found.totalIsAtLeast ? "list_count_at_least" : "list_count", ["n": .number(found.total)])
      sorts = SearchOrder.allCases.map {
        NavLink(
          href: query.url("sort", $0 == .relevance ? nil : $0.rawValue), label: language.text("sort_\($0.rawValue)"),
          current: $0 == order)
      }
    } else {
      filter.after = query.after.flatMap(Serial.init)
      let page = try await context.store.publicMessages(matching: filter, limit: 20)
      // Counted at most every 30 seconds per filter (one COUNT over the public messages).
      let counted = try await listCounts.value(query.url("q", words)) {
        try await context.store.publicMessageCount(matching: filter) ?? -1
      }
      items = page.items.map { MessageItem($0, names: names, language: language, now: now, calendar: calendar) }
      nextURL = page.nextAfter.map { SiteURL.messages.path(query: query.items + [("after", $0.description)]) } ?? ""
      count = counted < 0 ? "" : language.text("list_count", ["n": .number(counted)])
    }
    let content = ListContent(
      query: words,
      heading: words.isEmpty ? language.text("list_title") : language.text("results_for") + words,
      empty: items.isEmpty, items: items, nextURL: nextURL,
      regions: names.regionsInTreeOrder.map { Option($0.id, $0.name, selected: filter.regionID) },
      boards: names.leadersByCode.map {
        Option($0.id, MessageItem.boardLabel($0, names: names), selected: filter.leaderID)
      },
      units: names.unitsByCode.map { Option($0.id, $0.name, selected: filter.leadUnitID) },
      types: MessageType.citizenTypes.map {
        Option(value: $0.rawValue, label: language.name($0), selected: $0 == filter.type)
      },
      categories: names.firstLevelCategories.map { Option($0.id, $0.name, selected: filter.categoryID) },
      statuses: Status.allCases.map {
        Option(value: $0.rawValue, label: language.name($0), selected: $0 == filter.status)
      },
      from: query.from.flatMap { LocalDate($0) }.map(\.description) ?? "",
      to: query.to.flatMap { LocalDate($0) }.map(\.description) ?? "",
      count: count, sorts: sorts,
      tabs: [NavLink(href: query.url("stage", nil), label: language.text("all"), current: stage == nil)]
        + PublicStage.allCases.map {
          NavLink(href: query.url("stage", $0.rawValue), label: language.name($0), current: stage == $0)
        },
      chips: Self.chips(query, filter: filter, names: names, language: language),
      clearURL: SiteURL.messages.path, stage: stage?.rawValue ?? "")
    return try await context.renderer.render(request, "public/list", title: content.heading, content, cacheable: true)
  }

  /// The filters in use, each with the link that drops it (the status tabs are not repeated here).
  static func chips(
    _ query: ListQuery, filter: MessageFilter, names: ReferenceNames, language: Language
  )
    -> [FilterChip]
  {
    var chips: [(name: String, label: String, value: String?)] = [
      ("q", "list_words", query.q.flatMap { $0.isEmpty ? nil : $0 }),
      ("region", "region", filter.regionID.flatMap { names.regions[$0]?.name }),
      (
        "leader", "board",
        filter.leaderID.flatMap { id in names.leaders[id].map { MessageItem.boardLabel($0, names: names) } }
      ),
      ("unit", "unit", filter.leadUnitID.flatMap { names.units[$0]?.name }),
      ("type", "type", filter.type.map(language.name)),
      ("category", "category", filter.categoryID.flatMap { names.categories[$0]?.name }),
      ("status", "status", filter.status.map(language.name)),
    ]
    chips.append(("from", "from", query.from.flatMap { LocalDate($0) }.map(\.description)))
    chips.append(("to", "to", query.to.flatMap { LocalDate($0) }.map(\.description)))
    return chips.compactMap { chip in
      guard let value = chip.value else { return nil }
      let text = language.text(chip.label) + language.text("field_separator") + value
      return FilterChip(
        text: text, removeURL: query.url(chip.name, nil),
        removeLabel: language.text("filter_remove", ["label": .plain(text)]))
    }
  }

  /// A message page. Each request reads the message's current version and whether it is public (one
  /// indexed row); the page rendered for that version is served for up to 30 seconds, so the time
  /// left and the merged count may be that old, and everything else is current.
  func show(_ request: Request) async throws -> Response {
    guard let id = request.parameters.get("id", as: UUID.self), let stamp = try await context.store.publicStamp(of: id),
      stamp.isPublic
    else { throw StoreError.notFound(.message) }
    let language = request.pageLanguage
    if let html = messagePages.page("\(id.uuidString)-\(stamp.version)-\(language.code)") {
      return context.renderer.respond(request, html: html, cacheable: true)
    }
    guard let file = try await context.store.publicFile(id) else { throw StoreError.notFound(.message) }
    let names = try await context.store.referenceNames()
    var view = MessageView(file, names: names, language: language, now: context.clock(), calendar: context.calendar)
    view.proposal = try await SuggestionsController.view(
      of: file.item, store: context.store, names: names, language: language)
    let response = try await context.renderer.render(
      request, "public/message", title: view.title, MessageContent(message: [view]), cacheable: true)
    if let html = response.body.buffer {
      messagePages.remember(html, as: "\(id.uuidString)-\(file.item.version)-\(language.code)")
    }
    return response
  }

  /// An image of a public message, or of the message being tracked in this browser. Served as a
  /// download-safe image: its checked type, `nosniff`, and a policy that runs nothing.
  func media(_ request: Request) async throws -> Response {
    guard let id = request.parameters.get("id", as: UUID.self), let image = try await context.store.attachment(id),
      let stamp = try await context.store.publicStamp(of: image.messageID)
    else { throw StoreError.notFound(.image) }
    // An image a moderator kept back is its author's (and the staff's) only.
    var allowed = stamp.isPublic && !image.hidden
    if !allowed, let tracked = try await TrackController(context: context).trackedMessage(request) {
      allowed = tracked.id == image.messageID
    }
    // A reply's photo only once the reply is published.
    if let reply = image.replyID, allowed {
      allowed = try await context.store.publishedReplies(of: image.messageID).contains { $0.id == reply }
    }
    guard allowed else { throw StoreError.notFound(.image) }
    return Self.imageResponse(
      image, cache: stamp.isPublic && !image.hidden ? "public, max-age=300" : "private, no-store")
  }

  /// An image as a download-safe response: its checked type, `nosniff`, an inline file name, and a
  /// policy that runs nothing (for `/media` and `/staff/media`).
  static func imageResponse(_ image: Attachment, cache: String) -> Response {
    let ext = image.contentType.split(separator: "/").last.map(String.init) ?? "bin"
    var headers = HTTPHeaders()
    headers.replaceOrAdd(name: .contentType, value: image.contentType)
    headers.replaceOrAdd(
      name: .contentDisposition, value: "inline; filename=\"minsheng-\(image.id.uuidString.lowercased()).\(ext)\"")
    headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
    headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; sandbox")
    headers.replaceOrAdd(name: .cacheControl, value: cache)
    return Response(status: .ok, headers: headers, body: .init(data: image.data))
  }
}
