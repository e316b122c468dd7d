import Foundation
import MinshengCore
import MinshengStore
import Synchronization
import Vapor

/// 查询限流: the public reads that cost the database most — a search (`q`), the list of cases overdue
/// after a notice, `/metrics` — are limited per network address, in memory on each instance (a read
/// writes nothing, so nothing is shared). Past the limit: 429 with `Retry-After`.
final class ReadThrottle: Sendable {
  let limit: RateLimit?
  private let state = Mutex<(window: Date, counts: [String: Int])>((.distantPast, [:]))

  init(limit: RateLimit?) {
    self.limit = limit
  }

  /// Counts a read from `address`; nil when it may go ahead, else when the window ends.
  func admit(_ address: String, at now: Date) -> Date? {
    guard let limit else { return nil }
    let window = limit.windowStart(at: now)
    return state.withLock { state -> Date? in
      if state.window != window { state = (window, [:]) }  // a new window forgets the old counts
      let count = (state.counts[address] ?? 0) + 1
      guard count <= limit.count else { return limit.windowEnd(at: now) }
      state.counts[address] = count
      return nil
    }
  }
}

/// Applies `ReadThrottle` to the expensive public reads among the routes it guards.
struct ReadThrottleMiddleware: AsyncMiddleware {
  let throttle: ReadThrottle
  let citizens: CitizenIntake
  let clock: @Sendable () -> Date
  /// Paths that are always expensive; any other guarded path only with a search (`q`).
  let expensivePaths: Set<String>
  /// Paths beneath which every page is expensive (`/honours/2025`).
  var expensivePrefixes: [String] = []

  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    let searching = !(request.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty
    let path = request.url.path
    guard searching || expensivePaths.contains(path) || expensivePrefixes.contains(where: path.hasPrefix),
      let limit = throttle.limit
    else {
      return try await next.respond(to: request)
    }
    let now = clock()
    let address = request.intakeOrigin(citizens).address ?? "-"
    if let end = throttle.admit(address, at: now) {
      throw StoreError.rateLimited(what: .reads, limit: limit, retryAfter: end)
    }
    return try await next.respond(to: request)
  }
}
