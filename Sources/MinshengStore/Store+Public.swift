import Foundation
import MinshengCore

/// Everything the public (or, for a private message, its author) may see of a message: the public
/// projection, the public timeline, the published replies, the evaluation, the thanks letter, how many
/// messages were merged into it, the case it was merged into (when that one is public), its images.
public struct PublicCaseFile: Sendable, Equatable {
  public var item: PublicCase
  public var timeline: [PublicEvent]
  public var replies: [PublicReply]
  public var evaluation: StoredEvaluation?
  public var thanks: PublicThanks?
  public var mergedCount: Int
  public var parent: (id: UUID, serial: Serial)?
  public var images: [AttachmentInfo]

  public static func == (lhs: PublicCaseFile, rhs: PublicCaseFile) -> Bool {
    lhs.item == rhs.item && lhs.timeline == rhs.timeline && lhs.replies == rhs.replies
      && lhs.evaluation == rhs.evaluation && lhs.thanks == rhs.thanks && lhs.mergedCount == rhs.mergedCount
      && lhs.parent?.id == rhs.parent?.id && lhs.images == rhs.images
  }
}

/// A thanks letter as the public reads it: the signature shortened, the text masked.
public struct PublicThanks: Sendable, Equatable {
  /// The message it thanks for; nil for a letter to a unit without a case of the author's own.
  public var messageID: UUID?
  public var unitID: UUID?
  public var author: String
  public var body: String
  public var createdAt: Date
}

/// One page of public messages, newest serial first, and where the next page starts.
public struct PublicPage: Sendable {
  public var items: [PublicCase]
  public var nextAfter: Serial?
}

extension Store {
  /// A message's current version and whether the public may read it, in one indexed read: enough to
  /// tell whether a view rendered earlier is still current. With read replicas, a message a replica
  /// does not show (not there yet, or not public yet) is looked up on the primary, so an author who
  /// has just written or a moderator who has just published sees it at once.
  public func publicStamp(of id: UUID) async throws -> PublicStamp? {
    if database.location.isPostgres, database.replicas == nil {
      if let kept = database.stamps?.stamp(of: id) { return kept }
      let token = database.stamps?.token()
      let stamp = try await database.postgresPublicStamp(of: id)
      if let stamp, let token { database.stamps?.keep(stamp, of: id, since: token) }
      return stamp
    }
    let stamp = try await publicReads.publicStamp(of: id)
    guard database.replicas != nil, stamp?.isPublic != true else { return stamp }
    return try await primaryReads.publicStamp(of: id)
  }

  /// The public case file of a message the public may read; nil otherwise.
  public func publicFile(_ id: UUID) async throws -> PublicCaseFile? {
    guard let file = try await cases.caseFile(id), file.message.isShownPublicly else { return nil }
    return try await publicFile(file, forAuthor: false)
  }

  /// The same for the author of a message, public or not (the caller has checked who they are).
  public func authorFile(_ messageID: UUID) async throws -> PublicCaseFile? {
    guard let file = try await cases.caseFile(messageID) else { return nil }
    return try await publicFile(file, forAuthor: true)
  }

  /// The author sees every image; the public not those a moderator kept back.
  private func publicFile(_ file: CaseFile, forAuthor: Bool) async throws -> PublicCaseFile {
    let message = file.message
    var parent: (id: UUID, serial: Serial)?
    if let parentID = message.mergedIntoID, let found = try await cases.messageWithTip(parentID)?.message,
      found.isShownPublicly
    {
      parent = (found.id, found.serial)
    }
    var evaluation = try await cases.evaluation(of: message.id)
    if let comment = evaluation?.evaluation.comment { evaluation?.evaluation.comment = PrivacyMask.mask(comment) }
    // A published reply's photos are public with it, less any a moderator kept back.
    let photos = try await replyImages(of: message.id)
    return PublicCaseFile(
      item: PublicCase.of(message, nameStyle: publicNameStyle), timeline: PublicEvent.timeline(file.events),
      replies: file.replies.map { reply in
        var shown = PublicReply.of(reply)
        shown.imageIDs = (photos[reply.id] ?? []).filter { forAuthor || !$0.hidden }.map(\.id)
        return shown
      }, evaluation: evaluation,
      thanks: try await cases.thanksLetter(of: message.id).map(publicThanks),
      mergedCount: try await publicReads.mergedCount(into: message.id), parent: parent,
      images: try await cases.attachments(of: message.id).filter { forAuthor || !$0.hidden })
  }

  private func publicThanks(_ letter: ThanksLetter) -> PublicThanks {
    PublicThanks(
      messageID: letter.messageID, unitID: letter.unitID,
      author: PrivacyMask.displayName(letter.author, style: publicNameStyle), body: PrivacyMask.mask(letter.body),
      createdAt: letter.createdAt)
  }

  /// Public messages matching `filter` (its public condition is forced), newest serial first, at most
  /// `limit` (1–200) per page.
  ///
  /// Pages are keyed by serial number, so a page never repeats or skips a message when new ones
  /// arrive while someone is paging. With text, the public search index is asked (`searchPublic`),
  /// newest first: it holds only the public, masked text, so a masked number is never a match.
  public func publicMessages(matching filter: MessageFilter, limit: Int = 50) async throws -> PublicPage {
    var filter = filter
    filter.publicOnly = true
    let limit = max(1, min(limit, 200))
    var found: [Message]
    if let text = filter.text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      guard let query = SearchQuery(text) else { return PublicPage(items: [], nextAfter: nil) }
      found = try await search.search(
        .forPublic, query, conditions: filter.conditions, unfiltered: filter.onlyPublic, order: .newest,
        limit: limit + 1, offset: 0
      ).messages
    } else {
      found = try await publicReads.messages(matching: filter, limit: limit + 1)
    }
    let page = Array(found.prefix(limit))
    return PublicPage(
      items: page.map { PublicCase.of($0, nameStyle: publicNameStyle) },
      nextAfter: found.count > limit ? page.last?.serial : nil)
  }

  /// How many public messages match `filter`'s conditions (all pages); with text, how many the
  /// search index finds, counted up to `searchCountCap`.
  public func publicMessageCount(matching filter: MessageFilter) async throws -> Int? {
    var filter = filter
    filter.publicOnly = true
    filter.after = nil
    if let text = filter.text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      guard let query = SearchQuery(text) else { return 0 }
      return try await search.count(
        .forPublic, query, conditions: filter.conditions, unfiltered: filter.onlyPublic, cap: Self.searchCountCap)
    }
    // The whole list: counted by the roll-ups, not by reading every public message.
    var whole = filter
    if whole.text?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { whole.text = nil }
    if whole == MessageFilter() { return try await shownCount() }
    return try await publicReads.count(matching: filter)
  }

  /// Public messages whose published answer stands (`Status.answered`), the most recently answered first.
  public func latestReplied(limit: Int) async throws -> [PublicCase] {
    try await publicReads.latestReplied(limit: max(1, min(limit, 50))).map {
      PublicCase.of($0, nameStyle: publicNameStyle)
    }
  }

  /// The thanks letters that a unit received, on public messages and without a case, newest first.
  public func thanksLetters(toUnit unitID: UUID, limit: Int = 20) async throws -> [PublicThanks] {
    Self.merged(
      try await publicReads.thanksLetters(toUnit: unitID, before: nil, limit: limit).map(publicThanks),
      try await publishedThanksNotes(toUnit: unitID, before: nil, limit: limit), limit: limit)
  }

  /// 感谢信: the latest public letters to every unit, newest first, a page of `limit` written before
  /// `before` when given.
  public func latestThanksLetters(before: Date? = nil, limit: Int = 20) async throws -> [PublicThanks] {
    let limit = max(1, min(limit, 100))
    return Self.merged(
      try await publicReads.thanksLetters(toUnit: nil, before: before, limit: limit).map(publicThanks),
      try await publishedThanksNotes(toUnit: nil, before: before, limit: limit), limit: limit)
  }

  /// 督办公开: public, published messages that were sent a supervision notice and are still overdue
  /// `workingDays` working days after it, longest overdue first. Each comes with when the first notice
  /// went out.
  public func publiclyOverdue(
    afterWorkingDays workingDays: Int, at now: Date, limit: Int = 200
  ) async throws
    -> [(item: PublicCase, noticedAt: Date)]
  {
    var result: [(PublicCase, Date, Int)] = []
    for (message, noticed) in try await publicReads.supervisedOpenMessages(limit: max(1, min(limit, 1_000))) {
      let status = DeadlineStatus.of(message, at: now, calendar: rules.calendar)
      guard status.isOverdue, rules.calendar.deadline(workingDays: workingDays, after: noticed) <= now else { continue }
      result.append((PublicCase.of(message, nameStyle: publicNameStyle), noticed, status.daysOverdue))
    }
    return result.sorted { $0.2 > $1.2 }.map { ($0.0, $0.1) }
  }

  /// 我的留言: the messages written with this mobile number (stored as its 11 digits, however it was
  /// typed), newest first, private ones included — as their author sees them.
  public func messages(ofPhone phone: String, limit: Int = 100) async throws -> [PublicCase] {
    guard let mobile = PhoneNumber.mobile(phone) else { return [] }
    return try await primaryReads.messages(ofPhone: mobile, limit: max(1, min(limit, 500))).map {
      PublicCase.of($0, nameStyle: publicNameStyle)
    }
  }

  /// 来电历史: the messages written with this number (however it was typed), proved or not, newest
  /// first, that `actor` may read — what an operator taking a call sees of the caller's earlier ones.
  public func callerHistory(phone: String, readableBy actor: Actor, limit: Int = 10) async throws -> [Message] {
    // A mobile number is stored as its 11 digits; any other number as it was typed, trimmed.
    let typed = phone.trimmingCharacters(in: .whitespaces)
    guard let stored = PhoneNumber.mobile(typed) ?? (PhoneNumber.isPlausible(typed) ? typed : nil) else { return [] }
    let found = try await primaryReads.callerMessages(ofPhone: stored, limit: 200)
    return Array(found.filter { CaseAccess.mayRead(actor, $0) }.prefix(max(1, min(limit, 50))))
  }

  /// Whether the message with this id was written with this mobile number, proved (我的留言 opens it).
  public func isWritten(_ messageID: UUID, byPhone phone: String) async throws -> Bool {
    guard let mobile = PhoneNumber.mobile(phone), let message = try await message(messageID) else { return false }
    return message.phoneVerified && PhoneNumber.mobile(message.contact.phone) == mobile
  }
}

extension Store {
  /// Words to search for: control characters (which no stored text contains, and which PostgreSQL
  /// refuses in a parameter when one is NUL) read as spaces, trimmed and lower-cased.
  static func searchWords(_ text: String) -> String {
    let spaced = String(
      String.UnicodeScalarView(
        text.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : $0 }))
    return trimmed(spaced).lowercased()
  }
}
