import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 关怀版 (适老化): one link on every page switches to larger text and stronger contrast, kept in a
/// cookie, and back (#22).
@Suite struct CareModeTests: SiteTesting {
  @Test(arguments: [TestDatabase.sqlite])
  func theCareSwitch_isOnEveryPage_isRemembered_andGoesBackToThePage(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let app = site.app
      // Off by default, with the link to switch it on that comes back to the same page.
      let (_, standard) = try await get(app, "/messages?type=complaint")
      #expect(standard.contains(#"<html lang="zh-CN">"#))
      #expect(standard.contains(#"href="/care/on?back=/messages?type%3Dcomplaint""#))
      #expect(standard.contains(#"aria-label="切换到关怀版：更大的字、更强的对比">关怀版</a>"#))
      var setCookie = ""
      var location = ""
      try await app.testing().test(.GET, "/care/on?back=/messages%3Ftype%3Dcomplaint") { response in
        #expect(response.status == .seeOther)
        location = response.headers.first(name: .location) ?? ""
        setCookie = response.headers.first(name: .setCookie) ?? ""
      }
      #expect(location == "/messages?type=complaint")
      #expect(setCookie.hasPrefix("minsheng_care=1;"))
      #expect(setCookie.contains("HttpOnly"))
      // On: every page, public and the home page (cached apart from the standard one), says so.
      for path in ["/", "/messages", "/write", "/track", "/staff/login"] {
        let (status, html) = try await get(app, path, cookies: "minsheng_care=1")
        #expect(status == .ok, "\(path)")
        #expect(html.contains(#"<html lang="zh-CN" class="care">"#), "\(path)")
        #expect(html.contains(">标准版</a>"), "\(path)")
      }
      #expect(!(try await get(app, "/").1.contains(#"class="care""#)), "the standard home page stays standard")
      // Off again: the cookie is removed. Anything but on or off is not a page; a foreign back goes home.
      try await app.testing().test(.GET, "/care/off?back=/") { response in
        #expect(response.headers.first(name: .setCookie)?.hasPrefix("minsheng_care=;") == true)
      }
      #expect(try await get(app, "/care/maybe").0 == .notFound)
      try await app.testing().test(.GET, "/care/on?back=//evil.example") { response in
        #expect(response.headers.first(name: .location) == "/")
      }
    }
  }
}
