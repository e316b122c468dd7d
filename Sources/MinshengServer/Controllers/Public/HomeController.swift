import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// `/`: the leaders' boards by region with this year's figures, and the latest replies.
struct HomeController: Sendable {
  let context: ServerContext
  /// The home page is the same for everyone in a language (and in 关怀版 or not); it is rendered at
  /// most every 5 seconds.
  let shared = SharedPages(maximumAge: .seconds(5))

  func home(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    let key = language.code + (request.pageCare ? "+care" : "")
    if let html = shared.page(key) { return context.renderer.respond(request, html: html, cacheable: true) }
    let now = context.clock()
    let names = try await context.store.referenceNames()
    let entry = try await context.figures.figures(store: context.store, now: now)
    let leadersByRegion = Dictionary(grouping: names.leaders.values, by: \.regionID)
    var regions: [RegionBoards] = []
    for region in names.regionsInTreeOrder {
      let boards = (leadersByRegion[region.id] ?? []).sorted { $0.code < $1.code }.map {
        BoardCard(
          id: $0.id.uuidString.lowercased(), url: SiteURL.leader(.value($0.id)).path,
          writeURL: SiteURL.write.path(query: [("leader", $0.id.uuidString.lowercased())]), title: $0.title,
          figures: FiguresView(entry.leaders[$0.id], language: language))
      }
      if !boards.isEmpty { regions.append(RegionBoards(name: region.name, boards: boards)) }
    }
    let latest = try await context.store.latestReplied(limit: 8).map {
      MessageItem($0, names: names, language: language, now: now, calendar: context.calendar)
    }
    let content = HomeContent(
      year: language.text("figures_year", ["year": .number(entry.year)]), regions: regions,
      hasLatest: !latest.isEmpty, items: latest)
    let response = try await context.renderer.render(
      request, "public/home", title: language.text("tagline"), content, cacheable: true)
    if let html = response.body.buffer { shared.remember(html, as: key) }
    return response
  }
}
