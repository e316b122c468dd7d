import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 我的留言: the citizen's account by mobile number and one-time code — log in, see every message
/// written with the number (private ones included), and open one to follow, evaluate and thank.
struct AccountController: Sendable {
  let context: ServerContext

  struct LoginForm: Decodable {
    var _csrf: String?
    var phone: String?
    var code: String?
    var id: String?
    var off: String?
  }

  /// `GET /account`: the login form, or the messages of the logged-in number.
  func account(_ request: Request) async throws -> Response {
    try await page(request, phone: try await context.citizenPhone(request), form: LoginForm())
  }

  private func page(
    _ request: Request, phone: String?, form: LoginForm, notice: String = "", errors: [String] = [],
    status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let language = request.pageLanguage
    var content = AccountContent(
      loggedIn: phone != nil, phone: form.phone ?? "", phoneLabel: "", notice: notice, errors: errors, items: [],
      noticesOff: false, noticesText: "")
    if let phone {
      content.phoneLabel = language.text("account_phone", ["phone": .plain(PrivacyMask.mask(phone))])
      content.noticesOff = try await context.store.noticesOff(phone: phone)
      content.noticesText = language.text(content.noticesOff ? "account_notices_off" : "account_notices_on")
      let names = try await context.store.referenceNames()
      let now = context.clock()
      content.items = try await context.store.messages(ofPhone: phone).map { item in
        AccountItem(
          item: MessageItem(item, names: names, language: language, now: now, calendar: context.calendar),
          title: item.title,
          publication: item.isPublic
            ? language.text("publication_" + item.publication.rawValue) : language.text("public_no"))
      }
    }
    return try await context.renderer.render(
      request, "public/account", title: language.text("account_title"), content, status: status)
  }

  /// `POST /account/code`: sends a one-time code to the number.
  func sendCode(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(LoginForm.self)) ?? LoginForm()
    try request.checkFormToken(form._csrf)
    let sent = await PhoneCodes(context: context).send(to: form.phone ?? "", for: request)
    let response = try await page(
      request, phone: nil, form: form, notice: sent.notice, errors: sent.error.isEmpty ? [] : [sent.error],
      status: sent.status)
    for (name, value) in sent.headers { response.headers.replaceOrAdd(name: name, value: value) }
    return response
  }

  /// `POST /account/login`: checks the code and opens the session (thirty days, HttpOnly, SameSite=Strict).
  func login(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(LoginForm.self)) ?? LoginForm()
    try request.checkFormToken(form._csrf)
    let language = request.pageLanguage
    let now = context.clock()
    do {
      try await context.store.verifyPhoneCode(form.code ?? "", for: form.phone ?? "", at: now)
    } catch let error as PhoneCodeError {
      return try await page(
        request, phone: nil, form: form,
        errors: [language.text("code") + language.text("field_separator") + language.text(error.text)],
        status: .unprocessableEntity)
    }
    let key = try await context.store.openCitizenSession(phone: form.phone ?? "", at: now)
    let response = request.redirect(to: SiteURL.account.path, redirectType: .normal)
    response.cookies[PageCookies.citizen] = context.cookie(key, maxAge: 30 * 86_400)
    return response
  }

  /// `POST /account/logout`: ends the session on the server and in the browser.
  func logout(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(LoginForm.self)) ?? LoginForm()
    try request.checkFormToken(form._csrf)
    if let key = request.cookies[PageCookies.citizen]?.string, !key.isEmpty {
      try await context.store.closeCitizenSession(key)
    }
    let response = request.redirect(to: SiteURL.account.path, redirectType: .normal)
    response.cookies[PageCookies.citizen] = context.expiredCookie()
    response.cookies[PageCookies.trackedCase] = context.expiredCookie()
    return response
  }

  /// `POST /account/notices`: turns 办理提醒 off (`off=1`) or on again for the logged-in number.
  func notices(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(LoginForm.self)) ?? LoginForm()
    try request.checkFormToken(form._csrf)
    guard let phone = try await context.citizenPhone(request) else {
      return request.redirect(to: SiteURL.account.path, redirectType: .normal)
    }
    let off = form.off == "1"
    try await context.store.setNoticesOff(off, phone: phone, at: context.clock())
    return try await page(
      request, phone: phone, form: LoginForm(),
      notice: request.pageLanguage.text(off ? "account_notices_saved_off" : "account_notices_saved_on"))
  }

  /// `POST /account/open`: follows one of the number's messages on the 办理进度 page.
  func open(_ request: Request) async throws -> Response {
    let form = (try? request.content.decode(LoginForm.self)) ?? LoginForm()
    try request.checkFormToken(form._csrf)
    guard let phone = try await context.citizenPhone(request) else {
      return request.redirect(to: SiteURL.account.path, redirectType: .normal)
    }
    guard let id = form.id.flatMap(UUID.init(uuidString:)), try await context.store.isWritten(id, byPhone: phone)
    else { throw StoreError.notFound(.message) }
    let response = request.redirect(to: SiteURL.track.path, redirectType: .normal)
    response.cookies[PageCookies.trackedCase] = context.cookie(id.uuidString, maxAge: 30 * 86_400)
    response.cookies[PageCookies.track] = context.expiredCookie()
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
  /// 办理提醒 for the number: off when the author turned them off.
  var noticesOff: Bool
  var noticesText: String
}

/// One of the citizen's own messages: the author sees the title as written (masked numbers aside)
/// and whether it is published.
struct AccountItem: Encodable, Sendable {
  var item: MessageItem
  var title: String
  var publication: String
}
