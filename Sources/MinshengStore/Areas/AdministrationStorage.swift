import Foundation
import MinshengCore

/// 基础数据存储: regions, boards, units, categories, routing rules, banned words, the knowledge base and
/// uploaded rule documents — each change written with its `reference_changes` row in one transaction.
protocol ReferenceStorage: Sendable {
  /// Everything the reference cache holds, read now.
  func snapshot() async throws -> ReferenceCache.Snapshot

  /// Inserts a row (a `StoredRecord` kind's table) and records the change; a taken key is
  /// `StoreError.duplicate`.
  func insert(_ row: ReferenceRow, change: ReferenceChangeEntry) async throws

  /// Updates a row's columns by id (and, with `whileNull`, only while that column is still null) and
  /// records the change; false when there is no such row (or the column is set already).
  func update(
    _ table: ReferenceTable, id: UUID, set values: [String: StoreValue], whileNull: String?,
    change: ReferenceChangeEntry
  )
    async throws -> Bool

  /// Deletes a row by id and records the change; false when there is no such row.
  func delete(_ table: ReferenceTable, id: UUID, change: ReferenceChangeEntry) async throws -> Bool

  /// The routing rules with their ids.
  func routingRuleEntries() async throws -> [(id: UUID, rule: RoutingRule)]

  /// The recorded changes to one row, oldest first.
  func changes(of id: UUID) async throws -> [ReferenceChangeRecord]

  /// The latest changes, newest first.
  func recentChanges(limit: Int) async throws -> [ReferenceChangeRecord]

  /// The uploaded rule documents, calendars by year, then the SLA rules.
  func ruleDocuments() async throws -> [RuleDocument]

  /// Stores (inserting or replacing by kind and key) a rule document and records the change.
  func saveRuleDocument(
    _ kind: RuleDocument.Kind, key: String, body: String, newID: UUID, by actor: String,
    at now: Date, summary: [String: String], changeID: UUID) async throws

  /// Knowledge entries whose title or text contains the words (all when empty), answers first.
  func searchKnowledge(_ words: String, limit: Int) async throws -> [KnowledgeEntry]

  /// One knowledge entry.
  func knowledgeEntry(_ id: UUID) async throws -> KnowledgeEntry?

  /// The published (frozen) honours, latest year first.
  func frozenHonours() async throws -> [FrozenHonours]
}

extension ReferenceStorage {
  /// Updates a row's columns by id and records the change; false when there is no such row.
  func update(
    _ table: ReferenceTable, id: UUID, set values: [String: StoreValue], change: ReferenceChangeEntry
  ) async throws -> Bool {
    try await update(table, id: id, set: values, whileNull: nil, change: change)
  }
}

/// The reference tables, by what they hold.
enum ReferenceTable: String, Sendable {
  case regions, units, leaders, categories
  case routingRules = "routing_rules"
  case bannedWords = "banned_words"
  case knowledge = "knowledge_entries"
  case frozenHonours = "frozen_honours"
  case open311Keys = "open311_keys"
  case webhooks
  case proposalCampaigns = "proposal_campaigns"
  case documents
  case awardRounds = "award_rounds"
  case awardScores = "award_scores"
}

/// A reference row to insert: its table, its columns, and the record kind a taken key is reported as.
struct ReferenceRow: Sendable {
  var table: ReferenceTable
  var values: [(column: String, value: StoreValue)]
  var duplicate: (record: StoredRecord, key: String)?
}

/// A `reference_changes` row to write with a change.
struct ReferenceChangeEntry: Sendable {
  var id: UUID
  var change: ReferenceChange
  var action: String
  var actor: String
  var at: Date
}

/// A value bound to a statement, the same on every database.
enum StoreValue: Sendable, Equatable {
  case null
  case text(String)
  case integer(Int64)
  case real(Double)
  case bool(Bool)
  case uuid(UUID)
  case date(Date)
  case blob(Data)

  static func optional(_ value: UUID?) -> StoreValue { value.map(StoreValue.uuid) ?? .null }
  static func optional(_ value: String?) -> StoreValue { value.map(StoreValue.text) ?? .null }
  static func optional(_ value: Date?) -> StoreValue { value.map(StoreValue.date) ?? .null }
}

/// 账号存储: staff accounts, their login failures, API tokens and browser sessions.
protocol StaffStorage: Sendable {
  func insertAccount(_ record: StaffRecord, change: ReferenceChangeEntry) async throws
  func account(username: String) async throws -> StaffRecord?
  func accounts() async throws -> [StaffRecord]
  /// Sets columns of an account (by id), records the change, and with `endSessions` ends every
  /// session and token of the account, in one transaction.
  func updateAccount(
    _ id: UUID, set values: [String: StoreValue], endSessions: Bool, change: ReferenceChangeEntry?)
    async throws
  /// Counts one login attempt in the limit's window, in one statement; refuses (`rateLimited`) past
  /// the limit, leaving the count as it was.
  func countLoginAttempt(_ limit: CountedLimit, at now: Date) async throws
  /// Forgets the attempts counted under `key` (after a success, a new password, an unlock).
  func clearCounter(key: String) async throws
  /// The account's unexpired API tokens, newest first.
  func tokens(account: UUID, at now: Date) async throws -> [StaffToken]
  /// Revokes one of the account's tokens; false when it has none of that id.
  func deleteToken(id: UUID, account: UUID) async throws -> Bool
  func insertToken(id: UUID, account: UUID, hash: String, at now: Date, expires: Date) async throws
  func insertSession(id: UUID, account: UUID, hash: String, csrf: String, at now: Date, expires: Date) async throws
  func accountForToken(hash: String, at now: Date) async throws -> StaffRecord?
  func session(hash: String, at now: Date) async throws -> (account: StaffRecord, csrf: String)?
  func deleteSession(hash: String) async throws
  /// The enabled accounts' e-mail addresses of a unit, or of one username.
  func emailAddresses(unit: UUID?, username: String?) async throws -> [String]
  /// The usernames of a unit's enabled accounts in a role.
  func usernames(unit: UUID, role: Role) async throws -> [String]
}

/// 群众账号存储: one-time codes, citizens' sessions, and the store's own secrets.
protocol CitizenStorage: Sendable {
  /// When the last code for this number was sent.
  func codeSentAt(phoneHash: String) async throws -> Date?
  /// Replaces the number's code and queues its SMS, counted against the daily limit, in one transaction.
  func issueCode(
    phoneHash: String, codeHash: String, at now: Date, expires: Date, limits: [CountedLimit], sms: OutboxRow)
    async throws
  /// Counts an attempt first, then returns the stored code's hash if it is still valid.
  func attemptCode(phoneHash: String, at now: Date, maxAttempts: Int) async throws -> String?
  /// Uses up a code; false when it was used meanwhile.
  func consumeCode(phoneHash: String, codeHash: String) async throws -> Bool
  func openSession(hash: String, phone: String, at now: Date, expires: Date) async throws
  func phone(sessionHash: String, at now: Date) async throws -> String?
  func closeSession(hash: String) async throws
  /// A secret of the store, made from `candidate` when it does not exist yet.
  func secret(named name: String, candidate: String) async throws -> String
  /// 不再提醒: turns the number's notices off (or on again).
  func setNoticesOff(_ off: Bool, phoneHash: String, at now: Date) async throws
  func noticesOff(phoneHash: String) async throws -> Bool
  /// Runs citizens' writes that touch no message (a thanks letter to a unit, its moderation) in one
  /// transaction.
  func write(_ statements: [SQLFragment]) async throws
}

/// 任务存储: leases for work one instance does at a time, the outbox, and what the scheduled jobs read.
protocol JobStorage: Sendable {
  /// Takes the lease for `holder` until `until` when it is free, expired or already theirs.
  func acquireLease(_ name: String, holder: String, until: Date, at now: Date) async throws -> Bool
  func releaseLease(_ name: String, holder: String, at now: Date) async throws
  /// Open cases whose running deadline falls before `before`, as whole messages.
  func messagesDue(before: Date, limit: Int) async throws -> [Message]
  /// Replied messages whose last published reply is older than `cutoff`.
  func repliedUnevaluated(before cutoff: Date, limit: Int) async throws -> [(Message, Date)]
  func enqueue(_ row: OutboxRow) async throws
  func outbox(recipients: [String]?, limit: Int) async throws -> [OutboxMessage]
  /// Of these notices, the ones `username` has marked read.
  func readNotices(_ ids: [UUID], by username: String) async throws -> Set<UUID>
  /// Marks these notices read for `username` (again: no change).
  func markNoticesRead(_ ids: [UUID], by username: String, at now: Date) async throws
  /// The oldest unsent notices on these channels that are due (not waiting for a retry, not given up).
  func waitingNotices(channels: [String], at now: Date, limit: Int) async throws -> [OutboxMessage]
  /// Marks a notice sent before sending it; false when another instance claimed it first.
  func claimNotice(_ id: UUID, at now: Date) async throws -> Bool
  /// Puts a notice back after a failed send, with the error, to be tried again at `retryAt`; without
  /// one, it is given up (`failed_at`).
  func releaseNotice(_ id: UUID, error: String, retryAt: Date?, at now: Date) async throws
  /// The webhook dispatcher's place in the global audit chain.
  func webhookCursor() async throws -> Int64
  /// The last place sealed into the global chain (0 for none).
  func sealedHead() async throws -> Int64
  /// The events sealed after `position`, in chain order, with their messages' serials.
  func webhookEvents(after position: Int64, limit: Int) async throws -> [WebhookEventRow]
  /// Moves the dispatcher from `old` to `new` and queues the deliveries, in one transaction; false
  /// (nothing written) when another instance moved it first.
  func advanceWebhookCursor(from old: Int64, to new: Int64, deliveries: [OutboxRow]) async throws -> Bool
}

/// An event as the webhook dispatcher reads it.
struct WebhookEventRow: Decodable, Sendable {
  var chain_pos: Int64
  var id: UUID
  var message_id: UUID
  var action: String
  var to_status: String
  var visibility: String
  var at_ms: Int64
  var serial_year: Int
  var serial_number: Int
}

/// 审计读取: what `audit verify` reads, a page at a time.
protocol AuditStorage: Sendable {
  /// Events sealed into the global chain after place `position`, in chain order, at most `limit`.
  func events(after position: Int64, limit: Int) async throws -> [EventRecord]
  /// Events not sealed into the global chain yet, or sealed after place `head`, with sequence
  /// numbers after `sequence`, in order, at most `limit` (on SQLite, which seals every event as it is
  /// written, only those after `head`).
  func unsealedEvents(after sequence: Int64, beyond head: Int64, limit: Int) async throws -> [EventRecord]
  /// Seals committed events into the global chain, at most `limit`; when another instance is
  /// sealing, waits for it (`wait`) or returns 0 at once. Returns how many it sealed (0 on SQLite).
  func seal(limit: Int, wait: Bool) async throws -> Int
  /// Every message's serial and chain tip, in id order, a page at a time.
  func messageTips(offset: Int, limit: Int) async throws -> [(id: UUID, serial: Serial, tip: ChainTip)]
  /// The global chain head's last sequence; nil when the head row is missing.
  func auditHead() async throws -> Int64?
}
