import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// A case page's action form that the server refuses comes back as it was typed, open, with the error
/// beside its field (`aria-invalid`) and in a summary at the top that links to the field (#22).
@Suite struct RefusedFormsTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func aRefusedExtension_keepsTheDaysAndTheReason_andMarksTheDays(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let id = try await store.submit(
        Fixtures.newMessage(title: "小区路灯不亮", leader: world.secretary.id), at: site.clock.now
      )
      .message.id
      try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: site.clock.now)
      try await store.perform(.accept(), on: id, by: world.housingHandler, at: site.clock.now)
      let handler = try await logIn(app, "zjw.handler")
      let reason = "需要协调供电部门 <现场核实>"
      let (status, page, _) = try await act(
        app, handler, id, "request_extension", [("working_days", "30"), ("reason", reason)])
      #expect(status == .unprocessableEntity)
      #expect(try await store.message(id)?.status == .accepted, "nothing was done")
      // The form is open and holds what was typed, escaped.
      #expect(page.contains(#"<details class="form-card action" open id="a-request_extension">"#))
      #expect(page.contains(#"name="working_days" type="number" min="1" max="10" value="30""#))
      #expect(page.contains("需要协调供电部门 &lt;现场核实&gt;</textarea>"))
      #expect(!page.contains("<现场核实>"))
      // The error beside the field, the field marked, and the summary linking to it.
      #expect(
        page.contains(
          #"aria-describedby="request_extension-days-hint request_extension-days-error" aria-invalid="true""#))
      #expect(page.contains(#"<p class="field-error" id="request_extension-days-error">延期天数须在 1 到 10 个工作日之间</p>"#))
      #expect(page.contains(##"<li><a href="#request_extension-days">工作日数："##))
      // Fields without fault are not marked; other forms keep their defaults.
      #expect(!page.contains(#"id="request_extension-reason-error""#))
      #expect(page.components(separatedBy: #"aria-invalid="true""#).count == 2)
    }
  }

  @Test(arguments: TestDatabase.available)
  func aMissingReason_andABadSerial_areMarkedOnTheirFields(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let id = try await store.submit(
        Fixtures.newMessage(title: "菜市场占道经营", leader: world.secretary.id), at: site.clock.now
      )
      .message.id
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      // 无效 needs a reason: the reason is marked, and the note typed for it is kept.
      let invalid = try await act(app, dispatcher, id, "mark_invalid", [("reason", "  ")])
      #expect(invalid.0 == .unprocessableEntity)
      #expect(invalid.1.contains(#"<details class="form-card action" open id="a-mark_invalid">"#))
      #expect(
        invalid.1.contains(
          #"id="mark_invalid-reason" name="reason" rows="2" maxlength="1000" required aria-invalid="true""#))
      #expect(invalid.1.contains(##"<li><a href="#mark_invalid-reason">理由："##))
      // 并入 a serial that does not exist: the serial stays in its field, marked.
      let merge = try await act(app, dispatcher, id, "merge", [("into_serial", "2026-999999"), ("note", "同一路段")])
      #expect(merge.0 == .unprocessableEntity)
      #expect(merge.1.contains(#"value="2026-999999" aria-invalid="true" aria-describedby="merge-into-error""#))
      #expect(merge.1.contains(##"<li><a href="#merge-into">并入的留言："##))
      #expect(merge.1.contains("同一路段</textarea>"))
      // 交办 with the lead unit also assisting: the core names the assisting field; both choices kept.
      let lead = world.housing.id.uuidString.lowercased()
      let assign = try await act(
        app, dispatcher, id, "assign", [("lead_unit", lead), ("assisting_units[]", lead), ("instruction", "请尽快核实")])
      #expect(assign.0 == .unprocessableEntity)
      #expect(assign.1.contains(##"<li><a href="#assign-assist">协办单位："##))
      #expect(assign.1.contains(#"multiple size="4" aria-invalid="true""#))
      #expect(assign.1.contains("请尽快核实</textarea>"))
      #expect(assign.1.components(separatedBy: #"<option value="\#(lead)" selected>"#).count >= 3, "lead and assisting")
      #expect(try await store.message(id)?.status == .received)
    }
  }

  /// An administrator's routing rule with a region code that names no region: refused, the code, the
  /// category and the unit kept as chosen.
  @Test(arguments: TestDatabase.available)
  func aRoutingRuleWithAnUnknownRegion_keepsWhatWasChosen(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let admin = try await logIn(app, "admin")
      let before = try await store.routingRules().count
      let category = world.noise.id.uuidString.lowercased()
      let unit = world.housing.id.uuidString.lowercased()
      let (status, page, _) = try await post(
        app, "/staff/admin/categories/rule",
        [("category_id", category), ("region_code", "999999"), ("unit_id", unit), ("_csrf", admin.csrf)],
        cookies: admin.cookies)
      #expect(status == .unprocessableEntity || status == .notFound)
      #expect(try await store.routingRules().count == before)
      #expect(page.contains(#"value="999999""#))
      #expect(page.contains(#"<option value="\#(category)" selected>"#))
      #expect(page.contains(#"<option value="\#(unit)" selected>"#))
    }
  }
}
