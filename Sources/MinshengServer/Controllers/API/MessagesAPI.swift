import Foundation
import MinshengCore
import MinshengStore
import Synchronization
import Vapor

/// The public JSON API for messages: intake, the public list and view, the author's view and evaluation.
struct MessagesAPI: Sendable {
  let context: ServerContext
  let views = RenderedViews(capacity: 2_000)

  var store: Store { context.store }

  /// `POST /api/v1/messages`: 201 only after the message and its event are committed.
  ///
  /// With `phone_code` the code is checked first (422 when wrong, nothing stored) and the number is
  /// proved; without it the message is taken as unproved.
  func create(_ request: Request) async throws -> Response {
    let body = try request.content.decode(NewMessageRequest.self)
    var input = body.newMessage
    if let code = body.phoneCode {
      try await store.verifyPhoneCode(code, for: input.contact.phone, at: context.clock())
      input.phoneVerified = true
    }
    let submission = try await context.intake.receive(
      input, origin: request.intakeOrigin(context.citizens), at: context.clock(), logger: request.logger)
    let message = submission.message
    let response = Response(status: .created)
    try response.content.encode(
      SubmissionResponse(
        id: message.id, serial: message.serial.description, trackingCode: submission.trackingCode,
        status: message.status, statusText: message.status.chinese), as: .json)
    response.headers.replaceOrAdd(name: .location, value: SiteURL.api(.message(.value(message.id))).path)
    return response
  }

  struct PhoneCodeRequest: Content {
    var phone: String
  }

  /// `POST /api/v1/phone-codes`: sends a one-time code to a mobile number, as the write form does
  /// (202; the same limits, 429 with `Retry-After` past them). The code goes in `phone_code` of the
  /// message.
  func sendPhoneCode(_ request: Request) async throws -> Response {
    let body = try request.content.decode(PhoneCodeRequest.self)
    try await store.issuePhoneCode(to: body.phone, from: request.intakeOrigin(context.citizens), at: context.clock())
    return Response(status: .accepted)
  }

  /// Query parameters of the public list.
  struct ListQuery: Content {
    /// Words to find (`SearchQuery`).
    var q: String?
    var region: UUID?
    var leader: UUID?
    var unit: UUID?
    var type: MessageType?
    var category: UUID?
    var status: Status?
    /// The public list's tabs (`PublicStage`): waiting, handling, answered.
    var stage: PublicStage?
    var from: Date?
    var to: Date?
    var cursor: String?
    var limit: Int?
  }

  /// `GET /api/v1/messages`: public messages, newest first, filtered, with a cursor.
  func list(_ request: Request) async throws -> MessageListResponse {
    let query = try request.query.decode(ListQuery.self)
    var filter = MessageFilter()
    filter.text = query.q.map { String($0.prefix(SearchQuery.longestQuery)) }
    filter.regionID = query.region
    filter.leaderID = query.leader
    filter.leadUnitID = query.unit
    filter.type = query.type
    filter.categoryID = query.category
    filter.status = query.status
    if let stage = query.stage { filter.statuses = stage.statuses }
    filter.createdFrom = query.from
    filter.createdBefore = query.to
    filter.after = try Self.cursor(query.cursor)
    let page = try await store.publicMessages(matching: filter, limit: try Self.limit(query.limit))
    return MessageListResponse(page, at: context.clock(), calendar: context.calendar)
  }

  /// A page's cursor (the last serial of the page before).
  static func cursor(_ text: String?) throws -> Serial? {
    guard let text else { return nil }
    guard let serial = Serial(text) else {
      throw ValidationError(field: "cursor", reason: .invalid(LocalizedText("error_cursor")))
    }
    return serial
  }

  /// A page's size: 1 to 200, 50 when not given.
  static func limit(_ value: Int?) throws -> Int {
    guard let value else { return 50 }
    guard (1...200).contains(value) else {
      throw ValidationError(field: "limit", reason: .invalid(LocalizedText("error_page_size")))
    }
    return value
  }

  /// `GET /api/v1/messages/{id}`: public messages only; a private one answers 404 like an unknown id.
  ///
  /// The public view is a function of the stored message alone, and every change to a message gives
  /// it a new version. So each request reads the current version (one indexed row) and serves the
  /// view rendered for that version when there is one, rendering it otherwise. The answer is always
  /// current, on every instance. The version is also the `ETag`.
  func show(_ request: Request) async throws -> Response {
    guard let id = request.parameters.get("id", as: UUID.self), let stamp = try await store.publicStamp(of: id),
      stamp.isPublic
    else { throw StoreError.notFound(.message) }
    func etag(_ version: Int) -> String { "W/\"\(id.uuidString.lowercased())-\(version)\"" }
    if request.headers.first(name: .ifNoneMatch) == etag(stamp.version) {
      return Response(status: .notModified, headers: ["ETag": etag(stamp.version)])
    }
    var body = views.view(of: id, version: stamp.version)
    var version = stamp.version
    if body == nil {
      guard let file = try await store.publicFile(id) else { throw StoreError.notFound(.message) }
      let rendered = ByteBuffer(data: try JSONEncoder.api.encode(PublicMessageResponse(file)))
      version = file.item.version
      views.remember(rendered, of: id, version: version)
      body = rendered
    }
    var headers = HTTPHeaders()
    headers.contentType = .json
    headers.replaceOrAdd(name: .eTag, value: etag(version))
    return Response(status: .ok, headers: headers, body: .init(buffer: body ?? ByteBuffer()))
  }

  /// `GET /api/v1/track/{tracking_code}`: the author's view, private messages included.
  func track(_ request: Request) async throws -> TrackResponse {
    guard let code = request.parameters.get("tracking_code"), let message = try await store.message(trackingCode: code),
      let file = try await store.authorFile(message.id)
    else { throw StoreError.notFound(.trackingCode) }
    let deadline = DeadlineStatus.of(file.item, at: context.clock(), calendar: context.calendar)
    return TrackResponse(
      message: PublicMessageResponse(file), isPublic: file.item.isPublic, deadline: deadline.due,
      overdue: deadline.isOverdue)
  }

  struct EvaluationRequest: Content {
    var trackingCode: String
    var resolution: Int
    var attitude: Int
    var speed: Int
    var comment: String?

    enum CodingKeys: String, CodingKey {
      case resolution, attitude, speed, comment
      case trackingCode = "tracking_code"
    }
  }

  /// `POST /api/v1/messages/{id}/evaluation`: the author, proved by the tracking code, evaluates the reply.
  func evaluate(_ request: Request) async throws -> PublicMessageResponse {
    let body = try request.content.decode(EvaluationRequest.self)
    guard let id = request.parameters.get("id", as: UUID.self),
      let message = try await store.message(trackingCode: body.trackingCode), message.id == id
    else { throw StoreError.notFound(.trackingCode) }
    let evaluation = try Evaluation(
      resolution: body.resolution, attitude: body.attitude, speed: body.speed, comment: body.comment
    ).validated()
    try await store.perform(.evaluate(evaluation), on: id, by: Actor(role: .citizen, id: "author"), at: context.clock())
    guard let file = try await store.authorFile(id) else { throw StoreError.notFound(.message) }
    return PublicMessageResponse(file)
  }
}

/// Public views of messages as rendered for one version each, the most recent few thousand.
final class RenderedViews: Sendable {
  private struct State {
    var views: [UUID: (version: Int, body: ByteBuffer)] = [:]
    var order: [UUID] = []
  }

  private let capacity: Int
  private let state = Mutex(State())

  init(capacity: Int) {
    self.capacity = capacity
  }

  /// The view rendered for exactly this version, if it is still kept.
  func view(of id: UUID, version: Int) -> ByteBuffer? {
    state.withLock { state in
      guard let kept = state.views[id], kept.version == version else { return nil }
      return kept.body
    }
  }

  func remember(_ body: ByteBuffer, of id: UUID, version: Int) {
    state.withLock { state in
      if state.views.updateValue((version, body), forKey: id) == nil {
        state.order.append(id)
        if state.order.count > capacity {
          let dropped = state.order.count - capacity
          for old in state.order.prefix(dropped) { state.views[old] = nil }
          state.order.removeFirst(dropped)
        }
      }
    }
  }
}
