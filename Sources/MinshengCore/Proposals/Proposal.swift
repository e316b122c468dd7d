import Foundation

/// 人民建议: what a suggestion adds to the message that carries it (a message of type 建议): the
/// campaign it answers, the proposal itself and the benefit expected. The message's title and body
/// are the suggestion's title and the problem it addresses.
public struct ProposalDetails: Sendable, Equatable {
  /// The campaign; nil for the general one (常年征集).
  public var campaignID: UUID?
  public var proposal: String
  public var benefit: String
  /// How the author is named on a published award list, as the author chose.
  public var awardName: AwardName

  public init(campaignID: UUID? = nil, proposal: String, benefit: String = "", awardName: AwardName = .masked) {
    self.campaignID = campaignID
    self.proposal = proposal
    self.benefit = benefit
    self.awardName = awardName
  }

  public static let maxProposalLength = 4_000
  public static let maxBenefitLength = 1_000

  /// Trimmed and checked; every problem named by its field.
  public func validated() -> (ProposalDetails, [ValidationError.Problem]) {
    var copy = self
    copy.proposal = proposal.trimmedOfWhitespace
    copy.benefit = benefit.trimmedOfWhitespace
    var problems: [ValidationError.Problem] = []
    if copy.proposal.isEmpty { problems.append(.init(field: "proposal", reason: .missing)) }
    if !copy.proposal.hasAtMost(Self.maxProposalLength) {
      problems.append(.init(field: "proposal", reason: .tooLong(max: Self.maxProposalLength)))
    }
    if !copy.benefit.hasAtMost(Self.maxBenefitLength) {
      problems.append(.init(field: "benefit", reason: .tooLong(max: Self.maxBenefitLength)))
    }
    for (field, text) in [("proposal", copy.proposal), ("benefit", copy.benefit)] where text.hasControlCharacter {
      problems.append(.init(field: field, reason: .invalid(LocalizedText("error_control_characters"))))
    }
    return (copy, problems)
  }
}

/// 评估结论: what the evaluating unit decided about a suggestion, published with its reason.
public enum ProposalOutcome: String, Sendable, Codable, CaseIterable, Named {
  public var nameKey: String { "proposal_outcome_" + rawValue }

  /// 采纳
  case adopted
  /// 部分采纳
  case partlyAdopted = "partly_adopted"
  /// 留作参考
  case reference
  /// 暂不采纳
  case declined

  /// Whether the suggestion is taken up, so that its adoption (转化运用) can be recorded.
  public var isAdoption: Bool { self == .adopted || self == .partlyAdopted }
}

/// Where a suggestion stands, as the public lists filter it.
public enum ProposalStage: String, Sendable, CaseIterable, Named {
  public var nameKey: String { "proposal_stage_" + rawValue }

  /// Collecting supports: not yet with an evaluating unit.
  case collecting
  /// With a unit that evaluates it.
  case evaluating
  /// Evaluated: 留作参考 or 暂不采纳.
  case answered
  /// 采纳 or 部分采纳.
  case adopted
}

/// A suggestion as stored: its message's id and what the programme adds to it.
/// 获奖署名: how the author of an awarded suggestion is named on the public award list — the author's
/// choice when writing it. Every other public page shortens the name whatever the choice.
public enum AwardName: String, Sendable, Equatable, CaseIterable, Codable {
  /// 顾女士 / 陈***, as on every public page (the default).
  case masked
  /// The name as the author gave it: an award is an honour some want under their own name.
  case fullName = "full_name"
  /// 网友: no name at all.
  case anonymous

  /// The name the award list shows for an author named `name`.
  public func shown(_ name: String) -> String {
    switch self {
    case .masked: PrivacyMask.displayName(name)
    case .fullName: name.trimmedOfWhitespace.isEmpty ? PrivacyMask.displayName(name) : name.trimmedOfWhitespace
    case .anonymous: LocalizedText("privacy_anonymous").chinese
    }
  }
}

public struct Proposal: Sendable, Equatable {
  public var messageID: UUID
  public var campaignID: UUID
  public var proposal: String
  public var benefit: String
  /// 附议: how many verified citizens support it.
  public var supports: Int
  /// When the supports reached the campaign's threshold.
  public var thresholdReachedAt: Date?
  public var outcome: ProposalOutcome?
  /// The public reason of the outcome.
  public var outcomeReason: String?
  public var evaluatedAt: Date?
  /// The unit that evaluated it.
  public var evaluatedBy: UUID?
  /// When it became a suggestion: when it was written, or when a 建议 message was made one.
  public var createdAt: Date
  /// How the author is to be named if it is awarded.
  public var awardName: AwardName = .masked
  /// A moderator's redaction of the proposal and the benefit, as the public reads them; nil for the
  /// author's text (which the units always read).
  public var publicProposal: String?
  public var publicBenefit: String?
  /// When an adoption step reached 100% (已落实).
  public var implementedAt: Date?

  public init(
    messageID: UUID, campaignID: UUID, proposal: String, benefit: String, supports: Int = 0,
    thresholdReachedAt: Date? = nil, outcome: ProposalOutcome? = nil, outcomeReason: String? = nil,
    evaluatedAt: Date? = nil, evaluatedBy: UUID? = nil, createdAt: Date, awardName: AwardName = .masked
  ) {
    self.awardName = awardName
    self.createdAt = createdAt
    self.messageID = messageID
    self.campaignID = campaignID
    self.proposal = proposal
    self.benefit = benefit
    self.supports = supports
    self.thresholdReachedAt = thresholdReachedAt
    self.outcome = outcome
    self.outcomeReason = outcomeReason
    self.evaluatedAt = evaluatedAt
    self.evaluatedBy = evaluatedBy
  }

  /// The stage, from the outcome and the message's status.
  public func stage(of message: Message) -> ProposalStage {
    if let outcome { return outcome.isAdoption ? .adopted : .answered }
    return message.status == .received ? .collecting : .evaluating
  }
}

/// 转化运用: one step of turning an adopted suggestion into policy — the measure taken, the document
/// that carries it (title, number, date, link) and how far it has come.
public struct Adoption: Sendable, Equatable, Identifiable {
  public var id: UUID
  public var messageID: UUID
  public var unitID: UUID?
  public var measure: String
  public var documentTitle: String?
  public var documentNumber: String?
  public var documentDate: LocalDate?
  public var link: String?
  /// How far the measure has come, 0 to 100.
  public var progress: Int
  public var createdAt: Date

  public init(
    id: UUID, messageID: UUID, unitID: UUID?, measure: String, documentTitle: String? = nil,
    documentNumber: String? = nil, documentDate: LocalDate? = nil, link: String? = nil, progress: Int,
    createdAt: Date
  ) {
    self.id = id
    self.messageID = messageID
    self.unitID = unitID
    self.measure = measure
    self.documentTitle = documentTitle
    self.documentNumber = documentNumber
    self.documentDate = documentDate
    self.link = link
    self.progress = progress
    self.createdAt = createdAt
  }
}

/// An adoption step as a unit enters it.
public struct NewAdoption: Sendable, Equatable {
  public var measure: String
  public var documentTitle: String
  public var documentNumber: String
  public var documentDate: LocalDate?
  public var link: String
  public var progress: Int?

  public init(
    measure: String, documentTitle: String = "", documentNumber: String = "", documentDate: LocalDate? = nil,
    link: String = "", progress: Int?
  ) {
    self.measure = measure
    self.documentTitle = documentTitle
    self.documentNumber = documentNumber
    self.documentDate = documentDate
    self.link = link
    self.progress = progress
  }

  public func validated() throws(ValidationError) -> NewAdoption {
    var copy = self
    copy.measure = measure.trimmedOfWhitespace
    copy.documentTitle = documentTitle.trimmedOfWhitespace
    copy.documentNumber = documentNumber.trimmedOfWhitespace
    copy.link = link.trimmedOfWhitespace
    var problems: [ValidationError.Problem] = []
    if copy.measure.isEmpty { problems.append(.init(field: "measure", reason: .missing)) }
    for (field, text, limit) in [
      ("measure", copy.measure, 2_000), ("document_title", copy.documentTitle, 200),
      ("document_number", copy.documentNumber, 100), ("link", copy.link, 500),
    ] {
      if !text.hasAtMost(limit) { problems.append(.init(field: field, reason: .tooLong(max: limit))) }
      if text.hasControlCharacter {
        problems.append(.init(field: field, reason: .invalid(LocalizedText("error_control_characters"))))
      }
    }
    if !copy.link.isEmpty {
      let scheme = URL(string: copy.link)?.scheme?.lowercased()
      if scheme != "http" && scheme != "https" {
        problems.append(.init(field: "link", reason: .invalid(LocalizedText("error_adoption_link"))))
      }
    }
    if let progress = copy.progress {
      if !(0...100).contains(progress) {
        problems.append(.init(field: "progress", reason: .invalid(LocalizedText("error_adoption_progress"))))
      }
    } else {
      problems.append(.init(field: "progress", reason: .missing))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return copy
  }
}
