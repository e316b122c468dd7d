import Foundation

/// 征集活动: a topic on which the suggestions office asks for the public's suggestions, open for a
/// period, with the units that evaluate what comes in and an optional number of supports (附议) at
/// which a suggestion goes to evaluation by itself. One campaign, the general one (常年征集), is
/// always open and takes every suggestion that names no campaign.
public struct Campaign: Sendable, Equatable, Identifiable {
  public var id: UUID
  public var title: String
  public var description: String
  public var opensOn: LocalDate
  /// The last day suggestions are taken; nil for a campaign without an end.
  public var closesOn: LocalDate?
  /// The supports at which a suggestion goes to evaluation by itself; nil when only the office sends them.
  public var supportThreshold: Int?
  /// The units that evaluate the campaign's suggestions, the first taking those sent by the threshold.
  public var unitIDs: [UUID]
  public var isGeneral: Bool
  public var createdAt: Date

  public init(
    id: UUID, title: String, description: String, opensOn: LocalDate, closesOn: LocalDate? = nil,
    supportThreshold: Int? = nil, unitIDs: [UUID] = [], isGeneral: Bool = false, createdAt: Date
  ) {
    self.id = id
    self.title = title
    self.description = description
    self.opensOn = opensOn
    self.closesOn = closesOn
    self.supportThreshold = supportThreshold
    self.unitIDs = unitIDs
    self.isGeneral = isGeneral
    self.createdAt = createdAt
  }

  /// The general campaign's fixed id, made by the migration that made campaigns.
  public static let generalID = UUID(uuidString: "00000000-0000-4000-8000-00000000c0de")!

  /// Where the campaign stands on a day.
  public enum Phase: String, Sendable, CaseIterable, Named {
    public var nameKey: String { "campaign_phase_" + rawValue }
    case upcoming
    case open
    case closed
  }

  public func phase(on day: LocalDate) -> Phase {
    if day < opensOn { return .upcoming }
    if let closesOn, day > closesOn { return .closed }
    return .open
  }

  /// Whether supports on this many citizens send a suggestion to evaluation.
  public func reachesThreshold(_ supports: Int) -> Bool {
    guard let supportThreshold else { return false }
    return supports >= supportThreshold
  }
}

/// A campaign as the office enters it; `validated()` reports every problem at once.
public struct NewCampaign: Sendable, Equatable {
  public var title: String
  public var description: String
  public var opensOn: LocalDate?
  public var closesOn: LocalDate?
  public var supportThreshold: Int?
  public var unitIDs: [UUID]

  public init(
    title: String, description: String, opensOn: LocalDate?, closesOn: LocalDate? = nil, supportThreshold: Int? = nil,
    unitIDs: [UUID] = []
  ) {
    self.title = title
    self.description = description
    self.opensOn = opensOn
    self.closesOn = closesOn
    self.supportThreshold = supportThreshold
    self.unitIDs = unitIDs
  }

  /// The largest support threshold a campaign may set.
  public static let maxThreshold = 1_000_000

  public func validated() throws(ValidationError) -> NewCampaign {
    var copy = self
    copy.title = title.trimmedOfWhitespace
    copy.description = description.trimmedOfWhitespace
    var seen: Set<UUID> = []
    copy.unitIDs = unitIDs.filter { seen.insert($0).inserted }
    var problems: [ValidationError.Problem] = []
    if copy.title.isEmpty { problems.append(.init(field: "title", reason: .missing)) }
    if !copy.title.hasAtMost(100) { problems.append(.init(field: "title", reason: .tooLong(max: 100))) }
    if copy.description.isEmpty { problems.append(.init(field: "description", reason: .missing)) }
    if !copy.description.hasAtMost(4_000) {
      problems.append(.init(field: "description", reason: .tooLong(max: 4_000)))
    }
    for (field, text) in [("title", copy.title), ("description", copy.description)] where text.hasControlCharacter {
      problems.append(.init(field: field, reason: .invalid(LocalizedText("error_control_characters"))))
    }
    if copy.opensOn == nil { problems.append(.init(field: "opens_on", reason: .missing)) }
    if let opens = copy.opensOn, let closes = copy.closesOn, closes < opens {
      problems.append(.init(field: "closes_on", reason: .invalid(LocalizedText("error_campaign_closes_before"))))
    }
    if let threshold = copy.supportThreshold, !(1...Self.maxThreshold).contains(threshold) {
      problems.append(
        .init(
          field: "support_threshold",
          reason: .invalid(LocalizedText("error_campaign_threshold", ["max": .number(Self.maxThreshold)]))))
    }
    if copy.unitIDs.count > 20 { problems.append(.init(field: "units", reason: .tooLong(max: 20))) }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return copy
  }
}
