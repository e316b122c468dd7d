import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// `/units/{id}`, `/leaders/{id}`, `/regions/{id}` and `/overdue`: a unit's, a board's or a region's
/// figures and messages, and the
/// public list of cases still overdue after a supervision notice (督办公开).
struct BoardsController: Sendable {
  let context: ServerContext

  func unit(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let names = try await context.store.referenceNames()
    guard let id = request.parameters.get("id", as: UUID.self), let unit = names.units[id] else {
      throw StoreError.notFound(.unit)
    }
    var filter = MessageFilter()
    filter.leadUnitID = id
    let entry = try await context.figures.figures(store: context.store, now: context.clock())
    return try await page(
      request, name: unit.name, heading: language.text("unit_messages"), figures: entry.units[id], filter: filter,
      thanks: try await context.store.thanksLetters(toUnit: id, limit: 10),
      listURL: SiteURL.messages.path(query: [("unit", id.uuidString.lowercased())]), writeURL: "", names: names,
      stats: (id.uuidString.lowercased(), .unit),
      citations: HonoursController.citations(
        of: id, in: try await context.store.frozenHonours(), language: language),
      thanksURL: SiteURL.unitThanks(.value(id)).path)
  }

  func leader(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let names = try await context.store.referenceNames()
    guard let id = request.parameters.get("id", as: UUID.self), let leader = names.leaders[id] else {
      throw StoreError.notFound(.board)
    }
    var filter = MessageFilter()
    filter.leaderID = id
    let entry = try await context.figures.figures(store: context.store, now: context.clock())
    let key = id.uuidString.lowercased()
    // Named with its region (中心区 区长), as the lists name it, unless it is the whole city's.
    return try await page(
      request, name: MessageItem.boardLabel(leader, names: names), heading: language.text("board_messages"),
      figures: entry.leaders[id], filter: filter, thanks: [],
      listURL: SiteURL.messages.path(query: [("leader", key)]),
      writeURL: SiteURL.write.path(query: [("leader", key)]), names: names, stats: (key, .leader))
  }

  /// `/regions/{id}`: the region's figures (as `/stats` by region counts them), its boards and the
  /// units based there, and the latest public messages from it.
  func region(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let names = try await context.store.referenceNames()
    guard let id = request.parameters.get("id", as: UUID.self), let region = names.regions[id] else {
      throw StoreError.notFound(.region)
    }
    let now = context.clock()
    let key = id.uuidString.lowercased()
    var filter = MessageFilter()
    filter.regionID = id
    let items = try await context.store.publicMessages(matching: filter, limit: 20).items.map {
      MessageItem($0, names: names, language: language, now: now, calendar: context.calendar)
    }
    let boards = names.leaders.values.filter { $0.regionID == id }.map {
      RegionContent.Link(name: MessageItem.boardLabel($0, names: names), url: SiteURL.leader(.value($0.id)).path)
    }
    let units = names.units.values.filter { $0.regionID == id }.map {
      RegionContent.Link(name: $0.name, url: SiteURL.unit(.value($0.id)).path)
    }
    let content = RegionContent(
      name: region.name,
      stats: try await StatsSection.make(key: key, in: .region, context: context, language: language, now: now),
      boards: boards.sorted { $0.name < $1.name }, units: units.sorted { $0.name < $1.name }, empty: items.isEmpty,
      items: items, listURL: SiteURL.messages.path(query: [("region", key)]))
    return try await context.renderer.render(request, "public/region", title: region.name, content, cacheable: true)
  }

  private func page(
    _ request: Request, name: String, heading: String, figures: Figures?, filter: MessageFilter,
    thanks: [PublicThanks], listURL: String, writeURL: String, names: ReferenceNames,
    stats: (key: String, dimension: StatsDimension), citations: [HonoursContent.Citation] = [], thanksURL: String = ""
  ) async throws -> Response {
    let language = request.pageLanguage
    let now = context.clock()
    let items = try await context.store.publicMessages(matching: filter, limit: 20).items.map {
      MessageItem($0, names: names, language: language, now: now, calendar: context.calendar)
    }
    let content = UnitContent(
      name: name, heading: heading, figures: FiguresView(figures, language: language), empty: items.isEmpty,
      items: items, thanks: thanks.map { ThanksView($0, language: language) }, listURL: listURL, writeURL: writeURL,
      citations: citations, thanksURL: thanksURL,
      stats: try await StatsSection.make(
        key: stats.key, in: stats.dimension, context: context, language: language, now: now))
    return try await context.renderer.render(request, "public/unit", title: name, content, cacheable: true)
  }

  /// `/overdue`: public messages still overdue `publish_overdue_after_working_days` working days after
  /// their supervision notice, longest overdue first, with the unit that has them.
  func overdue(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let now = context.clock()
    let names = try await context.store.referenceNames()
    let days = context.supervision.publishOverdueAfterWorkingDays
    let found = try await context.store.publiclyOverdue(afterWorkingDays: days, at: now)
    var content = OverdueContent(
      intro: language.text("overdue_intro", ["days": .number(days)]),
      items: found.map { entry in
        OverdueItem(
          item: MessageItem(entry.item, names: names, language: language, now: now, calendar: context.calendar),
          unit: entry.item.leadUnitID.flatMap { names.units[$0]?.name } ?? "",
          unitURL: entry.item.leadUnitID.map { SiteURL.unit(.value($0)).path } ?? "",
          noticed: language.date(entry.noticedAt))
      })
    // 通报: the same cases counted by unit, the most first (equal counts by the unit's code).
    let byUnit = Dictionary(grouping: found.compactMap(\.item.leadUnitID)) { $0 }.mapValues(\.count)
    content.unitsIntro = language.text("overdue_units_intro", ["days": .number(days)])
    content.units = byUnit.sorted {
      ($0.value, names.units[$1.key]?.code ?? "") > ($1.value, names.units[$0.key]?.code ?? "")
    }.map { id, count in
      OverdueUnit(
        name: names.units[id]?.name ?? "", url: SiteURL.unit(.value(id)).path,
        count: language.text("overdue_units_count", ["n": .number(count)]))
    }
    return try await context.renderer.render(
      request, "public/overdue", title: language.text("overdue_title"), content, cacheable: true)
  }
}

/// `/lang/{code}?back=…`: remembers the language and goes back to a page of this site.
struct LanguageController: Sendable {
  let context: ServerContext

  func switchLanguage(_ request: Request) async throws -> Response {
    let language = request.parameters.get("code").flatMap(Language.init(code:)) ?? .zhHans
    let back = Self.safeBack(request.query[String.self, at: "back"])
    let response = request.redirect(to: back, redirectType: .normal)
    response.cookies[PageCookies.language] = HTTPCookies.Value(
      string: language.code, maxAge: 86_400 * 365, path: "/", isSecure: context.renderer.secureCookies,
      isHTTPOnly: true, sameSite: .lax)
    return response
  }

  /// `/care/{on|off}?back=…` (关怀版, as the 2020–2021 ageing-friendly guidance for public service
  /// sites asks): larger text, stronger contrast and larger targets on every page, remembered in a
  /// cookie; then back to the page.
  func switchCare(_ request: Request) async throws -> Response {
    guard let mode = request.parameters.get("mode"), ["on", "off"].contains(mode) else {
      throw PageError(.notFound, "error_page_not_found")
    }
    let response = request.redirect(to: Self.safeBack(request.query[String.self, at: "back"]), redirectType: .normal)
    response.cookies[PageCookies.care] = HTTPCookies.Value(
      string: mode == "on" ? "1" : "", expires: mode == "on" ? nil : Date(timeIntervalSince1970: 0),
      maxAge: mode == "on" ? 86_400 * 365 : 0, path: "/", isSecure: context.renderer.secureCookies,
      isHTTPOnly: true, sameSite: .lax)
    return response
  }

  /// A page of this site to go back to: an absolute path (with its query) of ASCII letters, digits and
  /// `/ - _ . ~ % ? = & + ,` only, not beginning `//` or `/\` (another host to a browser); anything else,
  /// a control character above all, gives the home page.
  static func safeBack(_ value: String?) -> String {
    guard let value, value.hasPrefix("/"), !value.hasPrefix("//"), value.count <= 512,
      value.unicodeScalars.allSatisfy({
        ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
          || "/-_.~%?=&+,".unicodeScalars.contains($0)
      })
    else { return SiteURL.home.path }
    return value
  }
}
