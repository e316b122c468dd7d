import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// 答复附图 (#22): a handler attaches photos to a reply (checked by content, as a citizen's are); they
/// go through review with the reply, are public once it is published, and never before.
@Suite struct ReplyPhotosTests: SiteTesting {
  static let png = Data(
    base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")!

  func send(
    _ app: Application, _ browser: Browser, _ path: String, _ fields: [(String, String)], photos: [Data]
  ) async throws -> (HTTPStatus, String) {
    var result: (HTTPStatus, String) = (.internalServerError, "")
    try await app.testing().test(
      .POST, path,
      beforeRequest: { request in
        try multipart(
          fields + [("_csrf", browser.csrf)],
          files: photos.enumerated().map { ("images[]", "p\($0.offset).png", $0.element) }
        )(&request)
        request.headers.replaceOrAdd(name: .cookie, value: browser.cookies)
      }
    ) { response in result = (response.status, String(buffer: response.body)) }
    return result
  }

  @Test(arguments: TestDatabase.available)
  func aReplysPhotos_followItThroughReview_andArePublicWithIt(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (app, store) = (site.app, site.store)
      let id = try await housingCase(site, "井盖破损")
      let handler = try await logIn(app, "zjw.handler")
      let path = "/staff/messages/\(id.uuidString.lowercased())"
      let page = try await get(app, path, cookies: handler.cookies).1
      #expect(page.contains(#"enctype="multipart/form-data""#))
      #expect(page.contains(#"id="reply-photos" name="images[]" type="file""#))

      // A text file called .png is refused by content; the reply's words are kept, the photos asked again.
      let fake = try await send(
        app, handler, path + "/actions/reply", [("body", "已更换井盖。")], photos: [Data("<svg onload=alert(1)>".utf8)])
      #expect(fake.0 == .unprocessableEntity)
      #expect(fake.1.contains("已更换井盖。</textarea>"))
      #expect(fake.1.contains(#"id="reply-photos-error""#))
      #expect(try await store.message(id)?.status == .accepted)

      let sent = try await send(
        app, handler, path + "/actions/reply", [("body", "已更换井盖，现场照片见附图。")], photos: [Self.png, Self.png])
      #expect(sent.0 == .seeOther)
      #expect(try await store.message(id)?.status == .reviewing)
      let draft = try #require(try await store.draftReply(of: id))
      let photos = try #require(try await store.replyImages(of: id)[draft.id])
      #expect(photos.count == 2)
      #expect(try await store.attachments(of: id).isEmpty, "not the message's own images")
      // Under review: staff see the photos, the public does not (not on the page, not by URL).
      let staffPage = try await get(app, path, cookies: handler.cookies).1
      #expect(staffPage.contains("/staff/media/\(photos[0].id.uuidString.lowercased())"))
      #expect(try await get(app, "/media/\(photos[0].id.uuidString.lowercased())").0 == .notFound)

      // The reviewer edits the wording: the photos go with the published reply.
      let reviewer = try await logIn(app, "zjw.reviewer")
      #expect(
        try await act(app, reviewer, id, "approve_reply", [("body", "已更换新井盖并加固，现场照片见附图。")]).0 == .seeOther)
      let published = try #require(try await store.publishedReplies(of: id).first)
      #expect(try await store.replyImages(of: id)[published.id]?.map(\.id) == photos.map(\.id))
      let publicPage = try await get(app, "/messages/\(id.uuidString.lowercased())").1
      #expect(publicPage.contains(#"<img src="/media/\#(photos[0].id.uuidString.lowercased())" alt="答复附图 1""#))
      let image = try await get(app, "/media/\(photos[1].id.uuidString.lowercased())")
      #expect(image.0 == .ok)
      #expect(try await store.verifyAudit().isIntact)
    }
  }

  /// Only a reply or a direct answer takes photos.
  @Test(arguments: TestDatabase.available)
  func otherActions_refusePhotos(db: TestDatabase) async throws {
    try await withSite(db, policy: .open) { site in
      let (store, world) = (site.store, site.world)
      let id = try await housingCase(site, "路灯不亮", through: .received)
      await #expect(throws: ValidationError.self) {
        try await store.perform(
          .assign(lead: world.housing.id), on: id, by: world.dispatcher, at: site.clock.now, images: [Self.png])
      }
      #expect(try await store.message(id)?.status == .received)
    }
  }
}
