import Foundation
import MinshengCore

/// A message with its history and published replies, as read at one moment.
public struct CaseFile: Sendable, Equatable {
  public var message: Message
  public var events: [Event]
  public var replies: [Reply]
}

/// 感谢信: the author's thanks to the unit that answered.
public struct ThanksLetter: Sendable, Equatable {
  public var id: UUID
  public var messageID: UUID
  public var unitID: UUID?
  /// The name as the author signed it; public reads show it through `PrivacyMask.displayName`.
  public var author: String
  public var body: String
  public var createdAt: Date
}

/// The published evaluation of a message.
public struct StoredEvaluation: Sendable, Equatable {
  public var evaluation: Evaluation
  public var createdAt: Date
}

extension Store {
  /// Applies a workflow command to a message and records it, atomically.
  ///
  /// When `expectedVersion` is given and the message has moved on, nothing happens and
  /// `StoreError.conflict` is thrown. Of two concurrent commands on the same version exactly one
  /// commits; the other gets `StoreError.conflict`. Units named in the command must exist; the
  /// lead unit's review setting is taken from the database, whatever the command says. `notices` are
  /// queued in the same transaction; with a `jobKey`, the change is stored only if that scheduled job
  /// was not done for the message yet (`StoreError.alreadyDone`).
  ///
  /// `images` (答复附图: at most three JPEG, PNG or WebP photos, checked by content as a message's are)
  /// go with a reply or a direct answer, in the same transaction; any other action refuses them.
  @discardableResult
  public func perform(
    _ command: Command, on messageID: UUID, by actor: Actor, at now: Date, expectedVersion: Int? = nil,
    images: [Data] = []
  ) async throws -> Message {
    try await perform(
      command, on: messageID, by: actor, at: now, expectedVersion: expectedVersion, images: images,
      notices: { transition in
        try await manualSupervisionNotices(command, transition, by: actor, at: now)
          + (try await citizenNotices(transition, at: now))
      })
  }

  @discardableResult
  func perform(
    _ command: Command, on messageID: UUID, by actor: Actor, at now: Date, expectedVersion: Int?, jobKey: String? = nil,
    images: [Data] = [], notices: (Transition) async throws -> [OutboxRow]
  ) async throws -> Message {
    guard images.isEmpty || [.reply, .answerDirectly].contains(command.action) else {
      throw ValidationError(field: "images", reason: .invalid(LocalizedText("error_images_not_taken")))
    }
    let checked = try Self.checkImages(images).map {
      CheckedImage(id: ids.newID(), contentType: $0.type, data: $0.data, sha256: Hashing.sha256Hex($0.data))
    }
    guard let (current, tip) = try await cases.messageWithTip(messageID) else { throw StoreError.notFound(.message) }
    if let expectedVersion, expectedVersion != current.version {
      throw StoreError.conflict(messageID: messageID, expectedVersion: expectedVersion, currentVersion: current.version)
    }
    let command = try await resolved(command, for: current, by: actor)
    let path = try await regionPath(of: current.regionID)
    let transition = try Workflow.transition(
      from: current, action: command, by: actor, at: now, rules: rules, region: RegionPath(codes: path.map(\.code)))
    let assisting =
      transition.message.assistingUnitIDs == current.assistingUnitIDs
      ? nil
      : transition.message.assistingUnitIDs.enumerated().map {
        AssistingUnitRow(id: ids.newID(), unitID: $1, position: $0)
      }
    try await cases.apply(
      CaseChange(
        before: current, tip: tip, after: transition.message, event: transition.event, eventID: ids.newID(),
        assisting: assisting, rows: sideRows(of: command, transition: transition, images: checked),
        notices: try await notices(transition), jobKey: jobKey))
    return transition.message
  }

  /// The command with references checked against the database and the lead unit's review setting
  /// filled in; a merge into a merged message goes to that message's parent instead.
  func resolved(_ command: Command, for message: Message, by actor: Actor) async throws -> Command {
    func checkUnits(_ lead: UUID, _ assisting: [UUID]) async throws -> Bool {
      var problems: [ValidationError.Problem] = []
      let leadUnit = try await unit(lead)
      if leadUnit == nil { problems.append(.init(field: "lead_unit", reason: .unknownReference)) }
      for id in assisting where try await unit(id) == nil {
        problems.append(.init(field: "assisting_units", reason: .unknownReference))
        break
      }
      guard problems.isEmpty, let leadUnit else { throw ValidationError(problems: problems) }
      return leadUnit.requiresReplyReview
    }
    switch command {
    case .approveReply(let note, let edited?):
      // An "edit" that leaves the draft as it was is no edit; an emptied one is refused.
      let wording = edited.trimmingCharacters(in: .whitespacesAndNewlines)
      guard !wording.isEmpty else { throw ValidationError(field: "body", reason: .missing) }
      let draft = try await cases.replies(of: message.id, state: .draft).first?.body
      return wording == draft?.trimmingCharacters(in: .whitespacesAndNewlines)
        ? .approveReply(note: note) : .approveReply(note: note, editedBody: wording)
    case .answerSupervision:
      // 督办反馈 answers a 督办 the lead unit has yet to answer.
      let drafts = try await events(of: message.id).map(\.draft)
      guard SupervisionNotice.pending(in: drafts, leadUnit: message.leadUnitID) != nil else {
        throw ValidationError(field: "action", reason: .invalid(LocalizedText("error_no_supervision_to_answer")))
      }
      return command
    case .evaluate(let evaluation):
      // The comment is published with the evaluation: the banned words hold for it.
      _ = try await screen([("comment", evaluation.comment ?? "")])
      return command
    case .assign(let lead, let assisting, let instruction, _):
      return .assign(
        lead: lead, assisting: assisting, instruction: instruction,
        leadRequiresReview: try await checkUnits(lead, assisting))
    case .reassign(let lead, let assisting, let instruction, _):
      return .reassign(
        lead: lead, assisting: assisting, instruction: instruction,
        leadRequiresReview: try await checkUnits(lead, assisting))
    case .transfer(let lead, let assisting, let reason, _):
      return .transfer(
        lead: lead, assisting: assisting, reason: reason, leadRequiresReview: try await checkUnits(lead, assisting))
    case .merge(let parentID, let note):
      // The case merged into must be one the actor may read: a merge names it on this case's
      // timeline, and nobody may learn of a case that way.
      guard let parent = try await cases.messageWithTip(parentID)?.message,
        actor.role == .system || CaseAccess.mayRead(actor, parent)
      else { throw ValidationError(field: "into", reason: .unknownReference) }
      var root = parentID
      var hops = 0
      while let next = try await cases.mergedInto(root), hops < 16 {
        root = next
        hops += 1
      }
      guard root != message.id else {
        throw ValidationError(field: "into", reason: .invalid(LocalizedText("error_merge_self_or_child")))
      }
      return .merge(into: root, note: note)
    default:
      return command
    }
  }

  /// Replies and evaluations that a transition brings with it.
  func sideRows(of command: Command, transition: Transition, images: [CheckedImage] = []) -> [SideRow] {
    let now = transition.event.at
    switch command {
    case .reply(let body), .answerDirectly(let body):
      guard let unit = transition.message.leadUnitID else { return [] }
      let replyID = ids.newID()
      // The wording saved before (保存草稿) has been sent: it goes, in the same transaction.
      return [
        .statement(
          SQLFragment(
            "DELETE FROM replies WHERE message_id = ? AND state = ?",
            [.uuid(transition.message.id), .text(ReplyState.working.rawValue)])),
        .reply(
          ReplyRow(
            id: replyID, unitID: unit, body: body.trimmingCharacters(in: .whitespacesAndNewlines),
            state: transition.to == .replied ? .published : .draft, createdAt: now)),
      ] + images.map { .replyImage($0, replyID: replyID, at: now) }
    case .approveReply(_, let edited?):
      guard let unit = transition.message.leadUnitID else { return [] }
      let replyID = ids.newID()
      // The draft's photos go with the wording the reviewer published.
      return [
        .statement(
          SQLFragment(
            """
            UPDATE attachments SET reply_id = ?
            WHERE reply_id IN (SELECT id FROM replies WHERE message_id = ? AND state = ?)
            """, [.uuid(replyID), .uuid(transition.message.id), .text(ReplyState.draft.rawValue)])),
        .replaceDraft(
          ReplyRow(
            id: replyID, unitID: unit, body: edited.trimmingCharacters(in: .whitespacesAndNewlines),
            state: .published, createdAt: now)),
      ]
    case .approveReply, .sendBackReply:
      return [.decideDrafts(publish: command.action == .approveReply, at: now)]
    case .evaluate(let evaluation):
      return [.evaluation(EvaluationRow(id: ids.newID(), evaluation: evaluation, createdAt: now))]
    default:
      return []
    }
  }

  /// Records an event that leaves the status as it is (a thanks letter, a moderator's decision)
  /// together with its rows, in one transaction: the audit chains, the message's new version (with
  /// `update` applied to its publication fields), and the rows.
  func recordEvent(
    on messageID: UUID, expectedVersion: Int, at now: Date, _ draft: (Message) -> EventDraft,
    changing update: (inout Message) -> Void = { _ in }, rows: [SideRow] = [], notices: [OutboxRow] = []
  ) async throws {
    guard let (current, tip) = try await cases.messageWithTip(messageID) else { throw StoreError.notFound(.message) }
    guard current.version == expectedVersion else {
      throw StoreError.conflict(messageID: messageID, expectedVersion: expectedVersion, currentVersion: current.version)
    }
    var next = current
    update(&next)
    next.version += 1
    next.updatedAt = now
    try await cases.apply(
      CaseChange(
        before: current, tip: tip, after: next, event: draft(current), eventID: ids.newID(), rows: rows,
        notices: notices))
  }

  // MARK: Reads of whole messages (staff)

  /// The message with this id, with everything staff may see.
  public func message(_ id: UUID) async throws -> Message? {
    try await cases.messageWithTip(id)?.message
  }

  /// The message whose author holds this tracking code.
  public func message(trackingCode: String) async throws -> Message? {
    guard let code = TrackingCode.normalized(trackingCode) else { return nil }
    return try await cases.message(trackingHash: Hashing.sha256Hex(code))
  }

  /// The message with this public serial (2026-000123).
  public func message(serial: Serial) async throws -> Message? {
    try await cases.message(serial: serial)
  }

  /// The message, its events and its published replies in one consistent read (staff and the author).
  public func caseFile(_ id: UUID) async throws -> CaseFile? {
    try await cases.caseFile(id)
  }

  /// The published replies of a message, oldest first.
  public func publishedReplies(of messageID: UUID) async throws -> [Reply] {
    try await cases.replies(of: messageID, state: .published).compactMap(\.published)
  }

  /// The reply draft waiting for the unit's reviewer, if there is one.
  public func draftReply(of messageID: UUID) async throws -> (body: String, unitID: UUID, id: UUID)? {
    try await cases.replies(of: messageID, state: .draft).first.map { ($0.body, $0.unitID, $0.id) }
  }

  /// 保存草稿: keeps the wording of a reply the actor may send now, for the actor's unit, to be sent
  /// later (the reply form opens with it). Saving is not a step of the case: the message does not
  /// change, and nothing is shown on its timeline until the reply is sent.
  public func saveWorkingReply(_ body: String, on messageID: UUID, by actor: Actor, at now: Date) async throws {
    guard let message = try await message(messageID) else { throw StoreError.notFound(.message) }
    let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !text.isEmpty else { throw ValidationError(field: "body", reason: .missing) }
    guard text.count <= ActionInput.maxReplyLength else {
      throw ValidationError(field: "body", reason: .tooLong(max: ActionInput.maxReplyLength))
    }
    // Only who may reply now may keep a reply's wording: the same check as sending it.
    let path = try await regionPath(of: message.regionID)
    _ = try Workflow.transition(
      from: message, action: .reply(body: text), by: actor, at: now, rules: rules,
      region: RegionPath(codes: path.map(\.code)))
    guard let unit = actor.unitID else { throw StoreError.forbidden(LocalizedText("error_forbidden_draft")) }
    try await cases.saveWorkingReply(
      ReplyRow(id: ids.newID(), unitID: unit, body: text, state: .working, createdAt: now), of: messageID)
  }

  /// The wording the unit saved for the message's reply, and when.
  public func workingReply(of messageID: UUID, unit: UUID) async throws -> (body: String, savedAt: Date)? {
    try await cases.replies(of: messageID, state: .working).last { $0.unitID == unit }.map { ($0.body, $0.createdAt) }
  }

  /// The photos of each of the message's replies (答复附图), without their bytes, in order.
  public func replyImages(of messageID: UUID) async throws -> [UUID: [AttachmentInfo]] {
    Dictionary(grouping: try await cases.replyAttachments(of: messageID), by: \.replyID).mapValues { $0.map(\.image) }
  }

  /// The drafts a reviewer edited before publishing them, as the unit wrote them, oldest first.
  public func revisedDrafts(of messageID: UUID) async throws -> [(body: String, unitID: UUID)] {
    try await cases.replies(of: messageID, state: .revised).map { ($0.body, $0.unitID) }
  }

  /// The classifier's suggestion stored with a message at intake, if there was one.
  public func suggestion(for messageID: UUID) async throws -> CategorySuggestion? {
    try await cases.suggestions(for: [messageID])[messageID]
  }

  /// The stored suggestions of these messages (absent: none), in one query.
  public func suggestions(for messageIDs: [UUID]) async throws -> [UUID: CategorySuggestion] {
    try await cases.suggestions(for: messageIDs)
  }

  /// The images of a message, without their bytes, in the order they were sent.
  public func attachments(of messageID: UUID) async throws -> [AttachmentInfo] {
    try await cases.attachments(of: messageID)
  }

  /// One image with its bytes.
  public func attachment(_ id: UUID) async throws -> Attachment? {
    try await cases.attachment(id)
  }

  /// The latest evaluation of a message, if the author gave one.
  public func evaluation(of messageID: UUID) async throws -> StoredEvaluation? {
    try await cases.evaluation(of: messageID)
  }

  /// The thanks letter of a message, if its author wrote one.
  public func thanksLetter(of messageID: UUID) async throws -> ThanksLetter? {
    try await cases.thanksLetter(of: messageID)
  }
}

/// An image sent with a message, checked by content before it reached the store.
public struct Attachment: Sendable, Equatable {
  public var id: UUID
  public var messageID: UUID
  public var position: Int
  public var contentType: String
  public var data: Data
  public var createdAt: Date
  /// Kept from the public by a moderator.
  public var hidden: Bool
  /// The reply it illustrates (答复附图); nil for the message's own images.
  public var replyID: UUID?

  public init(
    id: UUID, messageID: UUID, position: Int, contentType: String, data: Data, createdAt: Date, hidden: Bool = false,
    replyID: UUID? = nil
  ) {
    self.replyID = replyID
    self.hidden = hidden
    self.id = id
    self.messageID = messageID
    self.position = position
    self.contentType = contentType
    self.data = data
    self.createdAt = createdAt
  }
}
