import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// Administration without codes to type (#22): a routing rule's region is picked from the list, a
/// unit's region can be changed after it was made and is never chosen silently, and the accounts
/// table shows a dash for a missing e-mail like every other empty cell.
@Suite struct AdminPickersTests: SiteTesting {
  @Test(arguments: TestDatabase.available)
  func regionsArePicked_andAUnitsRegionCanChange(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let admin = try await logIn(app, "admin")
      // The routing rule's region: a list of regions by code, "全部" first; no text field.
      let categories = try await get(app, "/staff/admin/categories", cookies: admin.cookies).1
      #expect(categories.contains(#"<select id="rule-add-region_code" name="region_code">"#))
      #expect(categories.contains(#"<option value="" selected>全部</option>"#))
      #expect(categories.contains(#"<option value="\#(world.county.code)">东山县（\#(world.county.code)）</option>"#))
      #expect(!categories.contains(#"name="region_code" type="text""#))

      // A new unit's region starts unchosen and is required.
      let units = try await get(app, "/staff/admin/units", cookies: admin.cookies).1
      let addUnit = try #require(units.components(separatedBy: #"<select id="unit-add-region_id""#).last)
      #expect(addUnit.hasPrefix(#" name="region_id" required>"#))
      #expect(addUnit.prefix(200).contains(#"<option value="" selected>请选择</option>"#))
      let noRegion = try await post(
        app, "/staff/admin/units/add", [("code", "JTJ"), ("name", "市交通局"), ("region_id", ""), ("_csrf", admin.csrf)],
        cookies: admin.cookies)
      #expect(noRegion.0 == .unprocessableEntity)
      #expect(try await store.unit(code: "JTJ") == nil)

      // An existing unit's region: shown selected in its row's form, and changed there.
      let market = world.market.id.uuidString.lowercased()
      #expect(units.contains(#"id="unit-\#(market)-region_id" name="region_id" required>"#))
      let moved = try await post(
        app, "/staff/admin/units/update/\(market)",
        [("name", world.market.name), ("region_id", world.county.id.uuidString), ("_csrf", admin.csrf)],
        cookies: admin.cookies)
      #expect(moved.0 == .seeOther)
      #expect(try await store.unit(world.market.id)?.regionID == world.county.id)
      let changes = try await store.referenceChanges(of: world.market.id)
      #expect(changes.contains { $0.actorID == "admin" }, "the move is recorded with the administrator")
      // A region that does not exist: refused, the unit stays where it is.
      let unknown = try await post(
        app, "/staff/admin/units/update/\(market)",
        [("name", world.market.name), ("region_id", UUID().uuidString), ("_csrf", admin.csrf)], cookies: admin.cookies)
      #expect(unknown.0 == .unprocessableEntity || unknown.0 == .notFound)
      #expect(try await store.unit(world.market.id)?.regionID == world.county.id)
    }
  }

  @Test(arguments: TestDatabase.available)
  func anAccountWithoutEmail_showsADash(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let admin = try await logIn(site.app, "admin")
      let page = try await get(site.app, "/staff/admin/users", cookies: admin.cookies).1
      let row = try #require(page.components(separatedBy: "<tr id=").first { $0.contains("<td>zjw.handler</td>") })
      #expect(row.contains("<td>—</td>"))
      #expect(!row.contains("<td></td>"))
    }
  }
}
