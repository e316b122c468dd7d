import Foundation
import MinshengCore

/// A suggestion as the public reads it: the message's public projection, the details masked.
public struct PublicProposal: Sendable, Equatable {
  public var message: PublicCase
  public var proposal: Proposal
  public var stage: ProposalStage
  /// Where it stands in the suggestion's workflow (`ProposalWorkflow`).
  public var state: ProposalState
}

extension ReferenceChange {
  static func campaign(_ campaign: Campaign) -> ReferenceChange {
    ReferenceChange(
      entity: "campaign", id: campaign.id,
      after: [
        "title": campaign.title, "opens_on": campaign.opensOn.description,
        "closes_on": campaign.closesOn?.description ?? "",
        "support_threshold": campaign.supportThreshold.map(String.init) ?? "",
        "units": campaign.unitIDs.map(\.uuidString).joined(separator: ","),
      ])
  }
}

extension Store {
  // MARK: Campaigns

  /// 发起征集: opens a campaign; the units must exist. Recorded in the reference changes.
  public func createCampaign(_ input: NewCampaign, by actor: String, at now: Date) async throws -> Campaign {
    let new = try input.validated()
    let snapshot = try await snapshot()
    if new.unitIDs.contains(where: { snapshot.units[$0] == nil }) {
      throw ValidationError(field: "units", reason: .unknownReference)
    }
    _ = try await screen([("title", new.title), ("description", new.description)])
    guard let opensOn = new.opensOn else { throw ValidationError(field: "opens_on", reason: .missing) }
    let campaign = Campaign(
      id: ids.newID(), title: new.title, description: new.description, opensOn: opensOn, closesOn: new.closesOn,
      supportThreshold: new.supportThreshold, unitIDs: new.unitIDs, createdAt: now)
    try await reference.insert(
      ReferenceRow(
        table: .proposalCampaigns,
        values: [
          ("id", .uuid(campaign.id)), ("title", .text(campaign.title)), ("description", .text(campaign.description)),
          ("opens_on", .text(opensOn.description)), ("closes_on", .optional(campaign.closesOn?.description)),
          ("support_threshold", campaign.supportThreshold.map { .integer(Int64($0)) } ?? .null),
          ("unit_ids", .text(campaign.unitIDs.map(\.uuidString).joined(separator: ","))),
          ("is_general", .bool(false)), ("created_at", .date(now)),
        ], duplicate: nil),
      change: changeEntry(.campaign(campaign), "create", by: actor, at: now))
    return campaign
  }

  /// Every campaign: the general one first, then the newest.
  public func campaigns() async throws -> [Campaign] {
    try await search.runner.all(
      SQLFragment("SELECT * FROM proposal_campaigns ORDER BY is_general DESC, created_at DESC"), as: CampaignRow.self
    ).compactMap(\.core)
  }

  public func campaign(_ id: UUID) async throws -> Campaign? {
    try await search.runner.all(
      SQLFragment("SELECT * FROM proposal_campaigns WHERE id = ?", [.uuid(id)]), as: CampaignRow.self
    ).first?.core
  }

  /// The rows a new suggestion writes with its message: its campaign must exist and be open today.
  func proposalStatements(_ details: ProposalDetails?, of messageID: UUID, at now: Date) async throws -> [SQLFragment] {
    guard let details else { return [] }
    let campaignID = details.campaignID ?? Campaign.generalID
    guard let campaign = try await campaign(campaignID) else {
      throw ValidationError(field: "campaign", reason: .unknownReference)
    }
    guard campaign.phase(on: rules.calendar.day(of: now)) == .open else {
      throw ValidationError(field: "campaign", reason: .invalid(LocalizedText("error_campaign_not_open")))
    }
    return [
      Self.proposalInsert(
        messageID, campaign: campaignID, details.proposal, details.benefit, awardName: details.awardName, at: now)
    ]
  }

  static func proposalInsert(
    _ messageID: UUID, campaign: UUID, _ proposal: String, _ benefit: String, awardName: AwardName = .masked,
    at now: Date
  ) -> SQLFragment {
    SQLFragment(
      """
      INSERT INTO proposals (message_id, campaign_id, proposal, benefit, supports, created_at, award_name)
      VALUES (?, ?, ?, ?, 0, ?, ?)
      """,
      [.uuid(messageID), .uuid(campaign), .text(proposal), .text(benefit), .date(now), .text(awardName.rawValue)])
  }

  // MARK: Suggestions

  public func proposal(_ messageID: UUID) async throws -> Proposal? {
    try await search.runner.all(
      SQLFragment("SELECT * FROM proposals WHERE message_id = ?", [.uuid(messageID)]), as: ProposalRow.self
    ).first?.core
  }

  /// The public suggestions of a campaign (or of all), newest first, at a stage or all; `before` pages.
  public func publicProposals(
    campaign: UUID? = nil, stage: ProposalStage? = nil, before: Date? = nil, limit: Int = 20
  ) async throws -> [PublicProposal] {
    var conditions = [SQLFragment("m.is_public = ? AND m.publication = 'published'", [.bool(true)])]
    conditions.append(SQLFragment("(m.closure IS NULL OR m.closure NOT IN ('invalid', 'merged', 'withdrawn'))"))
    if let campaign { conditions.append(SQLFragment("p.campaign_id = ?", [.uuid(campaign)])) }
    if let before { conditions.append(SQLFragment("p.created_at < ?", [.date(before)])) }
    switch stage {
    case .collecting?: conditions.append(SQLFragment("p.outcome IS NULL AND m.status = 'received'"))
    case .evaluating?: conditions.append(SQLFragment("p.outcome IS NULL AND m.status <> 'received'"))
    case .answered?: conditions.append(SQLFragment("p.outcome IN ('reference', 'declined')"))
    case .adopted?: conditions.append(SQLFragment("p.outcome IN ('adopted', 'partly_adopted')"))
    case nil: break
    }
    return try await proposalsWithMessages(
      SQLFragment("SELECT p.* FROM proposals p JOIN messages m ON m.id = p.message_id") + .where(conditions)
        + SQLFragment(" ORDER BY p.created_at DESC LIMIT ?", [.integer(Int64(max(1, min(limit, 100))))])
    ).map { publicProposal($0.message, $0.proposal) }
  }

  /// The suggestions a statement selects (`SELECT p.* FROM proposals p …`), in its order, each with
  /// its message.
  private func proposalsWithMessages(
    _ statement: SQLFragment
  ) async throws -> [(message: Message, proposal: Proposal)] {
    let rows = try await search.runner.all(statement, as: ProposalRow.self)
    guard !rows.isEmpty else { return [] }
    let messages = try await search.runner.messages(
      SQLFragment("SELECT * FROM messages WHERE id IN (") + .list(rows.map { .uuid($0.message_id) }) + SQLFragment(")"))
    let byID = Dictionary(uniqueKeysWithValues: messages.map { ($0.id, $0) })
    return rows.compactMap { row in
      guard let message = byID[row.message_id], let proposal = row.core else { return nil }
      return (message, proposal)
    }
  }

  /// The public view of a suggestion: masked as the message is.
  public func publicProposal(_ message: Message, _ proposal: Proposal) -> PublicProposal {
    var masked = proposal
    masked.proposal = PrivacyMask.mask(proposal.publicProposal ?? proposal.proposal)
    masked.benefit = PrivacyMask.mask(proposal.publicBenefit ?? proposal.benefit)
    masked.outcomeReason = proposal.outcomeReason.map(PrivacyMask.mask)
    return PublicProposal(
      message: PublicCase.of(message, nameStyle: publicNameStyle), proposal: masked, stage: proposal.stage(of: message),
      state: ProposalWorkflow.state(of: message, proposal))
  }

  /// 建议征集 in the pool: the suggestions still waiting for a dispatching office (every office's when
  /// nil) to send them to a unit, the most supported first, then the oldest.
  public func waitingProposals(
    dispatchedBy office: UUID?, limit: Int = 20, offset: Int = 0
  ) async throws -> [(message: Message, proposal: Proposal)] {
    try await proposalsWithMessages(
      SQLFragment("SELECT p.* FROM proposals p") + Self.waitingCondition(office)
        + SQLFragment(
          " ORDER BY p.supports DESC, p.created_at LIMIT ? OFFSET ?",
          [.integer(Int64(max(1, min(limit, 200)))), .integer(Int64(max(0, offset)))]))
  }

  public func waitingProposalCount(dispatchedBy office: UUID?) async throws -> Int {
    try await search.runner.integer(
      SQLFragment("SELECT COUNT(*) FROM proposals p") + Self.waitingCondition(office))
  }

  /// The suggestions not yet answered whose message still waits in the pool: read from the
  /// suggestions, each message looked up by its key (the pool's received messages are many more
  /// than the suggestions among them).
  private static func waitingCondition(_ office: UUID?) -> SQLFragment {
    var inner = [SQLFragment("m.id = p.message_id"), SQLFragment("m.status = 'received'")]
    if let office { inner.append(SQLFragment("m.dispatching_unit_id = ?", [.uuid(office)])) }
    return SQLFragment(" WHERE p.outcome IS NULL AND EXISTS (SELECT 1 FROM messages m")
      + .where(inner) + SQLFragment(")")
  }

  /// How many public suggestions each campaign has, and how many were adopted.
  public func campaignCounts() async throws -> [UUID: (total: Int, adopted: Int)] {
    let rows = try await search.runner.all(
      SQLFragment(
        """
        SELECT p.campaign_id AS campaign_id, COUNT(*) AS total,
          SUM(CASE WHEN p.outcome IN ('adopted', 'partly_adopted') THEN 1 ELSE 0 END) AS adopted
        FROM proposals p JOIN messages m ON m.id = p.message_id
        WHERE m.is_public = ? AND m.publication = 'published' GROUP BY p.campaign_id
        """, [.bool(true)]), as: CampaignCountRow.self)
    return Dictionary(uniqueKeysWithValues: rows.map { ($0.campaign_id, ($0.total, $0.adopted ?? 0)) })
  }
}

struct CampaignRow: Decodable, Sendable {
  var id: UUID
  var title: String
  var description: String
  var opens_on: String
  var closes_on: String?
  var support_threshold: Int?
  var unit_ids: String
  var is_general: Bool
  var created_at: Date

  var core: Campaign? {
    guard let opens = LocalDate(opens_on) else { return nil }
    return Campaign(
      id: id, title: title, description: description, opensOn: opens, closesOn: closes_on.flatMap(LocalDate.init),
      supportThreshold: support_threshold,
      unitIDs: unit_ids.split(separator: ",").compactMap { UUID(uuidString: String($0)) },
      isGeneral: is_general, createdAt: created_at)
  }
}

struct ProposalRow: Decodable, Sendable {
  var message_id: UUID
  var campaign_id: UUID
  var proposal: String
  var benefit: String
  var supports: Int
  var threshold_reached_at: Date?
  var outcome: String?
  var outcome_reason: String?
  var evaluated_at: Date?
  var evaluated_by: UUID?
  var created_at: Date
  var award_name: String?
  var public_proposal: String?
  var public_benefit: String?
  var implemented_at: Date?

  var core: Proposal? {
    let parsed = outcome.flatMap(ProposalOutcome.init(rawValue:))
    if outcome != nil, parsed == nil { return nil }
    var core = Proposal(
      messageID: message_id, campaignID: campaign_id, proposal: proposal, benefit: benefit, supports: supports,
      thresholdReachedAt: threshold_reached_at, outcome: parsed, outcomeReason: outcome_reason,
      evaluatedAt: evaluated_at, evaluatedBy: evaluated_by, createdAt: created_at,
      awardName: award_name.flatMap(AwardName.init(rawValue:)) ?? .masked)
    core.publicProposal = public_proposal
    core.publicBenefit = public_benefit
    core.implementedAt = implemented_at
    return core
  }
}

private struct CampaignCountRow: Decodable, Sendable {
  var campaign_id: UUID
  var total: Int
  var adopted: Int?
}
