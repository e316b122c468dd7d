import Foundation
import MinshengCore

/// The steps of a suggestion besides the workflow's: opening one from a 建议 message, supports,
/// the unit's outcome and the adoption steps. Each is an event in the message's chain, written in one
/// transaction with the rows it changes; `ProposalRules` decides who may take it.
extension Store {
  /// 转为人民建议: makes a 建议 message a suggestion of a campaign (the general one without), its
  /// history kept. The proposal is the dispatcher's summary, or the message's body.
  @discardableResult
  public func openProposal(
    _ messageID: UUID, campaign campaignID: UUID?, proposal text: String?, by actor: Actor, at now: Date
  ) async throws -> Proposal {
    guard let message = try await message(messageID) else { throw StoreError.notFound(.message) }
    if let reason = ProposalRules.mayOpen(actor, message, existing: try await proposal(messageID)) {
      throw StoreError.forbidden(reason)
    }
    let campaignID = campaignID ?? Campaign.generalID
    guard try await campaign(campaignID) != nil else {
      throw ValidationError(field: "campaign", reason: .unknownReference)
    }
    let written = Self.trimmed(text ?? "")
    let (details, problems) = ProposalDetails(
      campaignID: campaignID, proposal: written.isEmpty ? message.body : written
    ).validated()
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    try await recordEvent(
      on: messageID, expectedVersion: message.version, at: now,
      { current in
        EventDraft(
          messageID: messageID, action: .proposalOpened, from: current.status, to: current.status, actor: actor,
          note: nil, visibility: .public, payload: ["campaign": campaignID.uuidString], at: now)
      }, rows: [.statement(Self.proposalInsert(messageID, campaign: campaignID, details.proposal, "", at: now))])
    guard let stored = try await proposal(messageID) else { throw StoreError.notFound(.proposal) }
    return stored
  }

  /// 附议: a citizen whose mobile number is verified supports a suggestion, once. The support that
  /// reaches the campaign's threshold sends a suggestion still in the pool to the campaign's first
  /// evaluating unit (交办 by the platform). Returns the suggestion as it then stands.
  @discardableResult
  public func support(_ messageID: UUID, phone: String, at now: Date) async throws -> Proposal {
    guard let mobile = PhoneNumber.mobile(phone) else {
      throw ValidationError(field: "phone", reason: .invalid(LocalizedText("error_phone_format")))
    }
    let hash = try await counterKey("support", mobile)
    // Every support is an event in the suggestion's chain, so supporters at once take turns: each
    // round at least one commits, and a short random pause spreads the others out.
    for attempt in 0..<Self.supportAttempts {
      guard let message = try await message(messageID), let proposal = try await proposal(messageID) else {
        throw StoreError.notFound(.proposal)
      }
      if let reason = ProposalRules.maySupport(message, proposal) { throw StoreError.forbidden(reason) }
      let already = try await search.runner.integer(
        SQLFragment(
          "SELECT COUNT(*) FROM proposal_supports WHERE message_id = ? AND phone_hash = ?",
          [.uuid(messageID), .text(hash)]))
      if already > 0 { throw StoreError.duplicate(.support, key: "") }
      let campaign = try await campaign(proposal.campaignID)
      let count = proposal.supports + 1
      let reached = proposal.thresholdReachedAt == nil && campaign?.reachesThreshold(count) == true
      var payload = ["supports": String(count)]
      if reached { payload["threshold"] = "reached" }
      do {
        try await recordEvent(
          on: messageID, expectedVersion: message.version, at: now,
          { current in
            EventDraft(
              messageID: messageID, action: .supported, from: current.status, to: current.status,
              actor: Actor(role: .citizen, id: "citizen"), note: nil, visibility: .internal, payload: payload, at: now)
          },
          rows: [
            .statement(
              SQLFragment(
                "INSERT INTO proposal_supports (message_id, phone_hash, created_at) VALUES (?, ?, ?)",
                [.uuid(messageID), .text(hash), .date(now)])),
            .statement(
              SQLFragment(
                "UPDATE proposals SET supports = ?, threshold_reached_at = ? WHERE message_id = ?",
                [
                  .integer(Int64(count)), reached ? .date(now) : .optional(proposal.thresholdReachedAt),
                  .uuid(messageID),
                ])),
          ])
      } catch StoreError.conflict where attempt < Self.supportAttempts - 1 {
        try await Task.sleep(nanoseconds: UInt64.random(in: 1_000_000...8_000_000))
        continue
      }
      if reached || proposal.thresholdReachedAt != nil, let unit = campaign?.unitIDs.first {
        try await sendToEvaluation(messageID, unit: unit, supports: count, at: now)
      }
      guard let updated = try await self.proposal(messageID) else { throw StoreError.notFound(.proposal) }
      return updated
    }
    throw StoreError.conflict(messageID: messageID, expectedVersion: 0, currentVersion: nil)
  }

  /// How many times a support is tried against other supports committing first: enough for a
  /// hundred supporters of one suggestion in the same second.
  static let supportAttempts = 100

  /// 交办 by the platform of a suggestion whose supports reached the threshold, while it is still in
  /// the pool: retried when another support or step commits first; a dispatcher who assigned it
  /// meanwhile decided. (A support after a crash between the two transactions sends it then.)
  private func sendToEvaluation(_ messageID: UUID, unit: UUID, supports: Int, at now: Date) async throws {
    let instruction = LocalizedText("proposal_threshold_assign", ["count": .number(supports)]).chinese
    for _ in 0..<8 {
      guard let message = try await message(messageID), message.status == .received else { return }
      do {
        try await perform(
          .assign(lead: unit, instruction: instruction), on: messageID, by: .system, at: now,
          expectedVersion: message.version)
        return
      } catch StoreError.conflict {
        continue
      }
    }
  }

  /// Whether the number supports the suggestion already.
  public func hasSupported(_ messageID: UUID, phone: String) async throws -> Bool {
    guard let mobile = PhoneNumber.mobile(phone) else { return false }
    let hash = try await counterKey("support", mobile)
    return try await search.runner.integer(
      SQLFragment(
        "SELECT COUNT(*) FROM proposal_supports WHERE message_id = ? AND phone_hash = ?",
        [.uuid(messageID), .text(hash)]
      )) > 0
  }

  /// 评估结论: the evaluating unit's outcome with its public reason, given once.
  @discardableResult
  public func evaluateProposal(
    _ messageID: UUID, outcome: ProposalOutcome, reason: String, by actor: Actor, at now: Date
  ) async throws -> Proposal {
    let reason = Self.trimmed(reason)
    if reason.isEmpty { throw ValidationError(field: "reason", reason: .missing) }
    if reason.count > 2_000 { throw ValidationError(field: "reason", reason: .tooLong(max: 2_000)) }
    guard let message = try await message(messageID), let proposal = try await proposal(messageID) else {
      throw StoreError.notFound(.proposal)
    }
    if let refusal = ProposalRules.mayEvaluate(actor, message, proposal) { throw StoreError.forbidden(refusal) }
    _ = try await screen([("reason", reason)])
    let unit = actor.unitID ?? message.leadUnitID
    let serial = message.serial.description
    // The author hears of the outcome (办理提醒), in the same transaction.
    let notices = try await authorNotices(
      message, text: LocalizedText("sms_proposal_evaluated", ["serial": .plain(serial)]),
      subject: LocalizedText("mail_proposal_evaluated", ["serial": .plain(serial)]), at: now)
    try await recordEvent(
      on: messageID, expectedVersion: message.version, at: now,
      { current in ProposalRules.evaluationEvent(current, outcome: outcome, reason: reason, by: actor, at: now) },
      rows: [
        .statement(
          SQLFragment(
            """
            UPDATE proposals SET outcome = ?, outcome_reason = ?, evaluated_at = ?, evaluated_by = ?
            WHERE message_id = ? AND outcome IS NULL
            """,
            [.text(outcome.rawValue), .text(reason), .date(now), .optional(unit), .uuid(messageID)]))
      ], notices: notices)
    guard let stored = try await self.proposal(messageID) else { throw StoreError.notFound(.proposal) }
    return stored
  }

  /// 转化运用: a step of an adopted suggestion's adoption — the measure, its document, its progress.
  @discardableResult
  public func recordAdoption(
    _ messageID: UUID, _ input: NewAdoption, document file: DocumentFile? = nil, by actor: Actor, at now: Date
  ) async throws -> Adoption {
    let new = try input.validated()
    let fileType = try file?.checked(field: "document_file")
    guard let message = try await message(messageID), let proposal = try await proposal(messageID) else {
      throw StoreError.notFound(.proposal)
    }
    if let refusal = ProposalRules.mayRecordAdoption(actor, message, proposal) { throw StoreError.forbidden(refusal) }
    _ = try await screen([("measure", new.measure), ("document_title", new.documentTitle)])
    let adoption = Adoption(
      id: ids.newID(), messageID: messageID, unitID: proposal.evaluatedBy ?? actor.unitID, measure: new.measure,
      documentTitle: new.documentTitle.isEmpty ? nil : new.documentTitle,
      documentNumber: new.documentNumber.isEmpty ? nil : new.documentNumber, documentDate: new.documentDate,
      link: new.link.isEmpty ? nil : new.link, progress: new.progress ?? 0, createdAt: now)
    let state = ProposalWorkflow.state(of: message, proposal)
    let completes =
      ProposalWorkflow.next(after: .recordAdoption, from: state, progress: adoption.progress) == .implemented
      && state != .implemented
    var payload = ["adoption": adoption.id.uuidString, "progress": String(adoption.progress)]
    if completes { payload["implemented"] = "true" }
    var rows: [SideRow] = []
    if let file, let fileType {
      rows.append(
        .statement(
          Self.documentInsert(file, type: fileType, id: ids.newID(), owner: ("adoption", adoption.id), at: now)))
      payload["document"] = "true"
    }
    if completes {
      rows.append(
        .statement(
          SQLFragment(
            "UPDATE proposals SET implemented_at = ? WHERE message_id = ? AND implemented_at IS NULL",
            [.date(now), .uuid(messageID)])))
    }
    try await recordEvent(
      on: messageID, expectedVersion: message.version, at: now,
      { current in
        EventDraft(
          messageID: messageID, action: .adoptionRecorded, from: current.status, to: current.status, actor: actor,
          note: adoption.measure, visibility: .public, payload: payload, at: now)
      },
      rows: rows + [
        .statement(
          SQLFragment(
            """
            INSERT INTO adoptions (id, message_id, unit_id, measure, document_title, document_number, document_date,
              link, progress, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
              .uuid(adoption.id), .uuid(messageID), .optional(adoption.unitID), .text(adoption.measure),
              .optional(adoption.documentTitle), .optional(adoption.documentNumber),
              .optional(adoption.documentDate?.description), .optional(adoption.link),
              .integer(Int64(adoption.progress)), .date(now),
            ]))
      ])
    return adoption
  }

  /// 领导批示: the office records a leader's instruction on a suggestion. The units read its words;
  /// the public reads the leader, the day and the summary the office gives.
  @discardableResult
  public func recordInstruction(
    _ messageID: UUID, _ input: NewProposalInstruction, by actor: Actor, at now: Date
  ) async throws -> ProposalInstruction {
    guard let message = try await message(messageID), let proposal = try await proposal(messageID) else {
      throw StoreError.notFound(.proposal)
    }
    if let refusal = ProposalRules.mayRecordInstruction(actor, message, proposal) {
      throw StoreError.forbidden(refusal)
    }
    let new = try input.validated(today: rules.calendar.day(of: now))
    _ = try await screen([("public_summary", new.publicSummary)])
    let instruction = ProposalInstruction(
      id: ids.newID(), messageID: messageID, leader: new.leader, givenOn: new.givenOn ?? rules.calendar.day(of: now),
      text: new.text, publicSummary: new.publicSummary.isEmpty ? nil : new.publicSummary,
      recordedBy: actor.id, createdAt: now)
    try await recordEvent(
      on: messageID, expectedVersion: message.version, at: now,
      { current in
        EventDraft(
          messageID: messageID, action: .proposalInstructed, from: current.status, to: current.status, actor: actor,
          note: instruction.publicSummary, visibility: .public,
          payload: [
            "instruction": instruction.id.uuidString, "leader": instruction.leader,
            "given_on": instruction.givenOn.description,
          ], at: now)
      },
      rows: [
        .statement(
          SQLFragment(
            """
            INSERT INTO proposal_instructions (id, message_id, leader, given_on, text, public_summary, recorded_by,
              created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
              .uuid(instruction.id), .uuid(messageID), .text(instruction.leader),
              .text(instruction.givenOn.description), .text(instruction.text), .optional(instruction.publicSummary),
              .text(instruction.recordedBy), .date(now),
            ]))
      ])
    return instruction
  }

  /// The leaders' instructions on a suggestion, oldest first.
  public func instructions(of messageID: UUID) async throws -> [ProposalInstruction] {
    try await search.runner.all(
      SQLFragment(
        "SELECT * FROM proposal_instructions WHERE message_id = ? ORDER BY created_at", [.uuid(messageID)]),
      as: InstructionRow.self
    ).compactMap(\.core)
  }

  /// The adoption steps of a suggestion, oldest first.
  public func adoptions(of messageID: UUID) async throws -> [Adoption] {
    try await search.runner.all(
      SQLFragment("SELECT * FROM adoptions WHERE message_id = ? ORDER BY created_at", [.uuid(messageID)]),
      as: AdoptionRow.self
    ).map(\.core)
  }
}

private struct AdoptionRow: Decodable, Sendable {
  var id: UUID
  var message_id: UUID
  var unit_id: UUID?
  var measure: String
  var document_title: String?
  var document_number: String?
  var document_date: String?
  var link: String?
  var progress: Int
  var created_at: Date

  var core: Adoption {
    Adoption(
      id: id, messageID: message_id, unitID: unit_id, measure: measure, documentTitle: document_title,
      documentNumber: document_number, documentDate: document_date.flatMap(LocalDate.init), link: link,
      progress: progress, createdAt: created_at)
  }
}

private struct InstructionRow: Decodable, Sendable {
  var id: UUID
  var message_id: UUID
  var leader: String
  var given_on: String
  var text: String
  var public_summary: String?
  var recorded_by: String
  var created_at: Date

  var core: ProposalInstruction? {
    guard let day = LocalDate(given_on) else { return nil }
    return ProposalInstruction(
      id: id, messageID: message_id, leader: leader, givenOn: day, text: text, publicSummary: public_summary,
      recordedBy: recorded_by, createdAt: created_at)
  }
}
