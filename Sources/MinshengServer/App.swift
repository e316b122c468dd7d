import Foundation
import Leaf
import MinshengCore
import MinshengStore
import MinshengText
import Vapor

/// Sets up a Vapor application around a store: JSON settings, limits, error handling, pages and routes.
///
/// Tests call this with an in-memory application; `minsheng serve` with a listening one, and with
/// `prepareBoard`, which starts counting the supervision board's topics at once.
public func configure(
  _ app: Application, store: Store, passwords: PasswordHashing = PasswordHashing(), baseURL: URL? = nil,
  classifier: TextClassifier? = nil, intake: CitizenIntake = CitizenIntake(), autoAssignConfidence: Double? = nil,
  classifierHolder: ClassifierHolder? = nil, supervision: SupervisionSchedule = SupervisionSchedule(),
  searchLimit: RateLimit? = RateLimit(count: 60, window: 60), prepareBoard: Bool = false, kpis: KPIDefinitions? = nil,
  honours: HonoursFormula? = nil,
  clock: @escaping @Sendable () -> Date = { Date() }
) {
  _ = jsonConfigured
  ServiceMetrics.bootstrap()
  app.routes.defaultMaxBodySize = "1mb"
  app.middleware = Middlewares()
  app.middleware.use(ErrorMiddleware())
  app.middleware.use(HeaderGuard())
  // Stylesheet and script of the pages (Public/), with their own caching headers.
  app.middleware.use(
    AssetsMiddleware(files: FileMiddleware(publicDirectory: app.directory.publicDirectory, defaultFile: nil)))
  // Server-rendered pages: Leaf templates under Resources/Views, parsed once and kept.
  app.views.use(.leaf)
  app.leaf.cache.isEnabled = true

  let classifiers = classifierHolder ?? ClassifierHolder(classifier)
  let resolvedKPIs = kpis ?? bundledKPIs(logger: app.logger)
  // The statistics are summed as cases change, by the definitions the pages show.
  store.countStatistics(by: resolvedKPIs)
  let context = ServerContext(
    store: store, clock: clock,
    renderer: PageRenderer(
      secureCookies: baseURL?.scheme == "https",
      publicAuthority: baseURL.flatMap { url in url.host.map { host in url.port.map { "\(host):\($0)" } ?? host } }),
    intake: IntakeService(store: store, classifiers: classifiers, autoAssignConfidence: autoAssignConfidence),
    citizens: intake, classifiers: classifiers, passwords: passwords, supervision: supervision,
    kpis: resolvedKPIs, honours: honours ?? bundledHonours(checkedAgainst: resolvedKPIs, logger: app.logger))
  let documentPath = app.directory.resourcesDirectory + "OpenAPI/openapi.json"
  let document = FileManager.default.contents(atPath: documentPath)
  if document == nil { app.logger.error("OpenAPI document not found at \(documentPath)") }
  let throttle = ReadThrottleMiddleware(
    throttle: ReadThrottle(limit: searchLimit), citizens: intake, clock: clock,
    expensivePaths: [
      SiteURL.search.path, SiteURL.overdue.path, SiteURL.metrics.path, SiteURL.stats.path, SiteURL.honours.path,
      SiteURL.api(.stats).path,
      SiteURL.staff(.dashboard).path, SiteURL.staff(.dashboardCases).path, SiteURL.staff(.supervisionReport).path,
      SiteURL.staff(.dashboardExport).path,
    ], expensivePrefixes: [SiteURL.honours.path + "/"])
  let routes = Routes(context: context, document: document)
  routes.register(
    on: app.routes, throttled: app.routes.grouped(throttle),
    staff: app.routes.grouped(StaffAuthentication(store: store, clock: clock)))
  if prepareBoard { routes.queues.prepareTopics() }
  answerUnofferedMethods(app)
}

/// The KPIs shipped with Minsheng; none (and an error in the log) if the bundled file cannot be read.
private func bundledKPIs(logger: Logger) -> KPIDefinitions {
  do {
    return try KPIDefinitions.bundled()
  } catch {
    logger.error("statistics: \(error.description)")
    return KPIDefinitions(satisfiedLevels: [], resolvedScore: 3, kpis: [])
  }
}

/// The honours' formula shipped with Minsheng, checked against the KPIs in force; no lists (and an
/// error in the log) if it cannot be read or names a KPI that is not a rate.
private func bundledHonours(checkedAgainst kpis: KPIDefinitions, logger: Logger) -> HonoursFormula {
  do {
    return try HonoursFormula.bundled(checkedAgainst: kpis)
  } catch {
    logger.error("honours: \(error.description)")
    return HonoursFormula(lists: [])
  }
}

/// On every path of the API (and the probes it documents), a method it does not offer is answered 405
/// with `Allow` naming those it does (as HTTP and OpenAPI clients expect), not 404 as if the path did
/// not exist: any method, `TRACE` and made-up ones included.
private func answerUnofferedMethods(_ app: Application) {
  let documented: Set<PathComponent> = ["api", "healthz", "ping", "metrics", "open311"]
  let routes = app.routes.all.filter { route in route.path.first.map(documented.contains) ?? false }
  let byPath = Dictionary(grouping: routes) { $0.path.map(\.description).joined(separator: "/") }
  let paths = byPath.values.map { routes in
    UnofferedMethodMiddleware.OfferedPath(
      pattern: routes[0].path,
      methods: Set(routes.map(\.method.rawValue) + (routes.contains { $0.method == .GET } ? ["HEAD"] : [])))
  }
  app.middleware.use(UnofferedMethodMiddleware(paths: paths), at: .end)
}

/// Answers 405 to a method a documented path does not offer (see `answerUnofferedMethods`).
struct UnofferedMethodMiddleware: AsyncMiddleware {
  struct OfferedPath: Sendable {
    var pattern: [PathComponent]
    var methods: Set<String>

    func matches(_ components: [Substring]) -> Bool {
      guard components.count == pattern.count else { return false }
      return zip(pattern, components).allSatisfy { expected, component in
        if case .constant(let text) = expected { return text == component }
        return true
      }
    }
  }

  let paths: [OfferedPath]

  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    let components = request.url.path.split(separator: "/")
    // A path may match a fixed word and a parameter both (`suggestions/campaigns`, `suggestions/{id}`):
    // the method is offered when any of them offers it.
    let matching = paths.filter { $0.matches(components) }
    if !matching.isEmpty, !matching.contains(where: { $0.methods.contains(request.method.rawValue) }) {
      let allow = matching.reduce(into: Set<String>()) { $0.formUnion($1.methods) }.subtracting(["HEAD"]).sorted()
        .joined(separator: ", ")
      throw Abort(.methodNotAllowed, headers: ["Allow": allow])
    }
    return try await next.respond(to: request)
  }
}

/// ISO 8601 dates in JSON, set once for the process (Vapor's content configuration is global).
private let jsonConfigured: Void = {
  let decoder = JSONDecoder()
  decoder.dateDecodingStrategy = .custom(InternetDate.decode)
  ContentConfiguration.global.use(encoder: JSONEncoder.api, for: .json)
  ContentConfiguration.global.use(decoder: decoder, for: .json)
  ContentConfiguration.global.use(
    urlDecoder: URLEncodedFormDecoder(configuration: .init(dateDecodingStrategy: .custom(InternetDate.decode))))
}()

/// A date as the API reads it: RFC 3339 (`2026-12-06T08:00:00Z`), with or without fractional seconds,
/// as OpenAPI's `date-time` allows.
enum InternetDate {
  static func parse(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
  }

  @Sendable static func decode(_ decoder: any Decoder) throws -> Date {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let date = parse(text) else {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 date-time")
    }
    return date
  }
}

extension JSONEncoder {
  /// The API's JSON: ISO 8601 dates, slashes unescaped.
  static let api: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.withoutEscapingSlashes]
    return encoder
  }()
}

/// The stylesheet and the script (`Public/css`, `Public/js`): only paths there reach the file system,
/// and only short ones of plain characters; any other path goes on to the routes (and, unknown, 404).
struct AssetsMiddleware: AsyncMiddleware {
  let files: FileMiddleware

  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    let path = request.url.path
    guard path.hasPrefix("/css/") || path.hasPrefix("/js/"), path.utf8.count <= 128,
      path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "%") })
    else { return try await next.respond(to: request) }
    return try await files.respond(to: request, chainingTo: next)
  }
}
