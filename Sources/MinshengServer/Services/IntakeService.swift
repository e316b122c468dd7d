import Foundation
import Logging
import MinshengCore
import MinshengStore
import MinshengText
import Synchronization

/// 受理: how a message enters the case pool, whichever door it comes through — the citizens' form, the
/// JSON API, operators' intake (and channel imports): the classifier's prediction, the store's
/// intake with the near-duplicate fingerprint, then 智能分派 when the prediction is sure enough.
struct IntakeService: Sendable {
  let store: Store
  let classifiers: ClassifierHolder
  /// 智能分派: assign at once when the classifier's confidence reaches this; nil (the default) for never.
  let autoAssignConfidence: Double?

  /// Takes a message in and returns it as stored (assigned already when 智能分派 did so). An operator
  /// who answers the call on the spot passes `assignAutomatically: false`: the answer closes it.
  func receive(
    _ input: NewMessage, by actor: Actor = Actor(role: .citizen, id: "citizen"), origin: IntakeOrigin? = nil,
    partnerKey: UUID? = nil, images: [Data] = [], assignAutomatically: Bool = true, at now: Date, logger: Logger
  ) async throws -> Submission {
    let prediction = classifiers.current.map {
      CategorySuggestion(prediction: $0.predict(title: input.title, body: input.body))
    }
    var submission = try await store.submit(
      input, by: actor, at: now, suggestion: prediction, images: images, origin: origin,
      fingerprint: .of(title: input.title, body: input.body), partnerKey: partnerKey)
    if assignAutomatically, let assigned = await autoAssign(submission.message, at: now, logger: logger) {
      submission.message = assigned
    }
    return submission
  }

  /// Assigns a message just taken in to the classifier's unit when the configured confidence is
  /// reached. The message is already stored, so a refusal is logged and it waits for its dispatcher.
  private func autoAssign(_ message: Message, at now: Date, logger: Logger) async -> Message? {
    guard autoAssignConfidence != nil else { return nil }
    do {
      guard let suggestion = try await store.suggestion(for: message.id),
        let unit = DispatchSuggestion.automaticUnit(for: suggestion, of: message, threshold: autoAssignConfidence)
      else { return nil }
      return try await store.perform(
        .assign(lead: unit, instruction: DispatchSuggestion.automaticInstruction(for: suggestion)), on: message.id,
        by: Actor(role: .system, id: "auto-assign"), at: now, expectedVersion: message.version)
    } catch {
      logger.warning("auto-assign \(message.serial): \(String(describing: error))")
      return nil
    }
  }
}

extension CategorySuggestion {
  /// The classifier's prediction as stored with a message (its category and unit are resolved by
  /// `DispatchSuggestion` at intake).
  init(prediction: Prediction) {
    self.init(
      label: prediction.label, confidence: prediction.top.first?.confidence ?? 0,
      top: prediction.top.map { Alternative(label: $0.label, confidence: $0.confidence) },
      reasons: prediction.reasons.map { Reason(gram: $0.gram, weight: $0.weight) })
  }
}

extension Fingerprint {
  /// The MinHash fingerprint of a message's title and body, as intake stores it for 并单候选.
  static func of(title: String, body: String) -> Fingerprint {
    let signature = MinHashSignature(title: title, body: body)
    return Fingerprint(values: signature.values, bandKeys: signature.bandKeys)
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
