import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 感谢信 (`/thanks`): the latest public letters to every unit, newest first, each with the unit it
/// thanks and the message it was written for; 20 to a page (`?before=` the last one's time).
struct ThanksController: Sendable {
  let context: ServerContext

  static let pageSize = 20

  func list(_ request: Request) async throws -> Response {
    let language = request.pageLanguage
    var before: Date?
    if let text = request.query[String.self, at: "before"], !text.isEmpty {
      guard let date = TimeCursor.date(text) else { throw PageError(.badRequest, "error_bad_request") }
      before = date
    }
    let names = try await context.store.referenceNames()
    let letters = try await context.store.latestThanksLetters(before: before, limit: Self.pageSize)
    let content = ThanksListContent(
      intro: language.text("thanks_list_intro"),
      letters: letters.map { letter in
        ThanksListContent.Letter(
          letter: ThanksView(letter, language: language),
          unit: letter.unitID.flatMap { names.units[$0]?.name } ?? "",
          unitURL: letter.unitID.map { SiteURL.unit(.value($0)).path } ?? "",
          messageURL: SiteURL.message(.value(letter.messageID)).path)
      },
      olderURL: letters.count == Self.pageSize
        ? SiteURL.thanks.path(query: [
          ("before", letters.last.map { TimeCursor.text($0.createdAt) })
        ]) : "")
    return try await context.renderer.render(
      request, "public/thanks", title: language.text("thanks_list_title"), content, cacheable: true)
  }
}

struct ThanksListContent: Encodable, Sendable {
  struct Letter: Encodable, Sendable {
    var letter: ThanksView
    var unit: String
    var unitURL: String
    var messageURL: String
  }

  var intro: String
  var letters: [Letter]
  /// The next page of older letters ("" on the last).
  var olderURL: String
}
