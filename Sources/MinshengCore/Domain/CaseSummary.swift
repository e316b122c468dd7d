import Foundation

/// What a queue shows of a case: enough to list it, order it and show its deadline, without the
/// text, the contact details or the assisting units. Queue pages read thousands of these.
public struct CaseSummary: Sendable, Hashable, Identifiable {
  public var id: UUID
  public var serial: Serial
  public var title: String
  public var status: Status
  public var urgent: Bool
  public var leadUnitID: UUID?
  /// The routing rule's suggestion at intake.
  public var suggestedUnitID: UUID?
  public var acceptanceDue: Date?
  public var replyDue: Date?
  public var createdAt: Date
  /// The type and the region, which choose the SLA rule (the dispatch limit in the pool).
  public var type: MessageType
  public var regionID: UUID?
  /// Where it came in (the pool shows it: a call, a letter, a comment, an import …).
  public var channel: Channel

  public init(
    id: UUID, serial: Serial, title: String, status: Status, urgent: Bool, leadUnitID: UUID?,
    suggestedUnitID: UUID?, acceptanceDue: Date?, replyDue: Date?, createdAt: Date, type: MessageType,
    regionID: UUID?, channel: Channel
  ) {
    self.channel = channel
    self.id = id
    self.serial = serial
    self.title = title
    self.status = status
    self.urgent = urgent
    self.leadUnitID = leadUnitID
    self.suggestedUnitID = suggestedUnitID
    self.acceptanceDue = acceptanceDue
    self.replyDue = replyDue
    self.createdAt = createdAt
    self.type = type
    self.regionID = regionID
  }
}

extension Message {
  /// The message as a queue lists it.
  public var summary: CaseSummary {
    CaseSummary(
      id: id, serial: serial, title: title, status: status, urgent: urgent, leadUnitID: leadUnitID,
      suggestedUnitID: suggestedUnitID, acceptanceDue: acceptanceDue, replyDue: replyDue, createdAt: createdAt,
      type: type, regionID: regionID, channel: channel)
  }
}
