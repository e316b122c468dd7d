import Foundation
import MinshengCore
import MinshengStore
import MinshengText
import Synchronization
import Vapor

/// The public JSON API for messages: intake, the public view, the author's view.
struct MessagesController: Sendable {
  let store: Store
  let clock: @Sendable () -> Date
  /// Suggests the category at intake; nil when no model is configured or it failed to load.
  let classifiers: ClassifierHolder
  /// Addresses and regions of citizens' intake (for the rate limits).
  let intake: CitizenIntake
  /// Assigns confident suggestions at once, when configured.
  let autoAssigner: AutoAssigner
  let views = RenderedViews(capacity: 2_000)

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
    let suggestion = classifiers.current.map {
      CategorySuggestion(prediction: $0.predict(title: body.title, body: body.body))
    }
    let submission = try await store.submit(
      body.newMessage, at: clock(), suggestion: suggestion, origin: request.intakeOrigin(intake),
      fingerprint: .of(title: body.title, body: body.body))
    await autoAssigner.run(on: submission.message, at: clock(), logger: request.logger)
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
  ///
  /// The public view is a function of the stored message alone, and every change to a message gives
  /// it a new version. So each request reads the current version (one indexed row) and serves the
  /// view rendered for that version when there is one, rendering it otherwise. The answer is always
  /// current, on every instance. The version is also the `ETag`.
  func show(_ request: Request) async throws -> Response {
    guard let id = request.parameters.get("id", as: UUID.self), let stamp = try await store.publicStamp(of: id),
      stamp.isPublic
    else { throw StoreError.notFound("留言") }
    func etag(_ version: Int) -> String { "W/\"\(id.uuidString.lowercased())-\(version)\"" }
    if request.headers.first(name: .ifNoneMatch) == etag(stamp.version) {
      return Response(status: .notModified, headers: ["ETag": etag(stamp.version)])
    }
    var body = views.view(of: id, version: stamp.version)
    var version = stamp.version
    if body == nil {
      guard let file = try await store.caseFile(id), file.message.isShownPublicly else {
        throw StoreError.notFound("留言")
      }
      let rendered = try JSONEncoder.api.encode(
        PublicMessageResponse(file.message, events: file.events, replies: file.replies))
      version = file.message.version
      views.remember(ByteBuffer(data: rendered), of: id, version: version)
      body = ByteBuffer(data: rendered)
    }
    var headers = HTTPHeaders()
    headers.contentType = .json
    headers.replaceOrAdd(name: .eTag, value: etag(version))
    return Response(status: .ok, headers: headers, body: .init(buffer: body ?? ByteBuffer()))
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

extension CategorySuggestion {
  /// The classifier's prediction as stored with a message (its category and unit are resolved by
  /// the store).
  init(prediction: Prediction) {
    self.init(
      label: prediction.label, confidence: prediction.top.first?.confidence ?? 0,
      top: prediction.top.map { Alternative(label: $0.label, confidence: $0.confidence) },
      reasons: prediction.reasons.map { Reason(gram: $0.gram, weight: $0.weight) })
  }
}

/// Loads the classifier model named by the configuration. A missing or damaged file is logged and
/// gives nil: intake goes on without suggestions.
public func loadClassifier(at url: URL?, logger: Logger) -> TextClassifier? {
  guard let url else { return nil }
  do {
    let model = try TextClassifier(decoding: try Data(contentsOf: url))
    logger.notice("classifier loaded from \(url.path): \(model.labels.count) categories")
    return model
  } catch {
    logger.error(
      "classifier not loaded from \(url.path) (\(error)); messages are taken in without category suggestions")
    return nil
  }
}

/// The classifier in use. `serve` replaces it when its model file changes, so a model retrained from
/// the platform's own messages (`classify train --from-db`, run on a schedule) takes effect without a
/// restart; a file that cannot be read leaves the current model in place, and says so in the log.
public final class ClassifierHolder: Sendable {
  private let state: Mutex<(model: TextClassifier?, modified: Date?)>

  public init(_ model: TextClassifier?, modified: Date? = nil) {
    state = Mutex((model, modified))
  }

  public var current: TextClassifier? { state.withLock { $0.model } }

  /// Loads the model again when the file's modification time is not the one loaded.
  public func reloadIfChanged(from url: URL, logger: Logger) {
    let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    guard let modified, modified != state.withLock({ $0.modified }) else { return }
    do {
      let model = try TextClassifier(decoding: try Data(contentsOf: url))
      state.withLock { $0 = (model, modified) }
      logger.notice("classifier reloaded from \(url.path): \(model.labels.count) categories")
    } catch {
      state.withLock { $0.modified = modified }
      logger.error("classifier file \(url.path) changed but cannot be loaded (\(error)); the previous model stays")
    }
  }

  /// The modification time of a file, if it can be read.
  public static func modified(_ url: URL?) -> Date? {
    guard let url else { return nil }
    return (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
  }
}
