import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 保存草稿 (#22): the handler keeps a reply's wording to finish later. The case does not change and
/// its timeline shows nothing until the reply is sent; the form opens with the saved wording; sending
/// removes it; only who may reply now may save one.
@Suite struct WorkingReplyTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func aHandler_savesTheReplyAsADraft_andSendsItLater(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let id = try await housingCase(site, "路面塌陷")
      let before = try #require(try await store.message(id))
      let eventsBefore = try await store.events(of: id).count
      let handler = try await logIn(app, "zjw.handler")
      let path = "/staff/messages/\(id.uuidString.lowercased())"
      let page = try await get(app, path, cookies: handler.cookies).1
      #expect(page.contains(#"formaction="\#(path)/draft" formnovalidate>保存草稿</button>"#))

      func save(_ text: String, as browser: Browser) async throws -> (HTTPStatus, String, HTTPHeaders) {
        try await post(app, path + "/draft", [("body", text), ("_csrf", browser.csrf)], cookies: browser.cookies)
      }
      let saved = try await save("已安排人员<现场>查看，", as: handler)
      #expect(saved.0 == .seeOther)
      #expect(saved.2.first(name: .location)?.hasSuffix("?done=draft#a-reply") == true)
      // Not a step of the case: same version, no event.
      #expect(try await store.message(id)?.version == before.version)
      #expect(try await store.events(of: id).count == eventsBefore)
      let reopened = try await get(app, path + "?done=draft", cookies: handler.cookies).1
      #expect(reopened.contains("答复草稿已保存，尚未发送"))
      #expect(reopened.contains("已安排人员&lt;现场&gt;查看，</textarea>"))
      #expect(reopened.contains("草稿保存于"))
      // A second save replaces the first.
      #expect(try await save("已安排人员现场查看，正在抢修。", as: handler).0 == .seeOther)
      #expect(try await store.workingReply(of: id, unit: world.housing.id)?.body == "已安排人员现场查看，正在抢修。")
      // Empty: refused, marked on the reply's field.
      let empty = try await save("  ", as: handler)
      #expect(empty.0 == .unprocessableEntity)
      #expect(empty.1.contains(#"id="reply-body-error""#))
      // Another unit's handler and the dispatcher may not keep a reply's wording.
      let other = try await logIn(app, "scjg.handler")
      #expect(try await save("越权草稿", as: other).0.code >= 400)
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      #expect(try await save("越权草稿", as: dispatcher).0.code >= 400)
      #expect(try await store.workingReply(of: id, unit: world.market.id) == nil)

      // Sending the reply removes the saved wording in the same transaction.
      let sent = try await act(app, handler, id, "reply", [("body", "已安排人员现场查看，正在抢修，预计三日内修复。")])
      #expect(sent.0 == .seeOther)
      #expect(try await store.workingReply(of: id, unit: world.housing.id) == nil)
      #expect(try await store.draftReply(of: id)?.body == "已安排人员现场查看，正在抢修，预计三日内修复。")
      #expect(try await store.verifyAudit().isIntact)
    }
  }
}
