import Foundation
import MinshengCore

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
  /// Figures for every board (or lead unit) over the messages received in `year`, keyed by its id.
  ///
  /// The reply rate leaves out merged and invalid messages; the time to reply runs from receipt to
  /// the first published reply; satisfaction counts 很满意, 满意 and 基本满意 among evaluations.
  ///
  /// Summed from the roll-ups (`refreshRollups`, brought up to date first), never from every message;
  /// the median is exact to a tenth of an hour.
  public func figures(year: Int, by grouping: FiguresGrouping) async throws -> [UUID: Figures] {
    let both = try await figures(year: year)
    return grouping == .leader ? both.leaders : both.units
  }

  /// The figures of every board and of every lead unit for `year`, from one sum of the roll-ups (and
  /// the year's published thanks letters without a case, by unit).
  public func figures(year: Int) async throws -> (leaders: [UUID: Figures], units: [UUID: Figures]) {
    let sum = try await summedRollups(year: year)
    func keyed(_ owners: [String: BlockRollup.Owner]) -> [UUID: Figures] {
      var figures: [UUID: Figures] = [:]
      for (key, owner) in owners {
        if let id = UUID(uuidString: key) { figures[id] = owner.figures }
      }
      return figures
    }
    var units = keyed(sum.units)
    // Letters to a unit without a case of the author's own count too, once published in the year.
    if let first = LocalDate(year: year, month: 1, day: 1), let next = LocalDate(year: year + 1, month: 1, day: 1) {
      for row in try await search.runner.all(
        SQLFragment(
          """
          SELECT unit_id, COUNT(*) AS n FROM thanks_notes
          WHERE publication = 'published' AND created_at >= ? AND created_at < ? GROUP BY unit_id
          """, [.date(rules.calendar.start(of: first)), .date(rules.calendar.start(of: next))]), as: UnitCountRow.self)
      {
        units[row.unit_id, default: Figures()].thanks += row.n
      }
    }
    return (keyed(sum.leaders), units)
  }

  /// The messages merged into this one (并单), how many.
  public func mergedCount(into messageID: UUID) async throws -> Int {
    try await publicReads.mergedCount(into: messageID)
  }

  // MARK: 感谢信

  /// 感谢信: the author of a replied message thanks the unit that answered. One letter per message.
  ///
  /// The letter and a `thanked` event are written in one transaction; the message gets a new version,
  /// so every public view of it shows the letter at once.
  @discardableResult
  public func thank(trackingCode: String, author: String, body: String, at now: Date) async throws -> ThanksLetter {
    guard let message = try await message(trackingCode: trackingCode) else { throw StoreError.notFound(.trackingCode) }
    return try await thank(message, author: author, body: body, at: now)
  }

  /// How a thanks letter would read in public: the signature as the public sees it (the contact's
  /// name when none is given) and the text masked. The author sees it before sending.
  public func thanksPreview(of message: Message, author: String, body: String) -> (author: String, body: String) {
    let name = Self.trimmed(author)
    return (
      PrivacyMask.displayName(name.isEmpty ? message.contact.name : name, style: publicNameStyle),
      PrivacyMask.mask(Self.trimmed(body))
    )
  }

  /// The same for a message whose author proved who they are otherwise (a citizen's session).
  @discardableResult
  public func thank(_ message: Message, author: String, body: String, at now: Date) async throws -> ThanksLetter {
    let text = Self.trimmed(body)
    let name = Self.trimmed(author)
    var problems: [ValidationError.Problem] = []
    if text.isEmpty { problems.append(.init(field: "body", reason: .missing)) }
    if text.count > 1_000 { problems.append(.init(field: "body", reason: .tooLong(max: 1_000))) }
    if name.count > 40 { problems.append(.init(field: "author", reason: .tooLong(max: 40))) }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    // The letter is public: the banned words hold for it as for a message.
    _ = try await screen([("body", text), ("author", name)])
    guard let reply = try await publishedReplies(of: message.id).last else {
      throw ValidationError(field: "body", reason: .invalid(LocalizedText("error_thanks_after_reply")))
    }
    if try await thanksLetter(of: message.id) != nil { throw StoreError.duplicate(.thanksLetter, key: "") }
    let letter = ThanksLetter(
      id: ids.newID(), messageID: message.id, unitID: reply.unitID, author: name.isEmpty ? message.contact.name : name,
      body: text, createdAt: now)
    let citizen = Actor(role: .citizen, id: "citizen")
    try await recordEvent(
      on: message.id, expectedVersion: message.version, at: now,
      { current in
        EventDraft(
          messageID: current.id, action: .thanked, from: current.status, to: current.status, actor: citizen, note: nil,
          visibility: .public, payload: ["unit": reply.unitID.uuidString], at: now)
      }, rows: [.thanks(letter)])
    return letter
  }
}
