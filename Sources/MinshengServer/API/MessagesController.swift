import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// The public JSON API for messages: intake, the public view, the author's view.
struct MessagesController: Sendable {
  let store: Store
  let clock: @Sendable () -> Date

  func register(on routes: any RoutesBuilder) {
    let messages = routes.grouped("api", "v1", "messages")
    messages.post(use: create)
    messages.get(use: list)
    messages.get(":id", use: show)
    routes.get("api", "v1", "track", ":tracking_code", use: track)
  }

  /// `POST /api/v1/messages`: 201 only after the message and its event are committed.
  func create(_ request: Request) async throws -> Response {
    let body = try request.content.decode(NewMessageRequest.self)
    let submission = try await store.submit(body.newMessage, at: clock())
    let response = Response(status: .created)
    try response.content.encode(
      SubmissionResponse(
        id: submission.message.id, serial: submission.message.serial.description,
        trackingCode: submission.trackingCode, status: submission.message.status,
        statusText: submission.message.status.chinese), as: .json)
    response.headers.replaceOrAdd(name: .location, value: "/api/v1/messages/\(submission.message.id.uuidString)")
    return response
  }

  /// Query parameters of the public list.
  struct ListQuery: Content {
    var region: UUID?
    var leader: UUID?
    var unit: UUID?
    var type: MessageType?
    var category: UUID?
    var status: Status?
    var from: Date?
    var to: Date?
    var cursor: String?
    var limit: Int?
  }

  /// `GET /api/v1/messages`: public messages, newest first, filtered, with a cursor.
  func list(_ request: Request) async throws -> MessageListResponse {
    let query = try request.query.decode(ListQuery.self)
    var filter = MessageFilter()
    filter.regionID = query.region
    filter.leaderID = query.leader
    filter.leadUnitID = query.unit
    filter.type = query.type
    filter.categoryID = query.category
    filter.status = query.status
    filter.createdFrom = query.from
    filter.createdBefore = query.to
    if let cursor = query.cursor {
      guard let serial = Serial(cursor) else { throw ValidationError(field: "cursor", reason: .invalid("无效的分页游标")) }
      filter.after = serial
    }
    if let limit = query.limit, !(1...200).contains(limit) {
      throw ValidationError(field: "limit", reason: .invalid("每页 1 到 200 条"))
    }
    let page = try await store.messages(matching: filter, limit: query.limit ?? 50)
    return MessageListResponse(page, at: clock(), calendar: store.rules.calendar)
  }

  /// `GET /api/v1/messages/{id}`: public messages only; a private one answers 404 like an unknown id.
  func show(_ request: Request) async throws -> PublicMessageResponse {
    guard let id = request.parameters.get("id", as: UUID.self), let file = try await store.caseFile(id),
      file.message.isPublic
    else { throw StoreError.notFound("留言") }
    return PublicMessageResponse(file.message, events: file.events, replies: file.replies)
  }

  /// `GET /api/v1/track/{tracking_code}`: the author's view, private messages included.
  func track(_ request: Request) async throws -> TrackResponse {
    guard let code = request.parameters.get("tracking_code"), let message = try await store.message(trackingCode: code)
    else {
      throw StoreError.notFound("与查询码对应的留言")
    }
    let deadline = DeadlineStatus.of(message, at: clock(), calendar: store.rules.calendar)
    return TrackResponse(
      message: try await publicView(of: message), isPublic: message.isPublic, deadline: deadline.due,
      overdue: deadline.isOverdue)
  }

  private func publicView(of message: Message) async throws -> PublicMessageResponse {
    PublicMessageResponse(
      message, events: try await store.events(of: message.id), replies: try await store.publishedReplies(of: message.id)
    )
  }
}
