import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Synchronization
import Testing
import VaporTesting

/// A clock that tests move forward.
final class TestClock: Sendable {
  private let value: Mutex<Date>
  init(_ start: Date) { value = Mutex(start) }
  var now: Date { value.withLock { $0 } }
  func advance(_ seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The whole site on a real database for page and API tests: staff accounts, a movable clock, and
/// helpers for forms with their tokens and for JSON calls.
protocol SiteTesting {}

let sitePasswords = PasswordHashing(cost: 4)
let sitePassword = "correct horse battery"

extension SiteTesting {

  typealias Site = TestSite

  /// A message on the secretary's board, taken by the seeded staff as far as `status`: received,
  /// assigned to 住建委 (`assigned`), or accepted there (`accepted`).
  func housingCase(_ site: Site, _ title: String, through status: Status = .accepted) async throws -> UUID {
    let (store, world, now) = (site.store, site.world, site.clock.now)
    let id = try await store.submit(Fixtures.newMessage(title: title, leader: world.secretary.id), at: now).message.id
    guard status != .received else { return id }
    try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: now)
    guard status != .assigned else { return id }
    try await store.perform(.accept(), on: id, by: world.housingHandler, at: now)
    return id
  }

  /// The site with the given intake policy, and staff accounts: the city's and the county's
  /// dispatchers, a handler and an admin.
  func withSite(
    _ db: TestDatabase, policy: IntakePolicy = IntakePolicy(moderation: true),
    intake: CitizenIntake = CitizenIntake(), honours: HonoursFormula? = nil,
    _ body: @Sendable @escaping (Site) async throws -> Void
  ) async throws {
    try await db.withStore { (plain: Store) async throws in
      let store = Store(database: plain.database, rules: plain.rules, policy: policy)
      let world = try await SeededWorld.create(in: store)
      let hash = try sitePasswords.hash(sitePassword)
      for (name, role, unit) in [
        ("xfb.dispatcher", Role.dispatcher, world.petitionOffice.id),
        ("xq.dispatcher", .dispatcher, world.countyOffice.id),
        ("scjg.handler", .handler, world.market.id), ("admin", .admin, nil),
        ("zjw.handler", .handler, world.housing.id),
        ("zjw.reviewer", .reviewer, world.housing.id), ("dc.supervisor", .supervisor, nil),
      ] {
        try await store.createStaffAccount(
          username: name, passwordHash: hash, role: role, unitID: unit, at: Fixtures.now)
      }
      let clock = TestClock(Fixtures.now)
      try await withApp(configure: { app in
        configure(
          app, store: store, passwords: sitePasswords, intake: intake, honours: honours, clock: { clock.now })
      }) { app in
        try await body(Site(app: app, store: store, world: world, clock: clock))
      }
    }
  }

  func token(_ app: Application, _ username: String) async throws -> String {
    var token = ""
    try await app.testing().test(
      .POST, "api/v1/auth/token",
      beforeRequest: { try $0.content.encode(["username": username, "password": sitePassword], as: .json) }
    ) { response in token = (try? response.content.get(String.self, at: "token")) ?? "" }
    return token
  }

  func logIn(_ app: Application, _ username: String) async throws -> Browser {
    let (formCookie, token) = try await formToken(app, "/staff/login")
    let (status, _, headers) = try await post(
      app, "/staff/login", [("username", username), ("password", sitePassword), ("_csrf", token)], cookies: formCookie)
    #expect(status == .seeOther, "login \(username)")
    let session = try #require(Self.cookie("minsheng_session", in: headers))
    let cookies = formCookie + "; " + session
    // Each role's first page (where /staff leads) carries the session's token in its logout form.
    var first = ""
    try await app.testing().test(
      .GET, "/staff", beforeRequest: { $0.headers.replaceOrAdd(name: .cookie, value: cookies) }
    ) {
      first = $0.headers.first(name: .location) ?? ""
    }
    let (_, html) = try await get(app, first, cookies: cookies)
    let marker = #"name="_csrf" value=""#
    let start = try #require(html.range(of: marker)).upperBound
    return Browser(cookies: cookies, csrf: String(html[start...].prefix { $0 != "\"" }))
  }

  /// A workflow action from the case page, with the session's token.
  func act(
    _ app: Application, _ browser: Browser, _ id: UUID, _ action: String, _ fields: [(String, String)] = []
  ) async throws -> (HTTPStatus, String, HTTPHeaders) {
    try await post(
      app, "/staff/messages/\(id.uuidString.lowercased())/actions/\(action)", fields + [("_csrf", browser.csrf)],
      cookies: browser.cookies)
  }

  /// A JSON request; returns the status, the body and the headers.
  @discardableResult
  func call(
    _ app: Application, _ method: HTTPMethod, _ path: String, token: String? = nil, json: [String: any Sendable]? = nil,
    headers: [(String, String)] = []
  ) async throws -> (HTTPStatus, String, HTTPHeaders) {
    var result: (HTTPStatus, String, HTTPHeaders) = (.internalServerError, "", [:])
    let data = try json.map { try JSONSerialization.data(withJSONObject: $0) }
    try await app.testing().test(
      method, path,
      beforeRequest: { request in
        if let token { request.headers.bearerAuthorization = .init(token: token) }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let data {
          request.headers.contentType = .json
          request.body = ByteBuffer(data: data)
        }
      }
    ) { response in result = (response.status, response.body.string, response.headers) }
    return result
  }

  /// A form post with the browser's cookies; returns the status, the page and the headers.
  @discardableResult
  func post(
    _ app: Application, _ path: String, _ fields: [(String, String)], cookies: String, accept: String? = nil
  ) async throws -> (HTTPStatus, String, HTTPHeaders) {
    var result: (HTTPStatus, String, HTTPHeaders) = (.internalServerError, "", [:])
    let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
      .joined(separator: "&")
    try await app.testing().test(
      .POST, path,
      beforeRequest: { request in
        request.headers.contentType = .urlEncodedForm
        request.headers.replaceOrAdd(name: .cookie, value: cookies)
        if let accept { request.headers.replaceOrAdd(name: .accept, value: accept) }
        request.body = ByteBuffer(string: body)
      }
    ) { response in result = (response.status, response.body.string, response.headers) }
    return result
  }

  func get(_ app: Application, _ path: String, cookies: String = "") async throws -> (HTTPStatus, String) {
    var result: (HTTPStatus, String) = (.internalServerError, "")
    try await app.testing().test(
      .GET, path, beforeRequest: { if !cookies.isEmpty { $0.headers.replaceOrAdd(name: .cookie, value: cookies) } }
    ) { response in result = (response.status, response.body.string) }
    return result
  }

  /// The browser's form cookie and token, from a page with a form.
  func formToken(_ app: Application, _ path: String = "/write") async throws -> (cookie: String, token: String) {
    var result = ("", "")
    try await app.testing().test(.GET, path) { response in
      let cookie = response.headers.first(name: .setCookie).map { String($0.prefix { $0 != ";" }) } ?? ""
      let html = response.body.string
      let marker = #"name="_csrf" value=""#
      let token = html.range(of: marker).map { String(html[$0.upperBound...].prefix { $0 != "\"" }) } ?? ""
      result = (cookie, token)
    }
    return result
  }

  static func cookie(_ name: String, in headers: HTTPHeaders) -> String? {
    headers[.setCookie].first { $0.hasPrefix(name + "=") }.map { String($0.prefix { $0 != ";" }) }
  }

  static func writeFields(
    _ world: SeededWorld, title: String, body: String, phone: String = "13800138000"
  )
    -> [(String, String)]
  {
    [
      ("board", world.secretary.id.uuidString), ("type", "complaint"), ("title", title), ("body", body),
      ("name", "顾女士"), ("phone", phone), ("consent", "yes"), ("visibility", "public"),
    ]
  }
}

/// A logged-in browser: its cookies and the session's CSRF token.
struct Browser {
  var cookies: String
  var csrf: String
}

struct TestSite: Sendable {
  var app: Application
  var store: Store
  var world: SeededWorld
  var clock: TestClock
}

/// A multipart form body (fields, then files with their type) for a test request.
func multipart(
  _ fields: [(String, String)], files: [(String, String, Data)] = [], fileType: String = "image/png"
)
  -> @Sendable (inout TestingHTTPRequest) throws -> Void
{
  let boundary = "----minsheng-test-boundary"
  var body = Data()
  for (name, value) in fields {
    body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
  }
  for (name, filename, data) in files {
    body.append(
      Data(
        "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(fileType)\r\n\r\n"
          .utf8))
    body.append(data)
    body.append(Data("\r\n".utf8))
  }
  body.append(Data("--\(boundary)--\r\n".utf8))
  let finished = body
  return { request in
    request.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
    request.body = ByteBuffer(data: finished)
  }
}
