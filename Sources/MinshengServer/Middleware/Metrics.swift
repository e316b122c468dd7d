import Foundation
import MinshengCore
import MinshengStore
import Synchronization
import Vapor

/// Request counts and latencies per route pattern, kept in memory for `/metrics`.
final class RequestMetrics: Sendable {
  /// Upper bounds of the latency histogram, in seconds.
  static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

  private struct Series {
    var count = 0
    var sum = 0.0
    var buckets = [Int](repeating: 0, count: RequestMetrics.buckets.count)
  }

  private struct Key: Hashable, Comparable {
    var method: String
    var route: String
    var status: Int

    static func < (a: Key, b: Key) -> Bool { (a.route, a.method, a.status) < (b.route, b.method, b.status) }
  }

  private let state = Mutex<[Key: Series]>([:])

  func record(method: String, route: String, status: Int, seconds: Double) {
    state.withLock { all in
      var series = all[Key(method: method, route: route, status: status)] ?? Series()
      series.count += 1
      series.sum += seconds
      for (index, bound) in Self.buckets.enumerated() where seconds <= bound { series.buckets[index] += 1 }
      all[Key(method: method, route: route, status: status)] = series
    }
  }

  /// The Prometheus text lines for requests.
  func lines() -> [String] {
    let snapshot = state.withLock { $0 }
    var out = [
      "# HELP minsheng_http_requests_total HTTP requests by method, route pattern and status.",
      "# TYPE minsheng_http_requests_total counter",
    ]
    let keys = snapshot.keys.sorted()
    for key in keys {
      out.append("minsheng_http_requests_total{\(labels(key))} \(snapshot[key]?.count ?? 0)")
    }
    out += [
      "# HELP minsheng_http_request_duration_seconds HTTP request latency.",
      "# TYPE minsheng_http_request_duration_seconds histogram",
    ]
    for key in keys {
      guard let series = snapshot[key] else { continue }
      for (index, bound) in Self.buckets.enumerated() {
        out.append(
          "minsheng_http_request_duration_seconds_bucket{\(labels(key)),le=\"\(bound)\"} \(series.buckets[index])")
      }
      out.append("minsheng_http_request_duration_seconds_bucket{\(labels(key)),le=\"+Inf\"} \(series.count)")
      out.append("minsheng_http_request_duration_seconds_sum{\(labels(key))} \(series.sum)")
      out.append("minsheng_http_request_duration_seconds_count{\(labels(key))} \(series.count)")
    }
    return out
  }

  private func labels(_ key: Key) -> String {
    "method=\"\(key.method)\",route=\"\(key.route)\",status=\"\(key.status)\""
  }
}

/// Times every request and records it under its route pattern (never the raw path, which would
/// let anyone create unbounded series).
struct MetricsMiddleware: AsyncMiddleware {
  let metrics: RequestMetrics

  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    let start = DispatchTime.now().uptimeNanoseconds
    let response = try await next.respond(to: request)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
    metrics.record(method: request.method.rawValue, route: route, status: Int(response.status.code), seconds: seconds)
    return response
  }
}

/// `GET /metrics`: Prometheus text — requests, messages by status, overdue messages.
func metricsText(_ metrics: RequestMetrics, store: Store, now: Date) async throws -> String {
  var lines = metrics.lines()
  let counts = try await store.countByStatus()
  lines += ["# HELP minsheng_messages Messages by status.", "# TYPE minsheng_messages gauge"]
  for status in Status.allCases {
    lines.append("minsheng_messages{status=\"\(status.rawValue)\"} \(counts[status] ?? 0)")
  }
  let overdue = try await store.overdueCounts(at: now)
  lines += [
    "# HELP minsheng_messages_overdue Open messages past their running deadline.",
    "# TYPE minsheng_messages_overdue gauge",
    "minsheng_messages_overdue{phase=\"acceptance\"} \(overdue.acceptance)",
    "minsheng_messages_overdue{phase=\"reply\"} \(overdue.reply)",
  ]
  return lines.joined(separator: "\n") + "\n"
}
