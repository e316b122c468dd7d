import Foundation

/// 专家评审: a member of a suggestion's panel — staff the office named for their knowledge — and the
/// opinion they gave. The panel advises; the evaluating unit decides the outcome with its opinions
/// before it.
public struct ProposalReview: Sendable, Equatable {
  public var messageID: UUID
  /// The staff account named.
  public var username: String
  public var namedBy: String
  public var namedAt: Date
  public var outcome: ProposalOutcome?
  public var opinion: String?
  public var reviewedAt: Date?

  public init(
    messageID: UUID, username: String, namedBy: String, namedAt: Date, outcome: ProposalOutcome? = nil,
    opinion: String? = nil, reviewedAt: Date? = nil
  ) {
    self.messageID = messageID
    self.username = username
    self.namedBy = namedBy
    self.namedAt = namedAt
    self.outcome = outcome
    self.opinion = opinion
    self.reviewedAt = reviewedAt
  }

  /// The most members one suggestion's panel may have.
  public static let maxPanel = 9
  public static let maxOpinionLength = 2_000

  /// The usernames as the office types them (separated by spaces, commas or 、), each once.
  public static func usernames(_ typed: String) -> [String] {
    var seen: Set<String> = []
    return typed.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == "，" || $0 == "、" || $0 == ";" })
      .map(String.init).filter { seen.insert($0).inserted }
  }
}
