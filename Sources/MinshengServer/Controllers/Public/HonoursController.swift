import Foundation
import MinshengCore
import MinshengStore
import Synchronization
import Vapor

/// 年度表彰 (`/honours`, `/honours/{year}`): the 民心汇聚单位 and the year's other lists by the
/// published formula (`HonoursFormula`), as frozen by an administrator, or provisional until then;
/// and the administrators' 定榜 (`POST /staff/honours`).
struct HonoursController: Sendable {
  let pages: StaffPages
  var context: ServerContext { pages.context }
  /// Provisional lists read two years of cases with their events: each year's is kept ten minutes.
  let provisional = ProvisionalHonours()

  /// `GET /honours`: the latest published year, or this year's provisional lists before any.
  func latest(_ request: Request) async throws -> Response {
    let frozen = try await context.store.frozenHonours()
    let year = frozen.first?.result.year ?? context.calendar.day(of: context.clock()).year
    return try await page(request, year: year, frozen: frozen)
  }

  /// `GET /honours/{year}`: a year from 2000 to this one; any other is not found.
  func year(_ request: Request) async throws -> Response {
    guard let text = request.parameters.get("year"), text.count == 4, let year = Int(text),
      (2000...context.calendar.day(of: context.clock()).year).contains(year)
    else { throw PageError(.notFound, "error_page_not_found") }
    return try await page(request, year: year, frozen: try await context.store.frozenHonours())
  }

  private func page(_ request: Request, year: Int, frozen: [FrozenHonours]) async throws -> Response {
    let language = request.pageLanguage
    let now = context.clock()
    let published = frozen.first { $0.result.year == year }
    let result: HonoursResult
    if let published {
      result = published.result
    } else {
      result = try await provisional.result(year: year, now: now) {
        let figures = try await context.store.honoursFigures(year: year, asOf: now, definitions: context.kpis)
        return HonoursResult(formula: context.honours, year: year, table: figures)
      }
    }
    let thisYear = context.calendar.day(of: now).year
    let years = Set(frozen.map(\.result.year) + [thisYear, thisYear - 1]).sorted(by: >)
    let content = HonoursContent(
      result, published: published, years: years, names: try await context.store.referenceNames(),
      definitions: context.kpis, language: language, now: now)
    return try await context.renderer.render(
      request, "public/honours", title: content.heading, content, cacheable: true)
  }

  /// The unit's citations from the published years: `2025 年度民心汇聚单位（第 3 名）`.
  static func citations(of unit: UUID, in frozen: [FrozenHonours], language: Language) -> [HonoursContent.Citation] {
    let key = unit.uuidString.lowercased()
    return frozen.flatMap { year in
      year.result.lists.compactMap { list -> HonoursContent.Citation? in
        guard let entry = list.entries.first(where: { $0.unit == key }),
          let definition = year.result.formula.lists.first(where: { $0.id == list.id })
        else { return nil }
        return HonoursContent.Citation(
          text: language.text(
            "honours_citation",
            [
              "year": .plain(String(year.result.year)), "list": .plain(definition.name(in: language.rawValue)),
              "rank": .number(entry.rank),
            ]), url: SiteURL.honoursYear(.value(String(year.result.year))).path)
      }
    }
  }

  struct FreezeFields: Decodable {
    var _csrf: String?
    var year: String?
  }

  /// `POST /staff/honours`: an administrator publishes a finished year's lists as computed now; then
  /// to the published page.
  func freeze(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let form = (try? request.content.decode(FreezeFields.self)) ?? FreezeFields()
    try pages.checkCSRF(form._csrf, session)
    guard let text = form.year, text.count == 4, let year = Int(text), (2000...2100).contains(year) else {
      throw PageError(.badRequest, "error_bad_request")
    }
    try await context.store.freezeHonours(
      year: year, formula: context.honours, definitions: context.kpis, by: session.actor, at: context.clock())
    return request.redirect(to: SiteURL.honoursYear(.value(text)).path, redirectType: .normal)
  }
}

/// The provisional honours computed lately, by year.
final class ProvisionalHonours: Sendable {
  private let state = Mutex<[Int: HonoursResult]>([:])
  let maximumAge: TimeInterval = 600

  func result(year: Int, now: Date, compute: () async throws -> HonoursResult) async throws -> HonoursResult {
    if let kept = state.withLock({ $0[year] }), now >= kept.asOf, now.timeIntervalSince(kept.asOf) < maximumAge {
      return kept
    }
    let result = try await compute()
    state.withLock { $0[year] = result }
    return result
  }
}
