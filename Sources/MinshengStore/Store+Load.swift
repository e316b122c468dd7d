import Foundation
import MinshengCore

/// A case to store whole (成批载入): a message as it was received and the steps taken on it since,
/// for the demonstration and for channel imports.
public struct CaseToLoad: Sendable {
  /// One step of the case, as `Store.perform` would take it.
  public struct Step: Sendable {
    public var command: Command
    public var actor: Actor
    public var at: Date

    public init(_ command: Command, by actor: Actor, at: Date) {
      self.command = command
      self.actor = actor
      self.at = at
    }
  }

  /// The message's id; nil lets the store make one. A caller that merges cases of one load into
  /// each other names them here.
  public var id: UUID?
  public var input: NewMessage
  public var receivedAt: Date
  /// Who the `received` event names: the citizen, or the operator who typed it in.
  public var author: Actor
  public var fingerprint: Fingerprint?
  /// The classifier's prediction, stored with the message as intake stores it (智能分派's suggestion).
  public var prediction: CategorySuggestion?
  /// Images that came with it (checked by content as intake checks them).
  public var images: [Data]
  /// Where an imported case came from; a source and id may be stored once only.
  public var external: ExternalReference?
  public var steps: [Step]

  public init(
    id: UUID? = nil, _ input: NewMessage, receivedAt: Date, author: Actor = Actor(role: .citizen, id: "citizen"),
    fingerprint: Fingerprint? = nil, prediction: CategorySuggestion? = nil, images: [Data] = [],
    external: ExternalReference? = nil, steps: [Step]
  ) {
    self.id = id
    self.author = author
    self.input = input
    self.receivedAt = receivedAt
    self.fingerprint = fingerprint
    self.prediction = prediction
    self.images = images
    self.external = external
    self.steps = steps
  }
}

/// 外部编号: where an imported case came from — its source (the channel, or a named system such as
/// `hotline:12345-fengjie`) and its id there, unique together, so that importing a file again adds
/// nothing — and, for a social-media comment, the link to it.
public struct ExternalReference: Sendable, Equatable {
  public var source: String
  public var id: String
  public var link: String?
  /// When it was imported (the case itself keeps when it was received).
  public var importedAt: Date

  public init(source: String, id: String, link: String? = nil, importedAt: Date) {
    self.source = source
    self.id = id
    self.link = link
    self.importedAt = importedAt
  }
}

/// When a loaded batch's messages become searchable: written into the search indexes in the batch's
/// transaction (`now`), or queued for the background indexing that `serve` runs every second, as
/// intake queues a web message (`queued`: the load is faster, and search catches up in seconds).
public enum LoadSearch: Sendable, Equatable {
  case now
  case queued
}

/// A batch of cases decided and ready to store (`Store.prepareLoad`).
public struct PreparedLoad: Sendable {
  let cases: [LoadedCase]

  /// How many cases it holds.
  public var count: Int { cases.count }
}

extension Store {
  /// Of the external ids given, those already stored for the source.
  public func importedIDs(source: String, among ids: [String]) async throws -> Set<String> {
    var found: Set<String> = []
    for chunk in stride(from: 0, to: ids.count, by: 500).map({ ids[$0..<min($0 + 500, ids.count)] }) {
      let rows = try await search.runner.all(
        SQLFragment(
          "SELECT external_id FROM imported_records WHERE source = ? AND external_id IN ("
            + Array(repeating: "?", count: chunk.count).joined(separator: ", ") + ")",
          [.text(source)] + chunk.map { .text($0) }), as: ExternalIDRow.self)
      found.formUnion(rows.map(\.external_id))
    }
    return found
  }

  /// The message an external id was imported as, if it was.
  public func importedMessage(source: String, externalID: String) async throws -> UUID? {
    try await search.runner.all(
      SQLFragment(
        "SELECT message_id FROM imported_records WHERE source = ? AND external_id = ?",
        [.text(source), .text(externalID)]), as: ImportedMessageRow.self
    ).first?.message_id
  }

  /// 成批载入: stores many cases at once, each as `submit` and then `perform` for each of its steps
  /// would have stored it — the same checks and decisions, every event sealed into both audit chains,
  /// its replies and evaluations, and its search documents — in one transaction for the whole batch
  /// (nothing of it is stored if any case is refused). Returns the messages as stored, in order.
  ///
  /// The cases are decided in memory, so a batch costs one commit and no reads besides the cases a
  /// merge names outside the batch. Steps take no images, notices or scheduled-job keys, and a
  /// reviewer's edit is refused: those come through `perform`. Rate limits and banned words, which
  /// guard a citizen's own submission, do not apply.
  public func load(_ batch: [CaseToLoad], search: LoadSearch = .now) async throws -> [Message] {
    try await load(try await prepareLoad(batch, search: search))
  }

  /// Stores a batch decided by `prepareLoad`, as `load` does.
  public func load(_ prepared: PreparedLoad) async throws -> [Message] {
    try await cases.load(prepared.cases)
  }

  /// Decides a batch for `load(_:)` without storing it, so the next batch can be decided while this
  /// one is written. Decisions read the database as it is now: a case a merge names outside the batch
  /// must be stored by then.
  public func prepareLoad(_ batch: [CaseToLoad], search: LoadSearch = .now) async throws -> PreparedLoad {
    var loaded: [LoadedCase] = []
    var inBatch: [UUID: Message] = [:]
    for item in batch {
      let new = try item.input.validated()
      let checked = try Self.checkImages(item.images)
      let intake = try await decideIntake(
        new, id: item.id ?? ids.newID(), at: item.receivedAt, prediction: item.prediction, origin: nil)
      let code = ids.trackingCode()
      guard let normalizedCode = TrackingCode.normalized(code) else {
        throw StoreError.internal("the identifier source made an invalid tracking code")
      }
      let received = intake.message
      var current = received
      var changes: [LoadedChange] = []
      var rows = CaseRows(messageID: received.id)
      let path = RegionPath(codes: try await regionPath(of: received.regionID).map(\.code))
      for step in item.steps {
        let command = try await resolvedInLoad(step.command, for: current, by: step.actor, loaded: inBatch)
        let transition = try Workflow.transition(
          from: current, action: command, by: step.actor, at: step.at, rules: rules, region: path)
        let assisting =
          transition.message.assistingUnitIDs == current.assistingUnitIDs
          ? nil
          : transition.message.assistingUnitIDs.enumerated().map {
            AssistingUnitRow(id: ids.newID(), unitID: $1, position: $0)
          }
        try rows.apply(sideRows(of: command, transition: transition))
        changes.append(LoadedChange(event: transition.event, eventID: ids.newID(), assisting: assisting))
        current = transition.message
      }
      inBatch[current.id] = current
      loaded.append(
        LoadedCase(
          intake: ReceivedCase(
            message: received, eventID: ids.newID(), trackingHash: Hashing.sha256Hex(normalizedCode),
            actor: item.author, suggestion: intake.classifier.map { SuggestionRecord($0, messageID: received.id) },
            limits: [],
            images: checked.map {
              CheckedImage(id: ids.newID(), contentType: $0.type, data: $0.data, sha256: Hashing.sha256Hex($0.data))
            }, fingerprint: item.fingerprint),
          external: item.external, changes: changes, final: current, replies: rows.replies,
          evaluations: rows.evaluations,
          documents: search == .queued
            ? nil
            : (
              SearchDocument.forPublic(current, publishedReplies: rows.searched(published: true)),
              SearchDocument.forStaffWithoutSerial(current, replies: rows.searched(published: false))
            )))
    }
    return PreparedLoad(cases: loaded)
  }

  /// The command as `perform` resolves it, a merge into a case of the same batch included.
  private func resolvedInLoad(
    _ command: Command, for message: Message, by actor: Actor, loaded: [UUID: Message]
  ) async throws -> Command {
    if case .approveReply(_, _?) = command {
      throw ValidationError(field: "body", reason: .invalid(LocalizedText("error_load_edited_reply")))
    }
    guard case .merge(let parentID, let note) = command, let parent = loaded[parentID] else {
      return try await resolved(command, for: message, by: actor)
    }
    guard actor.role == .system || CaseAccess.mayRead(actor, parent) else {
      throw ValidationError(field: "into", reason: .unknownReference)
    }
    // A case of the batch that was merged already names its root.
    let root = parent.mergedIntoID ?? parentID
    guard root != message.id else {
      throw ValidationError(field: "into", reason: .invalid(LocalizedText("error_merge_self_or_child")))
    }
    return .merge(into: root, note: note)
  }
}

/// The replies and evaluations of a case being loaded, as its steps' side rows leave them, in order.
private struct CaseRows {
  let messageID: UUID
  var replies: [ReplyRecord] = []
  var evaluations: [EvaluationRecord] = []

  mutating func apply(_ rows: [SideRow]) throws {
    for row in rows {
      switch row {
      case .reply(let reply):
        replies.append(ReplyRecord(reply, messageID: messageID))
      case .decideDrafts(let publish, let at):
        for index in replies.indices where replies[index].state == ReplyState.draft.rawValue {
          replies[index].state = (publish ? ReplyState.published : .sentBack).rawValue
          replies[index].publishedAt = publish ? at : nil
        }
      case .evaluation(let evaluation):
        evaluations.append(EvaluationRecord(evaluation, messageID: messageID))
      case .statement:
        // A reply clears the wording saved for it (保存草稿), which a case being loaded cannot have.
        break
      case .replaceDraft, .replyImage, .thanks:
        throw StoreError.internal("a step of a loaded case brought a row the bulk path does not write")
      }
    }
  }

  /// The replies' bodies a search document holds, oldest first: the published ones, or (for the
  /// staff) drafts too.
  func searched(published: Bool) -> [String] {
    let states =
      published ? [ReplyState.published.rawValue] : [ReplyState.published.rawValue, ReplyState.draft.rawValue]
    return replies.filter { states.contains($0.state) }.map(\.body)
  }
}

private struct ExternalIDRow: Decodable, Sendable {
  var external_id: String
}

private struct ImportedMessageRow: Decodable, Sendable {
  var message_id: UUID
}
