import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// The reviewer may edit a draft reply before approving it (#22): the edited wording is published,
/// the unit's draft is kept for staff, and the approval's event says the reply was edited. Approving
/// the draft as it stands is no edit.
@Suite struct ReviewerEditTests: SiteTesting {
  func replied(_ site: Site, _ title: String, draft: String) async throws -> UUID {
    let (store, world) = (site.store, site.world)
    let id = try await housingCase(site, title)
    try await store.perform(.reply(body: draft), on: id, by: world.housingHandler, at: site.clock.now)
    #expect(try await store.message(id)?.status == .reviewing)
    return id
  }

  @Test(arguments: TestDatabase.available)
  func theReviewersEdit_isPublished_andTheDraftKept(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store) = (site.app, site.store)
      let draft = "经核查，该路段<路灯>已修复。"
      let id = try await replied(site, "路灯不亮", draft: draft)
      let reviewer = try await logIn(app, "zjw.reviewer")
      let path = "/staff/messages/\(id.uuidString.lowercased())"
      // The approve form holds the draft to edit, escaped, and does not require a change.
      let page = try await get(app, path, cookies: reviewer.cookies).1
      #expect(page.contains(#"<textarea id="approve_reply-body" name="body" rows="6" maxlength="5000">"#))
      #expect(page.contains("经核查，该路段&lt;路灯&gt;已修复。</textarea>"))
      #expect(page.contains("答复内容（可在此修改后通过，不改则按原稿通过）"))

      let edited = "经核查，滨江路段路灯已于3月5日修复，感谢您的反映。"
      let done = try await act(app, reviewer, id, "approve_reply", [("body", edited), ("note", "措辞调整")])
      #expect(done.0 == .seeOther)
      #expect(try await store.message(id)?.status == .replied)
      #expect(try await store.publishedReplies(of: id).map(\.body) == [edited])
      #expect(try await store.revisedDrafts(of: id).map(\.body) == [draft])
      let event = try #require(try await store.events(of: id).last)
      #expect(event.draft.action == .workflow(.approveReply))
      #expect(event.draft.payload["reply_edited"] == "true")
      #expect(event.draft.note == "措辞调整")
      // Staff see that it was edited and the unit's draft; the public sees only the published reply.
      let staffPage = try await get(app, path, cookies: reviewer.cookies).1
      #expect(staffPage.contains("<strong>审核通过（审核人修改了答复）</strong>"))
      #expect(staffPage.contains("<summary>审核人修改前的答复原稿</summary>"))
      #expect(staffPage.contains("经核查，该路段&lt;路灯&gt;已修复。"))
      let publicPage = try await get(app, "/messages/\(id.uuidString.lowercased())").1
      #expect(publicPage.contains("滨江路段路灯已于3月5日修复"))
      #expect(!publicPage.contains("该路段"))
    }
  }

  @Test(arguments: TestDatabase.available)
  func approvingTheDraftAsItStands_isNoEdit_andAnEmptiedOneIsRefused(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store) = (site.app, site.store)
      let draft = "已安排维修人员现场处理。"
      let id = try await replied(site, "水管漏水", draft: draft)
      let reviewer = try await logIn(app, "zjw.reviewer")
      // The reply field emptied: refused, nothing published, the field marked.
      let emptied = try await act(app, reviewer, id, "approve_reply", [("body", "   ")])
      #expect(emptied.0 == .unprocessableEntity)
      #expect(emptied.1.contains(#"id="approve_reply-body-error""#))
      #expect(try await store.message(id)?.status == .reviewing)
      // The draft sent back as it was (white space aside): published as the unit wrote it.
      let same = try await act(app, reviewer, id, "approve_reply", [("body", "  " + draft + "\n")])
      #expect(same.0 == .seeOther)
      #expect(try await store.publishedReplies(of: id).map(\.body) == [draft])
      #expect(try await store.revisedDrafts(of: id).isEmpty)
      #expect(try await store.events(of: id).last?.draft.payload["reply_edited"] == nil)
    }
  }

  /// Through the API, `body` with approve_reply is the edit.
  @Test(arguments: TestDatabase.available)
  func theAPI_takesTheEdit(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store) = (site.app, site.store)
      let id = try await replied(site, "噪音扰民", draft: "已告知施工方。")
      let token = try await token(app, "zjw.reviewer")
      let done = try await call(
        app, .POST, "api/v1/messages/\(id)/actions/approve_reply", token: token,
        json: ["body": "已责令施工方夜间停工，并将持续巡查。"])
      #expect(done.0 == .ok, "\(done.1)")
      #expect(try await store.publishedReplies(of: id).map(\.body) == ["已责令施工方夜间停工，并将持续巡查。"])
      #expect(try await store.revisedDrafts(of: id).map(\.body) == ["已告知施工方。"])
    }
  }
}
