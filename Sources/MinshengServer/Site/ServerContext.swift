import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// What every controller works with: the store, the clock, the page renderer and the services, made
/// once by `configure`.
struct ServerContext: Sendable {
  let store: Store
  let clock: @Sendable () -> Date
  let renderer: PageRenderer
  let intake: IntakeService
  /// Phone verification, address handling and the region table of citizens' intake.
  let citizens: CitizenIntake
  let classifiers: ClassifierHolder
  let passwords: PasswordHashing
  let supervision: SupervisionSchedule
  /// The KPIs' definitions (`/stats`, the API's statistics).
  let kpis: KPIDefinitions
  /// The formula of the annual honours (`/honours`).
  let honours: HonoursFormula
  /// Board and unit figures, recomputed at most every 30 seconds per instance.
  let figures = FiguresCache()

  var calendar: WorkingCalendar { store.rules.calendar }

  /// The verified mobile number of the citizen's session, if the browser has one.
  func citizenPhone(_ request: Request) async throws -> String? {
    guard let key = request.cookies[PageCookies.citizen]?.string, !key.isEmpty else { return nil }
    return try await store.citizenPhone(forSession: key, at: clock())
  }

  /// A cookie value that makes the browser forget the cookie.
  func expiredCookie() -> HTTPCookies.Value {
    HTTPCookies.Value(
      string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isSecure: renderer.secureCookies,
      isHTTPOnly: true, sameSite: .strict)
  }

  /// An HttpOnly, same-site cookie of this site.
  func cookie(_ value: String, maxAge: Int) -> HTTPCookies.Value {
    HTTPCookies.Value(
      string: value, maxAge: maxAge, path: "/", isSecure: renderer.secureCookies, isHTTPOnly: true, sameSite: .strict)
  }
}

/// An option of a select list.
struct Option: Encodable, Sendable {
  var value: String
  var label: String
  var selected: Bool
}

extension Option {
  /// An option for a record with an id.
  init(_ id: UUID, _ label: String, selected: UUID?) {
    self.init(value: id.uuidString.lowercased(), label: label, selected: id == selected)
  }
}

extension ReferenceNames {
  /// Regions with each parent before its children (市 → 区/县), siblings by code.
  var regionsInTreeOrder: [Region] {
    let children = Dictionary(grouping: regions.values, by: \.parentID)
    var ordered: [Region] = []
    func visit(_ parent: UUID?, depth: Int) {
      guard depth < 16 else { return }
      for region in (children[parent] ?? []).sorted(by: { $0.code < $1.code }) {
        ordered.append(region)
        visit(region.id, depth: depth + 1)
      }
    }
    visit(nil, depth: 0)
    return ordered
  }

  var unitsByCode: [MinshengCore.Unit] { units.values.sorted { $0.code < $1.code } }
  var leadersByCode: [Leader] { leaders.values.sorted { $0.code < $1.code } }
  var firstLevelCategories: [MinshengCore.Category] {
    categories.values.filter { $0.parentID == nil }.sorted { $0.code < $1.code }
  }
}

extension MessageType {
  /// The types a citizen chooses from when writing (a thanks letter is written to a reply instead).
  static let citizenTypes: [MessageType] = [.suggestion, .consultation, .complaint, .help]
}
