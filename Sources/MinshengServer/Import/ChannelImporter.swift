import Crypto
import Foundation
import MinshengCore
import MinshengStore
import MinshengText

/// What an import did, counted as it goes.
struct ImportReport: Sendable, Equatable {
  /// Records read from the files.
  var read = 0
  /// Messages stored (committed).
  var added = 0
  /// Records imported before (by this run or an earlier one) and skipped.
  var alreadyImported = 0
  /// Records refused; each is in the rejects file with its line and reason.
  var rejected = 0
  /// Records whose category or region the platform does not know: taken in without it, for the
  /// dispatcher to decide.
  var unknownCategory = 0
  var unknownRegion = 0
}

/// A refused record: where it is and why.
struct ImportReject: Sendable, Equatable {
  var file: String
  var line: Int
  var externalID: String
  var reason: String
}

/// 渠道导入: takes a channel's records through the intake that the web form uses — the same
/// validation, the routing suggestion (the rules, and the classifier when one is configured), the
/// near-duplicate fingerprint that links messages across channels, the search indexing queued for
/// `serve` — and stores them `batchSize` to a durable commit through `Store.load`, each with its source and external id, so that a second
/// run adds nothing. The next batch is decided while the last one is written.
struct ChannelImporter {
  let store: Store
  let channel: ImportChannel
  let source: String
  let map: ColumnMap
  let references: ImportReferences
  let classifier: TextClassifier?
  let actorID: String
  let batchSize: Int
  let now: Date
  let onReject: (ImportReject) -> Void
  private(set) var report = ImportReport()
  private var pending: [(item: CaseToLoad, file: String, line: Int)] = []
  private var seen: Set<String> = []
  private var writing: Task<Int, any Error>?

  init(
    store: Store, channel: ImportChannel, source: String? = nil, map: ColumnMap = ColumnMap(),
    classifier: TextClassifier? = nil, batchSize: Int = 1_000, now: Date = Date(),
    onReject: @escaping (ImportReject) -> Void
  ) async throws {
    self.store = store
    self.channel = channel
    self.source = source.map { "\(channel.rawValue):\($0)" } ?? channel.rawValue
    self.map = map
    self.references = ImportReferences(
      categories: try await store.categories(), regions: try await store.regions(), units: try await store.units())
    self.classifier = classifier
    self.actorID = "import:" + self.source
    self.batchSize = max(1, batchSize)
    self.now = now
    self.onReject = onReject
  }

  /// Refuses a file whose header lacks a column that a required field is mapped to.
  func check(columns: [String]?, file: String) throws(ImportFileError) {
    guard let columns else { return }
    for field in channel.required where !columns.contains(map.column(for: field)) {
      // A social comment known by its link, or a hotline record without a title, still reads.
      throw ImportFileError(
        file: file, line: 1,
        reason: say("cli_import_column", ["column": .plain(map.column(for: field)), "field": .plain(field.rawValue)]))
    }
  }

  /// Reads, checks and queues one record; stores the queue when it holds a batch.
  mutating func add(_ record: SourceRecord, file: String) async throws {
    report.read += 1
    let fields = map.fields(of: record.fields, for: channel)
    let imported: ImportedRecord
    do {
      imported = try ImportedRecord.read(fields, channel: channel, calendar: store.rules.calendar, now: now)
    } catch {
      return reject(file, record.line, fields[.externalID] ?? "", error.text.chinese)
    }
    let externalID = imported.externalID ?? "sha256:" + Self.digest(imported.identity)
    guard seen.insert(externalID).inserted else {
      report.alreadyImported += 1
      return
    }
    var message = imported.message
    message.categoryID = references.category(imported.category)?.id
    message.regionID = references.region(imported.region)?.id
    let unit = references.unit(imported.unit)
    let steps: [ImportStep]
    do {
      if let name = imported.unit, unit == nil { throw ImportRejection.unknownUnit(name) }
      message = try message.validated()
      steps = try ImportHistory.steps(for: imported, unit: unit, actorID: actorID)
    } catch let error as ImportRejection {
      return reject(file, record.line, externalID, error.text.chinese)
    } catch {
      return reject(file, record.line, externalID, Self.reason(error))
    }
    let prediction = classifier.map {
      CategorySuggestion(prediction: $0.predict(title: message.title, body: message.body))
    }
    let item = CaseToLoad(
      message, receivedAt: imported.receivedAt, author: Actor(role: .admin, id: actorID),
      fingerprint: .of(title: message.title, body: message.body), prediction: prediction, images: record.images,
      external: ExternalReference(source: source, id: externalID, link: imported.link, importedAt: now),
      steps: steps.map { CaseToLoad.Step($0.command, by: $0.actor, at: $0.at) })
    if imported.category != nil, message.categoryID == nil { report.unknownCategory += 1 }
    if imported.region != nil, message.regionID == nil { report.unknownRegion += 1 }
    pending.append((item, file, record.line))
    if pending.count >= batchSize { try await flush() }
  }

  /// Stores what is queued and waits for every batch to be committed; returns the counts.
  mutating func finish() async throws -> ImportReport {
    try await flush()
    try await settle()
    return report
  }

  private mutating func flush() async throws {
    guard !pending.isEmpty else { return }
    var batch = pending
    pending = []
    let stored = try await store.importedIDs(source: source, among: batch.compactMap(\.item.external?.id))
    if !stored.isEmpty {
      report.alreadyImported += batch.count(where: { stored.contains($0.item.external?.id ?? "") })
      batch.removeAll { stored.contains($0.item.external?.id ?? "") }
    }
    guard !batch.isEmpty else { return }
    let prepared: PreparedLoad
    do {
      prepared = try await store.prepareLoad(batch.map(\.item), search: .queued)
    } catch {
      // One case is refused: find each that is, and store the rest.
      var good: [CaseToLoad] = []
      for entry in batch {
        do {
          _ = try await store.prepareLoad([entry.item], search: .queued)
          good.append(entry.item)
        } catch {
          reject(entry.file, entry.line, entry.item.external?.id ?? "", Self.reason(error))
        }
      }
      guard !good.isEmpty else { return }
      prepared = try await store.prepareLoad(good, search: .queued)
    }
    try await settle()
    writing = Task { [store] in try await store.load(prepared).count }
  }

  /// Waits for the batch being written and counts it.
  private mutating func settle() async throws {
    guard let task = writing else { return }
    writing = nil
    report.added += try await task.value
  }

  private mutating func reject(_ file: String, _ line: Int, _ externalID: String, _ reason: String) {
    report.rejected += 1
    onReject(ImportReject(file: file, line: line, externalID: externalID, reason: reason))
  }

  static func digest(_ text: String) -> String {
    SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
  }

  /// Why the store refused a case, in the catalogue's words where it has them.
  static func reason(_ error: any Error) -> String {
    switch error {
    case let error as ValidationError: ImportRejection.invalid(error).text.chinese
    case let error as WorkflowError: error.text.chinese
    default: String(describing: error)
    }
  }
}
