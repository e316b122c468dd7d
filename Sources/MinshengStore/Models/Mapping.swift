import Foundation
import MinshengCore

extension MessageModel {
  convenience init(_ message: Message, trackingHash: String, chainTip: ChainTip) {
    self.init()
    eventCount = chainTip.count
    lastEventHash = chainTip.hash
    id = message.id
    serialYear = message.serial.year
    serialNumber = message.serial.number
    self.trackingHash = trackingHash
    type = message.type.rawValue
    title = message.title
    body = message.body
    leaderID = message.leaderID
    regionID = message.regionID
    categoryID = message.categoryID
    channel = message.channel.rawValue
    address = message.location?.address
    latitude = message.location?.latitude
    longitude = message.location?.longitude
    contactName = message.contact.name
    contactPhone = message.contact.phone
    contactEmail = message.contact.email
    isPublic = message.isPublic
    urgent = message.urgent
    status = message.status.rawValue
    closure = message.closure?.rawValue
    dispatchingUnitID = message.dispatchingUnitID
    leadUnitID = message.leadUnitID
    replyNeedsReview = message.replyNeedsReview
    suggestedUnitID = message.suggestedUnitID
    acceptanceDue = message.acceptanceDue
    replyDue = message.replyDue
    mergedIntoID = message.mergedIntoID
    version = message.version
    createdAt = message.createdAt
    updatedAt = message.updatedAt
  }

  /// The tip of this message's audit chain as stored.
  var chainTip: ChainTip { ChainTip(count: eventCount, hash: lastEventHash) }

  /// The core value; a row with values no current code knows is reported, not guessed.
  func core(assisting: [UUID]) throws -> Message {
    guard let id, let type = MessageType(rawValue: type), let channel = Channel(rawValue: channel),
      let status = Status(rawValue: status)
    else { throw StoreError.notFound("可识别的留言记录") }
    let location: Location? =
      (address == nil && latitude == nil && longitude == nil)
      ? nil : Location(address: address, latitude: latitude, longitude: longitude)
    return Message(
      id: id, serial: Serial(year: serialYear, number: serialNumber), type: type, title: title, body: body,
      leaderID: leaderID, regionID: regionID, categoryID: categoryID, channel: channel, location: location,
      contact: Contact(name: contactName, phone: contactPhone, email: contactEmail), isPublic: isPublic,
      urgent: urgent, status: status, closure: closure.flatMap(Closure.init(rawValue:)),
      dispatchingUnitID: dispatchingUnitID, leadUnitID: leadUnitID, assistingUnitIDs: assisting,
      replyNeedsReview: replyNeedsReview, suggestedUnitID: suggestedUnitID, acceptanceDue: acceptanceDue,
      replyDue: replyDue, mergedIntoID: mergedIntoID, version: version, createdAt: createdAt, updatedAt: updatedAt)
  }
}

extension EventModel {
  /// The draft as stored; nil when a stored name is unknown (which verification reports).
  var draft: EventDraft? {
    guard let action = EventAction(action), let to = Status(rawValue: toStatus),
      let role = Role(rawValue: actorRole), let visibility = Visibility(rawValue: visibility)
    else { return nil }
    let from = fromStatus.flatMap(Status.init(rawValue:))
    if fromStatus != nil, from == nil { return nil }
    let payload = (try? JSONDecoder().decode([String: String].self, from: Data(self.payload.utf8))) ?? [:]
    return EventDraft(
      messageID: messageID, action: action, from: from, to: to,
      actor: Actor(role: role, unitID: actorUnitID, id: actorID), note: note, visibility: visibility,
      payload: payload, at: Date(timeIntervalSince1970: Double(atMilliseconds) / 1000))
  }
}
