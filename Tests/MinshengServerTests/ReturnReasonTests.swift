import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 退回 carries a reason code the statistics can count, beside the handler's words (#22): the case
/// page offers the codes, refuses a return without one (keeping what was typed), records the code in
/// the event and shows it in the timeline; the API takes and requires it alike.
@Suite struct ReturnReasonTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func aReturn_needsACode_andRecordsIt(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store) = (site.app, site.store)
      let id = try await housingCase(site, "楼道堆放杂物", through: .assigned)
      let handler = try await logIn(app, "zjw.handler")
      let (_, page) = try await get(app, "/staff/messages/\(id.uuidString.lowercased())", cookies: handler.cookies)
      #expect(page.contains(#"<select id="return-code" name="return_code" required>"#))
      for code in ReturnReason.allCases { #expect(page.contains(#"<option value="\#(code.rawValue)">"#)) }
      #expect(page.contains(">不属于本辖区</option>"))

      // Without a code: refused, nothing done, the words kept, the code's field marked.
      let missing = try await act(app, handler, id, "return", [("reason", "应由街道办理")])
      #expect(missing.0 == .unprocessableEntity)
      #expect(
        missing.1.contains(#"name="return_code" required aria-invalid="true" aria-describedby="return-code-error""#))
      #expect(missing.1.contains(##"<li><a href="#return-code">退回原因："##))
      #expect(missing.1.contains("应由街道办理</textarea>"))
      // A code that is not on the list: refused the same way.
      let unknown = try await act(app, handler, id, "return", [("return_code", "lazy"), ("reason", "应由街道办理")])
      #expect(unknown.0 == .unprocessableEntity)
      #expect(unknown.1.contains(#"<p class="field-error" id="return-code-error">请从列表中选择</p>"#))
      #expect(try await store.message(id)?.status == .assigned)

      // With one: returned, the code in the event, both in the timeline.
      let done = try await act(
        app, handler, id, "return", [("return_code", "wrong_region"), ("reason", "应由属地街道办理")])
      #expect(done.0 == .seeOther || done.0 == .found)
      #expect(try await store.message(id)?.status == .returned)
      let event = try #require(try await store.events(of: id).last)
      #expect(event.draft.action == .workflow(.returnToDispatcher))
      #expect(event.draft.payload["return_code"] == "wrong_region")
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      let (_, casePage) = try await get(
        app, "/staff/messages/\(id.uuidString.lowercased())", cookies: dispatcher.cookies)
      #expect(casePage.contains("<strong>退回（不属于本辖区）</strong>"))
      #expect(casePage.contains("应由属地街道办理"))
    }
  }

  @Test(arguments: TestDatabase.available)
  func theAPI_takesTheCode_andRefusesAReturnWithoutOne(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store) = (site.app, site.store)
      let id = try await housingCase(site, "井盖缺失", through: .assigned)
      let token = try await token(app, "zjw.handler")
      let path = "api/v1/messages/\(id)/actions/return"
      let missing = try await call(app, .POST, path, token: token, json: ["reason": "不属于本单位"])
      #expect(missing.0 == .unprocessableEntity)
      #expect(missing.1.contains("return_code"))
      let wrong = try await call(app, .POST, path, token: token, json: ["reason": "不属于本单位", "return_code": "lazy"])
      #expect(wrong.0 == .badRequest || wrong.0 == .unprocessableEntity)
      let done = try await call(
        app, .POST, path, token: token, json: ["reason": "应交市场监管局", "return_code": "not_ours"])
      #expect(done.0 == .ok, "\(done.1)")
      #expect(try await store.events(of: id).last?.draft.payload["return_code"] == "not_ours")
    }
  }
}
