import Foundation
import Leaf
import MinshengCore
import MinshengStore
import MinshengText
import Vapor

/// Sets up a Vapor application around a store: JSON settings, limits, error handling, pages and routes.
///
/// Tests call this with an in-memory application; `minsheng serve` with a listening one.
public func configure(
  _ app: Application, store: Store, passwords: PasswordHashing = PasswordHashing(), baseURL: URL? = nil,
  classifier: TextClassifier? = nil, intake: CitizenIntake = CitizenIntake(), autoAssignConfidence: Double? = nil,
  classifierHolder: ClassifierHolder? = nil, supervision: SupervisionSchedule = SupervisionSchedule(),
  clock: @escaping @Sendable () -> Date = { Date() }
) {
  _ = jsonConfigured
  ServiceMetrics.bootstrap()
  app.routes.defaultMaxBodySize = "1mb"
  app.middleware = Middlewares()
  app.middleware.use(ErrorMiddleware())
  // Stylesheet and script of the pages (Public/), with their own caching headers.
  app.middleware.use(FileMiddleware(publicDirectory: app.directory.publicDirectory, defaultFile: nil))
  // Server-rendered pages: Leaf templates under Resources/Views, parsed once and kept.
  app.views.use(.leaf)
  app.leaf.cache.isEnabled = true

  let classifiers = classifierHolder ?? ClassifierHolder(classifier)
  let context = ServerContext(
    store: store, clock: clock, renderer: PageRenderer(secureCookies: baseURL?.scheme == "https"),
    intake: IntakeService(store: store, classifiers: classifiers, autoAssignConfidence: autoAssignConfidence),
    citizens: intake, classifiers: classifiers, passwords: passwords, supervision: supervision)
  let documentPath = app.directory.resourcesDirectory + "OpenAPI/openapi.json"
  let document = FileManager.default.contents(atPath: documentPath)
  if document == nil { app.logger.error("OpenAPI document not found at \(documentPath)") }
  Routes(context: context, document: document)
    .register(on: app.routes, staff: app.routes.grouped(StaffAuthentication(store: store, clock: clock)))
}

/// ISO 8601 dates in JSON, set once for the process (Vapor's content configuration is global).
private let jsonConfigured: Void = {
  let decoder = JSONDecoder()
  decoder.dateDecodingStrategy = .iso8601
  ContentConfiguration.global.use(encoder: JSONEncoder.api, for: .json)
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
