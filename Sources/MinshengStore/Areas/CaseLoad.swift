import Foundation
import MinshengCore

/// A whole case decided in memory (`Store.load`): the message as received, each change since, and
/// the message as it ends.
struct LoadedCase: Sendable {
  var intake: ReceivedCase
  var changes: [LoadedChange]
  /// The message after the last change; its serial number is given when it is stored.
  var final: Message
  /// Its replies and evaluations as the changes leave them.
  var replies: [ReplyRecord]
  var evaluations: [EvaluationRecord]

  /// Its search documents, cut while deciding: the public one (nil while the public may not read
  /// it) and the staff's without the serial, which is given when it is stored.
  var shown: SearchDocument?
  var staffWithoutSerial: SearchDocument
}

/// One change of a loaded case: its event, and the assisting units when it named them.
struct LoadedChange: Sendable {
  var event: EventDraft
  var eventID: UUID
  var assisting: [AssistingUnitRow]?
}

/// A batch of loaded cases with their serials and events sealed, ready to write in order: the
/// messages first (a merge names an earlier one), then their rows, events and search documents.
/// PostgreSQL's are written many to a statement.
struct SealedLoad {
  var messages: [Message] = []
  var records: [MessageRecord] = []
  var events: [EventRecord] = []
  var assisting: [(messageID: UUID, row: AssistingUnitRow)] = []
  var replies: [ReplyRecord] = []
  var evaluations: [EvaluationRecord] = []
  var search: [SQLFragment] = []

  /// How many events a batch appends to the global chain.
  static func eventCount(_ batch: [LoadedCase]) -> Int {
    batch.reduce(0) { $0 + 1 + $1.changes.count }
  }

  /// Numbers each message after its year's highest (`highest`) and seals its events into both
  /// chains from `place` on, in order.
  init(_ batch: [LoadedCase], from place: ChainPlace, highest: [Int: Int], postgres: Bool) throws {
    var place = place
    var highest = highest
    var documents: [SearchDocuments] = []
    func seal(_ draft: EventDraft, id: UUID, after tip: ChainTip) throws -> ChainTip {
      let (event, next) = AuditChain.seal(draft, id: id, at: place, after: tip)
      events.append(EventRecord(event))
      place = try ChainPlace(sequence: place.sequence + 1, previousHash: event.chainHash)
      return next
    }
    for item in batch {
      var message = item.final
      let number = (highest[message.serial.year] ?? 0) + 1
      highest[message.serial.year] = number
      message.serial.number = number
      var tip = try seal(
        EventDraft.received(item.intake.message, by: item.intake.actor), id: item.intake.eventID, after: .empty)
      for change in item.changes {
        tip = try seal(change.event, id: change.eventID, after: tip)
        // The units named last are the ones the case keeps.
        if let rows = change.assisting {
          assisting.removeAll { $0.messageID == message.id }
          assisting += rows.map { (message.id, $0) }
        }
      }
      replies += item.replies
      evaluations += item.evaluations
      messages.append(message)
      records.append(
        MessageRecord(
          message, trackingHash: item.intake.trackingHash, chainTip: tip, fingerprint: item.intake.fingerprint))
      documents.append(
        SearchDocuments(
          key: SearchStatements.key(message.serial), message: message, shown: item.shown,
          staff: item.staffWithoutSerial.naming(message.serial.description)))
    }
    search = SearchStatements.write(documents, postgres: postgres, replacing: false)
  }
}
