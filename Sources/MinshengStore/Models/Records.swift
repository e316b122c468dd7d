import Foundation
import MinshengCore

// Messages and events are read and written on every intake and transition, so they are plain
// Codable records moved by SQLKit, without the per-row reflection of Fluent models.

/// A row of `messages`.
struct MessageRecord: Codable, Sendable {
  static let schema = "messages"

  var id: UUID
  var serialYear: Int
  var serialNumber: Int
  var trackingHash: String
  var type: String
  var title: String
  var body: String
  var leaderID: UUID?
  var regionID: UUID?
  var categoryID: UUID?
  var channel: String
  var address: String?
  var latitude: Double?
  var longitude: Double?
  var addressID: String?
  /// The answers to the category's questions as JSON (`[ServiceAnswer]`); nil for none.
  var serviceAnswers: String?
  var contactName: String
  var contactPhone: String
  var contactEmail: String?
  var isPublic: Bool
  var urgent: Bool
  var status: String
  var closure: String?
  var dispatchingUnitID: UUID?
  var leadUnitID: UUID?
  var replyNeedsReview: Bool
  var suggestedUnitID: UUID?
  var acceptanceDue: Date?
  var replyDue: Date?
  var mergedIntoID: UUID?
  var version: Int
  /// How many events the message has, and the hash of the last: the tip of its audit chain.
  var eventCount: Int
  var lastEventHash: String
  var createdAt: Date
  var updatedAt: Date
  var publication: String
  var publicTitle: String?
  var publicBody: String?
  var publicAddress: String?
  var sourceRegion: String?
  var phoneVerified: Bool
  /// The MinHash fingerprint (`Fingerprint.stored`) and whether it still waits to be indexed for duplicates.
  var fingerprint: String?
  var fingerprintPending: Bool

  enum CodingKeys: String, CodingKey {
    case id, type, title, body, channel, address, latitude, longitude, urgent, status, closure, version
    case publication
    case addressID = "address_id"
    case serviceAnswers = "service_answers"
    case publicTitle = "public_title"
    case publicBody = "public_body"
    case publicAddress = "public_address"
    case sourceRegion = "source_region"
    case phoneVerified = "phone_verified"
    case fingerprint
    case fingerprintPending = "fingerprint_pending"
    case serialYear = "serial_year"
    case serialNumber = "serial_number"
    case trackingHash = "tracking_hash"
    case leaderID = "leader_id"
    case regionID = "region_id"
    case categoryID = "category_id"
    case contactName = "contact_name"
    case contactPhone = "contact_phone"
    case contactEmail = "contact_email"
    case isPublic = "is_public"
    case dispatchingUnitID = "dispatching_unit_id"
    case leadUnitID = "lead_unit_id"
    case replyNeedsReview = "reply_needs_review"
    case suggestedUnitID = "suggested_unit_id"
    case acceptanceDue = "acceptance_due"
    case replyDue = "reply_due"
    case mergedIntoID = "merged_into_id"
    case eventCount = "event_count"
    case lastEventHash = "last_event_hash"
    case createdAt = "created_at"
    case updatedAt = "updated_at"
  }

  init(_ message: Message, trackingHash: String, chainTip: ChainTip, fingerprint: Fingerprint? = nil) {
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
    addressID = message.location?.addressID
    serviceAnswers =
      message.answers.isEmpty
      ? nil : (try? JSONEncoder().encode(message.answers)).map { String(decoding: $0, as: UTF8.self) }
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
    eventCount = chainTip.count
    lastEventHash = chainTip.hash
    createdAt = message.createdAt
    updatedAt = message.updatedAt
    publication = message.publication.rawValue
    publicTitle = message.publicTitle
    publicBody = message.publicBody
    publicAddress = message.publicAddress
    sourceRegion = message.sourceRegion
    phoneVerified = message.phoneVerified
    self.fingerprint = fingerprint?.stored
    fingerprintPending = fingerprint != nil
  }

  /// The tip of this message's audit chain as stored.
  var chainTip: ChainTip { ChainTip(count: eventCount, hash: lastEventHash) }

  /// The core value; a row with values no current code knows is reported, not guessed.
  func core(assisting: [UUID]) throws -> Message {
    guard let type = MessageType(rawValue: type), let channel = Channel(rawValue: channel),
      let status = Status(rawValue: status), let publication = Publication(rawValue: publication)
    else { throw StoreError.internal("a message row holds a value this version does not know") }
    let location: Location? =
      (address == nil && latitude == nil && longitude == nil && addressID == nil)
      ? nil : Location(address: address, latitude: latitude, longitude: longitude, addressID: addressID)
    return Message(
      id: id, serial: Serial(year: serialYear, number: serialNumber), type: type, title: title, body: body,
      leaderID: leaderID, regionID: regionID, categoryID: categoryID, channel: channel, location: location,
      contact: Contact(name: contactName, phone: contactPhone, email: contactEmail), isPublic: isPublic,
      urgent: urgent, status: status, closure: closure.flatMap(Closure.init(rawValue:)),
      dispatchingUnitID: dispatchingUnitID, leadUnitID: leadUnitID, assistingUnitIDs: assisting,
      replyNeedsReview: replyNeedsReview, suggestedUnitID: suggestedUnitID, acceptanceDue: acceptanceDue,
      replyDue: replyDue, mergedIntoID: mergedIntoID, version: version, createdAt: createdAt, updatedAt: updatedAt,
      publication: publication, publicTitle: publicTitle, publicBody: publicBody, sourceRegion: sourceRegion,
      phoneVerified: phoneVerified, publicAddress: publicAddress,
      answers: serviceAnswers.flatMap { try? JSONDecoder().decode([ServiceAnswer].self, from: Data($0.utf8)) } ?? [])
  }
}

/// What a queue read decodes from `messages`: the whole row, or the columns a queue row shows.
protocol QueueRecord: Decodable, Sendable {
  /// The columns read, each prefixed with `table` (`m.` in a join), or `*`.
  static func columns(of table: String) -> String
  var serialNumber: Int { get }
  var acceptanceDue: Date? { get }
  var replyDue: Date? { get }
}

extension MessageRecord: QueueRecord {
  static func columns(of table: String) -> String { table + "*" }
}

/// The columns of `messages` a queue row shows: no text, no contact details, no assisting units.
struct CaseSummaryRecord: QueueRecord {
  var id: UUID
  var serialYear: Int
  var serialNumber: Int
  var title: String
  var status: String
  var urgent: Bool
  var leadUnitID: UUID?
  var suggestedUnitID: UUID?
  var acceptanceDue: Date?
  var replyDue: Date?
  var createdAt: Date
  var type: String
  var regionID: UUID?
  var channel: String

  enum CodingKeys: String, CodingKey, CaseIterable {
    case id, title, status, urgent, type, channel
    case regionID = "region_id"
    case serialYear = "serial_year"
    case serialNumber = "serial_number"
    case leadUnitID = "lead_unit_id"
    case suggestedUnitID = "suggested_unit_id"
    case acceptanceDue = "acceptance_due"
    case replyDue = "reply_due"
    case createdAt = "created_at"
  }

  static func columns(of table: String) -> String {
    CodingKeys.allCases.map { table + $0.rawValue }.joined(separator: ", ")
  }

  /// The columns, unprefixed (built once).
  static let columns = columns(of: "")

  /// The core value; a status no current code knows is reported, not guessed.
  func core() throws -> CaseSummary {
    guard let status = Status(rawValue: status), let type = MessageType(rawValue: type),
      let channel = Channel(rawValue: channel)
    else {
      throw StoreError.internal("a message row holds a value this version does not know")
    }
    return CaseSummary(
      id: id, serial: Serial(year: serialYear, number: serialNumber), title: title, status: status, urgent: urgent,
      leadUnitID: leadUnitID, suggestedUnitID: suggestedUnitID, acceptanceDue: acceptanceDue, replyDue: replyDue,
      createdAt: createdAt, type: type, regionID: regionID, channel: channel)
  }
}

/// A row of `events`.
struct EventRecord: Codable, Sendable {
  static let schema = "events"

  var id: UUID
  var sequence: Int64
  var messageID: UUID
  var messageSequence: Int
  var atMilliseconds: Int64
  var actorRole: String
  var actorID: String
  var actorUnitID: UUID?
  var action: String
  var fromStatus: String?
  var toStatus: String
  var visibility: String
  var note: String?
  var payload: String
  var messageHash: String
  /// The place and hash in the global chain; nil until the event is sealed into it.
  var position: Int64?
  var chainHash: String?

  enum CodingKeys: String, CodingKey {
    case id, action, visibility, note, payload
    case position = "chain_pos"
    case sequence = "seq"
    case messageID = "message_id"
    case messageSequence = "message_seq"
    case atMilliseconds = "at_ms"
    case actorRole = "actor_role"
    case actorID = "actor_id"
    case actorUnitID = "actor_unit_id"
    case fromStatus = "from_status"
    case toStatus = "to_status"
    case messageHash = "message_hash"
    case chainHash = "chain_hash"
  }

  /// The event's row; `position` is its place in the global chain when it is sealed as it is written.
  init(_ event: Event, position: Int64?) {
    let draft = event.draft
    self.position = position
    id = event.id
    sequence = event.sequence
    messageID = draft.messageID
    messageSequence = event.messageSequence
    atMilliseconds = AuditChain.milliseconds(draft.at)
    actorRole = draft.actor.role.rawValue
    actorID = draft.actor.id
    actorUnitID = draft.actor.unitID
    action = draft.action.description
    fromStatus = draft.from?.rawValue
    toStatus = draft.to.rawValue
    visibility = draft.visibility.rawValue
    note = draft.note
    payload = EventRecord.encodePayload(draft.payload)
    messageHash = event.messageHash
    chainHash = event.chainHash
  }

  /// The payload as stored: a JSON object with sorted keys (written by hand: it is on every
  /// intake and transition, and `JSONEncoder` costs more than the rest of building the row).
  static func encodePayload(_ payload: [String: String]) -> String {
    "{"
      + payload.keys.sorted().map { JSONText.quoted($0) + ":" + JSONText.quoted(payload[$0] ?? "") }.joined(
        separator: ",") + "}"
  }

  /// The draft as stored; nil when a stored name is unknown (which verification reports).
  var draft: EventDraft? {
    guard let action = EventAction(action), let to = Status(rawValue: toStatus),
      let role = Role(rawValue: actorRole), let visibility = Visibility(rawValue: visibility)
    else { return nil }
    let from = fromStatus.flatMap(Status.init(rawValue:))
    if fromStatus != nil, from == nil { return nil }
    guard let payload = try? JSONDecoder().decode([String: String].self, from: Data(self.payload.utf8)) else {
      return nil
    }
    return EventDraft(
      messageID: messageID, action: action, from: from, to: to,
      actor: Actor(role: role, unitID: actorUnitID, id: actorID), note: note, visibility: visibility,
      payload: payload, at: Date(timeIntervalSince1970: Double(atMilliseconds) / 1000))
  }

  var core: Event? {
    guard let draft else { return nil }
    return Event(
      id: id, sequence: sequence, messageSequence: messageSequence, draft: draft, messageHash: messageHash,
      chainHash: chainHash)
  }
}

/// A row of `message_suggestions`: the classifier's suggestion at intake.
struct SuggestionRecord: Codable, Sendable {
  static let schema = "message_suggestions"

  var messageID: UUID
  var label: String
  var categoryID: UUID?
  var unitID: UUID?
  var confidence: Double
  /// The runners-up and the reasons, as JSON.
  var detail: String

  enum CodingKeys: String, CodingKey {
    case label, confidence, detail
    case messageID = "message_id"
    case categoryID = "category_id"
    case unitID = "unit_id"
  }

  struct Detail: Codable {
    var top: [CategorySuggestion.Alternative]
    var reasons: [CategorySuggestion.Reason]
  }

  init(_ suggestion: CategorySuggestion, messageID: UUID) {
    self.messageID = messageID
    label = suggestion.label
    categoryID = suggestion.categoryID
    unitID = suggestion.unitID
    confidence = suggestion.confidence
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    detail =
      (try? encoder.encode(Detail(top: suggestion.top, reasons: suggestion.reasons)))
      .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
  }

  var core: CategorySuggestion {
    let detail = try? JSONDecoder().decode(Detail.self, from: Data(self.detail.utf8))
    return CategorySuggestion(
      label: label, categoryID: categoryID, unitID: unitID, confidence: confidence, top: detail?.top ?? [],
      reasons: detail?.reasons ?? [])
  }
}
