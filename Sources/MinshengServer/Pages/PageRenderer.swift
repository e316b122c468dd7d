import Crypto
import Foundation
import LeafKit
import MinshengCore
import MinshengStore
import Synchronization
import Vapor

/// What every page carries besides its own content: the language, its texts (`t`), the site's fixed
/// links (`u`), the form token; and, on the staff workbench, who is logged in, the navigation, a
/// notice and the errors of a refused form.
struct Page<Content: Encodable & Sendable>: Encodable, Sendable {
  var lang: String
  var t: TextsInLeaf
  var u: SiteLinks
  var title: String
  /// The link that switches language and comes back to this page.
  var switchURL: String
  /// 关怀版 on, and the link that switches it and comes back to this page.
  var care = false
  var careURL = ""
  /// The token every form on the page sends back (`_csrf`).
  var csrf: String
  var body: Content
  var user = ""
  var nav: [NavLink] = []
  var notice = ""
  var errors: [ErrorLine] = []
}

/// A line of a refused form's error summary; `href` ("" for none) links to the field at fault.
struct ErrorLine: Encodable, Sendable {
  var text: String
  var href = ""
}

/// The catalogue of the page's language, handed to Leaf as it is (built once per language).
struct TextsInLeaf: Encodable, Sendable, LeafDataRepresentable {
  var language: Language

  var leafData: LeafData { TextTable.leafData(language) }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(language.catalogue.entries)
  }
}

/// The site's links that take no parameter, as templates use them (`#(u.write)`), from the site map.
struct SiteLinks: Encodable, Sendable, LeafDataRepresentable {
  static let links: [String: String] = [
    "home": SiteURL.home.path, "messages": SiteURL.messages.path, "write": SiteURL.write.path,
    "writeCode": SiteURL.writeCode.path, "writeSuggest": SiteURL.writeSuggest.path, "track": SiteURL.track.path,
    "trackEvaluate": SiteURL.trackEvaluate.path, "trackThanks": SiteURL.trackThanks.path,
    "trackForget": SiteURL.trackForget.path, "trackWithdraw": SiteURL.trackWithdraw.path,
    "account": SiteURL.account.path, "accountCode": SiteURL.accountCode.path,
    "accountLogin": SiteURL.accountLogin.path, "accountLogout": SiteURL.accountLogout.path,
    "accountOpen": SiteURL.accountOpen.path, "accountNotices": SiteURL.accountNotices.path,
    "overdue": SiteURL.overdue.path, "stats": SiteURL.stats.path,
    "suggestions": SiteURL.suggestions.path, "awards": SiteURL.awards.path,
    "honours": SiteURL.honours.path, "thanks": SiteURL.thanks.path, "honoursFreeze": SiteURL.staff(.honoursFreeze).path,
    "supervisionReport": SiteURL.staff(.supervisionReport).path,
    "staff": SiteURL.staff(.home).path,
    "staffLogin": SiteURL.staff(.login).path, "staffLogout": SiteURL.staff(.logout).path,
    "intake": SiteURL.staff(.intake).path, "dashboard": SiteURL.staff(.dashboard).path,
    "staffSearch": SiteURL.staff(.search).path,
  ]
  private static let leaf = LeafData.dictionary(links.mapValues { LeafData.string($0) })

  var leafData: LeafData { Self.leaf }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(Self.links)
  }
}

/// A link of a navigation (the staff's places, the public list's tabs); `current` marks the page shown.
struct NavLink: Encodable, Sendable {
  var href: String
  var label: String
  var current: Bool
}

/// The cookies and headers of the public pages.
enum PageCookies {
  static let language = "minsheng_lang"
  /// 关怀版: larger text and stronger contrast ("1"; absent: the standard pages).
  static let care = "minsheng_care"
  static let form = "minsheng_form"
  static let track = "minsheng_track"
  /// A message opened from 我的留言 (its id; valid only with the citizen's session of its number).
  static let trackedCase = "minsheng_case"
  /// The citizen's session (phone + code login).
  static let citizen = "minsheng_citizen"
}

extension Request {
  /// The author's network address (behind trusted proxies, the rightmost address of
  /// `X-Forwarded-For` that is not one of them: `TrustedProxies.client`) and its region, for the rate
  /// limits and the region kept with a message. A request with no network peer came through a local
  /// socket, so it counts as from the local machine.
  func intakeOrigin(_ intake: CitizenIntake) -> IntakeOrigin {
    let address = intake.proxies.client(
      peer: remoteAddress?.ipAddress ?? "127.0.0.1", forwardedFor: headers[.xForwardedFor])
    return IntakeOrigin(address: address, region: address.map(intake.regions.region(of:)))
  }

  /// Whether the browser says the request comes from a page of this site: `Sec-Fetch-Site` is not
  /// `cross-site`, and an `Origin`, when sent, names this host. A client that sends neither (not a
  /// browser) is not refused.
  func isFromThisSite(publicAuthority: String?) -> Bool {
    if headers.first(name: "Sec-Fetch-Site") == "cross-site" { return false }
    guard let origin = headers.first(name: .origin) else { return true }
    guard let url = URL(string: origin), let originHost = url.host else { return false }
    let originAuthority = (url.port.map { "\(originHost):\($0)" } ?? originHost).lowercased()
    return [headers.first(name: .host), publicAuthority].compactMap { $0?.lowercased() }.contains(originAuthority)
  }

  /// Whether the reader chose 关怀版 (`/care/on`).
  var pageCare: Bool { cookies[PageCookies.care]?.string == "1" }

  /// The page language: the `lang` query parameter, else the cookie, else Chinese.
  var pageLanguage: Language {
    if let value = query[String.self, at: "lang"], let language = Language(code: value) { return language }
    if let value = cookies[PageCookies.language]?.string, let language = Language(code: value) { return language }
    return .zhHans
  }

  /// The form token of this browser (double-submit cookie), and whether it was made just now.
  var formToken: (value: String, isNew: Bool) {
    if let value = cookies[PageCookies.form]?.string, value.count == 43,
      value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
    {
      return (value, false)
    }
    return (PageTokens.random(), true)
  }

  /// Refuses a form whose `_csrf` field is not this browser's form token.
  func checkFormToken(_ sent: String?) throws {
    guard let cookie = cookies[PageCookies.form]?.string, let sent, !sent.isEmpty,
      PageTokens.equal(cookie, sent)
    else { throw PageError.staleForm }
  }
}

enum PageTokens {
  /// 32 random bytes, base64url without padding (43 characters).
  static func random() -> String {
    let key = SymmetricKey(size: .bits256)
    let data = key.withUnsafeBytes { Data($0) }
    return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
  }

  /// Compares in time that does not depend on where the strings differ.
  static func equal(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
  }
}

/// Renders pages with their common parts and headers.
struct PageRenderer: Sendable {
  let secureCookies: Bool
  /// The host (and port) of `BASE_URL`, where people reach the site through a proxy.
  var publicAuthority: String? = nil

  /// Renders `template` with `body` in the request's language; sets the form cookie when it is new,
  /// and the headers every page has. `staff` fills in the workbench's frame.
  func render<Content: Encodable & Sendable>(
    _ request: Request, _ template: String, title: String, _ body: Content, status: HTTPResponseStatus = .ok,
    cacheable: Bool = false, staff: StaffFrame? = nil
  ) async throws -> Response {
    let language = request.pageLanguage
    let token = request.formToken
    let path = request.url.path.hasPrefix("/") ? request.url.path : "/"
    let back = request.url.query.map { path + "?" + $0 } ?? path
    var page = Page(
      lang: language.htmlTag, t: TextsInLeaf(language: language), u: SiteLinks(), title: title,
      switchURL: SiteURL.language(.value(language.other.code)).path(query: [("back", back)]),
      csrf: staff?.csrf ?? token.value, body: body)
    page.care = request.pageCare
    page.careURL = SiteURL.care(.value(page.care ? "off" : "on")).path(query: [("back", back)])
    if let staff {
      (page.user, page.nav, page.notice, page.errors) = (staff.user, staff.nav, staff.notice, staff.errors)
    }
    let view = try await request.view.render(template, page)
    return respond(request, html: view.data, status: status, cacheable: cacheable, token: token)
  }

  /// A page already rendered, with the headers every page has and the form cookie when it is new.
  func respond(
    _ request: Request, html: ByteBuffer, status: HTTPResponseStatus = .ok, cacheable: Bool = false,
    token: (value: String, isNew: Bool)? = nil
  ) -> Response {
    let token = token ?? request.formToken
    var headers = HTTPHeaders()
    headers.contentType = .html
    let response = Response(status: status, headers: headers, body: .init(buffer: html))
    Self.addSecurityHeaders(to: response)
    response.headers.replaceOrAdd(name: .cacheControl, value: cacheable ? "no-cache" : "no-store")
    if token.isNew {
      response.cookies[PageCookies.form] = HTTPCookies.Value(
        string: token.value, maxAge: 86_400 * 30, path: "/", isSecure: secureCookies, isHTTPOnly: true,
        sameSite: .strict)
    }
    return response
  }

  /// No inline script, no framing, no foreign sources.
  static func addSecurityHeaders(to response: Response) {
    response.headers.replaceOrAdd(
      name: "Content-Security-Policy",
      value:
        "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
    response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
    response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
  }
}

/// Whole pages that are the same for everyone, kept for a few seconds per language (the home page).
final class SharedPages: Sendable {
  private let state = Mutex<[String: (at: ContinuousClock.Instant, html: ByteBuffer)]>([:])
  let maximumAge: Duration

  init(maximumAge: Duration = .seconds(5)) {
    self.maximumAge = maximumAge
  }

  func page(_ key: String) -> ByteBuffer? {
    state.withLock { pages in
      guard let kept = pages[key], ContinuousClock.now - kept.at < maximumAge else { return nil }
      return kept.html
    }
  }

  /// Keeps a page; past `limit` pages the expired ones are dropped first, and all if that is not enough.
  func remember(_ html: ByteBuffer, as key: String, limit: Int = 10_000) {
    state.withLock { pages in
      if pages.count >= limit {
        let now = ContinuousClock.now
        pages = pages.filter { now - $0.value.at < maximumAge }
        if pages.count >= limit { pages.removeAll(keepingCapacity: true) }
      }
      pages[key] = (ContinuousClock.now, html)
    }
  }
}

/// Board and unit figures, recomputed at most every 30 seconds per instance.
final class FiguresCache: Sendable {
  struct Entry: Sendable {
    var year: Int
    var leaders: [UUID: Figures]
    var units: [UUID: Figures]
    var at: Date
  }

  private let state = Mutex<Entry?>(nil)
  let maximumAge: TimeInterval = 30

  func figures(store: Store, now: Date) async throws -> Entry {
    let year = store.rules.calendar.day(of: now).year
    if let entry = state.withLock({ $0 }), entry.year == year, now.timeIntervalSince(entry.at) < maximumAge,
      now >= entry.at
    {
      return entry
    }
    let figures = try await store.figures(year: year)
    let entry = Entry(year: year, leaders: figures.leaders, units: figures.units, at: now)
    state.withLock { $0 = entry }
    return entry
  }
}

/// The workbench's part of a staff page's frame.
struct StaffFrame: Sendable {
  var csrf: String
  var user: String
  var nav: [NavLink]
  var notice: String = ""
  var errors: [ErrorLine] = []
}
