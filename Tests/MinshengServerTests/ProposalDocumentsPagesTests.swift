import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// Document files of the suggestions programme on the pages: an adoption step's policy and a
/// campaign's notice, uploaded by staff, listed and downloaded by the public.
@Suite struct ProposalDocumentsPagesTests: SiteTesting {
  /// 转化运用 with its document: the unit uploads the policy as a PDF with the adoption step; the
  /// public page links it and it downloads under a safe name, never run; anything but a PDF, JPEG
  /// or PNG is refused with nothing stored.
  @Test(arguments: TestDatabase.available)
  func anAdoptionStep_publishesItsDocumentFile(db: TestDatabase) async throws {
    try await withSite(db, policy: IntakePolicy(moderation: false)) { site in
      let (app, store, world) = (site.app, site.store, site.world)
      let now = site.clock.now
      let id = try await store.submit(
        Fixtures.newSuggestion("加装电梯费用分摊公示", leader: world.secretary.id), at: now
      ).message.id
      try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: now)
      try await store.perform(.accept(), on: id, by: world.housingHandler, at: now)
      try await store.evaluateProposal(id, outcome: .adopted, reason: "采纳。", by: world.housingHandler, at: now)
      let handler = try await logIn(app, "zjw.handler")
      let path = "/staff/messages/\(id.uuidString.lowercased())/proposal/adoptions"
      #expect(
        try await get(app, "/staff/messages/\(id.uuidString.lowercased())", cookies: handler.cookies).1.contains(
          "enctype=\"multipart/form-data\""))
      let fields = [("measure", "印发分摊参考标准"), ("progress", "100"), ("_csrf", handler.csrf)]
      func upload(_ name: String, _ data: Data) async throws -> (HTTPStatus, String, String?) {
        var result: (HTTPStatus, String, String?) = (.internalServerError, "", nil)
        let body = multipart(fields, files: [("document_file", name, data)], fileType: "application/pdf")
        try await app.testing().test(
          .POST, path,
          beforeRequest: { request in
            try body(&request)
            request.headers.replaceOrAdd(name: .cookie, value: handler.cookies)
          }
        ) { response in result = (response.status, response.body.string, response.headers.first(name: .location)) }
        return result
      }
      // A page named .pdf is still a page: refused, and no step is recorded.
      let fake = try await upload("标准.pdf", Data("<html><script>alert(1)</script></html>".utf8))
      #expect(fake.0 == .unprocessableEntity && fake.1.contains("只接受 PDF、JPG 或 PNG 文件"))
      #expect(try await store.adoptions(of: id).isEmpty)
      let pdf = Data("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8)
      let done = try await upload("C:\\文件\\加装电梯分摊标准.pdf", pdf)
      #expect(done.0 == .seeOther)
      let step = try #require(try await store.adoptions(of: id).first)
      let file = try #require(try await store.documents(of: [step.id])[step.id]?.first)
      #expect(file.fileName == "加装电梯分摊标准.pdf" && file.contentType == "application/pdf" && file.byteCount == pdf.count)

      // The public page links it; it downloads as the PDF it is, under a safe name.
      let page = try await get(app, "/messages/\(id.uuidString.lowercased())").1
      let url = "/documents/\(file.id.uuidString.lowercased())"
      #expect(page.contains("href=\"\(url)\" download>加装电梯分摊标准.pdf</a>") && page.contains("PDF，1 KB"))
      try await app.testing().test(.GET, url) { response in
        #expect(response.status == .ok && response.body.string == String(decoding: pdf, as: UTF8.self))
        #expect(response.headers.first(name: .contentType) == "application/pdf")
        #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
        let disposition = response.headers.first(name: .contentDisposition) ?? ""
        #expect(
          disposition.hasPrefix("attachment; filename=\"minsheng-")
            && disposition.contains("filename*=UTF-8''%E5%8A%A0"))
      }
      let api = try await get(app, "/api/v1/suggestions/\(id.uuidString.lowercased())").1
      #expect(api.contains("\"documents\"") && api.contains(url) && api.contains("\"state\":\"implemented\""))
      // A private suggestion's document is not public, nor is an unknown one.
      var secret = Fixtures.newSuggestion("不公开的建议", phone: "13800138001", leader: world.secretary.id)
      secret.isPublic = false
      let hidden = try await store.submit(secret, at: now).message.id
      try await store.perform(.assign(lead: world.housing.id), on: hidden, by: world.dispatcher, at: now)
      try await store.perform(.accept(), on: hidden, by: world.housingHandler, at: now)
      try await store.evaluateProposal(hidden, outcome: .adopted, reason: "采纳。", by: world.housingHandler, at: now)
      let hiddenStep = try await store.recordAdoption(
        hidden, NewAdoption(measure: "内部措施", progress: 10), document: DocumentFile(fileName: "a.pdf", data: pdf),
        by: world.housingHandler, at: now)
      let hiddenFile = try #require(try await store.documents(of: [hiddenStep.id])[hiddenStep.id]?.first)
      #expect(try await get(app, "/documents/\(hiddenFile.id.uuidString.lowercased())").0 == .notFound)
      #expect(try await get(app, "/documents/\(UUID().uuidString.lowercased())").0 == .notFound)
    }
  }

  /// 征集活动的附件: an administrator attaches the campaign's notice on the admin page; the campaign's
  /// page lists it for download; a file that is not a PDF, JPEG or PNG is refused.
  @Test(arguments: TestDatabase.available)
  func aCampaign_publishesItsAttachedDocuments(db: TestDatabase) async throws {
    try await withSite(db, policy: IntakePolicy(moderation: false)) { site in
      let (app, store) = (site.app, site.store)
      let today = store.rules.calendar.day(of: site.clock.now)
      let campaign = try await store.createCampaign(
        NewCampaign(title: "老旧小区改造金点子", description: "征集建议。", opensOn: today), by: "admin", at: site.clock.now)
      let admin = try await logIn(app, "admin")
      let action = "/staff/admin/campaigns/document/\(campaign.id.uuidString.lowercased())"
      let adminPage = try await get(app, "/staff/admin/campaigns", cookies: admin.cookies).1
      #expect(adminPage.contains("action=\"\(action)\"") && adminPage.contains("上传附件"))
      func upload(_ browser: Browser, _ name: String, _ data: Data) async throws -> (HTTPStatus, String) {
        var result: (HTTPStatus, String) = (.internalServerError, "")
        let body = multipart([("_csrf", browser.csrf)], files: [("file", name, data)], fileType: "image/png")
        try await app.testing().test(
          .POST, action,
          beforeRequest: { request in
            try body(&request)
            request.headers.replaceOrAdd(name: .cookie, value: browser.cookies)
          }
        ) { response in result = (response.status, response.body.string) }
        return result
      }
      let refused = try await upload(admin, "公告.pdf", Data("MZ executable".utf8))
      #expect(refused.0 == .unprocessableEntity && refused.1.contains("只接受 PDF、JPG 或 PNG 文件"))
      let dispatcher = try await logIn(app, "xfb.dispatcher")
      let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: UInt8(7), count: 2_000))
      #expect(try await upload(dispatcher, "征集公告.png", png).0 != .seeOther)
      #expect(try await store.documents(of: [campaign.id]).isEmpty)
      #expect(try await upload(admin, "征集公告.png", png).0 == .seeOther)
      let file = try #require(try await store.documents(of: [campaign.id])[campaign.id]?.first)
      #expect(file.fileName == "征集公告.png" && file.contentType == "image/png")

      let page = try await get(app, "/suggestions/campaigns/\(campaign.id.uuidString.lowercased())").1
      let url = "/documents/\(file.id.uuidString.lowercased())"
      #expect(
        page.contains("活动附件") && page.contains("href=\"\(url)\" download>征集公告.png</a>") && page.contains("PNG，2 KB"))
      try await app.testing().test(.GET, url) { response in
        #expect(response.status == .ok && response.headers.first(name: .contentType) == "image/png")
        #expect(response.body.readableBytes == png.count)
      }
    }
  }
}
