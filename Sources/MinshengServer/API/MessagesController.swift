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

  /// `GET /api/v1/messages/{id}`: public messages only; a private one answers 404 like an unknown id.
  func show(_ request: Request) async throws -> PublicMessageResponse {
    guard let id = request.parameters.get("id", as: UUID.self), let message = try await store.message(id),
      message.isPublic
    else { throw StoreError.notFound("留言") }
    return try await publicView(of: message)
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
