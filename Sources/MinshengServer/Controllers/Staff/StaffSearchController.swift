import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 案件检索 (`/staff/search?q=`): every case the viewer may read (as `CaseAccess` says) whose text,
/// replies, author's name or number, or serial match, best first or newest first, 20 a page.
struct StaffSearchController: Sendable {
  let pages: StaffPages

  var context: ServerContext { pages.context }

  func search(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let language = request.pageLanguage
    let words = String(
      (request.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        .prefix(SearchQuery.longestQuery))
    let order: SearchOrder =
      request.query[String.self, at: "sort"] == SearchOrder.newest.rawValue ? .newest : .relevance
    let page = max(1, min(request.query[Int.self, at: "page"] ?? 1, Store.searchDeepest / 20))
    let names = try await context.store.referenceNames()
    func link(sort: SearchOrder, page: Int) -> String {
      SiteURL.staff(.search).path(
        query: [("q", words), ("sort", sort == .newest ? sort.rawValue : nil), ("page", page > 1 ? String(page) : nil)])
    }
    var content = StaffSearchContent(query: words, rows: [], count: "", sorts: [], next: "", previous: "")
    if let query = SearchQuery(words) {
      let found = try await context.store.searchStaff(
        query, by: session.actor, order: order, limit: 20, offset: (page - 1) * 20)
      let now = context.clock()
      content.rows = found.hits.map { hit in
        let row = CaseRow(hit.item.summary, names: names, language: language, now: now, calendar: context.calendar)
        return StaffSearchRow(
          url: row.url, serial: row.serial, urgent: row.urgent, status: row.status, statusClass: row.statusClass,
          unit: row.unit, created: row.created, titleParts: hit.title.parts, snippet: hit.snippet.parts)
      }
      content.count = language.text(
        found.totalIsAtLeast ? "list_count_at_least" : "list_count", ["n": .number(found.total)])
      content.sorts = SearchOrder.allCases.map {
        NavLink(href: link(sort: $0, page: 1), label: language.text("sort_\($0.rawValue)"), current: $0 == order)
      }
      if found.nextOffset != nil { content.next = link(sort: order, page: page + 1) }
      if page > 1 { content.previous = link(sort: order, page: page - 1) }
    }
    return try await pages.render(
      request, "staff/search", title: language.text("staff_search_title"), session: session, content)
  }
}

/// The staff search page.
struct StaffSearchContent: Encodable, Sendable {
  var query: String
  var rows: [StaffSearchRow]
  var count: String
  var sorts: [NavLink]
  var next: String
  var previous: String
}

/// A case found, as its queue row shows it, with its title and a snippet, the matched words marked.
struct StaffSearchRow: Encodable, Sendable {
  var url: String
  var serial: String
  var urgent: Bool
  var status: String
  var statusClass: String
  var unit: String
  var created: String
  var titleParts: [Highlighted.Part]
  var snippet: [Highlighted.Part]
}
