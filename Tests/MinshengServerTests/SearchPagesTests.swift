import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// Search as people use it (#21): the public list ranked with the words marked and an order switch,
/// the JSON API's `q`, and the staff's search over what each may read, by number and serial too.
@Suite struct SearchPagesTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func thePublicSearch_ranksMarksAndSwitchesOrder(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      for (title, body) in [
        ("夜间施工噪音扰民", "工地每晚施工到凌晨。"), ("楼下烧烤", "夜里油烟和噪音很大。"), ("路灯不亮", "滨江路路灯坏了。"),
      ] {
        var input = Fixtures.newMessage(title: title, leader: world.secretary.id)
        input.body = body
        _ = try await store.submit(input, at: site.clock.now)
      }
      try await store.indexPendingSearch()
      // Two words, anywhere: both found, the title match first, each word marked.
      let (status, html) = try await get(app, "/search?q=%E5%99%AA%E9%9F%B3%20%E5%A4%9C")
      #expect(status == .ok)
      let first = try #require(html.range(of: "<mark>噪音</mark>扰民"))
      let second = try #require(html.range(of: "楼下烧烤"))
      #expect(first.lowerBound < second.lowerBound)
      #expect(html.contains(#"<p class="count" id="count" role="status">共 2 条</p>"#))
      #expect(html.contains(#"<a href="/messages?q=%E5%99%AA%E9%9F%B3%20%E5%A4%9C" aria-current="true">按相关度</a>"#))
      #expect(html.contains(#"<a href="/messages?q=%E5%99%AA%E9%9F%B3%20%E5%A4%9C&amp;sort=newest">按时间</a>"#))
      // Newest first: the later message leads.
      let newest = try await get(app, "/messages?q=%E5%99%AA%E9%9F%B3%20%E5%A4%9C&sort=newest").1
      let later = try #require(newest.range(of: "楼下烧烤"))
      #expect(later.lowerBound < (try #require(newest.range(of: "<mark>噪音</mark>扰民"))).lowerBound)
      // Excluding a word; a phrase that is not there.
      let excluded = try await get(app, "/search?q=%E5%99%AA%E9%9F%B3%20-%E7%83%A7%E7%83%A4").1
      #expect(excluded.contains("扰民") && !excluded.contains("楼下烧烤"))
      #expect(try await get(app, "/search?q=%22%E5%99%AA%E9%9F%B3%E5%BE%88%E5%B0%8F%22").1.contains("共 0 条"))
      // Marked text stays escaped.
      #expect(try await get(app, "/search?q=%3Cscript%3E").0 == .ok)

      // The API: the same index, newest first, with its cursor.
      let (apiStatus, json, _) = try await call(app, .GET, "api/v1/messages?q=%E5%99%AA%E9%9F%B3&limit=1")
      #expect(apiStatus == .ok)
      #expect(json.contains("楼下烧烤") && !json.contains("扰民"))
      let cursor = try #require(
        (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["next_cursor"] as? String)
      let rest = try await call(app, .GET, "api/v1/messages?q=%E5%99%AA%E9%9F%B3&limit=1&cursor=\(cursor)").1
      #expect(rest.contains("扰民") && !rest.contains("楼下烧烤"))
    }
  }

  @Test(arguments: TestDatabase.available)
  func theStaffSearch_findsByNumberAndSerial_onlyWhatTheViewerMayRead(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store) = (site.app, site.store)
      let housing = try await housingCase(site, "楼道堆放杂物")
      var input = Fixtures.newMessage(title: "不公开的来信", leader: site.world.secretary.id)
      input.isPublic = false
      input.contact = Contact(name: "钱先生", phone: "13700137000")
      let other = try await store.submit(input, at: site.clock.now).message
      try await store.indexPendingSearch()

      let supervisor = try await logIn(app, "dc.supervisor")
      let byNumber = try await get(app, "/staff/search?q=13700137000", cookies: supervisor.cookies).1
      #expect(byNumber.contains("不公开的来信") && !byNumber.contains("楼道堆放杂物"))
      #expect(byNumber.contains("<mark>13700137000</mark>"), "the number matched is shown, marked")
      #expect(byNumber.contains(#"<a href="/staff/search" aria-current="page">检索</a>"#))
      let bySerial = try await get(app, "/staff/search?q=\(other.serial.description)", cookies: supervisor.cookies).1
      #expect(bySerial.contains("不公开的来信") && bySerial.contains("共 1 条"))

      // The housing handler reads its own case only; the market handler neither.
      let handler = try await logIn(app, "zjw.handler")
      let own = try await get(app, "/staff/search?q=13800138000", cookies: handler.cookies).1
      #expect(own.contains("楼道堆放杂物") && !own.contains("不公开的来信"))
      #expect(own.contains(#"href="/staff/messages/\#(housing.uuidString.lowercased())""#))
      let market = try await logIn(app, "scjg.handler")
      let none = try await get(app, "/staff/search?q=%E6%9D%A5%E4%BF%A1", cookies: market.cookies).1
      #expect(none.contains("没有找到您有权查看的相符案件"))
      // Without a session: to the login.
      #expect(try await get(app, "/staff/search?q=13700137000").0 == .seeOther)
      // The public never finds the private one, nor the number.
      #expect(!(try await get(app, "/search?q=13700137000").1.contains("不公开的来信")))
    }
  }
}
