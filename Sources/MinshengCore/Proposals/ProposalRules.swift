import Foundation

/// 人民建议征集的规则: who may open, support, evaluate a suggestion and record its adoption, and when.
/// Each answer is nil when the step is allowed, or the reason it is not (shown as it is).
public enum ProposalRules {
  /// Final states in which nothing more happens to a suggestion.
  static func isDead(_ message: Message) -> Bool {
    message.closure == .invalid || message.closure == .merged || message.closure == .withdrawn
  }

  /// 转为人民建议: the dispatching office (or an administrator) makes a 建议 message a suggestion of a
  /// campaign, keeping its history.
  public static func mayOpen(_ actor: Actor, _ message: Message, existing: Proposal?) -> LocalizedText? {
    guard message.type == .suggestion else { return LocalizedText("error_proposal_not_suggestion") }
    guard existing == nil else { return LocalizedText("error_proposal_exists") }
    guard !isDead(message) else { return LocalizedText("error_proposal_closed") }
    switch actor.role {
    case .admin: return nil
    case .dispatcher:
      return actor.unitID != nil && actor.unitID == message.dispatchingUnitID
        ? nil : LocalizedText("error_proposal_not_your_unit")
    default: return LocalizedText("error_proposal_role")
    }
  }

  /// 热点转办: the supervision office (or an administrator), who watch the hot topics, refer one to a
  /// unit as a suggestion.
  public static func mayReferTopic(_ actor: Actor) -> LocalizedText? {
    [.supervisor, .admin].contains(actor.role) ? nil : LocalizedText("error_proposal_role")
  }

  /// 附议: a citizen with a verified number supports a public suggestion not yet evaluated.
  public static func maySupport(_ message: Message, _ proposal: Proposal) -> LocalizedText? {
    guard message.isShownPublicly, !isDead(message) else { return LocalizedText("error_support_closed") }
    guard proposal.outcome == nil else { return LocalizedText("error_support_evaluated") }
    return ProposalWorkflow.check(.support, in: ProposalWorkflow.state(of: message, proposal), by: .citizen)
  }

  /// 评估: the lead unit's handlers, reviewers and head (or an administrator) give the outcome once,
  /// after the unit accepted the suggestion.
  public static func mayEvaluate(_ actor: Actor, _ message: Message, _ proposal: Proposal) -> LocalizedText? {
    guard proposal.outcome == nil else { return LocalizedText("error_proposal_evaluated") }
    guard !isDead(message) else { return LocalizedText("error_proposal_closed") }
    guard ![.received, .assigned, .returned].contains(message.status) else {
      return LocalizedText("error_proposal_not_accepted")
    }
    if let refusal = ProposalWorkflow.check(
      .evaluate, in: ProposalWorkflow.state(of: message, proposal), by: actor.role)
    {
      return refusal
    }
    return isUnitStaffOrAdmin(actor, unit: message.leadUnitID)
  }

  /// 转化运用: the evaluating unit (or an administrator) records steps of an adopted suggestion.
  public static func mayRecordAdoption(_ actor: Actor, _ message: Message, _ proposal: Proposal) -> LocalizedText? {
    guard proposal.outcome?.isAdoption == true else { return LocalizedText("error_adoption_not_adopted") }
    if let refusal = ProposalWorkflow.check(
      .recordAdoption, in: ProposalWorkflow.state(of: message, proposal), by: actor.role)
    {
      return refusal
    }
    return isUnitStaffOrAdmin(actor, unit: proposal.evaluatedBy ?? message.leadUnitID)
  }

  /// 组织专家评审: the office that dispatches the suggestion (or an administrator) names a panel while
  /// the unit evaluates it.
  public static func mayNameReviewers(_ actor: Actor, _ message: Message, _ proposal: Proposal) -> LocalizedText? {
    if let refusal = ProposalWorkflow.check(
      .nameReviewers, in: ProposalWorkflow.state(of: message, proposal), by: actor.role)
    {
      return refusal
    }
    if actor.role == .dispatcher, actor.unitID == nil || actor.unitID != message.dispatchingUnitID {
      return LocalizedText("error_proposal_not_your_unit")
    }
    return nil
  }

  /// 评审意见: a member of the panel gives an opinion once, while the unit has not decided.
  public static func mayReview(
    _ actor: Actor, _ message: Message, _ proposal: Proposal, membership: ProposalReview?
  ) -> LocalizedText? {
    guard let membership, membership.username == actor.id else { return LocalizedText("error_review_not_named") }
    guard membership.reviewedAt == nil else { return LocalizedText("error_review_given") }
    return ProposalWorkflow.check(.review, in: ProposalWorkflow.state(of: message, proposal), by: actor.role)
  }

  /// 领导批示: the office that dispatches the suggestion, the supervision office or an administrator
  /// records a leader's instruction, at any stage until the suggestion is merged or invalid.
  public static func mayRecordInstruction(
    _ actor: Actor, _ message: Message, _ proposal: Proposal
  ) -> LocalizedText? {
    if let refusal = ProposalWorkflow.check(
      .instruct, in: ProposalWorkflow.state(of: message, proposal), by: actor.role)
    {
      return refusal
    }
    if actor.role == .dispatcher, actor.unitID == nil || actor.unitID != message.dispatchingUnitID {
      return LocalizedText("error_proposal_not_your_unit")
    }
    return nil
  }

  private static func isUnitStaffOrAdmin(_ actor: Actor, unit: UUID?) -> LocalizedText? {
    switch actor.role {
    case .admin: return nil
    case .handler, .reviewer, .leader:
      return unit != nil && actor.unitID == unit ? nil : LocalizedText("error_proposal_not_your_unit")
    default: return LocalizedText("error_proposal_role")
    }
  }

  /// The event of a suggestion's evaluation: public, with the outcome in the payload and the reason
  /// as its note.
  public static func evaluationEvent(
    _ message: Message, outcome: ProposalOutcome, reason: String, by actor: Actor, at now: Date
  ) -> EventDraft {
    EventDraft(
      messageID: message.id, action: .proposalEvaluated, from: message.status, to: message.status, actor: actor,
      note: reason, visibility: .public, payload: ["outcome": outcome.rawValue], at: now)
  }
}
