import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// A message just received: the stored case and the author's tracking code, shown only once.
public struct Submission: Sendable, Equatable {
  public var message: Message
  public var trackingCode: String
}

/// A message with its history and published replies, as read at one moment.
public struct CaseFile: Sendable, Equatable {
  public var message: Message
  public var events: [Event]
  public var replies: [Reply]
}

extension Store {
  /// 受理: stores a new message and its `received` event in one transaction.
  ///
  /// The message is validated; the leader, region and category must exist. Without a region the
  /// leader's region is used. The dispatching office is the leader's, or else the nearest
  /// region's; the suggested unit comes from the routing rules. Returns only after the commit.
  ///
  /// A classifier's `suggestion` is stored with the message, its category found by name and its unit
  /// by the routing rules; when the author chose no category, the suggested unit is the suggestion's.
  ///
  /// `images` (at most three JPEG, PNG or WebP images of up to 5 MB, checked by content) are stored in
  /// the same transaction as the message.
  ///
  /// A citizen's own message (one with an `origin`) is screened against the banned words and counted
  /// against the policy's rate limits in the same transaction; only the origin's region is stored.
  /// Under a moderation policy the message waits for a moderator before the public sees it.
  public func submit(
    _ input: NewMessage, by actor: Actor = Actor(role: .citizen, id: "citizen"), at now: Date,
    suggestion: CategorySuggestion? = nil, images: [Data] = [], origin: IntakeOrigin? = nil,
    fingerprint: Fingerprint? = nil
  )
    async throws -> Submission
  {
    // On SQLite the writes run on the writer's own thread, so the checks before them are better
    // spread over the caller's threads than queued on the database's event loop.
    if database.sqliteWriter != nil {
      return try await receive(
        input, by: actor, at: now, suggestion: suggestion, images: images, origin: origin, fingerprint: fingerprint)
    }
    return try await database.onDatabaseLoop {
      try await self.receive(
        input, by: actor, at: now, suggestion: suggestion, images: images, origin: origin, fingerprint: fingerprint)
    }
  }

  private func receive(
    _ input: NewMessage, by actor: Actor, at now: Date, suggestion: CategorySuggestion?, images: [Data],
    origin: IntakeOrigin?, fingerprint: Fingerprint?
  )
    async throws -> Submission
  {
    var new = try input.validated()
    _ = try Self.checkImages(images)
    if origin != nil { _ = try await screen(new) }
    let limits = try await limits(for: new, from: origin)
    var problems: [ValidationError.Problem] = []
    var leader: Leader?
    if let id = new.leaderID {
      leader = try await self.leader(id)
      if leader == nil { problems.append(.init(field: "leader", reason: .unknownReference)) }
    }
    if new.regionID == nil { new.regionID = leader?.regionID }
    let path = try await regionPath(of: new.regionID)
    if new.regionID != nil, path.isEmpty {
      problems.append(.init(field: "region", reason: .unknownReference))
    }
    if let id = new.categoryID, try await references.find({ $0.categories[id] }, in: db) == nil {
      problems.append(.init(field: "category", reason: .unknownReference))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }

    let dispatcher = leader?.dispatchingUnitID ?? path.lazy.compactMap(\.dispatchingUnitID).first
    let region = RegionPath(codes: path.map(\.code))
    var resolvedSuggestion = suggestion
    if var resolved = suggestion {
      let snapshot = try await references.snapshot(from: db)
      resolved.categoryID =
        snapshot.categories.values.filter { $0.name == resolved.label }
        .min { ($0.parentID == nil ? 0 : 1, $0.code) < ($1.parentID == nil ? 0 : 1, $1.code) }?.id
      resolved.unitID = try await suggestUnit(category: resolved.categoryID, region: region)
      resolvedSuggestion = resolved
    }
    let suggested =
      try await suggestUnit(category: new.categoryID, region: region)
      ?? (new.categoryID == nil ? resolvedSuggestion?.unitID : nil)
    let code = ids.trackingCode()
    guard let normalizedCode = TrackingCode.normalized(code) else {
      preconditionFailure("identifier source made an invalid tracking code")
    }
    let id = ids.newID()
    let year = rules.calendar.day(of: now).year
    let received = new

    let trackingHash = Hashing.sha256Hex(normalizedCode)
    let message = Message(
      id: id, serial: Serial(year: year, number: 0), type: received.type, title: received.title,
      body: received.body, leaderID: received.leaderID, regionID: received.regionID,
      categoryID: received.categoryID, channel: received.channel, location: received.location,
      contact: received.contact, isPublic: received.isPublic, urgent: received.urgent, status: .received,
      dispatchingUnitID: dispatcher, suggestedUnitID: suggested, version: 1, createdAt: now,
      publication: policy.moderation ? .pending : .published, sourceRegion: origin?.region)
    let suggestionRecord = resolvedSuggestion.map { SuggestionRecord($0, messageID: id) }
    let stored: Message
    if let writer = database.sqliteWriter, images.isEmpty {
      stored = try await storeReceived(
        message, trackingHash: trackingHash, by: actor, suggestion: suggestionRecord, limits: limits,
        fingerprint: fingerprint, on: writer)
    } else {
      stored = try await db.transaction { tx in
        try await Self.count(limits, at: now, on: try Self.sql(tx))
        var message = message
        let place = try await self.claimChainPlace(on: tx)
        let (event, tip) = self.seal(EventDraft.received(message, by: actor), at: place, after: .empty)
        message.serial.number = try await Self.insert(
          MessageRecord(message, trackingHash: trackingHash, chainTip: tip, fingerprint: fingerprint), on: tx)
        try await self.insert(event, on: tx)
        try await self.insertAttachments(images, of: message.id, at: now, on: tx)
        if let suggestionRecord {
          try await Self.sql(tx).insert(into: SuggestionRecord.schema)
            .model(suggestionRecord, nilEncodingStrategy: .asNil).run()
        }
        return message
      }
    }
    return Submission(message: stored, trackingCode: code)
  }

  /// The unit that the routing rules suggest for a category in a region.
  public func suggestUnit(category: UUID?, region: RegionPath) async throws -> UUID? {
    guard let category else { return nil }
    let snapshot = try await references.snapshot(from: db)
    return Router.suggest(
      category: category, region: region, rules: snapshot.routingRules, categories: snapshot.categories)
  }

  /// The message with this id, with everything staff may see.
  public func message(_ id: UUID) async throws -> Message? {
    if let readers = database.sqliteReaders {
      return try await readers.run { handle in try handle.snapshot { try Self.message(id, on: handle) } }
    }
    return try await Self.sql(db).message(id)?.0
  }

  /// The classifier's suggestion stored with a message at intake, if there was one.
  public func suggestion(for messageID: UUID) async throws -> CategorySuggestion? {
    try await Self.sql(readDB).select().column("*").from(SuggestionRecord.schema).where("message_id", .equal, messageID)
      .first(decoding: SuggestionRecord.self)?.core
  }

  /// The stored suggestions of these messages (absent: none), in one query.
  public func suggestions(for messageIDs: [UUID]) async throws -> [UUID: CategorySuggestion] {
    guard !messageIDs.isEmpty else { return [:] }
    let records = try await Self.sql(readDB).select().column("*").from(SuggestionRecord.schema)
      .where("message_id", .in, messageIDs).all(decoding: SuggestionRecord.self)
    var found: [UUID: CategorySuggestion] = [:]
    for record in records { found[record.messageID] = record.core }
    return found
  }

  /// A message's current version and whether the public may read it (made public by its author
  /// and released by a moderator), in one indexed read: enough to tell whether a view rendered
  /// earlier is still current.
  public func publicStamp(of id: UUID) async throws -> (version: Int, isPublic: Bool)? {
    if let readers = database.sqliteReaders {
      return try await readers.run { handle in
        guard
          let row = try handle.query(
            """
            SELECT version, CASE WHEN is_public AND publication = 'published' THEN 1 ELSE 0 END AS shown
            FROM messages WHERE id = ?
            """, [.text(id.uuidString)]
          ).first, case .integer(let version)? = row["version"], case .integer(let shown)? = row["shown"]
        else { return nil }
        return (Int(version), shown != 0)
      }
    }
    guard
      let row = try await Self.sql(db).select().column("version").column("is_public").column("publication")
        .from(MessageRecord.schema).where("id", .equal, id).first()
    else { return nil }
    let shown =
      try row.decode(column: "is_public", as: Bool.self)
      && (try row.decode(column: "publication", as: String.self)) == Publication.published.rawValue
    return (try row.decode(column: "version", as: Int.self), shown)
  }

  /// Everything the public and the author may see of a message in one consistent read: the
  /// message, its events and its published replies.
  public func caseFile(_ id: UUID) async throws -> CaseFile? {
    if let readers = database.sqliteReaders {
      return try await readers.run { handle in
        try handle.snapshot {
          guard let message = try Self.message(id, on: handle) else { return nil }
          return CaseFile(
            message: message, events: try Self.events(of: id, on: handle),
            replies: try Self.publishedReplies(of: id, on: handle))
        }
      }
    }
    guard let message = try await message(id) else { return nil }
    return CaseFile(message: message, events: try await events(of: id), replies: try await publishedReplies(of: id))
  }

  /// The message whose author holds this tracking code.
  public func message(trackingCode: String) async throws -> Message? {
    guard let code = TrackingCode.normalized(trackingCode) else { return nil }
    if let readers = database.sqliteReaders {
      let hash = Hashing.sha256Hex(code)
      return try await readers.run { handle in try handle.snapshot { try Self.message(trackingHash: hash, on: handle) }
      }
    }
    let sql = try Self.sql(db)
    guard
      let record = try await sql.select().column("*").from(MessageRecord.schema)
        .where("tracking_hash", .equal, Hashing.sha256Hex(code)).first(decoding: MessageRecord.self)
    else { return nil }
    return try record.core(assisting: try await sql.assistingUnits(of: record.id))
  }

  /// Applies a workflow command to a message and records it, atomically.
  ///
  /// When `expectedVersion` is given and the message has moved on, nothing happens and
  /// `StoreError.conflict` is thrown. Of two concurrent commands on the same version exactly one
  /// commits; the other gets `StoreError.conflict`. Units named in the command must exist; the
  /// lead unit's review setting is taken from the database, whatever the command says.
  @discardableResult
  public func perform(
    _ command: Command, on messageID: UUID, by actor: Actor, at now: Date, expectedVersion: Int? = nil
  ) async throws -> Message {
    try await database.onDatabaseLoop {
      try await self.apply(command, on: messageID, by: actor, at: now, expectedVersion: expectedVersion)
    }
  }

  private func apply(
    _ command: Command, on messageID: UUID, by actor: Actor, at now: Date, expectedVersion: Int?
  ) async throws -> Message {
    guard let (current, tip) = try await Self.sql(db).message(messageID) else { throw StoreError.notFound("留言") }
    if let expectedVersion, expectedVersion != current.version {
      throw StoreError.conflict(messageID: messageID, expectedVersion: expectedVersion, currentVersion: current.version)
    }
    let command = try await resolved(command, for: current)
    let path = try await regionPath(of: current.regionID)
    let transition = try Workflow.transition(
      from: current, action: command, by: actor, at: now, rules: rules,
      region: RegionPath(codes: path.map(\.code)))

    return try await db.transaction { tx in
      let place = try await self.claimChainPlace(on: tx)
      let (event, newTip) = self.seal(transition.event, at: place, after: tip)
      try await Self.compareAndSwap(from: current, to: transition.message, chainTip: newTip, on: tx)
      if transition.message.assistingUnitIDs != current.assistingUnitIDs {
        try await self.replaceAssistingUnits(of: messageID, with: transition.message.assistingUnitIDs, on: tx)
      }
      try await self.recordSideEffects(of: command, transition: transition, on: tx)
      try await self.insert(event, on: tx)
      return transition.message
    }
  }

  /// The command with references checked against the database and the lead unit's review setting
  /// filled in; a merge into a merged message goes to that message's parent instead.
  private func resolved(_ command: Command, for message: Message) async throws -> Command {
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
      let sql = try Self.sql(db)
      var parent = try await sql.messageRecord(parentID)
      var hops = 0
      while let merged = parent?.mergedIntoID, hops < 16 {
        parent = try await sql.messageRecord(merged)
        hops += 1
      }
      guard let root = parent?.id else { throw ValidationError(field: "into", reason: .unknownReference) }
      guard root != message.id else {
        throw ValidationError(field: "into", reason: .invalid("不能并入自身或并入自己的并单"))
      }
      return .merge(into: root, note: note)
    default:
      return command
    }
  }

  /// Writes the new state and chain tip only if the row still has the version the transition started
  /// from; the version also guards the tip, since every event comes with a new version.
  static func compareAndSwap(
    from old: Message, to new: Message, chainTip: ChainTip, on tx: any Database
  )
    async throws
  {
    guard let sql = tx as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    let rows = try await sql.update(MessageRecord.schema)
      .set("status", to: new.status.rawValue)
      .set("closure", to: new.closure?.rawValue)
      .set("urgent", to: new.urgent)
      .set("lead_unit_id", to: new.leadUnitID)
      .set("reply_needs_review", to: new.replyNeedsReview)
      .set("acceptance_due", to: new.acceptanceDue)
      .set("reply_due", to: new.replyDue)
      .set("merged_into_id", to: new.mergedIntoID)
      .set("publication", to: new.publication.rawValue)
      .set("public_title", to: new.publicTitle)
      .set("public_body", to: new.publicBody)
      .set("version", to: new.version)
      .set("event_count", to: chainTip.count)
      .set("last_event_hash", to: chainTip.hash)
      .set("updated_at", to: new.updatedAt)
      .where("id", .equal, old.id)
      .where("version", .equal, old.version)
      .returning("id")
      .all()
    guard rows.count == 1 else {
      let current = try await sql.messageRecord(old.id)?.version
      throw StoreError.conflict(messageID: old.id, expectedVersion: old.version, currentVersion: current)
    }
  }

  private func replaceAssistingUnits(of messageID: UUID, with units: [UUID], on tx: any Database) async throws {
    try await AssistingUnitModel.query(on: tx).filter(\.$messageID == messageID).delete()
    for (position, unit) in units.enumerated() {
      let model = AssistingUnitModel()
      model.id = ids.newID()
      model.messageID = messageID
      model.unitID = unit
      model.position = position
      try await model.create(on: tx)
    }
  }

  /// Replies and evaluations that a transition brings with it.
  private func recordSideEffects(of command: Command, transition: Transition, on tx: any Database) async throws {
    let messageID = transition.message.id
    let now = transition.event.at
    switch command {
    case .reply(let body), .answerDirectly(let body):
      guard let unit = transition.message.leadUnitID else { return }
      let reply = ReplyModel()
      reply.id = ids.newID()
      reply.messageID = messageID
      reply.unitID = unit
      reply.body = body.trimmingCharacters(in: .whitespacesAndNewlines)
      reply.createdAt = now
      reply.state = transition.to == .replied ? "published" : "draft"
      reply.publishedAt = transition.to == .replied ? now : nil
      try await reply.create(on: tx)
    case .approveReply, .sendBackReply:
      let published = command.action == .approveReply
      try await ReplyModel.query(on: tx)
        .filter(\.$messageID == messageID).filter(\.$state == "draft")
        .set(\.$state, to: published ? "published" : "sent_back")
        .set(\.$publishedAt, to: published ? now : nil)
        .update()
    case .evaluate(let evaluation):
      let model = EvaluationModel()
      model.id = ids.newID()
      model.messageID = messageID
      model.resolution = evaluation.resolution
      model.attitude = evaluation.attitude
      model.speed = evaluation.speed
      model.level = evaluation.level.rawValue
      model.comment = evaluation.comment
      model.createdAt = now
      try await model.create(on: tx)
    default:
      break
    }
  }

  /// The published replies of a message, oldest first.
  public func publishedReplies(of messageID: UUID) async throws -> [Reply] {
    if let readers = database.sqliteReaders {
      return try await readers.run { try Self.publishedReplies(of: messageID, on: $0) }
    }
    return try await ReplyModel.query(on: db).filter(\.$messageID == messageID).filter(\.$state == "published")
      .sort(\.$publishedAt).all().compactMap { model in
        guard let id = model.id, let at = model.publishedAt else { return nil }
        return Reply(id: id, messageID: model.messageID, unitID: model.unitID, body: model.body, publishedAt: at)
      }
  }

  /// The message with this public serial (2026-000123).
  public func message(serial: Serial) async throws -> Message? {
    let sql = try Self.sql(db)
    guard
      let record = try await sql.select().column("*").from(MessageRecord.schema)
        .where("serial_year", .equal, serial.year).where("serial_number", .equal, serial.number)
        .first(decoding: MessageRecord.self)
    else { return nil }
    return try record.core(assisting: try await sql.assistingUnits(of: record.id))
  }

  /// The open cases a unit assists in (协办), newest first, as a queue lists them.
  public func cases(assistedBy unitID: UUID, limit: Int = 200, offset: Int = 0) async throws -> [CaseSummary] {
    let open = Status.allCases.filter(\.isOpen).map(\.rawValue)
    return try await Self.sql(readDB).raw(
      """
      SELECT \(unsafeRaw: CaseSummaryRecord.columns(of: "m.")) FROM messages m
      JOIN message_assisting_units a ON a.message_id = m.id
      WHERE a.unit_id = \(bind: unitID) AND m.status IN (\(binds: open))
      ORDER BY m.created_at DESC LIMIT \(bind: max(1, min(limit, 500))) OFFSET \(bind: max(0, min(offset, 100_000)))
      """
    )
    .all(decoding: CaseSummaryRecord.self).map { try $0.core() }
  }

  /// How many open messages a unit assists in.
  public func assistedCount(by unitID: UUID) async throws -> Int {
    let open = Status.allCases.filter(\.isOpen).map(\.rawValue)
    return try await Self.sql(readDB).raw(
      """
      SELECT COUNT(*) AS n FROM messages m JOIN message_assisting_units a ON a.message_id = m.id
      WHERE a.unit_id = \(bind: unitID) AND m.status IN (\(binds: open))
      """
    ).first(decoding: CountRow.self)?.n ?? 0
  }

  /// The reply draft waiting for the unit's reviewer, if there is one.
  public func draftReply(of messageID: UUID) async throws -> (body: String, unitID: UUID)? {
    guard
      let model = try await ReplyModel.query(on: readDB).filter(\.$messageID == messageID)
        .filter(\.$state == "draft")
        .first()
    else { return nil }
    return (model.body, model.unitID)
  }

  /// 督办台: open cases whose running deadline (acceptance while assigned, reply while accepted,
  /// waiting for an extension decision or in review) falls before `before`, for one lead unit or all,
  /// the earliest first, as a queue lists them.
  public func casesDue(
    from: Date? = nil, before: Date, leadUnit: UUID? = nil, limit: Int = 500, offset: Int = 0
  ) async throws -> [CaseSummary] {
    try await due(CaseSummaryRecord.self, from: from, before: before, leadUnit: leadUnit, limit: limit, offset: offset)
      .map { try $0.core() }
  }

  /// The same cases as whole messages (for the scheduled jobs, which act on them).
  func messagesDue(before: Date, limit: Int) async throws -> [Message] {
    let records = try await due(MessageRecord.self, from: nil, before: before, leadUnit: nil, limit: limit, offset: 0)
    return try await Self.sql(readDB).messages(records)
  }

  /// One indexed walk per status, in deadline order, so that only `offset + limit` rows are read
  /// however many cases are late; merged by deadline (then serial).
  private func due<Record: QueueRecord>(
    _ type: Record.Type, from: Date?, before: Date, leadUnit: UUID?, limit: Int, offset: Int
  ) async throws -> [Record] {
    let offset = max(0, min(offset, 100_000))
    let limit = max(1, min(limit, 2_000))
    let statuses = [Status.assigned, .accepted, .extensionRequested, .reviewing]
    @Sendable func chosen(_ found: [(due: Date, record: Record)]) -> [Record] {
      found.sorted { ($0.due, $0.record.serialNumber) < ($1.due, $1.record.serialNumber) }
        .dropFirst(offset).prefix(limit).map(\.record)
    }
    if let readers = database.sqliteReaders {
      // The same reads on a reader's own connection, decoded without SQLKit (the board's hot path).
      return try await readers.run { handle in
        try handle.snapshot {
          var found: [(due: Date, record: Record)] = []
          for status in statuses {
            let column = status == .assigned ? "acceptance_due" : "reply_due"
            var sql = "SELECT \(Record.columns(of: "")) FROM messages WHERE status = ? AND \(column) < ?"
            var binds: [SQLiteValue] = [.text(status.rawValue), before.sqliteValue]
            if let from {
              sql += " AND \(column) >= ?"
              binds.append(from.sqliteValue)
            }
            if let leadUnit {
              sql += " AND lead_unit_id = ?"
              binds.append(.text(leadUnit.uuidString))
            }
            sql += " ORDER BY \(column) LIMIT ?"
            binds.append(.integer(Int64(offset + limit)))
            for record in try Self.records(Record.self, sql, binds, on: handle) {
              found.append(((status == .assigned ? record.acceptanceDue : record.replyDue) ?? .distantPast, record))
            }
          }
          return chosen(found)
        }
      }
    }
    let sql = try Self.sql(readDB)
    var found: [(due: Date, record: Record)] = []
    for status in statuses {
      let column = status == .assigned ? "acceptance_due" : "reply_due"
      let query = sql.select().column(SQLRaw(Record.columns(of: ""))).from(MessageRecord.schema)
        .where("status", .equal, status.rawValue).where(column, .lessThan, before)
      if let from { query.where(column, .greaterThanOrEqual, from) }
      if let leadUnit { query.where("lead_unit_id", .equal, leadUnit) }
      for record in try await query.orderBy(column).limit(offset + limit).all(decoding: Record.self) {
        found.append(((status == .assigned ? record.acceptanceDue : record.replyDue) ?? .distantPast, record))
      }
    }
    return chosen(found)
  }

  /// How many cases `casesDue` would list without a limit: an indexed count per status.
  public func casesDueCount(from: Date? = nil, before: Date, leadUnit: UUID? = nil) async throws -> Int {
    let sql = try Self.sql(readDB)
    var total = 0
    for status in [Status.assigned, .accepted, .extensionRequested, .reviewing] {
      let column = status == .assigned ? "acceptance_due" : "reply_due"
      let query = sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(MessageRecord.schema)
        .where("status", .equal, status.rawValue).where(column, .lessThan, before)
      if let from { query.where(column, .greaterThanOrEqual, from) }
      if let leadUnit { query.where("lead_unit_id", .equal, leadUnit) }
      total += try await query.first(decodingColumn: "n", as: Int.self) ?? 0
    }
    return total
  }

  /// How many cases are in a status, for one dispatching office or lead unit (or all): an indexed count.
  public func caseCount(status: Status, dispatchingUnit: UUID? = nil, leadUnit: UUID? = nil) async throws -> Int {
    let query = try Self.sql(readDB).select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
      .from(MessageRecord.schema).where("status", .equal, status.rawValue)
    if let dispatchingUnit { query.where("dispatching_unit_id", .equal, dispatchingUnit) }
    if let leadUnit { query.where("lead_unit_id", .equal, leadUnit) }
    return try await query.first(decodingColumn: "n", as: Int.self) ?? 0
  }

  /// New urgent messages, as written in the partial index of migration 0034 and in the queries that
  /// use it (the literal condition lets PostgreSQL's generic plans use the index too).
  static let urgentNew = "urgent = TRUE AND status = 'received'"

  /// A dispatching office's cases in one status (every office's when nil), newest first — one
  /// indexed walk, `offset` rows skipped. New messages (`received`) list the urgent ones first
  /// (急事急办), each part newest first. As a queue lists them.
  public func cases(
    dispatchedBy office: UUID?, status: Status, limit: Int = 50, offset: Int = 0
  ) async throws -> [CaseSummary] {
    let limit = max(1, min(limit, 500))
    let offset = max(0, min(offset, 100_000))
    // For new messages: the urgent ones (few; a partial index), then the others after them.
    let parts: [(condition: String, first: Bool)] =
      status == .received
      ? [(Self.urgentNew, true), ("urgent = FALSE AND status = 'received'", false)] : [("status = ?", false)]

    if let readers = database.sqliteReaders {
      return try await readers.run { handle in
        try handle.snapshot {
          var records: [CaseSummaryRecord] = []
          var skip = offset
          for part in parts where records.count < limit {
            // SQLite's planner would rather walk the office's whole queue by (office, status), which
            // has more equal columns, than the small partial index; it is told.
            let table = part.first ? "messages INDEXED BY messages_urgent_new" : "messages"
            var rows = "FROM \(table) WHERE \(part.condition)"
            var binds: [SQLiteValue] = part.condition.contains("?") ? [.text(status.rawValue)] : []
            if let office {
              rows += " AND dispatching_unit_id = ?"
              binds.append(.text(office.uuidString))
            }
            if part.first {
              // How many this part holds, to know how far into the next part the page starts.
              let count = try handle.query("SELECT COUNT(*) AS n " + rows, binds)
              let total: Int = if case .integer(let n)? = count.first?["n"] { Int(n) } else { 0 }
              if skip >= total {
                skip -= total
                continue
              }
            }
            binds += [.integer(Int64(limit - records.count)), .integer(Int64(skip))]
            records += try Self.records(
              CaseSummaryRecord.self,
              "SELECT \(CaseSummaryRecord.columns(of: "")) \(rows)"
                + " ORDER BY serial_year DESC, serial_number DESC LIMIT ? OFFSET ?", binds, on: handle)
            skip = 0
          }
          return try records.map { try $0.core() }
        }
      }
    }
    let sql = try Self.sql(readDB)
    var records: [CaseSummaryRecord] = []
    var skip = offset
    for part in parts where records.count < limit {
      let condition: SQLQueryString =
        part.condition.contains("?") ? "status = \(bind: status.rawValue)" : "\(unsafeRaw: part.condition)"
      let officeCondition: SQLQueryString = office.map { "AND dispatching_unit_id = \(bind: $0)" } ?? ""
      if part.first {
        let total =
          try await sql.raw("SELECT COUNT(*) AS n FROM messages WHERE \(condition) \(officeCondition)")
          .first(decodingColumn: "n", as: Int.self) ?? 0
        if skip >= total {
          skip -= total
          continue
        }
      }
      records += try await sql.raw(
        """
        SELECT \(unsafeRaw: CaseSummaryRecord.columns(of: "")) FROM messages WHERE \(condition) \(officeCondition)
        ORDER BY serial_year DESC, serial_number DESC LIMIT \(bind: limit - records.count) OFFSET \(bind: skip)
        """
      ).all(decoding: CaseSummaryRecord.self)
      skip = 0
    }
    return try records.map { try $0.core() }
  }

  /// Returned cases, as written in the partial index of migration 0035 and in the query that uses it.
  static let returnedCases = "status = 'returned'"

  /// The lead unit's cases in one status, the earliest deadline first (oldest first when the status
  /// has no deadline), at most `limit` — one indexed walk. As a queue lists them.
  public func cases(
    ledBy unit: UUID, status: Status, limit: Int = 100, offset: Int = 0
  ) async throws -> [CaseSummary] {
    let column =
      switch status {
      case .assigned: "acceptance_due"
      case .accepted, .extensionRequested, .reviewing: "reply_due"
      default: "created_at"
      }
    // Returned cases have their own small index by arrival (0035), used when the query names the
    // status literally; every other status is in a (lead unit, status, deadline) index.
    let returned = status == .returned
    let limit = max(1, min(limit, 500))
    let offset = max(0, min(offset, 100_000))
    if let readers = database.sqliteReaders {
      // In the index's order: equal deadlines follow the row order, which is the order of arrival.
      // (Naming a second key would make SQLite sort every case of the status.)
      let table = returned ? "messages INDEXED BY messages_lead_returned" : "messages"
      let condition = returned ? Self.returnedCases : "status = ?"
      return try await readers.run { handle in
        try handle.snapshot {
          try Self.records(
            CaseSummaryRecord.self,
            """
            SELECT \(CaseSummaryRecord.columns(of: "")) FROM \(table) WHERE lead_unit_id = ? AND \(condition)
            ORDER BY \(column) LIMIT ? OFFSET ?
            """,
            [.text(unit.uuidString)] + (returned ? [] : [.text(status.rawValue)])
              + [.integer(Int64(limit)), .integer(Int64(offset))],
            on: handle
          ).map { try $0.core() }
        }
      }
    }
    let condition: SQLQueryString =
      returned ? "\(unsafeRaw: Self.returnedCases)" : "status = \(bind: status.rawValue)"
    return try await Self.sql(readDB).raw(
      """
      SELECT \(unsafeRaw: CaseSummaryRecord.columns(of: "")) FROM messages
      WHERE lead_unit_id = \(bind: unit) AND \(condition)
      ORDER BY \(unsafeRaw: column), serial_number LIMIT \(bind: limit) OFFSET \(bind: offset)
      """
    ).all(decoding: CaseSummaryRecord.self).map { try $0.core() }
  }

  /// 训练样本: the platform's own handled messages with the category they ended with — closed as
  /// resolved, unevaluated, by the dispatcher or after a declined reopening (not invalid, not merged),
  /// newest first, at most `limit`.
  public func handledMessagesWithCategory(
    limit: Int = 100_000
  ) async throws -> [(title: String, body: String, category: UUID)] {
    let closures = [Closure.resolved, .unevaluated, .closedByDispatcher, .reopenDeclined].map(\.rawValue)
    let rows = try await Self.sql(db).select().column("title").column("body").column("category_id")
      .from(MessageRecord.schema).where("status", .equal, Status.closed.rawValue).where("closure", .in, closures)
      .where("category_id", .isNot, SQLLiteral.null).orderBy("created_at", .descending).limit(limit).all()
    return try rows.map {
      (
        try $0.decode(column: "title", as: String.self), try $0.decode(column: "body", as: String.self),
        try $0.decode(column: "category_id", as: UUID.self)
      )
    }
  }

  /// Messages by status, newest first (for dispatch pools, inboxes and checks).
  public func messages(status: Status? = nil, leadUnit: UUID? = nil, limit: Int = 100) async throws -> [Message] {
    let sql = try Self.sql(db)
    let query = sql.select().column("*").from(MessageRecord.schema)
    if let status { query.where("status", .equal, status.rawValue) }
    if let leadUnit { query.where("lead_unit_id", .equal, leadUnit) }
    let records = try await query.orderBy("created_at", .descending).orderBy("serial_number", .descending)
      .limit(max(1, min(limit, 1_000))).all(decoding: MessageRecord.self)
    return try await sql.messages(records)
  }

  /// The number of messages in each status.
  public func countByStatus() async throws -> [Status: Int] {
    let rows = try await Self.sql(db).raw("SELECT status, COUNT(*) AS n FROM messages GROUP BY status").all()
    var counts: [Status: Int] = [:]
    for row in rows {
      guard let status = Status(rawValue: try row.decode(column: "status", as: String.self)) else { continue }
      counts[status] = try row.decode(column: "n", as: Int.self)
    }
    return counts
  }

  /// The database as SQLKit sees it.
  static func sql(_ database: any Database) throws -> any SQLDatabase {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    return sql
  }

  /// Inserts a new message row and returns its serial number: one more than the year's highest.
  ///
  /// The number is taken inside the INSERT itself, from the unique (year, number) index. The caller
  /// holds the audit-head lock, so no other writer can take the same number.
  static func insert(_ record: MessageRecord, on tx: any Database) async throws -> Int {
    var columns: [String] = []
    var values: [any SQLExpression] = []
    for (column, value) in try SQLQueryEncoder(nilEncodingStrategy: .asNil).encode(record) {
      columns.append(column)
      if column == "serial_number" {
        values.append(
          SQLQueryString(
            "(SELECT COALESCE(MAX(serial_number), 0) + 1 FROM messages WHERE serial_year = \(bind: record.serialYear))")
        )
      } else {
        values.append(value)
      }
    }
    let row = try await sql(tx).insert(into: MessageRecord.schema).columns(columns).values(values)
      .returning("serial_number").first()
    guard let row else { throw StoreError.notFound("新留言的编号") }
    return try row.decode(column: "serial_number", as: Int.self)
  }
}

private struct CountRow: Decodable { var n: Int }
