import Foundation
import Leaf
import MinshengCore
import MinshengStore
import MinshengText
import Vapor

/// Sets up a Vapor application around a store: JSON settings, limits, error handling and routes.
///
/// Tests call this with an in-memory application; `minsheng serve` with a listening one.
public func configure(
  _ app: Application, store: Store, passwords: PasswordHashing = PasswordHashing(),
  baseURL: URL? = nil, classifier: TextClassifier? = nil, publicNameStyle: PrivacyMask.NameStyle = .address,
  intake: CitizenIntake = CitizenIntake(), autoAssignConfidence: Double? = nil,
  classifierHolder: ClassifierHolder? = nil, supervision: SupervisionSchedule = SupervisionSchedule(),
  clock: @escaping @Sendable () -> Date = { Date() }
) {
  let classifiers = classifierHolder ?? ClassifierHolder(classifier)
  let autoAssigner = AutoAssigner(store: store, threshold: autoAssignConfidence)
  _ = jsonConfigured
  app.routes.defaultMaxBodySize = "1mb"
  let metrics = RequestMetrics()
  app.middleware = Middlewares()
  // Metrics outermost, so the status it records is the one the error middleware produced.
  app.middleware.use(MetricsMiddleware(metrics: metrics))
  app.middleware.use(APIErrorMiddleware())
  // Stylesheet and script of the public pages (Public/), with their own caching headers.
  app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory, defaultFile: nil))

  // Server-rendered pages: Leaf templates under Resources/Views, parsed once and kept.
  app.views.use(.leaf)
  app.leaf.cache.isEnabled = true
  let secureCookies = baseURL?.scheme == "https"
  var pages = PublicPages(
    store: store, clock: clock, classifiers: classifiers, nameStyle: publicNameStyle,
    renderer: PageRenderer(secureCookies: secureCookies), intake: intake, autoAssigner: autoAssigner)
  pages.overdueAfterWorkingDays = supervision.publishOverdueAfterWorkingDays
  pages.register(on: app.routes)
  CitizenPages(pages: pages).register(on: app.routes)
  let staffPages = StaffPages(
    store: store, clock: clock, renderer: pages.renderer,
    auth: AuthController(store: store, passwords: passwords, clock: clock, secureCookies: secureCookies))
  staffPages.register(on: app.routes)
  AdminPages(staff: staffPages, passwords: passwords).register(on: app.routes)
  app.get("metrics") { _ async throws -> Response in
    var headers = HTTPHeaders()
    headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
    return Response(
      status: .ok, headers: headers, body: .init(string: try await metricsText(metrics, store: store, now: clock())))
  }

  // Plain text without the database: the framework's ceiling in the HTTP benchmark.
  app.get("ping") { _ in "pong\n" }
  app.get("healthz") { _ async -> Response in
    do {
      try await store.database.ping()
      return Response(status: .ok, body: .init(string: "ok\n"))
    } catch {
      return Response(status: .serviceUnavailable, body: .init(string: "database unavailable\n"))
    }
  }
  MessagesController(
    store: store, clock: clock, classifiers: classifiers, intake: intake, autoAssigner: autoAssigner
  ).register(on: app.routes)
  let staff = app.routes.grouped(StaffAuthentication(store: store, clock: clock))
  ReferenceController(store: store, clock: clock).register(on: app.routes, staff: staff)
  AuthController(store: store, passwords: passwords, clock: clock, secureCookies: secureCookies)
    .register(on: app.routes, staff: staff)
  ActionsController(store: store, clock: clock).register(on: app.routes, staff: staff)
  StaffQueuesController(store: store, clock: clock).register(on: staff)
  ModerationController(store: store, clock: clock).register(on: staff)
  KnowledgeController(store: store, clock: clock).register(on: staff)
  ActionsController(store: store, clock: clock).registerDetail(on: staff)

  // The committed OpenAPI document (Resources/OpenAPI/openapi.json), read once at start.
  let documentPath = app.directory.resourcesDirectory + "OpenAPI/openapi.json"
  let document = FileManager.default.contents(atPath: documentPath)
  if document == nil { app.logger.error("OpenAPI document not found at \(documentPath)") }
  app.get("api", "v1", "openapi.json") { _ async throws -> Response in
    guard let document else { throw Abort(.notFound) }
    var headers = HTTPHeaders()
    headers.contentType = .json
    return Response(status: .ok, headers: headers, body: .init(data: document))
  }
}

/// ISO 8601 dates in JSON, set once for the process (Vapor's content configuration is global).
private let jsonConfigured: Void = {
  let encoder = JSONEncoder.api
  let decoder = JSONDecoder()
  decoder.dateDecodingStrategy = .iso8601
  ContentConfiguration.global.use(encoder: encoder, for: .json)
  ContentConfiguration.global.use(decoder: decoder, for: .json)
  ContentConfiguration.global.use(
    urlDecoder: URLEncodedFormDecoder(configuration: .init(dateDecodingStrategy: .iso8601)))
}()

extension JSONEncoder {
  /// The API's JSON: ISO 8601 dates, slashes unescaped.
  static let api: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.withoutEscapingSlashes]
    return encoder
  }()
}
