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

extension Open311Controller {
  /// The fields of mySociety's `POST servicerequestupdates`, form-encoded.
  struct UpdateFields: Decodable {
    var api_key: String?
    var service_request_id: String?
    var update_id: String?
    var status: String?
    var updated_datetime: String?
    var description: String?
    var first_name: String?
    var last_name: String?
    var email: String?
    var phone: String?
    var media_url: String?
  }

  /// The statuses mySociety's extension sends (`status_extended_upper`).
  static let updateStatuses: Set<String> = [
    "OPEN", "CLOSED", "FIXED", "IN_PROGRESS", "ACTION_SCHEDULED", "INVESTIGATING", "DUPLICATE",
    "NOT_COUNCILS_RESPONSIBILITY", "NO_FURTHER_ACTION", "INTERNAL_REFERRAL", "REOPEN",
  ]

  /// `POST /open311/v2/servicerequestupdates.{xml|json}`: a partner forwards an update to a request of
  /// its own channel (the author's follow-up from its app). It reaches the units as an internal note on
  /// the case, with who sent it and the status the partner gave; the status of the case does not
  /// change. Sent again with the same `update_id`, nothing more is recorded and the answer is the same.
  func createUpdate(_ request: Request, format: Open311Format) async throws -> Response {
    let fields = (try? request.content.decode(UpdateFields.self)) ?? UpdateFields()
    let text = Self.sent
    guard let secret = text(fields.api_key), let key = try await context.store.open311Key(presented: secret) else {
      throw Open311Error(status: .forbidden, description: "Invalid or missing api_key.")
    }
    guard let id = text(fields.service_request_id) else {
      throw Open311Error.badRequest("service_request_id is required.")
    }
    guard let updateID = text(fields.update_id), updateID.count <= 100 else {
      throw Open311Error.badRequest("update_id is required, at most 100 characters.")
    }
    guard let status = text(fields.status)?.uppercased(), Self.updateStatuses.contains(status) else {
      throw Open311Error.badRequest(
        "status is required: one of \(Self.updateStatuses.sorted().joined(separator: ", ")).")
    }
    guard let at = text(fields.updated_datetime).flatMap(Open311Query.date) else {
      throw Open311Error.badRequest("updated_datetime is required: a W3C date-time with a time zone.")
    }
    guard let description = text(fields.description) else { throw Open311Error.badRequest("description is required.") }
    guard description.count <= ServiceQuestion.maxTextLength else {
      throw Open311Error.badRequest("description may be at most \(ServiceQuestion.maxTextLength) characters.")
    }
    // Only a request of the key's own channel: another partner's requests and the site's own are not
    // its to update, and are not found.
    guard let serial = Serial(id), let message = try await context.store.message(serial: serial),
      message.channel == key.channel
    else { throw Open311Error.notFound("No request \(id) of this key's channel.") }
    let person = Self.personName(first: text(fields.first_name), last: text(fields.last_name))
    let reach = [text(fields.phone), text(fields.email)].compactMap { $0 }.joined(separator: " ")
    let note = Language.zhHans.text(
      "open311_update_note",
      [
        "partner": .plain(key.name), "update": .plain(updateID), "status": .plain(status),
        "time": .plain(Language.zhHans.dateTime(at)),
        "person": .plain(person.isEmpty ? "—" : person), "reach": .plain(reach.isEmpty ? "—" : reach),
        "text": .plain(description + (text(fields.media_url).map { "\n" + $0 } ?? "")),
      ])
    _ = try await context.store.recordPartnerUpdate(
      note, on: message.id, key: key, updateID: updateID, at: context.clock())
    let value = Open311Value.list(
      element: "request_update", [.object([("update_id", .text("\(serial.description)-\(updateID)"))])])
    return Open311Response.make(value, root: "service_request_updates", format: format)
  }
}
