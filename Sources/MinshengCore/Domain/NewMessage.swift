import Foundation

/// What a citizen (or an operator on a citizen's behalf) submits; validated before anything is stored.
public struct NewMessage: Sendable, Equatable {
  public var type: MessageType
  public var title: String
  public var body: String
  public var leaderID: UUID?
  public var regionID: UUID?
  public var categoryID: UUID?
  public var channel: Channel
  public var location: Location?
  public var contact: Contact
  public var isPublic: Bool
  public var urgent: Bool
  /// Whether the author proved the mobile number (a one-time code, or an operator who took the call
  /// from it). Only such messages are listed in 我的留言 for the number.
  public var phoneVerified: Bool
  /// 人民建议: what a suggestion adds (its campaign, the proposal, the benefit); only with type 建议.
  public var proposal: ProposalDetails?
  /// The answers to the category's questions (code → values), from a channel that asks them (an
  /// Open311 partner); nil from one that does not, so nothing is required of it.
  public var answers: [String: [String]]?

  /// Longest title, in characters.
  public static let maxTitleLength = 100
  /// Longest body, in characters (Open311's limit for a description; a 12345 work order fits).
  public static let maxBodyLength = 4_000

  public init(
    type: MessageType, title: String, body: String, leaderID: UUID? = nil, regionID: UUID? = nil,
    categoryID: UUID? = nil, channel: Channel = .web, location: Location? = nil, contact: Contact,
    isPublic: Bool = true, urgent: Bool = false, phoneVerified: Bool = false, proposal: ProposalDetails? = nil
  ) {
    self.phoneVerified = phoneVerified
    self.proposal = proposal
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
  }

  /// The same message with surrounding white space trimmed, checked field by field.
  ///
  /// Every problem is reported at once, each naming its field, so a form or an API client can
  /// show them all.
  public func validated() throws(ValidationError) -> NewMessage {
    var copy = self
    copy.title = title.trimmedOfWhitespace
    copy.body = body.trimmedOfWhitespace
    copy.contact.name = contact.name.trimmedOfWhitespace
    copy.contact.phone = contact.phone.trimmedOfWhitespace
    // A mobile number is kept as its 11 digits, however it was typed, so that 我的留言 finds it.
    if let mobile = PhoneNumber.mobile(copy.contact.phone) { copy.contact.phone = mobile }
    copy.contact.email = contact.email?.trimmedOfWhitespace
    if copy.contact.email?.isEmpty == true { copy.contact.email = nil }
    if var location = copy.location {
      location.address = location.address?.trimmedOfWhitespace
      if location.address?.isEmpty == true { location.address = nil }
      location.addressID = location.addressID?.trimmedOfWhitespace
      if location.addressID?.isEmpty == true { location.addressID = nil }
      copy.location = location
    }

    var problems: [ValidationError.Problem] = []
    func check(_ ok: Bool, _ field: String, _ reason: ValidationError.Reason) {
      if !ok { problems.append(.init(field: field, reason: reason)) }
    }
    check(!copy.title.isEmpty, "title", .missing)
    check(copy.title.hasAtMost(Self.maxTitleLength), "title", .tooLong(max: Self.maxTitleLength))
    check(!copy.body.isEmpty, "body", .missing)
    check(copy.body.hasAtMost(Self.maxBodyLength), "body", .tooLong(max: Self.maxBodyLength))
    check(!copy.contact.name.isEmpty, "contact.name", .missing)
    check(copy.contact.name.hasAtMost(50), "contact.name", .tooLong(max: 50))
    check(
      !copy.contact.phone.isEmpty || copy.channel.reachesAuthorWithoutPhone(email: copy.contact.email), "contact.phone",
      .missing)
    check(
      copy.contact.phone.isEmpty || PhoneNumber.isPlausible(copy.contact.phone), "contact.phone",
      .invalid(LocalizedText("error_phone_format")))
    if let email = copy.contact.email {
      check(email.count <= 254 && email.contains("@"), "contact.email", .invalid(LocalizedText("error_email_format")))
    }
    if let location = copy.location {
      check(location.address?.hasAtMost(200) ?? true, "location.address", .tooLong(max: 200))
      check(location.addressID?.hasAtMost(100) ?? true, "location.address_id", .tooLong(max: 100))
      check(
        (location.latitude == nil) == (location.longitude == nil), "location",
        .invalid(LocalizedText("error_coordinates_pair")))
      if let lat = location.latitude {
        check(
          lat.isFinite && (-90...90).contains(lat), "location.latitude", .invalid(LocalizedText("error_latitude_range"))
        )
      }
      if let lon = location.longitude {
        check(
          lon.isFinite && (-180...180).contains(lon), "location.longitude",
          .invalid(LocalizedText("error_longitude_range")))
      }
    }
    for (field, text) in [("title", copy.title), ("body", copy.body), ("contact.name", copy.contact.name)]
    where text.hasControlCharacter {
      problems.append(.init(field: field, reason: .invalid(LocalizedText("error_control_characters"))))
    }
    if let proposal = copy.proposal {
      let (checked, found) = proposal.validated()
      copy.proposal = checked
      problems += found
      check(copy.type == .suggestion, "type", .invalid(LocalizedText("error_proposal_type")))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return copy
  }
}

extension Channel {
  /// Whether a message of the channel may come without a telephone number: a partner app (Open311)
  /// or a letter to the mailbox with an email address to answer, a social-media comment (its
  /// author is known by the handle) and a record imported from another board (whose export may
  /// leave contact details out).
  func reachesAuthorWithoutPhone(email: String?) -> Bool {
    switch self {
    case .app, .mailbox: email != nil
    case .social, .imported, .referral: true
    case .web, .api, .hotline: false
    }
  }
}

/// Telephone numbers as citizens type them.
public enum PhoneNumber {
  /// True for a mainland mobile number (11 digits starting with 1) or a landline or service
  /// number of 7 to 20 digits, optionally with `+`, spaces or hyphens.
  public static func isPlausible(_ text: String) -> Bool {
    var digits = 0
    for (offset, byte) in text.utf8.enumerated() {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
      case UInt8(ascii: "-"), UInt8(ascii: " "): continue
      case UInt8(ascii: "+") where offset == 0: continue
      default: return false
      }
    }
    return (7...20).contains(digits)
  }

  /// A mainland mobile number as 11 digits (`+86`, spaces and hyphens removed), or nil when the
  /// text is not one. Only mobile numbers can receive a one-time code.
  public static func mobile(_ text: String) -> String? {
    guard isPlausible(text) else { return nil }
    var digits = text.utf8.filter { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    if digits.count == 13, digits.starts(with: "86".utf8) { digits.removeFirst(2) }
    guard digits.count == 11, digits[0] == UInt8(ascii: "1"),
      (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(digits[1])
    else { return nil }
    return String(decoding: digits, as: UTF8.self)
  }
}

/// Input that breaks a rule; lists every problem with the field it belongs to.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Why a field was refused.
  public enum Reason: Sendable, Equatable {
    case missing
    case tooLong(max: Int)
    case invalid(LocalizedText)
    case unknownReference
  }

  /// One refused field.
  public struct Problem: Sendable, Equatable {
    public var field: String
    public var reason: Reason

    public init(field: String, reason: Reason) {
      self.field = field
      self.reason = reason
    }

    /// The problem in Chinese, the platform's own language.
    public var message: String { text.chinese }

    /// The problem as a catalogue text, for any language.
    public var text: LocalizedText {
      switch reason {
      case .missing: LocalizedText("error_missing")
      case .tooLong(let max): LocalizedText("error_too_long", ["max": .number(max)])
      case .invalid(let why): why
      case .unknownReference: LocalizedText("error_unknown_reference")
      }
    }
  }

  public var problems: [Problem]

  public var description: String {
    problems.map { "\($0.field): \($0.message)" }.joined(separator: "；")
  }

  public init(problems: [Problem]) {
    self.problems = problems
  }

  /// A single problem.
  public init(field: String, reason: Reason) {
    self.problems = [.init(field: field, reason: reason)]
  }
}
