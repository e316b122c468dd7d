import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// The body of `POST /api/v1/messages`.
///
/// The smallest valid body is `{"type":"complaint","title":"…","body":"…","contact":{"name":"…","phone":"…"}}`.
struct NewMessageRequest: Content {
  struct ContactBody: Codable {
    var name: String
    var phone: String
    var email: String?
  }

  struct LocationBody: Codable {
    var address: String?
    var latitude: Double?
    var longitude: Double?
  }

  var type: MessageType
  var title: String
  var body: String
  var contact: ContactBody
  var leaderID: UUID?
  var regionID: UUID?
  var categoryID: UUID?
  var location: LocationBody?
  var isPublic: Bool?
  /// The one-time code sent to `contact.phone` (`POST /api/v1/phone-codes`): with it the number is
  /// proved; without it the message is taken, marked unproved, and not listed in 我的留言.
  var phoneCode: String?
  /// 人民建议: with type `suggestion`, the campaign (the general one without), the proposal, the benefit.
  var proposal: ProposalBody?

  struct ProposalBody: Codable {
    var campaignID: UUID?
    var proposal: String
    var benefit: String?
    /// How the author is named if it is awarded: `masked` (the default), `full_name` or `anonymous`.
    var awardName: AwardName?

    enum CodingKeys: String, CodingKey {
      case proposal, benefit
      case campaignID = "campaign_id"
      case awardName = "award_name"
    }
  }

  enum CodingKeys: String, CodingKey {
    case type, title, body, contact, location, proposal
    case phoneCode = "phone_code"
    case leaderID = "leader_id"
    case regionID = "region_id"
    case categoryID = "category_id"
    case isPublic = "public"
  }

  /// The message as the core takes it; citizens cannot set the channel or the urgent flag.
  var newMessage: NewMessage {
    NewMessage(
      type: type, title: title, body: body, leaderID: leaderID, regionID: regionID, categoryID: categoryID,
      channel: .api,
      location: location.map { Location(address: $0.address, latitude: $0.latitude, longitude: $0.longitude) },
      contact: Contact(name: contact.name, phone: contact.phone, email: contact.email), isPublic: isPublic ?? true,
      proposal: proposal.map {
        ProposalDetails(
          campaignID: $0.campaignID, proposal: $0.proposal, benefit: $0.benefit ?? "",
          awardName: $0.awardName ?? .masked)
      })
  }
}

/// The answer to a new message: committed, with the author's secret tracking code.
struct SubmissionResponse: Content {
  var id: UUID
  var serial: String
  var trackingCode: String
  var status: Status
  var statusText: String

  enum CodingKeys: String, CodingKey {
    case id, serial, status
    case trackingCode = "tracking_code"
    case statusText = "status_text"
  }
}

/// A message as anyone may see it: personal numbers masked, no contact details, public events only.
struct PublicMessageResponse: Content {
  struct TimelineEntry: Codable {
    var action: String
    var status: Status
    var statusText: String
    var at: Date

    enum CodingKeys: String, CodingKey {
      case action, status, at
      case statusText = "status_text"
    }
  }

  struct ReplyBody: Codable {
    var unitID: UUID
    var body: String
    var publishedAt: Date

    enum CodingKeys: String, CodingKey {
      case body
      case unitID = "unit_id"
      case publishedAt = "published_at"
    }
  }

  var id: UUID
  var serial: String
  var type: MessageType
  var title: String
  var body: String
  var status: Status
  var statusText: String
  var channel: MinshengCore.Channel
  var leaderID: UUID?
  var regionID: UUID?
  var categoryID: UUID?
  var mergedInto: UUID?
  var createdAt: Date
  var timeline: [TimelineEntry]
  var replies: [ReplyBody]

  enum CodingKeys: String, CodingKey {
    case id, serial, type, title, body, status, channel, timeline, replies
    case statusText = "status_text"
    case leaderID = "leader_id"
    case regionID = "region_id"
    case categoryID = "category_id"
    case mergedInto = "merged_into"
    case createdAt = "created_at"
  }

  /// The public view of a message (its public case file).
  init(_ file: PublicCaseFile) {
    let item = file.item
    id = item.id
    serial = item.serial.description
    type = item.type
    title = item.title
    body = item.body
    status = item.status
    statusText = item.status.chinese
    channel = item.channel
    leaderID = item.leaderID
    regionID = item.regionID
    categoryID = item.categoryID
    mergedInto = item.mergedIntoID
    createdAt = item.createdAt
    timeline = file.timeline.map {
      TimelineEntry(action: $0.action.description, status: $0.to, statusText: $0.to.chinese, at: $0.at)
    }
    replies = file.replies.map { ReplyBody(unitID: $0.unitID, body: $0.body, publishedAt: $0.publishedAt) }
  }
}

/// The author's view through the tracking code: the public view, plus the deadline that runs now.
struct TrackResponse: Content {
  var message: PublicMessageResponse
  var isPublic: Bool
  var deadline: Date?
  var overdue: Bool

  enum CodingKeys: String, CodingKey {
    case message, deadline, overdue
    case isPublic = "public"
  }
}

/// The JSON of every error: a code, a message in Chinese, the fields at fault, and for an internal
/// failure the incident id its log line carries.
struct ErrorResponse: Content {
  struct Field: Codable {
    var field: String
    var message: String
  }

  var error: String
  var message: String
  var fields: [Field]?
  var incident: String?
}

/// One line of a message list: enough to show it and where it stands.
struct MessageSummary: Content {
  var id: UUID
  var serial: String
  var type: MessageType
  var title: String
  var status: Status
  var statusText: String
  var createdAt: Date
  var regionID: UUID?
  var leaderID: UUID?
  var categoryID: UUID?
  var leadUnitID: UUID?
  var overdue: Bool
  var workingDaysLeft: Int?
  var daysOverdue: Int?

  enum CodingKeys: String, CodingKey {
    case id, serial, type, title, status, overdue
    case statusText = "status_text"
    case createdAt = "created_at"
    case regionID = "region_id"
    case leaderID = "leader_id"
    case categoryID = "category_id"
    case leadUnitID = "lead_unit_id"
    case workingDaysLeft = "working_days_left"
    case daysOverdue = "days_overdue"
  }

  /// A public list's line.
  init(_ item: PublicCase, deadline: DeadlineStatus) {
    self.init(
      id: item.id, serial: item.serial, type: item.type, title: item.title, status: item.status,
      createdAt: item.createdAt, regionID: item.regionID, leaderID: item.leaderID, categoryID: item.categoryID,
      leadUnitID: item.leadUnitID, deadline: deadline)
  }

  /// A staff list's line (the title as the public reads it: staff lists are shown on shared screens).
  init(_ message: Message, deadline: DeadlineStatus) {
    self.init(
      id: message.id, serial: message.serial, type: message.type, title: PrivacyMask.mask(message.titleForPublic),
      status: message.status, createdAt: message.createdAt, regionID: message.regionID, leaderID: message.leaderID,
      categoryID: message.categoryID, leadUnitID: message.leadUnitID, deadline: deadline)
  }

  private init(
    id: UUID, serial: Serial, type: MessageType, title: String, status: Status, createdAt: Date, regionID: UUID?,
    leaderID: UUID?, categoryID: UUID?, leadUnitID: UUID?, deadline: DeadlineStatus
  ) {
    self.id = id
    self.serial = serial.description
    self.type = type
    self.title = title
    self.status = status
    statusText = status.chinese
    self.createdAt = createdAt
    self.regionID = regionID
    self.leaderID = leaderID
    self.categoryID = categoryID
    self.leadUnitID = leadUnitID
    overdue = deadline.isOverdue
    workingDaysLeft = deadline.phase == .none || deadline.isOverdue ? nil : deadline.workingDaysLeft
    daysOverdue = deadline.isOverdue ? deadline.daysOverdue : nil
  }
}

/// A page of a list; `next_cursor` continues it.
struct MessageListResponse: Content {
  var items: [MessageSummary]
  var nextCursor: String?

  /// A public page as the API shows it, each item with its deadline status at `now`.
  init(_ page: PublicPage, at now: Date, calendar: WorkingCalendar) {
    items = page.items.map { MessageSummary($0, deadline: DeadlineStatus.of($0, at: now, calendar: calendar)) }
    nextCursor = page.nextAfter?.description
  }

  /// A staff page as the API shows it.
  init(_ page: MessagePage, at now: Date, calendar: WorkingCalendar) {
    items = page.messages.map { MessageSummary($0, deadline: DeadlineStatus.of($0, at: now, calendar: calendar)) }
    nextCursor = page.nextAfter?.description
  }

  enum CodingKeys: String, CodingKey {
    case items
    case nextCursor = "next_cursor"
  }
}
