import Foundation

/// 留言类型: what kind of message a citizen leaves.
public enum MessageType: String, Sendable, Codable, CaseIterable, Named {
  public var nameKey: String { "type_" + rawValue }

  /// 投诉
  case complaint
  /// 求助
  case help
  /// 咨询
  case consultation
  /// 建议
  case suggestion
  /// 感谢
  case thanks
}

/// 渠道: where a message entered the case pool; every case keeps its channel.
public enum Channel: String, Sendable, Codable, CaseIterable, Named {
  public var nameKey: String { "channel_" + rawValue }

  case web
  case app
  case api
  /// 12345 hotline operators entering phone calls.
  case hotline
  /// Letters to a leader's mailbox, entered by clerks.
  case mailbox
  /// Imported from another board (People's Daily, a provincial platform).
  case imported
  /// Followed up from social-media comments.
  case social
  /// 热点转办: a suggestion the supervision office wrote from a hot topic and referred to a unit.
  case referral
}

/// 位置: where the matter is; coordinates are optional WGS84.
public struct Location: Sendable, Equatable, Codable {
  public var address: String?
  public var latitude: Double?
  public var longitude: Double?
  /// The address's id in another system's master address list (Open311's `address_id`), kept as
  /// given beside the address text; Minsheng keeps no address list of its own.
  public var addressID: String?

  public init(address: String? = nil, latitude: Double? = nil, longitude: Double? = nil, addressID: String? = nil) {
    self.address = address
    self.latitude = latitude
    self.longitude = longitude
    self.addressID = addressID
  }
}

/// 联系方式: how a unit reaches the author; never public.
public struct Contact: Sendable, Equatable, Codable {
  public var name: String
  public var phone: String
  public var email: String?

  public init(name: String, phone: String, email: String? = nil) {
    self.name = name
    self.phone = phone
    self.email = email
  }
}

/// 编号: a message's public serial, the year and a sequence number within it, shown as `2026-000123`.
public struct Serial: Sendable, Hashable, Codable, CustomStringConvertible {
  public var year: Int
  public var number: Int

  public init(year: Int, number: Int) {
    self.year = year
    self.number = number
  }

  /// Parses `2026-000123` (`2026-000000` is the place before a year's first message); nil for
  /// anything else.
  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[0].count == 4, (6...18).contains(parts[1].count),
      parts.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } }), let year = Int(parts[0]),
      let number = Int(parts[1]),
      number >= 0
    else { return nil }
    self.init(year: year, number: number)
  }

  public var description: String {
    let digits = String(number)
    return "\(year)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
  }
}

/// How a case reached its final state.
public enum Closure: String, Sendable, Codable, CaseIterable {
  /// The author evaluated the reply as at least basically satisfactory.
  case resolved
  /// Replied and not evaluated within the allowed time (未评价).
  case unevaluated
  /// The dispatcher declined the author's request to reopen.
  case reopenDeclined
  /// Closed by the dispatcher after a reply, for a recorded reason.
  case closedByDispatcher
  /// Marked invalid (无效) with a reason: spam, abuse, not a matter for government.
  case invalid
  /// Merged into another message (并单); it follows its parent to the end.
  case merged
  /// Withdrawn by its author before it was dispatched (撤回).
  case withdrawn
}

/// 留言: a citizen's message, the case that the workflow carries to a final state.
public struct Message: Sendable, Equatable, Identifiable {
  public var id: UUID
  public var serial: Serial
  public var type: MessageType
  public var title: String
  public var body: String
  /// The leader's board the message is addressed to, if any.
  public var leaderID: UUID?
  public var regionID: UUID?
  public var categoryID: UUID?
  public var channel: Channel
  public var location: Location?
  public var contact: Contact
  public var isPublic: Bool
  public var urgent: Bool
  public var status: Status
  public var closure: Closure?
  /// The office that dispatches this message (from the leader's board or the region).
  public var dispatchingUnitID: UUID?
  /// 主办单位
  public var leadUnitID: UUID?
  /// 协办单位
  public var assistingUnitIDs: [UUID]
  /// Whether the lead unit's replies wait for its reviewer.
  public var replyNeedsReview: Bool
  /// The unit that routing rules suggest; the dispatcher decides.
  public var suggestedUnitID: UUID?
  public var acceptanceDue: Date?
  public var replyDue: Date?
  /// The parent case when this one was merged (并单).
  public var mergedIntoID: UUID?
  /// Increases by one with every committed transition; used for optimistic concurrency.
  public var version: Int
  public var createdAt: Date
  public var updatedAt: Date
  /// 发布审核: whether a moderator has released the message to the public.
  public var publication: Publication
  /// The title and body the public sees when a moderator redacted them; nil for the original.
  /// The original stays for the units that handle the message.
  public var publicTitle: String?
  public var publicBody: String?
  /// The address the public sees when a moderator changed it: nil for the original, empty for none.
  public var publicAddress: String?
  /// The region of the network address the message came from (the address itself is not kept).
  public var sourceRegion: String?
  /// Whether the author proved the mobile number (`NewMessage.phoneVerified`); staff see 未核验 otherwise.
  public var phoneVerified: Bool
  /// The answers to the category's questions (`ServiceQuestion`), for staff only.
  public var answers: [ServiceAnswer]

  public init(
    id: UUID, serial: Serial, type: MessageType, title: String, body: String,
    leaderID: UUID? = nil, regionID: UUID? = nil, categoryID: UUID? = nil, channel: Channel = .web,
    location: Location? = nil, contact: Contact, isPublic: Bool = true, urgent: Bool = false,
    status: Status = .received, closure: Closure? = nil, dispatchingUnitID: UUID? = nil,
    leadUnitID: UUID? = nil, assistingUnitIDs: [UUID] = [], replyNeedsReview: Bool = false,
    suggestedUnitID: UUID? = nil, acceptanceDue: Date? = nil, replyDue: Date? = nil,
    mergedIntoID: UUID? = nil, version: Int = 1, createdAt: Date, updatedAt: Date? = nil,
    publication: Publication = .published, publicTitle: String? = nil, publicBody: String? = nil,
    sourceRegion: String? = nil, phoneVerified: Bool = false, publicAddress: String? = nil,
    answers: [ServiceAnswer] = []
  ) {
    self.answers = answers
    self.phoneVerified = phoneVerified
    self.publicAddress = publicAddress
    self.id = id
    self.serial = serial
    self.type = type
    self.title = title
    self.body = body
    self.leaderID = leaderID
    self.regionID = regionID
    self.categoryID = categoryID
    self.channel = channel
    self.location = location
    self.contact = contact
    self.isPublic = isPublic
    self.urgent = urgent
    self.status = status
    self.closure = closure
    self.dispatchingUnitID = dispatchingUnitID
    self.leadUnitID = leadUnitID
    self.assistingUnitIDs = assistingUnitIDs
    self.replyNeedsReview = replyNeedsReview
    self.suggestedUnitID = suggestedUnitID
    self.acceptanceDue = acceptanceDue
    self.replyDue = replyDue
    self.mergedIntoID = mergedIntoID
    self.version = version
    self.createdAt = createdAt
    self.updatedAt = updatedAt ?? createdAt
    self.publication = publication
    self.publicTitle = publicTitle
    self.publicBody = publicBody
    self.sourceRegion = sourceRegion
  }

  /// Whether anyone may read the message: the author made it public and a moderator released it.
  public var isShownPublicly: Bool { isPublic && publication == .published }

  /// The title as the public sees it, before masking: the moderator's redaction or the original.
  public var titleForPublic: String { publicTitle ?? title }

  /// The body as the public sees it, before masking.
  public var bodyForPublic: String { publicBody ?? body }

  /// The address as the public sees it, before masking: the moderator's, the original, or none.
  public var addressForPublic: String? {
    guard let publicAddress else { return location?.address }
    return publicAddress.isEmpty ? nil : publicAddress
  }
}
