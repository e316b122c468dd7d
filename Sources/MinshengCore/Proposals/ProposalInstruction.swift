import Foundation

/// 领导批示 on a suggestion: a leader's instruction (推动采纳, 研究落实 …) as the suggestions office
/// records it. The leader's title and the day are public, with the office's public summary when it
/// gives one; the instruction's own words go to the units only.
public struct ProposalInstruction: Sendable, Equatable, Identifiable {
  public var id: UUID
  public var messageID: UUID
  /// Who gave it, as the office writes it: 市政府分管副市长, 市委常委、秘书长 ….
  public var leader: String
  public var givenOn: LocalDate
  /// The instruction's words, for the units.
  public var text: String
  /// What the public reads of it; nil for the leader and the day only.
  public var publicSummary: String?
  /// The staff member who recorded it.
  public var recordedBy: String
  public var createdAt: Date

  public init(
    id: UUID, messageID: UUID, leader: String, givenOn: LocalDate, text: String, publicSummary: String?,
    recordedBy: String, createdAt: Date
  ) {
    self.id = id
    self.messageID = messageID
    self.leader = leader
    self.givenOn = givenOn
    self.text = text
    self.publicSummary = publicSummary
    self.recordedBy = recordedBy
    self.createdAt = createdAt
  }
}

/// A 批示 as the office enters it; `validated(today:)` reports every problem at once.
public struct NewProposalInstruction: Sendable, Equatable {
  public var leader: String
  public var givenOn: LocalDate?
  public var text: String
  public var publicSummary: String

  public init(leader: String, givenOn: LocalDate?, text: String, publicSummary: String = "") {
    self.leader = leader
    self.givenOn = givenOn
    self.text = text
    self.publicSummary = publicSummary
  }

  public func validated(today: LocalDate) throws(ValidationError) -> NewProposalInstruction {
    var copy = self
    copy.leader = leader.trimmedOfWhitespace
    copy.text = text.trimmedOfWhitespace
    copy.publicSummary = publicSummary.trimmedOfWhitespace
    var problems: [ValidationError.Problem] = []
    if copy.leader.isEmpty { problems.append(.init(field: "leader", reason: .missing)) }
    if copy.text.isEmpty { problems.append(.init(field: "text", reason: .missing)) }
    for (field, value, limit) in [
      ("leader", copy.leader, 60), ("text", copy.text, 2_000), ("public_summary", copy.publicSummary, 500),
    ] {
      if !value.hasAtMost(limit) { problems.append(.init(field: field, reason: .tooLong(max: limit))) }
      if value.hasControlCharacter {
        problems.append(.init(field: field, reason: .invalid(LocalizedText("error_control_characters"))))
      }
    }
    if let day = copy.givenOn {
      if day > today { problems.append(.init(field: "given_on", reason: .invalid(LocalizedText("error_date_future")))) }
    } else {
      problems.append(.init(field: "given_on", reason: .missing))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return copy
  }
}
