import Foundation
import MinshengCore

/// What a list of messages is narrowed to; every field is optional.
public struct MessageFilter: Sendable, Equatable {
  /// Only messages the public may read: made public by their authors and released by a moderator.
  public var publicOnly = true
  /// Only messages in this publication state (the moderators' queue).
  public var publication: Publication?
  public var regionID: UUID?
  public var leaderID: UUID?
  public var leadUnitID: UUID?
  public var dispatchingUnitID: UUID?
  public var type: MessageType?
  public var categoryID: UUID?
  public var status: Status?
  /// Any of these statuses (with `status`, both apply).
  public var statuses: [Status]?
  public var createdFrom: Date?
  public var createdBefore: Date?
  /// Changed (any step, public or not) after this time (Open311's `updated_after`).
  public var updatedAfter: Date?
  /// Continue after this serial (the last one of the previous page).
  public var after: Serial?
  /// Words to find (`SearchQuery`) in the title, the body or a published reply, as the public sees
  /// them (masked), through the public search index.
  public var text: String?

  public init() {}
}

/// One page of messages for staff, newest serial first, and where the next page starts.
public struct MessagePage: Sendable {
  public var messages: [Message]
  public var nextAfter: Serial?
}

/// 一次解决率: of the messages taken by phone or letter in a period, those answered on the spot (直办).
public struct FirstContactResolution: Sendable, Equatable {
  public var received: Int
  public var resolved: Int

  /// The share resolved at first contact, nil when nothing was received.
  public var rate: Double? { received == 0 ? nil : Double(resolved) / Double(received) }
}

/// A message in the moderators' queue, with the banned words found in it.
public struct ModerationItem: Sendable, Equatable {
  public var message: Message
  public var flagged: [BannedWord]
}

extension Store {
  /// Messages matching a staff filter (its text, if any, is ignored), newest serial first, at most
  /// `limit` (1–200) per page; pages are keyed by serial.
  public func messages(matching filter: MessageFilter, limit: Int = 50) async throws -> MessagePage {
    let limit = max(1, min(limit, 200))
    let found = try await queues.messages(matching: filter, limit: limit + 1)
    let page = Array(found.prefix(limit))
    return MessagePage(messages: page, nextAfter: found.count > limit ? page.last?.serial : nil)
  }

  /// A dispatching office's cases in one status (every office's when nil), newest first — one
  /// indexed walk, `offset` rows skipped. New messages (`received`) list the urgent ones first
  /// (急事急办), each part newest first. As a queue lists them.
  public func cases(
    dispatchedBy office: UUID?, status: Status, limit: Int = 50, offset: Int = 0
  ) async throws
    -> [CaseSummary]
  {
    try await queues.cases(dispatchedBy: office, status: status, limit: limit, offset: offset)
  }

  /// The lead unit's cases in one status, the earliest deadline first (oldest first when the status
  /// has no deadline) — one indexed walk. As a queue lists them.
  public func cases(ledBy unit: UUID, status: Status, limit: Int = 100, offset: Int = 0) async throws -> [CaseSummary] {
    try await queues.cases(ledBy: unit, status: status, limit: limit, offset: offset)
  }

  /// The open cases a unit assists in (协办), newest first, as a queue lists them.
  public func cases(assistedBy unitID: UUID, limit: Int = 200, offset: Int = 0) async throws -> [CaseSummary] {
    try await queues.cases(assistedBy: unitID, limit: limit, offset: offset)
  }

  /// How many open messages a unit assists in.
  public func assistedCount(by unitID: UUID) async throws -> Int {
    try await queues.assistedCount(by: unitID)
  }

  /// 督办台: open cases whose running deadline (acceptance while assigned, reply while accepted,
  /// waiting for an extension decision or in review) falls in `[from, before)`, for one lead unit or
  /// all, the earliest first, as a queue lists them.
  public func casesDue(
    from: Date? = nil, before: Date, leadUnit: UUID? = nil, limit: Int = 500, offset: Int = 0
  ) async throws -> [CaseSummary] {
    try await queues.casesDue(from: from, before: before, leadUnit: leadUnit, limit: limit, offset: offset)
  }

  /// How many cases `casesDue` would list without a limit: an indexed count per status.
  public func casesDueCount(from: Date? = nil, before: Date, leadUnit: UUID? = nil) async throws -> Int {
    try await queues.casesDueCount(from: from, before: before, leadUnit: leadUnit)
  }

  /// How many cases are in a status, for one dispatching office or lead unit (or all): an indexed count.
  public func caseCount(status: Status, dispatchingUnit: UUID? = nil, leadUnit: UUID? = nil) async throws -> Int {
    try await queues.caseCount(status: status, dispatchingUnit: dispatchingUnit, leadUnit: leadUnit)
  }

  /// 待审核: public messages waiting for a moderator, oldest first (they have waited longest), for
  /// one dispatching office or, with nil, for all. Each comes with the banned words found in it.
  public func moderationQueue(dispatchingUnit: UUID?, limit: Int = 50) async throws -> [ModerationItem] {
    let list = BannedWordList(try await bannedWords())
    return try await queues.moderationQueue(dispatchingUnit: dispatchingUnit, limit: limit).map {
      ModerationItem(message: $0, flagged: list.matches(in: [$0.title, $0.body]))
    }
  }

  /// How many public messages wait for a moderator (for one dispatching office, or all).
  public func moderationBacklog(dispatchingUnit: UUID?) async throws -> Int {
    try await queues.moderationBacklog(dispatchingUnit: dispatchingUnit)
  }

  /// Hotline and mailbox messages received in `[from, before)` (of one dispatching office, or all),
  /// and how many of them the office answered directly (an `answer_directly` event).
  public func firstContactResolution(
    from: Date, before: Date, dispatchingUnit: UUID? = nil
  ) async throws
    -> FirstContactResolution
  {
    try await queues.firstContactResolution(from: from, before: before, dispatchingUnit: dispatchingUnit)
  }

  /// How many open messages are past their running deadline at `now`: acceptance (assigned) and
  /// reply (accepted, waiting for an extension decision, or in review). Same rule as `DeadlineStatus`.
  public func overdueCounts(at now: Date) async throws -> (acceptance: Int, reply: Int) {
    try await queues.overdueCounts(at: now)
  }

  /// The number of messages in each status, summed from the roll-ups (brought up to date first).
  public func countByStatus() async throws -> [Status: Int] {
    var counts: [Status: Int] = [:]
    let statuses = try await readRollups { years in
      years.values.reduce(into: [String: Int]()) { sum, year in sum.merge(year.statuses, uniquingKeysWith: +) }
    }
    for (status, n) in statuses {
      if let status = Status(rawValue: status) { counts[status] = n }
    }
    return counts
  }

  /// 训练样本: the platform's own handled messages with the category they ended with — closed as
  /// resolved, unevaluated, by the dispatcher or after a declined reopening (not invalid, not merged),
  /// newest first, at most `limit`.
  public func handledMessagesWithCategory(
    limit: Int = 100_000
  ) async throws
    -> [(title: String, body: String, category: UUID)]
  {
    try await queues.handledMessagesWithCategory(limit: limit)
  }

  /// The titles and bodies of the messages written in a period (every message, public or not), by
  /// year and serial: the texts that topics are found in. With `stride` above 1, only those whose
  /// serial number is a multiple of it, and only their rows are read.
  public func texts(
    createdFrom from: Date, before: Date, every stride: Int = 1
  ) async throws -> [(id: UUID, title: String, body: String)] {
    try await queues.texts(createdFrom: from, before: before, every: max(1, stride))
  }

  /// How many messages arrived in `[from, before)` (read from the index by arrival time).
  public func messageCount(createdFrom from: Date, before: Date) async throws -> Int {
    try await queues.messageCount(createdFrom: from, before: before)
  }
}
