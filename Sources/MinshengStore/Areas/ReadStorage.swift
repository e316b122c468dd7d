import Foundation
import MinshengCore

/// 公开读取: what the public pages and the public API read. Implementations return stored messages;
/// the store projects them to `PublicCase` before anything leaves it (`Store+Public.swift`).
protocol PublicReadStorage: Sendable {
  /// A message's version and whether the public may read it, in one indexed read.
  func publicStamp(of id: UUID) async throws -> PublicStamp?

  /// Messages matching `filter`'s conditions, newest serial first, at most `limit`, after
  /// `filter.after` (`filter.text` is for the search index).
  func messages(matching filter: MessageFilter, limit: Int) async throws -> [Message]

  /// How many messages match `filter`, all pages (`filter.after` and `filter.text` ignored).
  func count(matching filter: MessageFilter) async throws -> Int

  /// The bodies of these messages' published replies, oldest first, by message.
  func publishedReplyBodies(of ids: [UUID]) async throws -> [UUID: [String]]

  /// Public, published messages with a published reply, the most recently answered first.
  func latestReplied(limit: Int) async throws -> [Message]

  /// The thanks letters on public, published messages where `column` (`message_id` or `unit_id`) is
  /// `value`, newest first.
  /// Public letters to a unit (nil: to any), newest first, written before `before` when given.
  func thanksLetters(toUnit unitID: UUID?, before: Date?, limit: Int) async throws -> [ThanksLetter]

  /// Public, published, open messages that were sent a supervision notice, with the first notice's
  /// time, the longest waiting first.
  func supervisedOpenMessages(limit: Int) async throws -> [(message: Message, noticedAt: Date)]

  /// How many messages were merged into this one.
  func mergedCount(into id: UUID) async throws -> Int

  /// 我的留言: the messages written with this mobile number, newest first.
  func messages(ofPhone mobile: String, limit: Int) async throws -> [Message]
  /// Every message written with the number, proved or not, newest first.
  func callerMessages(ofPhone mobile: String, limit: Int) async throws -> [Message]
}

/// A message's version and whether the public may read it.
public struct PublicStamp: Sendable, Equatable {
  public var version: Int
  public var isPublic: Bool
}

/// 工作台读取: the staff's queues and counts. Each read walks one index in the queue's order and
/// reads only what a row shows.
protocol QueueStorage: Sendable {
  /// A dispatching office's cases in one status (every office's when nil), newest first; new
  /// messages list the urgent ones first.
  func cases(dispatchedBy office: UUID?, status: Status, limit: Int, offset: Int) async throws -> [CaseSummary]

  /// The lead unit's cases in one status, earliest deadline first (oldest first without one).
  func cases(ledBy unit: UUID, status: Status, limit: Int, offset: Int) async throws -> [CaseSummary]

  /// The open cases a unit assists in, newest first.
  func cases(assistedBy unit: UUID, limit: Int, offset: Int) async throws -> [CaseSummary]

  /// Open cases whose running deadline falls in `[from, before)`, earliest first.
  func casesDue(from: Date?, before: Date, leadUnit: UUID?, limit: Int, offset: Int) async throws -> [CaseSummary]

  /// How many cases `casesDue` would list without a limit.
  func casesDueCount(from: Date?, before: Date, leadUnit: UUID?) async throws -> Int

  /// How many cases are in a status, for one dispatching office or lead unit (or all).
  func caseCount(status: Status, dispatchingUnit: UUID?, leadUnit: UUID?) async throws -> Int

  /// How many open messages a unit assists in.
  func assistedCount(by unit: UUID) async throws -> Int

  /// Public messages waiting for a moderator, oldest first (one office's, or all).
  func moderationQueue(dispatchingUnit: UUID?, limit: Int) async throws -> [Message]

  /// How many public messages wait for a moderator.
  func moderationBacklog(dispatchingUnit: UUID?) async throws -> Int

  /// Calls and letters received in `[from, before)`, and how many were answered directly.
  func firstContactResolution(
    from: Date, before: Date, dispatchingUnit: UUID?
  ) async throws
    -> FirstContactResolution

  /// Open messages past their running deadline at `now`, by phase.
  func overdueCounts(at now: Date) async throws -> (acceptance: Int, reply: Int)

  /// Messages matching a staff filter (no public condition), newest serial first.
  func messages(matching filter: MessageFilter, limit: Int) async throws -> [Message]

  /// Closed, resolved messages with a category, newest first: the platform's own training examples.
  func handledMessagesWithCategory(limit: Int) async throws -> [(title: String, body: String, category: UUID)]

  /// The texts of the messages that arrived in `[from, before)`, by year and serial; with `stride` above 1,
  /// only those whose serial number is a multiple of it (an even sample).
  func texts(
    createdFrom from: Date, before: Date, every stride: Int
  ) async throws -> [(id: UUID, title: String, body: String)]

  func messageCount(createdFrom from: Date, before: Date) async throws -> Int
}

/// 并单候选存储: the duplicate index — fingerprints waiting to be filed, band keys, candidates.
protocol DuplicateStorage: Sendable {
  /// Messages whose fingerprints wait to be indexed, oldest first.
  func pendingFingerprints(limit: Int) async throws -> [PendingFingerprint]

  /// How many messages wait to be indexed (read from the partial index of those waiting).
  func pendingFingerprintCount() async throws -> Int

  /// The messages sharing most of these band keys among each band's latest `depth`, excluding
  /// `message`, at most `limit`, with their fingerprints.
  func neighbours(
    sharing keys: [Int64], excluding message: UUID, depth: Int, limit: Int
  ) async throws
    -> [PendingFingerprint]

  /// Claims the batch's messages still waiting and files their band keys and candidates, in one
  /// transaction; returns how many were claimed.
  func file(_ batch: [PendingFingerprint], candidates: [UUID: [(id: UUID, similarity: Double)]]) async throws -> Int

  /// The candidates recorded for a message, most similar first.
  func candidates(of messageID: UUID) async throws -> [(id: UUID, similarity: Double, state: DuplicateCandidate.State)]

  /// How many undecided candidates each message has.
  func openCounts(of messageIDs: [UUID]) async throws -> [UUID: Int]

}

/// A message's fingerprint as the duplicate index reads it.
struct PendingFingerprint: Sendable {
  var id: UUID
  var fingerprint: Fingerprint?
  var createdAt: Date
}
