import Foundation
import Metrics
import MinshengCore
import MinshengStore
import Prometheus
import Synchronization
import Vapor

/// The service's own paths: `/healthz`, `/ping`, `/metrics` and the OpenAPI document.
struct ServiceController: Sendable {
  let context: ServerContext
  /// The committed OpenAPI document (`Resources/OpenAPI/openapi.json`), read once at start.
  let document: Data?

  /// `GET /ping`: plain text without the database, the framework's ceiling in the HTTP benchmark.
  func ping(_ request: Request) -> String { "pong\n" }

  private static let plainText: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8"]

  /// `GET /healthz`: 200 when the database answers.
  func health(_ request: Request) async -> Response {
    do {
      try await context.store.database.ping()
      return Response(status: .ok, headers: Self.plainText, body: .init(string: "ok\n"))
    } catch {
      return Response(
        status: .serviceUnavailable, headers: Self.plainText, body: .init(string: "database unavailable\n"))
    }
  }

  /// `GET /metrics`: Prometheus text — the requests Vapor counts through swift-metrics (by method,
  /// route pattern and status, with their latency), messages by status, overdue messages, messages
  /// waiting for the search index, and each read replica's state.
  func metrics(_ request: Request) async throws -> Response {
    let registry = ServiceMetrics.registry
    let counts = try await context.store.countByStatus()
    for status in Status.allCases {
      registry.makeGauge(descriptor: ServiceMetrics.messages, labels: [("status", status.rawValue)]).set(
        Double(counts[status] ?? 0))
    }
    let overdue = try await context.store.overdueCounts(at: context.clock())
    registry.makeGauge(descriptor: ServiceMetrics.overdue, labels: [("phase", "acceptance")]).set(
      Double(overdue.acceptance))
    registry.makeGauge(descriptor: ServiceMetrics.overdue, labels: [("phase", "reply")]).set(Double(overdue.reply))
    registry.makeGauge(descriptor: ServiceMetrics.searchBacklog).set(Double(try await context.store.searchBacklog()))
    registry.makeGauge(descriptor: ServiceMetrics.rollupBacklog).set(
      Double(try await context.store.rollupBacklog() + (context.store.statisticsBacklog() ?? 0)))
    for (index, replica) in context.store.database.readReplicaState.enumerated() {
      registry.makeGauge(descriptor: ServiceMetrics.replicaUsable, labels: [("replica", String(index))]).set(
        replica.usable ? 1.0 : 0.0)
      registry.makeGauge(descriptor: ServiceMetrics.replicaReads, labels: [("replica", String(index))]).set(
        Double(replica.answered))
    }
    var buffer: [UInt8] = []
    registry.emit(into: &buffer)
    var headers = HTTPHeaders()
    headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
    return Response(status: .ok, headers: headers, body: .init(data: Data(buffer)))
  }

  /// `GET /api/v1/openapi.json`.
  func openAPI(_ request: Request) throws -> Response {
    guard let document else { throw PageError(.notFound, "error_page_not_found") }
    var headers = HTTPHeaders()
    headers.contentType = .json
    return Response(status: .ok, headers: headers, body: .init(data: document))
  }
}

/// The process's metrics: swift-metrics bootstrapped once with a Prometheus registry. Vapor's request
/// counters and timers (`http_requests_total`, `http_request_duration_seconds`) are renamed
/// `minsheng_http_…` with the label `route` for Vapor's `path` (the route pattern, never the raw
/// path, so nobody can create unbounded series).
enum ServiceMetrics {
  static let registry = PrometheusCollectorRegistry()
  /// `minsheng_messages{status}`.
  static var messages: MetricNameDescriptor {
    MetricNameDescriptor(
      namespace: "minsheng", metricName: "messages", unitName: "", helpText: "Messages by status.")
  }
  /// `minsheng_search_backlog`.
  static var searchBacklog: MetricNameDescriptor {
    MetricNameDescriptor(
      namespace: "minsheng", metricName: "search_backlog", unitName: "",
      helpText: "Messages whose search documents wait to be rewritten.")
  }
  /// `minsheng_rollup_backlog`.
  static var rollupBacklog: MetricNameDescriptor {
    MetricNameDescriptor(
      namespace: "minsheng", metricName: "rollup_backlog", unitName: "",
      helpText: "Audit events whose messages' figures or KPIs wait to be summed again.")
  }
  /// `minsheng_read_replica_usable{replica}`.
  static var replicaUsable: MetricNameDescriptor {
    MetricNameDescriptor(
      namespace: "minsheng", metricName: "read_replica_usable", unitName: "",
      helpText: "Whether the read replica answers public reads now (1) or is left out (0).")
  }
  /// `minsheng_read_replica_reads{replica}`.
  static var replicaReads: MetricNameDescriptor {
    MetricNameDescriptor(
      namespace: "minsheng", metricName: "read_replica_reads", unitName: "",
      helpText: "Public reads the read replica has answered since the start.")
  }
  /// `minsheng_messages_overdue{phase}`.
  static var overdue: MetricNameDescriptor {
    MetricNameDescriptor(
      namespace: "minsheng", metricName: "messages_overdue", unitName: "",
      helpText: "Open messages past their acceptance or reply deadline.")
  }

  private static let bootstrapped: Void = {
    var factory = PrometheusMetricsFactory(registry: registry)
    factory.nameAndLabelSanitizer = { name, labels in
      let renamed = name.hasPrefix("http_") ? "minsheng_" + name : name
      return (renamed, labels.map { ($0.0 == "path" ? "route" : $0.0, $0.1) })
    }
    MetricsSystem.bootstrap(HandlerCache(factory))
  }()

  /// Bootstraps the metrics system on first use; later calls do nothing (swift-metrics allows one).
  static func bootstrap() { _ = bootstrapped }
}

/// Vapor makes a counter and a timer for every request it answers; the Prometheus factory would
/// rename, validate and look each up under the registry's one lock every time. The handlers are made
/// once per name and labels and kept here (a request's labels are its method, route pattern and status,
/// so there are few).
final class HandlerCache: MetricsFactory, Sendable {
  private struct Key: Hashable {
    var label: String
    var dimensions: [String]

    init(_ label: String, _ dimensions: [(String, String)]) {
      self.label = label
      self.dimensions = dimensions.flatMap { [$0.0, $0.1] }
    }
  }

  private let factory: PrometheusMetricsFactory
  private let counters = Mutex<[Key: any CounterHandler]>([:])
  private let timers = Mutex<[Key: any TimerHandler]>([:])

  init(_ factory: PrometheusMetricsFactory) {
    self.factory = factory
  }

  func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
    let key = Key(label, dimensions)
    if let handler = counters.withLock({ $0[key] }) { return handler }
    let handler = factory.makeCounter(label: label, dimensions: dimensions)
    counters.withLock { $0[key] = handler }
    return handler
  }

  func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
    let key = Key(label, dimensions)
    if let handler = timers.withLock({ $0[key] }) { return handler }
    let handler = factory.makeTimer(label: label, dimensions: dimensions)
    timers.withLock { $0[key] = handler }
    return handler
  }

  func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
    factory.makeFloatingPointCounter(label: label, dimensions: dimensions)
  }

  func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
    factory.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
  }

  func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
    factory.makeMeter(label: label, dimensions: dimensions)
  }

  func destroyCounter(_ handler: any CounterHandler) {}
  func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
  func destroyRecorder(_ handler: any RecorderHandler) {}
  func destroyMeter(_ handler: any MeterHandler) {}
  func destroyTimer(_ handler: any TimerHandler) {}
}
