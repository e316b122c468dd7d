import Foundation
import Logging
import MinshengCore
import MinshengStore

/// Assigns a message just taken in to the classifier's unit when the configured confidence is
/// reached (`MINSHENG_AUTO_ASSIGN_CONFIDENCE`; off by default). The message is already stored, so a
/// refusal is logged and the message waits for its dispatcher as usual.
struct AutoAssigner: Sendable {
  let store: Store
  let threshold: Double?

  func run(on message: Message, at now: Date, logger: Logger) async {
    guard threshold != nil else { return }
    do {
      guard let suggestion = try await store.suggestion(for: message.id),
        let unit = AutoAssignment.unit(for: suggestion, of: message, threshold: threshold)
      else { return }
      try await store.perform(
        .assign(lead: unit, instruction: AutoAssignment.instruction(for: suggestion)), on: message.id,
        by: Actor(role: .system, id: "auto-assign"), at: now, expectedVersion: message.version)
    } catch {
      logger.warning("auto-assign \(message.serial): \(String(describing: error))")
    }
  }
}
