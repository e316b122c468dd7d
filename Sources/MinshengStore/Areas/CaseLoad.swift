import Foundation
import MinshengCore

/// A whole case decided in memory (`Store.load`): the message as received, each change since, and
/// the message as it ends.
struct LoadedCase: Sendable {
  var intake: ReceivedCase
  var external: ExternalReference?
  var changes: [LoadedChange]
  /// The message after the last change; its serial number is given when it is stored.
  var final: Message
  /// Its replies and evaluations as the changes leave them.
  var replies: [ReplyRecord]
  var evaluations: [EvaluationRecord]

  /// Its search documents, cut while deciding: the public one (nil while the public may not read
  /// it) and the staff's without the serial, which is given when it is stored; nil for both when the
  /// message is queued for the background indexing instead, as intake queues it.
  var documents: (shown: SearchDocument?, staffWithoutSerial: SearchDocument)?
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
  var suggestions: [SuggestionRecord] = []
  var attachments: [AttachmentRecord] = []
  var imported: [ImportedRecordRow] = []

  /// How many events a batch appends to the global chain.
  static func eventCount(_ batch: [LoadedCase]) -> Int {
    batch.reduce(0) { $0 + 1 + $1.changes.count }
  }

  /// The serial numbers of a batch's messages, year by year in order, each year's after its highest
  /// (`highest`).
  static func numbers(_ batch: [LoadedCase], after highest: [Int: Int]) -> [Int: [Int]] {
    var numbers: [Int: [Int]] = [:]
    for item in batch {
      let year = item.final.serial.year
      numbers[year, default: []].append((highest[year] ?? 0) + (numbers[year]?.count ?? 0) + 1)
    }
    return numbers
  }

  /// How many messages of each year a batch holds.
  static func yearCounts(_ batch: [LoadedCase]) -> [Int: Int] {
    batch.reduce(into: [:]) { $0[$1.final.serial.year, default: 0] += 1 }
  }

  /// Numbers each message from its year's `numbers` in order and seals its events into both chains,
  /// giving them `sequences` in order and the global chain's places from `place` on.
  init(
    _ batch: [LoadedCase], sequences: [Int64], from place: ChainPlace, numbers: [Int: [Int]], postgres: Bool
  ) throws {
    guard sequences.count == Self.eventCount(batch) else {
      throw StoreError.internal("a loaded batch was given \(sequences.count) sequence numbers for its events")
    }
    var place = place
    var next = 0
    var numbers = numbers.mapValues { $0[...] }
    var documents: [SearchDocuments] = []
    var queued: [(id: UUID, version: Int)] = []
    func seal(_ draft: EventDraft, id: UUID, after tip: ChainTip) -> ChainTip {
      let (event, tip) = AuditChain.seal(draft, id: id, sequence: sequences[next], at: place, after: tip)
      events.append(EventRecord(event, position: place.position))
      next += 1
      if let hash = event.chainHash { place = place.next(after: hash) }
      return tip
    }
    for item in batch {
      var message = item.final
      guard let number = numbers[message.serial.year]?.popFirst() else {
        throw StoreError.internal("a loaded batch was given too few serial numbers for \(message.serial.year)")
      }
      message.serial.number = number
      var tip = seal(
        EventDraft.received(item.intake.message, by: item.intake.actor), id: item.intake.eventID, after: .empty)
      for change in item.changes {
        tip = seal(change.event, id: change.eventID, after: tip)
        // The units named last are the ones the case keeps.
        if let rows = change.assisting {
          assisting.removeAll { $0.messageID == message.id }
          assisting += rows.map { (message.id, $0) }
        }
      }
      replies += item.replies
      evaluations += item.evaluations
      if let suggestion = item.intake.suggestion { suggestions.append(suggestion) }
      for (position, image) in item.intake.images.enumerated() {
        attachments.append(
          AttachmentRecord(image, messageID: message.id, position: position, at: item.intake.message.createdAt))
      }
      if let external = item.external {
        imported.append(
          ImportedRecordRow(
            source: external.source, external_id: external.id, message_id: message.id, link: external.link,
            imported_at: external.importedAt))
      }
      messages.append(message)
      records.append(
        MessageRecord(
          message, trackingHash: item.intake.trackingHash, chainTip: tip, fingerprint: item.intake.fingerprint))
      if let cut = item.documents {
        documents.append(
          SearchDocuments(
            key: SearchStatements.key(message.serial), message: message, shown: cut.shown,
            staff: cut.staffWithoutSerial.naming(message.serial.description)))
      } else {
        queued.append((message.id, message.version))
      }
    }
    search = SearchStatements.queue(queued) + SearchStatements.write(documents, postgres: postgres, replacing: false)
  }
}

/// A row of `imported_records`: which message an external id became.
struct ImportedRecordRow: Codable, Sendable {
  static let schema = "imported_records"

  var source: String
  var external_id: String
  var message_id: UUID
  var link: String?
  var imported_at: Date
}
