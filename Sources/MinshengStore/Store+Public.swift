import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// An image sent with a message, checked by content before it reaches the store.
public struct Attachment: Sendable, Equatable {
  public var id: UUID
  public var messageID: UUID
  public var position: Int
  public var contentType: String
  public var data: Data
  public var createdAt: Date

  public init(id: UUID, messageID: UUID, position: Int, contentType: String, data: Data, createdAt: Date) {
    self.id = id
    self.messageID = messageID
    self.position = position
    self.contentType = contentType
    self.data = data
    self.createdAt = createdAt
  }
}

/// 感谢信: the author's thanks to the unit that answered.
public struct ThanksLetter: Sendable, Equatable {
  public var id: UUID
  public var messageID: UUID
  public var unitID: UUID?
  /// The name as the author signed it; public pages show it through `PrivacyMask.displayName`.
  public var author: String
  public var body: String
  public var createdAt: Date
}

/// The published evaluation of a message.
public struct StoredEvaluation: Sendable, Equatable {
  public var evaluation: Evaluation
  public var createdAt: Date
}

/// A board's or a unit's figures for one year.
public struct Figures: Sendable, Equatable {
  /// Messages received this year (merged and invalid ones included).
  public var received = 0
  /// Of those, the ones that count for the reply rate: neither merged nor invalid.
  public var countable = 0
  /// Messages with a published reply.
  public var replied = 0
  /// Hours from receipt to the first published reply, the median over replied messages.
  public var medianHoursToReply: Double?
  /// Evaluations given, and how many of them were at least 基本满意.
  public var evaluations = 0
  public var satisfied = 0
  /// Thanks letters received.
  public var thanks = 0

  public init() {}

  /// Replied ÷ countable, nil when nothing counts yet.
  public var replyRate: Double? { countable == 0 ? nil : Double(replied) / Double(countable) }
  /// Satisfied ÷ evaluations, nil without evaluations.
  public var satisfaction: Double? { evaluations == 0 ? nil : Double(satisfied) / Double(evaluations) }
}

/// What the figures are grouped by.
public enum FiguresGrouping: Sendable {
  /// By the leader's board a message was written to.
  case leader
  /// By the lead unit handling it.
  case leadUnit
}

extension Store {
  /// The published evaluation of a message, if the author gave one (the latest, after a reopening).
  public func evaluation(of messageID: UUID) async throws -> StoredEvaluation? {
    guard
      let row = try await Self.sql(db).select().column("*").from(EvaluationModel.schema)
        .where("message_id", .equal, messageID).orderBy("created_at", .descending).first()
    else { return nil }
    let evaluation = Evaluation(
      resolution: try row.decode(column: "resolution", as: Int.self),
      attitude: try row.decode(column: "attitude", as: Int.self), speed: try row.decode(column: "speed", as: Int.self),
      comment: try row.decode(column: "comment", as: String?.self))
    return StoredEvaluation(evaluation: evaluation, createdAt: try row.decode(column: "created_at", as: Date.self))
  }

  /// The messages merged into this one (并单), how many.
  public func mergedCount(into messageID: UUID) async throws -> Int {
    try await Self.sql(db).select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
      .from(MessageRecord.schema).where("merged_into_id", .equal, messageID)
      .first(decodingColumn: "n", as: Int.self) ?? 0
  }

  /// Public messages with a published reply, the most recently answered first.
  public func latestReplied(limit: Int) async throws -> [Message] {
    let sql = try Self.sql(db)
    let rows = try await sql.raw(
      """
      SELECT m.* FROM messages m
      JOIN (SELECT message_id, MAX(published_at) AS at FROM replies WHERE state = 'published' GROUP BY message_id) r
        ON r.message_id = m.id
      WHERE m.is_public = \(bind: true) AND m.publication = 'published'
      ORDER BY r.at DESC, m.serial_number DESC
      LIMIT \(bind: max(1, min(limit, 50)))
      """
    ).all(decoding: MessageRecord.self)
    return try await sql.messages(rows)
  }

  /// Figures for every board (or lead unit) over the messages received in `year`, keyed by its id.
  ///
  /// The reply rate leaves out merged and invalid messages; the time to reply runs from receipt to
  /// the first published reply; satisfaction counts 很满意, 满意 and 基本满意 among evaluations.
  public func figures(year: Int, by grouping: FiguresGrouping) async throws -> [UUID: Figures] {
    let sql = try Self.sql(db)
    let column = grouping == .leader ? "leader_id" : "lead_unit_id"
    var figures: [UUID: Figures] = [:]
    var hours: [UUID: [Double]] = [:]
    let rows = try await sql.raw(
      """
      SELECT m.\(unsafeRaw: column) AS owner, m.closure AS closure, m.created_at AS created_at, r.first_at AS first_at
      FROM messages m
      LEFT JOIN (SELECT message_id, MIN(published_at) AS first_at FROM replies WHERE state = 'published'
                 GROUP BY message_id) r ON r.message_id = m.id
      WHERE m.serial_year = \(bind: year) AND m.\(unsafeRaw: column) IS NOT NULL
      """
    ).all()
    for row in rows {
      let owner = try row.decode(column: "owner", as: UUID.self)
      let closure = try row.decode(column: "closure", as: String?.self).flatMap(Closure.init(rawValue:))
      var entry = figures[owner] ?? Figures()
      entry.received += 1
      if closure != .merged && closure != .invalid { entry.countable += 1 }
      if let first = try row.decode(column: "first_at", as: Date?.self) {
        entry.replied += 1
        let created = try row.decode(column: "created_at", as: Date.self)
        hours[owner, default: []].append(max(0, first.timeIntervalSince(created)) / 3_600)
      }
      figures[owner] = entry
    }
    for (owner, values) in hours { figures[owner]?.medianHoursToReply = Self.median(values) }
    let evaluations = try await sql.raw(
      """
      SELECT m.\(unsafeRaw: column) AS owner, e.level AS level FROM evaluations e
      JOIN messages m ON m.id = e.message_id
      WHERE m.serial_year = \(bind: year) AND m.\(unsafeRaw: column) IS NOT NULL
      """
    ).all()
    for row in evaluations {
      let owner = try row.decode(column: "owner", as: UUID.self)
      let level = SatisfactionLevel(rawValue: try row.decode(column: "level", as: String.self))
      figures[owner, default: Figures()].evaluations += 1
      if level?.isSatisfied == true { figures[owner, default: Figures()].satisfied += 1 }
    }
    let thanks = try await sql.raw(
      """
      SELECT m.\(unsafeRaw: column) AS owner, COUNT(*) AS n FROM thanks_letters t
      JOIN messages m ON m.id = t.message_id
      WHERE m.serial_year = \(bind: year) AND m.\(unsafeRaw: column) IS NOT NULL
      GROUP BY m.\(unsafeRaw: column)
      """
    ).all()
    for row in thanks {
      figures[try row.decode(column: "owner", as: UUID.self), default: Figures()].thanks = try row.decode(
        column: "n", as: Int.self)
    }
    return figures
  }

  static func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}

// MARK: - Attachments

extension Store {
  /// The largest image accepted, in bytes.
  public static let maxAttachmentBytes = 5 * 1024 * 1024
  /// How many images one message may carry.
  public static let maxAttachments = 3

  /// The image type that the bytes themselves announce (JPEG, PNG or WebP), whatever the file is
  /// called; nil for anything else.
  public static func imageType(of data: Data) -> String? {
    let bytes = [UInt8](data.prefix(12))
    if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return "image/jpeg" }
    if bytes.count >= 8, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return "image/png" }
    if bytes.count >= 12, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46], bytes[8..<12] == [0x57, 0x45, 0x42, 0x50] {
      return "image/webp"
    }
    return nil
  }

  /// Checks images before intake: at most three, each at most 5 MB and a JPEG, PNG or WebP by content.
  public static func checkImages(_ images: [Data]) throws -> [String] {
    var problems: [ValidationError.Problem] = []
    var types: [String] = []
    if images.count > maxAttachments {
      problems.append(.init(field: "images", reason: .invalid("最多上传 \(maxAttachments) 张图片")))
    }
    for (index, image) in images.prefix(maxAttachments).enumerated() {
      if image.count > maxAttachmentBytes {
        problems.append(.init(field: "images[\(index)]", reason: .invalid("图片不能超过 5 MB")))
      } else if let type = imageType(of: image) {
        types.append(type)
      } else {
        problems.append(.init(field: "images[\(index)]", reason: .invalid("只接受 JPEG、PNG 或 WebP 图片")))
      }
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return types
  }

  /// Stores the images of a message just received. The message must exist; the images are checked
  /// again here.
  func insertAttachments(_ images: [Data], of messageID: UUID, at now: Date, on tx: any Database) async throws {
    let types = try Self.checkImages(images)
    for (position, (image, type)) in zip(images, types).enumerated() {
      try await Self.sql(tx).insert(into: "attachments")
        .columns("id", "message_id", "position", "content_type", "byte_count", "sha256", "data", "created_at")
        .values(
          SQLBind(ids.newID()), SQLBind(messageID), SQLBind(position), SQLBind(type), SQLBind(image.count),
          SQLBind(Hashing.sha256Hex(image)), SQLBind(image), SQLBind(now)
        ).run()
    }
  }

  /// The images of a message, without their bytes' content, in the order they were sent.
  public func attachments(of messageID: UUID) async throws -> [(id: UUID, contentType: String, bytes: Int)] {
    let rows = try await Self.sql(readDB).select().column("id").column("content_type").column("byte_count")
      .from("attachments").where("message_id", .equal, messageID).orderBy("position").all()
    return try rows.map {
      (
        try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "content_type", as: String.self),
        try $0.decode(column: "byte_count", as: Int.self)
      )
    }
  }

  /// One image with its bytes.
  public func attachment(_ id: UUID) async throws -> Attachment? {
    guard let row = try await Self.sql(db).select().column("*").from("attachments").where("id", .equal, id).first()
    else { return nil }
    return Attachment(
      id: id, messageID: try row.decode(column: "message_id", as: UUID.self),
      position: try row.decode(column: "position", as: Int.self),
      contentType: try row.decode(column: "content_type", as: String.self),
      data: try row.decode(column: "data", as: Data.self),
      createdAt: try row.decode(column: "created_at", as: Date.self))
  }
}

// MARK: - Thanks letters

extension Store {
  /// 感谢信: the author of a replied message thanks the unit that answered. One letter per message.
  ///
  /// The letter and a `thanked` event are written in one transaction; the message gets a new version,
  /// so every public view of it shows the letter at once.
  @discardableResult
  public func thank(trackingCode: String, author: String, body: String, at now: Date) async throws -> ThanksLetter {
    guard let message = try await message(trackingCode: trackingCode) else {
      throw StoreError.notFound("与查询码对应的留言")
    }
    return try await thank(message, author: author, body: body, at: now)
  }

  /// The same for a message whose author proved who they are otherwise (a citizen's session).
  @discardableResult
  public func thank(_ message: Message, author: String, body: String, at now: Date) async throws -> ThanksLetter {
    let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
    let name = author.trimmingCharacters(in: .whitespacesAndNewlines)
    var problems: [ValidationError.Problem] = []
    if text.isEmpty { problems.append(.init(field: "body", reason: .missing)) }
    if text.count > 1_000 { problems.append(.init(field: "body", reason: .tooLong(max: 1_000))) }
    if name.count > 40 { problems.append(.init(field: "author", reason: .tooLong(max: 40))) }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    let replies = try await publishedReplies(of: message.id)
    guard let reply = replies.last else {
      throw ValidationError(field: "body", reason: .invalid("留言答复之后才能写感谢信"))
    }
    if try await thanksLetter(of: message.id) != nil { throw StoreError.duplicate("这条留言的感谢信") }
    let letter = ThanksLetter(
      id: ids.newID(), messageID: message.id, unitID: reply.unitID, author: name.isEmpty ? message.contact.name : name,
      body: text, createdAt: now)
    let citizen = Actor(role: .citizen, id: "citizen")
    try await database.onDatabaseLoop {
      try await recordEvent(on: message.id, expectedVersion: message.version, at: now) { current in
        EventDraft(
          messageID: current.id, action: .thanked, from: current.status, to: current.status, actor: citizen, note: nil,
          visibility: .public, payload: ["unit": reply.unitID.uuidString], at: now)
      } alongside: { tx in
        try await Self.sql(tx).insert(into: "thanks_letters")
          .columns("id", "message_id", "unit_id", "author", "body", "created_at")
          .values(
            SQLBind(letter.id), SQLBind(letter.messageID), SQLBind(letter.unitID), SQLBind(letter.author),
            SQLBind(letter.body), SQLBind(letter.createdAt)
          ).run()
      }
    }
    return letter
  }

  /// The thanks letter of a message, if its author wrote one.
  public func thanksLetter(of messageID: UUID) async throws -> ThanksLetter? {
    try await thanksLetters(where: "message_id", messageID, limit: 1).first
  }

  /// The thanks letters that a unit received, newest first (public messages only).
  public func thanksLetters(toUnit unitID: UUID, limit: Int = 20) async throws -> [ThanksLetter] {
    try await thanksLetters(where: "unit_id", unitID, limit: limit)
  }

  private func thanksLetters(where column: String, _ value: UUID, limit: Int) async throws -> [ThanksLetter] {
    let rows = try await Self.sql(db).raw(
      """
      SELECT t.* FROM thanks_letters t JOIN messages m ON m.id = t.message_id
      WHERE t.\(unsafeRaw: column) = \(bind: value) AND m.is_public = \(bind: true) AND m.publication = 'published'
      ORDER BY t.created_at DESC LIMIT \(bind: limit)
      """
    ).all()
    return try rows.map { row in
      ThanksLetter(
        id: try row.decode(column: "id", as: UUID.self), messageID: try row.decode(column: "message_id", as: UUID.self),
        unitID: try row.decode(column: "unit_id", as: UUID?.self),
        author: try row.decode(column: "author", as: String.self),
        body: try row.decode(column: "body", as: String.self),
        createdAt: try row.decode(column: "created_at", as: Date.self))
    }
  }

  /// Records an event that leaves the status as it is (a thanks letter, a moderator's decision)
  /// together with other writes, in one transaction: the audit chains, the message's new version
  /// (with `update` applied to its publication fields), and the writes.
  func recordEvent(
    on messageID: UUID, expectedVersion: Int, at now: Date, _ draft: @Sendable (Message) -> EventDraft,
    changing update: @Sendable (inout Message) -> Void = { _ in },
    alongside writes: @Sendable @escaping (any Database) async throws -> Void = { _ in }
  ) async throws {
    guard let (current, tip) = try await Self.sql(db).message(messageID) else { throw StoreError.notFound("留言") }
    guard current.version == expectedVersion else {
      throw StoreError.conflict(messageID: messageID, expectedVersion: expectedVersion, currentVersion: current.version)
    }
    var next = current
    update(&next)
    next.version += 1
    next.updatedAt = now
    let event = draft(current)
    try await db.transaction { [next] tx in
      let place = try await self.claimChainPlace(on: tx)
      let (sealed, newTip) = self.seal(event, at: place, after: tip)
      try await Self.compareAndSwap(from: current, to: next, chainTip: newTip, on: tx)
      try await writes(tx)
      try await self.insert(sealed, on: tx)
    }
  }
}

/// Regions, leaders, units and categories as the public pages name them, at most a few seconds old.
public struct ReferenceNames: Sendable {
  public var regions: [UUID: Region]
  public var leaders: [UUID: Leader]
  public var units: [UUID: MinshengCore.Unit]
  public var categories: [UUID: MinshengCore.Category]
}

extension Store {
  /// The reference data from the store's cache (reloaded when older than five seconds).
  public func referenceNames() async throws -> ReferenceNames {
    let snapshot = try await references.snapshot(from: db)
    return ReferenceNames(
      regions: snapshot.regions, leaders: snapshot.leaders, units: snapshot.units, categories: snapshot.categories)
  }
}
