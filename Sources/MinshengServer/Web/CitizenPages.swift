import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 我的留言: the citizen's account by mobile number and one-time code — log in, see every message
/// written with the number (private ones included), and open one to follow, evaluate and thank.
struct CitizenPages: Sendable {
  let pages: PublicPages

  var store: Store { pages.store }
  var renderer: PageRenderer { pages.renderer }

  func register(on routes: any RoutesBuilder) {
    routes.get("account", use: account)
    routes.post("account", "code", use: sendCode)
    routes.post("account", "login", use: login)
    routes.post("account", "logout", use: logout)
    routes.post("account", "open", use: open)
  }

  struct LoginForm: Decodable {
    var _csrf: String?
    var phone: String?
    var code: String?
    var id: String?
  }

  /// `GET /account`: the login form, or the messages of the logged-in number.
  func account(_ request: Request) async throws -> Response {
    try await page(request, phone: try await pages.citizenPhone(request), form: LoginForm())
  }

  private func page(
    _ request: Request, phone: String?, form: LoginForm, notice: String = "", errors: [String] = [],
    status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let language = request.pageLanguage
    var content = AccountContent(
      loggedIn: phone != nil, phone: form.phone ?? "", phoneLabel: "", notice: notice, errors: errors, items: [])
    if let phone {
      content.phoneLabel = String(format: language.text("account_phone"), PrivacyMask.mask(phone) as NSString)
      let names = try await store.referenceNames()
      let now = pages.clock()
      content.items = try await store.messages(ofPhone: phone).map { message in
        AccountItem(
          item: MessageItem(message, names: names, language: language, now: now, calendar: store.rules.calendar),
          title: PrivacyMask.mask(message.title),
          publication: message.isPublic
            ? language.text("publication_" + message.publication.rawValue) : language.text("public_no"))
      }
    }
    return try await renderer.render(
      request, "public/account", title: language.text("account_title"), content, status: status)
  }

  /// `POST /account/code`: sends a one-time code to the number.
  func sendCode(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(LoginForm.self)) ?? LoginForm()
    try request.checkFormToken(form._csrf)
    let (status, notice, error) = await pages.sendCode(to: form.phone ?? "", language: request.pageLanguage)
    return try await page(
      request, phone: nil, form: form, notice: notice, errors: error.isEmpty ? [] : [error], status: status)
  }

  /// `POST /account/login`: checks the code and opens the session (thirty days, HttpOnly, SameSite=Strict).
  func login(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(LoginForm.self)) ?? LoginForm()
    try request.checkFormToken(form._csrf)
    let language = request.pageLanguage
    let now = pages.clock()
    do {
      try await store.verifyPhoneCode(form.code ?? "", for: form.phone ?? "", at: now)
    } catch let error as PhoneCodeError {
      return try await page(
        request, phone: nil, form: form, errors: [language.text("code") + "：" + error.message],
        status: .unprocessableEntity)
    }
    let key = try await store.openCitizenSession(phone: form.phone ?? "", at: now)
    let response = request.redirect(to: "/account", redirectType: .normal)
    response.cookies[PageCookies.citizen] = HTTPCookies.Value(
      string: key, maxAge: 30 * 86_400, path: "/", isSecure: renderer.secureCookies, isHTTPOnly: true,
      sameSite: .strict)
    return response
  }

  /// `POST /account/logout`: ends the session on the server and in the browser.
  func logout(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(LoginForm.self)) ?? LoginForm()
    try request.checkFormToken(form._csrf)
    if let key = request.cookies[PageCookies.citizen]?.string, !key.isEmpty {
      try await store.closeCitizenSession(key)
    }
    let response = request.redirect(to: "/account", redirectType: .normal)
    response.cookies[PageCookies.citizen] = pages.expiredCookie()
    response.cookies[PageCookies.trackedCase] = pages.expiredCookie()
    return response
  }

  /// `POST /account/open`: follows one of the number's messages on the 办理进度 page.
  func open(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(LoginForm.self)) ?? LoginForm()
    try request.checkFormToken(form._csrf)
    guard let phone = try await pages.citizenPhone(request) else {
      return request.redirect(to: "/account", redirectType: .normal)
    }
    guard let id = form.id.flatMap(UUID.init(uuidString:)), let message = try await store.message(id),
      PhoneNumber.mobile(message.contact.phone) == phone
    else { throw StoreError.notFound("留言") }
    let response = request.redirect(to: "/track", redirectType: .normal)
    response.cookies[PageCookies.trackedCase] = HTTPCookies.Value(
      string: id.uuidString, maxAge: 30 * 86_400, path: "/", isSecure: renderer.secureCookies, isHTTPOnly: true,
      sameSite: .strict)
    response.cookies[PageCookies.track] = pages.expiredCookie()
    return response
  }
}

struct AccountContent: Encodable, Sendable {
  var loggedIn: Bool
  var phone: String
  var phoneLabel: String
  var notice: String
  var errors: [String]
  var items: [AccountItem]
}

/// One of the citizen's own messages: the author sees the title as written (masked numbers aside)
/// and whether it is published.
struct AccountItem: Encodable, Sendable {
  var item: MessageItem
  var title: String
  var publication: String
}
