import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// Time limits and holidays through forms, not JSON (#22): a rule per row, edited, added and
/// removed with the core's own checks; a holiday of a year not shipped added and removed a day at a
/// time; a refused row form comes back open as it was typed.
@Suite struct AdminRulesFormsTests: SiteTesting {
  func fingerprint(_ page: String) throws -> String {
    let marker = #"name="sla_fingerprint" value=""#
    let start = try #require(page.range(of: marker)).upperBound
    return String(page[start...].prefix { $0 != "\"" })
  }

  @Test(arguments: TestDatabase.available)
  func slaRules_areEditedAddedAndRemovedInForms(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let admin = try await logIn(app, "admin")
      let page = try await get(app, "/staff/admin/rules", cookies: admin.cookies).1
      #expect(page.contains(#"id="f-sla-edit-0""#))
      #expect(page.contains(#"<option value="h">小时</option>"#))
      let before = store.rules.sla.rules.count
      let county = RegionPath(codes: [world.county.code, world.city.code])
      #expect(store.rules.sla.policy(type: .complaint, urgent: false, region: county).acceptance == .workingDays(5))

      // Add: the county's complaints accepted within 3 working days; the reply limit left to the rest.
      let added = try await post(
        app, "/staff/admin/rules/sla-add",
        [
          ("_form", "sla-add"), ("sla_fingerprint", try fingerprint(page)), ("region_code", world.county.code),
          ("type", "complaint"), ("acceptance_n", "3"), ("acceptance_unit", "wd"), ("_csrf", admin.csrf),
        ], cookies: admin.cookies)
      #expect(added.0 == .seeOther)
      #expect(store.rules.sla.rules.count == before + 1)
      #expect(store.rules.sla.policy(type: .complaint, urgent: false, region: county).acceptance == .workingDays(3))
      #expect(store.rules.sla.policy(type: .complaint, urgent: false, region: county).reply == .workingDays(15))

      // A stale form (made before that change) is refused: nobody's change is overwritten.
      let stale = try await post(
        app, "/staff/admin/rules/sla-delete",
        [("_form", "sla-delete-0"), ("index", "0"), ("sla_fingerprint", try fingerprint(page)), ("_csrf", admin.csrf)],
        cookies: admin.cookies)
      #expect(stale.0 == .unprocessableEntity)
      #expect(stale.1.contains("规则已被他人修改"))
      #expect(store.rules.sla.rules.count == before + 1)

      // Edit it: a limit of 0 is refused by the core's parser, the row's form comes back open as typed.
      let current = try await get(app, "/staff/admin/rules", cookies: admin.cookies).1
      let index = String(before)
      let refused = try await post(
        app, "/staff/admin/rules/sla-update",
        [
          ("_form", "sla-edit-\(index)"), ("index", index), ("sla_fingerprint", try fingerprint(current)),
          ("region_code", world.county.code), ("type", "complaint"), ("acceptance_n", "0"),
          ("acceptance_unit", "h"), ("_csrf", admin.csrf),
        ], cookies: admin.cookies)
      #expect(refused.0 == .unprocessableEntity)
      #expect(refused.1.contains("时限须为 1 到 10000 之间的整数"))
      #expect(refused.1.contains(#"<details class="row-form" open><summary>修改</summary>"#))
      #expect(refused.1.contains(#"<option value="h" selected>小时</option>"#))
      let edited = try await post(
        app, "/staff/admin/rules/sla-update",
        [
          ("_form", "sla-edit-\(index)"), ("index", index), ("sla_fingerprint", try fingerprint(current)),
          ("region_code", world.county.code), ("type", "complaint"), ("acceptance_n", "48"),
          ("acceptance_unit", "h"), ("_csrf", admin.csrf),
        ], cookies: admin.cookies)
      #expect(edited.0 == .seeOther)
      #expect(store.rules.sla.policy(type: .complaint, urgent: false, region: county).acceptance == .hours(48))
      // Removed again: back to the shipped limits; every change recorded with the administrator.
      let latest = try await get(app, "/staff/admin/rules", cookies: admin.cookies).1
      let removed = try await post(
        app, "/staff/admin/rules/sla-delete",
        [
          ("_form", "sla-delete-\(index)"), ("index", index), ("sla_fingerprint", try fingerprint(latest)),
          ("_csrf", admin.csrf),
        ], cookies: admin.cookies)
      #expect(removed.0 == .seeOther)
      #expect(store.rules.sla.rules.count == before)
      #expect(store.rules.sla.policy(type: .complaint, urgent: false, region: county).acceptance == .workingDays(5))
      #expect(try await store.ruleDocuments().first { $0.kind == .sla }?.updatedBy == "admin")
    }
  }

  @Test(arguments: TestDatabase.available)
  func aHolidayOfAYearNotShipped_isAddedAndRemovedInForms(db: TestDatabase) async throws {
    try await withSite(db) { site in
      let (app, store) = (site.app, site.store)
      let admin = try await logIn(app, "admin")
      let year = 2031
      func day(_ text: String) -> LocalDate { LocalDate(text) ?? LocalDate(ordinal: 0) }
      #expect(!store.rules.calendar.covers(year))
      func add(_ fields: [(String, String)]) async throws -> (HTTPStatus, String) {
        let (status, body, _) = try await post(
          app, "/staff/admin/rules/holiday-add", fields + [("_form", "holiday-add"), ("_csrf", admin.csrf)],
          cookies: admin.cookies)
        return (status, body)
      }
      // A new year needs its source; a make-up day on a weekday is refused by the calendar's checks.
      let noSource = try await add([
        ("year", "2031"), ("name", "元旦"), ("off_from", "2031-01-01"), ("off_to", "2031-01-01"),
      ])
      #expect(noSource.0 == .unprocessableEntity)
      #expect(noSource.1.contains(#"value="元旦""#), "what was typed is kept")
      let weekday = try await add([
        ("year", "2031"), ("source", "国务院办公厅通知"), ("name", "春节"), ("off_from", "2031-01-22"),
        ("off_to", "2031-01-28"), ("work", "2031-01-20"),
      ])
      #expect(weekday.0 == .unprocessableEntity)
      #expect(!store.rules.calendar.covers(year))

      let added = try await add([
        ("year", "2031"), ("source", "国务院办公厅通知"), ("name", "春节"), ("off_from", "2031-01-22"),
        ("off_to", "2031-01-28"), ("work", "2031-01-18，2031-02-08"),
      ])
      #expect(added.0 == .seeOther)
      #expect(store.rules.calendar.covers(year))
      #expect(!store.rules.calendar.isWorkingDay(day("2031-01-23")))
      #expect(store.rules.calendar.isWorkingDay(day("2031-01-18")))
      // A second holiday of the same year keeps the source; each is listed with a delete form.
      #expect(
        try await add([("year", "2031"), ("name", "清明节"), ("off_from", "2031-04-05"), ("off_to", "2031-04-07")]).0
          == .seeOther)
      let page = try await get(app, "/staff/admin/rules", cookies: admin.cookies).1
      #expect(page.contains(#"id="f-holiday-delete-2031-04-05""#))
      #expect(page.contains("2031-01-22 – 2031-01-28"))
      #expect(!page.contains(#"id="f-holiday-delete-2026-"#), "shipped years cannot be changed")
      let removed = try await post(
        app, "/staff/admin/rules/holiday-delete",
        [("_form", "holiday-delete-2031-04-05"), ("year", "2031"), ("off_from", "2031-04-05"), ("_csrf", admin.csrf)],
        cookies: admin.cookies)
      #expect(removed.0 == .seeOther)
      #expect(store.rules.calendar.isWorkingDay(day("2031-04-07")))
      #expect(!store.rules.calendar.isWorkingDay(day("2031-01-23")))
    }
  }
}
