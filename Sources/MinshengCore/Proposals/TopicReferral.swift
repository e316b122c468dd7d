import Foundation

/// 热点转办: the supervision office turns a hot topic (a cluster of messages on the same matter) into a
/// suggestion that it refers to a unit for evaluation — the problem as the messages tell it, what the
/// office proposes, the unit, and the messages it came from.
public struct TopicReferral: Sendable, Equatable {
  public var title: String
  /// The problem, as the cluster's messages tell it.
  public var problem: String
  /// What the office proposes the unit should study or do.
  public var proposal: String
  public var unitID: UUID?
  /// The campaign; nil for the general one.
  public var campaignID: UUID?
  /// The messages of the topic it came from, at most `maxSources`.
  public var sourceIDs: [UUID]
  /// Whether the public may read it.
  public var isPublic: Bool

  public init(
    title: String, problem: String, proposal: String, unitID: UUID?, campaignID: UUID? = nil, sourceIDs: [UUID] = [],
    isPublic: Bool = false
  ) {
    self.title = title
    self.problem = problem
    self.proposal = proposal
    self.unitID = unitID
    self.campaignID = campaignID
    self.sourceIDs = sourceIDs
    self.isPublic = isPublic
  }

  public static let maxSources = 20

  /// Trimmed and checked; every problem named by its field.
  public func validated() throws(ValidationError) -> TopicReferral {
    var copy = self
    copy.title = title.trimmedOfWhitespace
    copy.problem = problem.trimmedOfWhitespace
    copy.proposal = proposal.trimmedOfWhitespace
    var seen: Set<UUID> = []
    copy.sourceIDs = sourceIDs.filter { seen.insert($0).inserted }
    var problems: [ValidationError.Problem] = []
    for (field, text, limit) in [
      ("title", copy.title, NewMessage.maxTitleLength), ("body", copy.problem, NewMessage.maxBodyLength),
      ("proposal", copy.proposal, ProposalDetails.maxProposalLength),
    ] {
      if text.isEmpty { problems.append(.init(field: field, reason: .missing)) }
      if !text.hasAtMost(limit) { problems.append(.init(field: field, reason: .tooLong(max: limit))) }
      if text.hasControlCharacter {
        problems.append(.init(field: field, reason: .invalid(LocalizedText("error_control_characters"))))
      }
    }
    if copy.unitID == nil { problems.append(.init(field: "unit", reason: .missing)) }
    if copy.sourceIDs.count > Self.maxSources {
      problems.append(.init(field: "sources", reason: .tooLong(max: Self.maxSources)))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return copy
  }
}
