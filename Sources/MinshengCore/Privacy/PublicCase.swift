import Foundation

/// 公开视图: what anyone may see of a message — the moderator's redaction where there is one,
/// personal numbers masked, the author's name shortened, never a contact detail.
///
/// This is the one public projection: the store's public reads return it, and every public page and
/// the public API are built from it, so no public path can show what this type does not hold.
public struct PublicCase: Sendable, Equatable, Identifiable {
  public var id: UUID
  public var serial: Serial
  public var type: MessageType
  /// The public title and body, masked.
  public var title: String
  public var body: String
  /// The author as the public sees the name: 顾女士, 陈***.
  public var author: String
  /// The address of the matter, masked; nil when none was given.
  public var address: String?
  public var leaderID: UUID?
  public var regionID: UUID?
  public var categoryID: UUID?
  public var leadUnitID: UUID?
  public var channel: Channel
  public var status: Status
  public var closure: Closure?
  public var urgent: Bool
  public var acceptanceDue: Date?
  public var replyDue: Date?
  public var mergedIntoID: UUID?
  public var createdAt: Date
  /// Changes with every change to the message (a rendered page is kept per version).
  public var version: Int
  /// The author's choice, and the moderator's decision: shown publicly only when public and published.
  public var isPublic: Bool
  public var publication: Publication

  /// The public projection of a message.
  public static func of(_ message: Message, nameStyle: PrivacyMask.NameStyle) -> PublicCase {
    let address = message.addressForPublic.map(PrivacyMask.mask)
    return PublicCase(
      id: message.id, serial: message.serial, type: message.type, title: PrivacyMask.mask(message.titleForPublic),
      body: PrivacyMask.mask(message.bodyForPublic),
      author: PrivacyMask.displayName(message.contact.name, style: nameStyle),
      address: address?.isEmpty == true ? nil : address, leaderID: message.leaderID, regionID: message.regionID,
      categoryID: message.categoryID, leadUnitID: message.leadUnitID, channel: message.channel,
      status: message.status, closure: message.closure, urgent: message.urgent,
      acceptanceDue: message.acceptanceDue, replyDue: message.replyDue, mergedIntoID: message.mergedIntoID,
      createdAt: message.createdAt, version: message.version, isPublic: message.isPublic,
      publication: message.publication)
  }

  /// Whether anyone may read it: the author made it public and a moderator released it.
  public var isShownPublicly: Bool { isPublic && publication == .published }
}

/// A published reply as the public reads it: its text masked.
public struct PublicReply: Sendable, Equatable {
  public var unitID: UUID
  public var body: String
  public var publishedAt: Date
  /// The reply's photos (答复附图), by the ids the store serves them under.
  public var imageIDs: [UUID] = []

  public static func of(_ reply: Reply) -> PublicReply {
    PublicReply(unitID: reply.unitID, body: PrivacyMask.mask(reply.body), publishedAt: reply.publishedAt)
  }
}

/// An event as the public timeline shows it: only public events, without who acted by name.
public struct PublicEvent: Sendable, Equatable {
  public var action: EventAction
  public var from: Status?
  public var to: Status
  /// The unit that acted, when a unit did.
  public var unitID: UUID?
  /// What the timeline needs to say: units named, deadlines, the evaluation level.
  public var payload: [String: String]
  public var at: Date

  public init(
    action: EventAction, from: Status?, to: Status, unitID: UUID?, payload: [String: String], at: Date
  ) {
    self.action = action
    self.from = from
    self.to = to
    self.unitID = unitID
    self.payload = payload
    self.at = at
  }

  /// The public events of a history, oldest first.
  public static func timeline(_ events: [Event]) -> [PublicEvent] {
    events.filter { $0.draft.visibility == .public }.map {
      PublicEvent(
        action: $0.draft.action, from: $0.draft.from, to: $0.draft.to, unitID: $0.draft.actor.unitID,
        payload: $0.draft.payload.filter { Self.publicKeys.contains($0.key) }, at: $0.draft.at)
    }
  }

  /// The payload values a public timeline may name: the units and deadlines, the evaluation level, and
  /// of a suggestion the outcome, an adoption step's progress and a leader's instruction's leader and day.
  static let publicKeys: Set<String> = [
    "lead_unit", "reply_due", "acceptance_due", "level", "unit", "outcome", "progress", "implemented", "leader",
    "given_on",
  ]
}

extension DeadlineStatus {
  /// The status of a public case at `now` (the same as for the whole message).
  public static func of(_ item: PublicCase, at now: Date, calendar: WorkingCalendar) -> DeadlineStatus {
    of(item.status, acceptanceDue: item.acceptanceDue, replyDue: item.replyDue, at: now, calendar: calendar)
  }
}
