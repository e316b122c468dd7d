import Crypto
import FluentKit
import Foundation
import MinshengCore
import SQLKit

/// Where a citizen's message came from, as far as intake needs to know: the network address
/// (counted for the rate limit under a keyed hash for the length of the window, never stored with
/// the message) and its region (stored with the message).
public struct IntakeOrigin: Sendable, Equatable {
  public var address: String?
  public var region: String?

  public init(address: String?, region: String?) {
    self.address = address
    self.region = region
  }
}

/// A moderator's decision on a message waiting for publication.
public enum ModerationDecision: Sendable, Equatable {
  /// Publish, with the public title or body replaced by a redacted text (nil keeps the original).
  case publish(title: String?, body: String?)
  /// Do not publish; the reason is recorded (the message is handled all the same).
  case withhold(reason: String)
}

/// A message in the moderators' queue, with the banned words found in it.
public struct ModerationItem: Sendable, Equatable {
  public var message: Message
  public var flagged: [BannedWord]
}

extension ReferenceChange {
  static func bannedWord(_ word: BannedWord) -> ReferenceChange {
    ReferenceChange(entity: "banned_word", id: word.id, after: ["word": word.word, "severity": word.severity.rawValue])
  }
}

// MARK: - Banned words

extension Store {
  /// The banned-word list (at most five seconds old on other instances than the one that changed it).
  public func bannedWords() async throws -> [BannedWord] {
    try await references.snapshot(from: db).bannedWords
  }

  /// Adds a banned word; the change is recorded in `reference_changes` in the same transaction.
  public func addBannedWord(
    _ word: String, severity: BannedWord.Severity, by actor: String, at now: Date
  ) async throws -> BannedWord {
    let word = Self.trimmed(word)
    try BannedWordList.validate(word: word)
    let entry = BannedWord(id: ids.newID(), word: word, severity: severity)
    do {
      try await db.transaction { tx in
        try await Self.sql(tx).insert(into: "banned_words").columns("id", "word", "severity", "created_at")
          .values(SQLBind(entry.id), SQLBind(entry.word), SQLBind(severity.rawValue), SQLBind(now)).run()
        try await self.record(.bannedWord(entry), action: "create", by: actor, at: now, on: tx)
      }
    } catch let error as any DatabaseError where error.isConstraintFailure {
      throw StoreError.duplicate("敏感词「\(word)」")
    }
    references.invalidate()
    return entry
  }

  /// Removes a banned word; the removal is recorded in `reference_changes`.
  public func removeBannedWord(_ id: UUID, by actor: String, at now: Date) async throws {
    guard let entry = try await bannedWords().first(where: { $0.id == id }) else {
      throw StoreError.notFound("敏感词")
    }
    try await db.transaction { tx in
      try await Self.sql(tx).delete(from: "banned_words").where("id", .equal, id).run()
      try await self.record(.bannedWord(entry), action: "delete", by: actor, at: now, on: tx)
    }
    references.invalidate()
  }

  /// Refuses text with a blocking banned word (422 naming the field and the word, so the author can
  /// rephrase it); returns the words that only need a moderator's look.
  func screen(_ message: NewMessage) async throws -> [BannedWord] {
    let list = BannedWordList(try await bannedWords())
    var problems: [ValidationError.Problem] = []
    for (field, text) in [("title", message.title), ("body", message.body)] {
      for word in list.matches(in: [text]) where word.severity == .block {
        problems.append(.init(field: field, reason: .invalid("含有不允许使用的词语「\(word.word)」，请修改后再提交")))
      }
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return list.matches(in: [message.title, message.body])
  }
}

// MARK: - Rate limits

extension Store {
  /// A limit to count an intake against: a keyed hash of what is counted, and the limit.
  struct CountedLimit: Sendable {
    var key: String
    var limit: RateLimit
    var what: String
  }

  /// The limits that apply to a citizen's message from `origin` under `policy`.
  func limits(for message: NewMessage, from origin: IntakeOrigin?) async throws -> [CountedLimit] {
    guard let origin else { return [] }
    var limits: [CountedLimit] = []
    if let limit = policy.perPhone {
      let phone = message.contact.phone.filter(\.isNumber)
      limits.append(.init(key: try await counterKey("phone", phone), limit: limit, what: "同一手机号"))
    }
    if let limit = policy.perAddress, let address = origin.address {
      limits.append(.init(key: try await counterKey("address", address), limit: limit, what: "同一网络地址"))
    }
    return limits
  }

  /// HMAC-SHA-256 of the kind and value under the store's own key, so the counters hold no number
  /// or address that could be read back.
  func counterKey(_ kind: String, _ value: String) async throws -> String {
    let key = SymmetricKey(data: Data(try await secret(named: "counter_key").utf8))
    let mac = HMAC<SHA256>.authenticationCode(for: Data("\(kind):\(value)".utf8), using: key)
    return kind + ":" + Data(mac).base64EncodedString()
  }

  /// A secret of the store, made on first use and shared by every instance on the database.
  func secret(named name: String) async throws -> String {
    if let known = secrets.withLock({ $0[name] }) { return known }
    let sql = try Self.sql(db)
    var bytes = [UInt8](repeating: 0, count: 32)
    var generator = SystemRandomNumberGenerator()
    for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
    try await sql.raw(
      """
      INSERT INTO store_secrets (name, value) VALUES (\(bind: name), \(bind: Data(bytes).base64EncodedString()))
      ON CONFLICT (name) DO NOTHING
      """
    ).run()
    guard
      let value = try await sql.select().column("value").from("store_secrets").where("name", .equal, name)
        .first(decodingColumn: "value", as: String.self)
    else { throw StoreError.notFound("密钥 \(name)") }
    secrets.withLock { $0[name] = value }
    return value
  }

  /// Counts one more intake in each limit's current window, inside the intake's transaction, and
  /// refuses (rolling the count back with the transaction) when a limit is exceeded. Rows of past
  /// windows are deleted on the way.
  static func count(_ limits: [CountedLimit], at now: Date, on sql: any SQLDatabase) async throws {
    for limit in limits {
      let start = Int64(limit.limit.windowStart(at: now).timeIntervalSince1970)
      try await sql.delete(from: "intake_counters").where("key", .equal, limit.key)
        .where("window_start", .lessThan, start).run()
      let count =
        try await sql.raw(
          """
          INSERT INTO intake_counters (key, window_start, count) VALUES (\(bind: limit.key), \(bind: start), 1)
          ON CONFLICT (key, window_start) DO UPDATE SET count = intake_counters.count + 1
          RETURNING count
          """
        ).first(decodingColumn: "count", as: Int.self) ?? 0
      if count > limit.limit.count {
        throw StoreError.rateLimited(
          what: limit.what, limit: limit.limit, retryAfter: limit.limit.windowEnd(at: now))
      }
    }
  }

  /// The same on the SQLite writer's connection.
  static func count(_ limits: [CountedLimit], at now: Date, on handle: SQLiteHandle) throws {
    for limit in limits {
      let start = Int64(limit.limit.windowStart(at: now).timeIntervalSince1970)
      try handle.execute(
        "DELETE FROM intake_counters WHERE key = ? AND window_start < ?", [.text(limit.key), .integer(start)])
      let rows = try handle.query(
        """
        INSERT INTO intake_counters (key, window_start, count) VALUES (?, ?, 1)
        ON CONFLICT (key, window_start) DO UPDATE SET count = intake_counters.count + 1
        RETURNING count
        """, [.text(limit.key), .integer(start)])
      guard case .integer(let count)? = rows.first?["count"] else { throw StoreError.notFound("计数") }
      if count > limit.limit.count {
        throw StoreError.rateLimited(
          what: limit.what, limit: limit.limit, retryAfter: limit.limit.windowEnd(at: now))
      }
    }
  }
}

// MARK: - Moderation

extension Store {
  /// The messages waiting for a moderator, written as a literal so that both databases use the
  /// partial index that holds only them (migration 0038).
  static let pendingModeration = "publication = 'pending'"

  /// 待审核: public messages waiting for a moderator, oldest first (they have waited longest), for
  /// one dispatching office or, with nil, for all. Each comes with the banned words found in it.
  public func moderationQueue(dispatchingUnit: UUID?, limit: Int = 50) async throws -> [ModerationItem] {
    let sql = try Self.sql(db)
    let query = sql.select().column("*").from(MessageRecord.schema)
      .where(SQLRaw(Store.pendingModeration)).where("is_public", .equal, true)
    if let dispatchingUnit { query.where("dispatching_unit_id", .equal, dispatchingUnit) }
    let records = try await query.orderBy("created_at").limit(max(1, min(limit, 200)))
      .all(decoding: MessageRecord.self)
    let list = BannedWordList(try await bannedWords())
    var items: [ModerationItem] = []
    for record in records {
      let message = try record.core(assisting: try await sql.assistingUnits(of: record.id))
      items.append(ModerationItem(message: message, flagged: list.matches(in: [message.title, message.body])))
    }
    return items
  }

  /// How many public messages wait for a moderator (for one dispatching office, or all).
  public func moderationBacklog(dispatchingUnit: UUID?) async throws -> Int {
    let query = try Self.sql(db).select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
      .from(MessageRecord.schema).where(SQLRaw(Store.pendingModeration))
      .where("is_public", .equal, true)
    if let dispatchingUnit { query.where("dispatching_unit_id", .equal, dispatchingUnit) }
    return try await query.first(decodingColumn: "n", as: Int.self) ?? 0
  }

  /// 发布审核: publishes a message (perhaps with a redacted public title or body) or withholds it,
  /// with a `moderated` audit event in the same transaction. The original text stays for handlers.
  ///
  /// Dispatchers of the message's dispatching office and admins may moderate; a message can be
  /// moderated again (a published message withheld after a complaint, a redaction corrected).
  @discardableResult
  public func moderate(
    _ id: UUID, expectedVersion: Int? = nil, decision: ModerationDecision, by actor: Actor, at now: Date
  ) async throws -> Message {
    guard let message = try await message(id) else { throw StoreError.notFound("留言") }
    guard Moderation.mayModerate(actor, message) else {
      throw StoreError.forbidden("只有该留言的交办单位和管理员可以审核发布")
    }
    let payload: [String: String]
    let note: String?
    let publication: Publication
    var title: String?
    var body: String?
    switch decision {
    case .publish(let newTitle, let newBody):
      (title, body) = try Moderation.redaction(title: newTitle, body: newBody, of: message)
      publication = .published
      note = nil
      var redacted: [String] = []
      if title != nil { redacted.append("title") }
      if body != nil { redacted.append("body") }
      payload = ["publication": publication.rawValue, "redacted": redacted.joined(separator: ",")]
    case .withhold(let reason):
      let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
      guard !reason.isEmpty else { throw ValidationError(field: "reason", reason: .missing) }
      guard reason.count <= 500 else { throw ValidationError(field: "reason", reason: .tooLong(max: 500)) }
      publication = .withheld
      note = reason
      title = message.publicTitle
      body = message.publicBody
      payload = ["publication": publication.rawValue]
    }
    let version = expectedVersion ?? message.version
    try await database.onDatabaseLoop { [title, body] in
      try await recordEvent(on: id, expectedVersion: version, at: now) { current in
        EventDraft(
          messageID: current.id, action: .moderated, from: current.status, to: current.status, actor: actor,
          note: note, visibility: .internal, payload: payload, at: now)
      } changing: { next in
        next.publication = publication
        next.publicTitle = title
        next.publicBody = body
      }
    }
    guard let updated = try await self.message(id) else { throw StoreError.notFound("留言") }
    return updated
  }
}
