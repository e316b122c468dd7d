import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// The staff's queues over the API: a unit's inbox and a dispatching office's pool.
struct StaffQueuesController: Sendable {
  let store: Store
  let clock: @Sendable () -> Date

  struct QueueQuery: Content {
    var status: Status?
    var cursor: String?
    var limit: Int?
  }

  /// Statuses in which a message waits for its dispatching office.
  static let poolStatuses: [Status] = [.received, .returned, .extensionRequested, .reopenRequested]

  func register(on staff: any RoutesBuilder) {
    staff.get("api", "v1", "staff", "inbox", use: inbox)
    staff.get("api", "v1", "staff", "pool", use: pool)
  }

  /// `GET /api/v1/staff/inbox`: open messages led by the caller's unit (handlers and reviewers).
  func inbox(_ request: Request) async throws -> MessageListResponse {
    let account = try request.auth.require(AuthenticatedStaff.self).account
    guard [.handler, .reviewer].contains(account.role), let unit = account.unitID else {
      throw Abort(.forbidden, reason: "只有承办单位的工作人员有办件箱")
    }
    var filter = try Self.filter(from: request)
    filter.leadUnitID = unit
    filter.statuses = Status.allCases.filter(\.isOpen)
    return try await page(filter, request)
  }

  /// `GET /api/v1/staff/pool`: messages waiting for the caller's dispatching office (all offices for
  /// supervisors and admins).
  func pool(_ request: Request) async throws -> MessageListResponse {
    let account = try request.auth.require(AuthenticatedStaff.self).account
    var filter = try Self.filter(from: request)
    switch account.role {
    case .dispatcher:
      guard let unit = account.unitID else { throw Abort(.forbidden, reason: "交办员须属于一个交办单位") }
      filter.dispatchingUnitID = unit
    case .supervisor, .admin:
      break
    default:
      throw Abort(.forbidden, reason: "只有交办单位、督查和管理员可以查看待交办件")
    }
    filter.statuses = Self.poolStatuses
    return try await page(filter, request)
  }

  private static func filter(from request: Request) throws -> MessageFilter {
    let query = try request.query.decode(QueueQuery.self)
    var filter = MessageFilter()
    filter.publicOnly = false
    filter.status = query.status
    if let cursor = query.cursor {
      guard let serial = Serial(cursor) else { throw ValidationError(field: "cursor", reason: .invalid("无效的分页游标")) }
      filter.after = serial
    }
    return filter
  }

  private func page(_ filter: MessageFilter, _ request: Request) async throws -> MessageListResponse {
    let limit = try request.query.decode(QueueQuery.self).limit ?? 50
    guard (1...200).contains(limit) else { throw ValidationError(field: "limit", reason: .invalid("每页 1 到 200 条")) }
    let page = try await store.messages(matching: filter, limit: limit)
    return MessageListResponse(page, at: clock(), calendar: store.rules.calendar)
  }
}
