import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// The citizens' pages: content, masking, escaping, forms with their tokens, search on both databases.
@Suite struct PublicPagesTests {
  func withSite(
    _ db: TestDatabase, _ body: @Sendable @escaping (Application, Store, SeededWorld) async throws -> Void
  ) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      try await withApp(configure: { app in configure(app, store: store, clock: { Fixtures.now }) }) { app in
        try await body(app, store, world)
      }
    }
  }

  /// Submits, assigns to 市市场监管局 (no review), accepts and replies.
  @discardableResult
  func repliedMessage(
    _ store: Store, _ world: SeededWorld, title: String, body: String = "工地夜里施工，影响休息。", reply: String = "已责令整改。"
  ) async throws -> Submission {
    var input = Fixtures.newMessage(title: title, leader: world.secretary.id)
    input.body = body
    let submission = try await store.submit(input, at: Fixtures.now)
    let id = submission.message.id
    try await store.perform(.assign(lead: world.market.id), on: id, by: world.dispatcher, at: Fixtures.now)
    try await store.perform(.accept(), on: id, by: world.marketHandler, at: Fixtures.now)
    try await store.perform(.reply(body: reply), on: id, by: world.marketHandler, at: Fixtures.now)
    return submission
  }

  func page(_ app: Application, _ path: String, cookie: String? = nil) async throws -> (HTTPStatus, String, HTTPHeaders)
  {
    var result: (HTTPStatus, String, HTTPHeaders) = (.internalServerError, "", [:])
    try await app.testing().test(
      .GET, path,
      beforeRequest: { request in
        if let cookie { request.headers.replaceOrAdd(name: .cookie, value: cookie) }
      }
    ) { response in
      result = (response.status, String(buffer: response.body), response.headers)
    }
    return result
  }

  @Test(arguments: TestDatabase.available)
  func home_listsBoardsByRegionWithFigures_andTheLatestReplies(db: TestDatabase) async throws {
    try await withSite(db) { app, store, world in
      try await repliedMessage(store, world, title: "滨江路工地夜间施工")
      let (status, html, headers) = try await page(app, "/")
      #expect(status == .ok)
      #expect(html.contains(#"<html lang="zh-CN">"#))
      #expect(html.contains("示范市"))
      #expect(html.contains("市委书记"))
      #expect(html.contains("答复率"))
      #expect(html.contains("100%"))
      #expect(html.contains("滨江路工地夜间施工"))
      #expect(headers.first(name: "Content-Security-Policy")?.contains("script-src 'self'") == true)
      #expect(headers.first(name: .setCookie)?.contains("minsheng_form=") == true)
      #expect(html.utf8.count < 100_000)
    }
  }

  @Test(arguments: TestDatabase.available)
  func search_findsATwoCharacterWord_inTitlesBodiesAndReplies_butNotInsideMaskedNumbers(
    db: TestDatabase
  )
    async throws
  {
    try await withSite(db) { app, store, world in
      try await repliedMessage(store, world, title: "工地夜间施工噪音扰民")
      try await repliedMessage(store, world, title: "夜里机器声太大", reply: "经查噪音超标，已责令停工。")
      try await repliedMessage(store, world, title: "小区停车难", body: "车位不够，请联系13912345678。")
      try await repliedMessage(store, world, title: "路灯不亮 100%_!")
      try await store.indexPendingSearch()
      let noise = try await page(app, "/messages?q=%E5%99%AA%E9%9F%B3")
      #expect(noise.0 == .ok)
      #expect(noise.1.contains("工地夜间施工<mark>噪音</mark>扰民"))
      // Found in the reply: the reply's words are the snippet.
      #expect(noise.1.contains(#"<p class="snippet">经查<mark>噪音</mark>超标，已责令停工。</p>"#))
      #expect(noise.1.contains("夜里机器声太大"))
      #expect(!noise.1.contains("小区停车难"))
      // The full number is stored, but the public only ever sees 139****5678.
      let number = try await page(app, "/messages?q=13912345678")
      #expect(!number.1.contains("小区停车难"))
      let visible = try await page(app, "/messages?q=5678")
      #expect(visible.1.contains("小区停车难"))
      // Punctuation is nothing to look for: no wildcard, no results.
      let wildcard = try await page(app, "/messages?q=%25_")
      #expect(wildcard.0 == .ok && !wildcard.1.contains("小区停车难") && wildcard.1.contains("共 0 条"))
      let search = try await page(app, "/search?q=%E5%99%AA%E9%9F%B3")
      #expect(search.1.contains("夜里机器声太大"))
      // A control character (NUL, which PostgreSQL refuses in a parameter) reads as a space.
      let control = try await page(app, "/search?q=%00%E5%99%AA%E9%9F%B3%01")
      #expect(control.0 == .ok && control.1.contains("夜里机器声太大"))
      // The unit filter: every message here was answered by 市场监管局, none by 住建委.
      let market = try await page(app, "/messages?unit=\(world.market.id.uuidString)")
      #expect(market.1.contains("小区停车难") && market.1.contains("夜里机器声太大"))
      #expect(market.1.contains(#"<option value="\#(world.market.id.uuidString.lowercased())" selected>"#))
      let housing = try await page(app, "/messages?unit=\(world.housing.id.uuidString)")
      #expect(!housing.1.contains("小区停车难"))
    }
  }

  @Test(arguments: TestDatabase.available)
  func messagePage_masksNumbersAndNames_escapesMarkup_andHidesPrivateMessages(db: TestDatabase) async throws {
    try await withSite(db) { app, store, world in
      var input = Fixtures.newMessage(title: "<script>alert(1)</script>噪音", leader: world.secretary.id)
      input.body = "我的身份证510102199001011234，手机13800138000，邮箱gu@example.com，车牌渝A12345。<img src=x onerror=alert(2)>"
      input.contact = Contact(name: "顾晓红女士", phone: "13800138000")
      let submission = try await store.submit(input, at: Fixtures.now)
      let (status, html, _) = try await page(app, "/messages/\(submission.message.id.uuidString)")
      #expect(status == .ok)
      #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;噪音"))
      #expect(!html.contains("<script>alert"))
      #expect(!html.contains("<img src=x"))
      #expect(html.contains("&lt;img src=x onerror=alert(2)&gt;"))
      #expect(!html.contains("13800138000"))
      #expect(html.contains("138****8000"))
      #expect(!html.contains("510102199001011234"))
      #expect(!html.contains("gu@example.com"))
      #expect(!html.contains("渝A12345"))
      #expect(html.contains("顾女士"))
      #expect(!html.contains("顾晓红"))
      #expect(html.contains("收到留言"))

      var hidden = Fixtures.newMessage(title: "不公开的留言", leader: world.secretary.id)
      hidden.isPublic = false
      let secret = try await store.submit(hidden, at: Fixtures.now)
      #expect(try await page(app, "/messages/\(secret.message.id.uuidString)").0 == .notFound)
      #expect(try await page(app, "/messages?q=%E4%B8%8D%E5%85%AC%E5%BC%80").1.contains("不公开的留言") == false)
      let missing = try await page(app, "/messages/\(UUID().uuidString)")
      #expect(missing.0 == .notFound)
      #expect(missing.1.contains("<!DOCTYPE html>"))
      #expect(try await page(app, "/messages/not-an-id").0 == .notFound)
    }
  }

  /// The form cookie and the token of the page at `path`.
  func formToken(_ app: Application, _ path: String = "/write") async throws -> (cookie: String, token: String) {
    let (_, html, headers) = try await page(app, path)
    let setCookie = try #require(headers.first(name: .setCookie))
    let cookie = String(setCookie.prefix { $0 != ";" })
    let marker = #"name="_csrf" value=""#
    let start = try #require(html.range(of: marker)).upperBound
    let token = String(html[start...].prefix { $0 != "\"" })
    return (cookie, token)
  }

  /// The smallest PNG: one pixel.
  static let png = Data(
    base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")!

  @Test(arguments: TestDatabase.available)
  func write_needsTheFormToken_checksImagesByContent_andKeepsWhatWasTyped(db: TestDatabase) async throws {
    try await withSite(db) { app, store, world in
      let (cookie, token) = try await formToken(app)
      let fields: [(String, String)] = [
        ("board", world.secretary.id.uuidString), ("type", "complaint"), ("title", "夜间施工噪音扰民"),
        ("body", "工地每晚十一点后仍在施工。"), ("name", "顾女士"), ("phone", "13800138000"), ("consent", "yes"),
        ("visibility", "public"),
      ]
      // Without the token, or with another one: refused.
      try await app.testing().test(
        .POST, "write",
        beforeRequest: { request in
          try multipart(fields)(&request)
          request.headers.replaceOrAdd(name: .cookie, value: cookie)
        }
      ) { response in #expect(response.status == .forbidden) }
      try await app.testing().test(
        .POST, "write",
        beforeRequest: { request in
          try multipart(fields + [("_csrf", String(repeating: "A", count: 43))])(&request)
          request.headers.replaceOrAdd(name: .cookie, value: cookie)
        }
      ) { response in #expect(response.status == .forbidden) }
      // A text file called .png: refused by content, and the typed title comes back.
      try await app.testing().test(
        .POST, "write",
        beforeRequest: { request in
          try multipart(
            fields + [("_csrf", token)], files: [("images[]", "photo.png", Data("<svg onload=alert(1)>".utf8))])(
              &request)
          request.headers.replaceOrAdd(name: .cookie, value: cookie)
        }
      ) { response in
        #expect(response.status == .unprocessableEntity)
        let html = String(buffer: response.body)
        #expect(html.contains("只接受 JPEG、PNG 或 WebP 图片"))
        #expect(html.contains(#"value="夜间施工噪音扰民""#))
      }
      // Missing title and no consent: both named, nothing stored.
      try await app.testing().test(
        .POST, "write",
        beforeRequest: { request in
          try multipart(fields.filter { $0.0 != "title" && $0.0 != "consent" } + [("_csrf", token)])(&request)
          request.headers.replaceOrAdd(name: .cookie, value: cookie)
        }
      ) { response in
        #expect(response.status == .unprocessableEntity)
        let html = String(buffer: response.body)
        #expect(html.contains("标题"))
        #expect(html.contains("我确认所填内容真实"))
      }
      // A good photo on a form refused for another reason: a browser cannot be given the file back, so
      // the page says, beside the field and in the summary, that it must be chosen again (#22).
      try await app.testing().test(
        .POST, "write",
        beforeRequest: { request in
          try multipart(
            fields.filter { $0.0 != "title" } + [("_csrf", token)], files: [("images[]", "p.png", Self.png)])(
              &request)
          request.headers.replaceOrAdd(name: .cookie, value: cookie)
        }
      ) { response in
        #expect(response.status == .unprocessableEntity)
        let html = String(buffer: response.body)
        #expect(html.contains(#"multiple aria-invalid="true" aria-describedby="images-again">"#))
        #expect(html.contains(#"<p class="field-error" id="images-again">您选择的 1 张图片没有保留，请重新选择后再提交。</p>"#))
        #expect(html.contains("<li>您选择的 1 张图片没有保留"))
      }
      #expect(try await store.messages(matching: MessageFilter(), limit: 10).messages.isEmpty)

      var trackCookie = ""
      try await app.testing().test(
        .POST, "write",
        beforeRequest: { request in
          try multipart(fields + [("_csrf", token)], files: [("images[]", "photo.png", Self.png)])(&request)
          request.headers.replaceOrAdd(name: .cookie, value: cookie)
        }
      ) { response in
        #expect(response.status == .created)
        let html = String(buffer: response.body)
        #expect(html.contains("2026-000001"))
        #expect(html.contains("受理期限"))
        #expect(html.contains("交办后5 个工作日内签收受理"))
        trackCookie =
          response.headers[.setCookie].first { $0.hasPrefix("minsheng_track=") }.map { String($0.prefix { $0 != ";" }) }
          ?? ""
      }
      #expect(!trackCookie.isEmpty)
      let stored = try #require(try await store.messages(matching: MessageFilter(), limit: 10).messages.first)
      #expect(stored.channel == .web)
      #expect(stored.contact.phone == "13800138000")
      let images = try await store.attachments(of: stored.id)
      #expect(images.count == 1)
      #expect(images.first?.contentType == "image/png")
      let imagePath = "/media/\(try #require(images.first).id.uuidString)"
      let (status, _, headers) = try await page(app, imagePath)
      #expect(status == .ok)
      #expect(headers.first(name: .contentType) == "image/png")
      #expect(headers.first(name: "X-Content-Type-Options") == "nosniff")
      #expect(headers.first(name: .contentDisposition)?.hasPrefix("inline; filename=") == true)
      #expect(headers.first(name: "Content-Security-Policy")?.contains("sandbox") == true)
      let events = try await store.events(of: stored.id)
      #expect(events.count == 1)
    }
  }

  @Test(arguments: TestDatabase.available)
  func track_evaluateUnsatisfied_opensAReopenRequest_andAThanksLetterShowsEverywhere(db: TestDatabase) async throws {
    try await withSite(db) { app, store, world in
      let submission = try await repliedMessage(store, world, title: "滨江路工地夜间施工")
      let id = submission.message.id
      let (cookie, token) = try await formToken(app, "/track")
      var trackCookie = ""
      try await app.testing().test(
        .POST, "track",
        beforeRequest: { request in
          try request.content.encode(["_csrf": token, "code": submission.trackingCode], as: .urlEncodedForm)
          request.headers.replaceOrAdd(name: .cookie, value: cookie)
        }
      ) { response in
        #expect(response.status == .seeOther)
        trackCookie =
          response.headers[.setCookie].first { $0.hasPrefix("minsheng_track=") }.map { String($0.prefix { $0 != ";" }) }
          ?? ""
      }
      let cookies = cookie + "; " + trackCookie
      let tracked = try await page(app, "/track", cookie: cookies)
      #expect(tracked.1.contains("滨江路工地夜间施工"))
      #expect(tracked.1.contains("评价答复"))
      // Each question is answered in words, best first, each a large target carrying its score.
      #expect(
        tracked.1.contains(
          #"<label class="choice score"><input type="radio" name="resolution" value="5" required> 很满意</label>"#))
      #expect(
        tracked.1.contains(
          #"<label class="choice score"><input type="radio" name="speed" value="1" required> 很不满意</label>"#))

      // A wrong code: 404 with the form again, the code as typed kept and marked, and the way to
      // 我的留言 for whoever lost theirs.
      try await app.testing().test(
        .POST, "track",
        beforeRequest: { request in
          try request.content.encode(["_csrf": token, "code": "AAAA-AAAA-AAAA-AAAB"], as: .urlEncodedForm)
          request.headers.replaceOrAdd(name: .cookie, value: cookie)
        }
      ) { response in
        #expect(response.status == .notFound)
        #expect(response.body.string.contains(#"value="AAAA-AAAA-AAAA-AAAB" aria-invalid="true""#))
        #expect(response.body.string.contains(#"可用留言时填写的手机号查看：<a href="/account">我的留言</a>"#))
      }

      try await app.testing().test(
        .POST, "track/evaluate",
        beforeRequest: { request in
          try request.content.encode(
            ["_csrf": token, "resolution": "1", "attitude": "2", "speed": "2", "comment": "没有解决"], as: .urlEncodedForm)
          request.headers.replaceOrAdd(name: .cookie, value: cookies)
        }
      ) { response in
        #expect(response.status == .seeOther)
        #expect(response.headers.first(name: .location) == "/track?done=evaluated")
      }
      #expect(try await store.message(id)?.status == .reopenRequested)
      // The page back says the evaluation was received, and asks for it no more; an unknown `done` says nothing.
      let evaluated = try await page(app, "/track?done=evaluated", cookie: cookies)
      #expect(evaluated.1.contains(#"<p class="notice ok" role="status" id="track-done">已收到您的评价，谢谢。</p>"#))
      #expect(!evaluated.1.contains("track/evaluate"))
      #expect(!(try await page(app, "/track?done=%3Cb%3E", cookie: cookies)).1.contains("track-done"))
      let reopened = try await page(app, "/messages/\(id.uuidString)")
      #expect(reopened.1.contains("申请重新办理"))
      #expect(reopened.1.contains("不满意"))

      try await app.testing().test(
        .POST, "track/thanks",
        beforeRequest: { request in
          try request.content.encode(
            ["_csrf": token, "author": "顾晓红女士", "body": "感谢市场监管局<b>及时</b>处理！"], as: .urlEncodedForm)
          request.headers.replaceOrAdd(name: .cookie, value: cookies)
        }
      ) { response in
        #expect(response.status == .seeOther)
        #expect(response.headers.first(name: .location) == "/track?done=thanked")
      }
      let afterThanks = try await page(app, "/track?done=thanked", cookie: cookies)
      #expect(afterThanks.1.contains("感谢信已收到，谢谢。") && !afterThanks.1.contains(#"id="thanks-body""#))
      let thanked = try await page(app, "/messages/\(id.uuidString)")
      #expect(thanked.1.contains("感谢市场监管局&lt;b&gt;及时&lt;/b&gt;处理！"))
      #expect(thanked.1.contains("顾女士"))
      #expect(thanked.1.contains("留言人写来感谢信"))
      let unit = try await page(app, "/units/\(world.market.id.uuidString)")
      #expect(unit.1.contains("感谢市场监管局"))
      // A second letter is refused; the audit chain still verifies.
      try await app.testing().test(
        .POST, "track/thanks",
        beforeRequest: { request in
          try request.content.encode(["_csrf": token, "body": "再次感谢"], as: .urlEncodedForm)
          request.headers.replaceOrAdd(name: .cookie, value: cookies)
        }
      ) { response in #expect(response.status == .conflict) }
      #expect(try await store.verifyAudit().isIntact)
    }
  }

  /// A district's board is named with its district (the city's four 区长 boards must not look the
  /// same), and offers 给TA留言 with the board filled in; a unit's page offers no board.
  @Test(arguments: TestDatabase.available)
  func boardPage_namesItsRegion_andWritesToTheBoard(db: TestDatabase) async throws {
    try await withSite(db) { app, store, world in
      let mayor = try await store.createLeader(
        code: "ZXQ-QZ", title: "区长", region: world.district.id, dispatchingUnit: world.petitionOffice.id)
      let board = try await page(app, "/leaders/\(mayor.id.uuidString)")
      #expect(board.0 == .ok)
      #expect(board.1.contains("<h1>中心区 区长</h1>"))
      #expect(board.1.contains("<title>中心区 区长"))
      #expect(board.1.contains(#"href="/write?leader=\#(mayor.id.uuidString.lowercased())">给TA留言</a>"#))
      let city = try await page(app, "/leaders/\(world.secretary.id.uuidString)")
      #expect(city.1.contains("<h1>市委书记</h1>"))
      let unit = try await page(app, "/units/\(world.market.id.uuidString)")
      #expect(!unit.1.contains("给TA留言"))
      let form = try await page(app, "/write?leader=\(mayor.id.uuidString.lowercased())")
      #expect(form.1.contains(#"<option value="\#(mayor.id.uuidString.lowercased())" selected>"#))
    }
  }

  @Test(arguments: TestDatabase.available)
  func english_switch_remembersTheLanguage_andOnlyGoesBackToThisSite(db: TestDatabase) async throws {
    try await withSite(db) { app, _, _ in
      let english = try await page(app, "/messages?lang=en")
      #expect(english.1.contains(#"<html lang="en">"#))
      #expect(english.1.contains("Search messages and replies"))
      try await app.testing().test(.GET, "lang/en?back=//evil.example/") { response in
        #expect(response.status == .seeOther)
        #expect(response.headers.first(name: .location) == "/")
        #expect(response.headers.first(name: .setCookie)?.contains("minsheng_lang=en") == true)
      }
      let remembered = try await page(app, "/", cookie: "minsheng_lang=en")
      #expect(remembered.1.contains("Leaders&#39; boards"))
    }
  }
}
