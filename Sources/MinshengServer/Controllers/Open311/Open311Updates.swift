import Foundation
import MinshengCore
import MinshengStore
import Vapor

extension Open311Controller {
  /// `GET /open311/v2/servicerequestupdates.{xml|json}`: mySociety's update extension, as
  /// FixMyStreet polls a council's system for it. The public status changes of public requests from
  /// `start_date` to `end_date` (the same rules as `GET requests`: zones required, at most 90 days;
  /// the last day when neither is given), oldest first, at most 1,000: a partner polls on from the
  /// last `updated_datetime` it saw. `status` is `OPEN` or `CLOSED` (replied or closed), and
  /// `description` the reply published with it, or the new status's name.
  func updates(_ request: Request) async throws -> Response {
    try await answer(request, file: nil) { _, format in
      let now = context.clock()
      var query = try Open311Query(request, now: now)
      let given = ["start_date", "end_date"].contains { request.query[String.self, at: $0]?.isEmpty == false }
      if !given { query.start = now.addingTimeInterval(-86_400) }
      let updates = try await context.store.publicStatusUpdates(
        from: query.start, through: query.end, limit: Self.largestPage)
      let value = Open311Value.list(
        element: "request_update",
        updates.map { update in
          .object([
            ("update_id", .text("\(update.serial.description)-\(update.sequence)")),
            ("service_request_id", .text(update.serial.description)),
            ("status", .text([.replied, .closed].contains(update.status) ? "CLOSED" : "OPEN")),
            ("updated_datetime", .text(Self.timestamp(update.at))),
            ("description", .text(update.reply ?? Language.zhHans.name(update.status))),
          ])
        })
      return Open311Response.make(value, root: "service_requests_updates", format: format)
    }
  }
}
