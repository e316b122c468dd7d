import Foundation

/// Where a suggestion stands in its own workflow, read from the suggestion and the message that
/// carries it (`ProposalWorkflow.state(of:_:)`): nothing stores it twice.
public enum ProposalState: String, Sendable, CaseIterable, Named {
  public var nameKey: String { "proposal_state_" + rawValue }

  /// 征集附议: in the office's pool, taking supports.
  case submitted
  /// 附议达标: its supports reached the campaign's threshold and it waits in the pool for the office
  /// (a campaign without an evaluating unit).
  case supported
  /// 评估中: with the unit that evaluates it.
  case evaluating
  /// 已采纳
  case adopted
  /// 部分采纳
  case partlyAdopted = "partly_adopted"
  /// 留作参考
  case reference
  /// 暂不采纳
  case declined
  /// 已落实: an adoption step reached 100%.
  case implemented
  /// 已撤回: its author withdrew it before it was sent to a unit.
  case withdrawn
  /// 已合并: its message was merged into another (并单).
  case merged
  /// 无效: its message was marked invalid.
  case invalid

  /// Whether nothing more happens to it.
  public var isFinal: Bool { self == .withdrawn || self == .merged || self == .invalid }
}

/// A step on a suggestion. The steps the message's own workflow takes (交办, 并单, 无效) are listed
/// here too, so that the suggestion's table is whole; the message's table must allow them as well.
public enum ProposalStep: String, Sendable, CaseIterable {
  /// 附议: a citizen with a verified number, once.
  case support
  /// 交办评估: the office (or the platform, at the threshold) sends it to a unit.
  case sendToEvaluation = "send_to_evaluation"
  /// 评估结论: 采纳 / 部分采纳 / 留作参考 / 暂不采纳 with a public reason.
  case evaluate
  /// 转化运用: a step of the adoption: measure, document, progress.
  case recordAdoption = "record_adoption"
  /// 领导批示: a leader's instruction, recorded by the office.
  case instruct
  /// 组织专家评审: the office names staff to a panel that advises the unit.
  case nameReviewers = "name_reviewers"
  /// 评审意见: a named panel member's opinion, once.
  case review
  /// 撤回: its author, before it is sent to a unit.
  case withdraw
  /// 并单
  case merge
  /// 无效件
  case markInvalid = "mark_invalid"

  /// The message's workflow action this step is, when it is one.
  public var messageAction: Action? {
    switch self {
    case .sendToEvaluation: .assign
    case .withdraw: .withdraw
    case .merge: .merge
    case .markInvalid: .markInvalid
    case .support, .evaluate, .recordAdoption, .instruct, .nameReviewers, .review: nil
    }
  }
}

/// Where an allowed step leads.
public enum ProposalOutcomeRule: Sendable, Equatable {
  case to(ProposalState)
  case unchanged
  /// 附议: at the threshold, to `evaluating` when the campaign names a unit, otherwise `supported`.
  case byThreshold
  /// 评估: to the outcome chosen.
  case byOutcome
  /// 转化运用: to `implemented` when the step's progress is 100.
  case byProgress

  public var text: String {
    switch self {
    case .to(let state): state.rawValue
    case .unchanged: "(unchanged)"
    case .byThreshold: "at the threshold: evaluating if the campaign names a unit, else supported"
    case .byOutcome: "the outcome: adopted, partly_adopted, reference or declined"
    case .byProgress: "implemented at 100%, else unchanged"
    }
  }
}

/// One allowed step: from a state, the roles that may take it, and where it leads.
public struct ProposalRule: Sendable, Equatable {
  public var from: ProposalState
  public var step: ProposalStep
  public var roles: Set<Role>
  public var outcome: ProposalOutcomeRule

  init(_ from: ProposalState, _ step: ProposalStep, _ roles: Set<Role>, _ outcome: ProposalOutcomeRule) {
    self.from = from
    self.step = step
    self.roles = roles
    self.outcome = outcome
  }
}

/// 人民建议的流程: every allowed (state, step, roles) and where it leads, in one table. Anything not
/// listed is refused. `docs/suggestions.md` prints it; a test keeps the two equal. Which unit's
/// staff may act (the lead unit, the dispatching office) is decided in `ProposalRules`.
public enum ProposalWorkflow {
  public static let table: [ProposalRule] = {
    let office: Set<Role> = [.dispatcher, .admin]
    let sending: Set<Role> = [.dispatcher, .admin, .system]
    let unit: Set<Role> = [.handler, .reviewer, .leader, .admin]
    let instructing: Set<Role> = [.dispatcher, .supervisor, .admin]
    // Any staff member the office named to the panel (ProposalRules checks the naming).
    let staff: Set<Role> = [.dispatcher, .handler, .reviewer, .leader, .supervisor, .admin]
    var rules: [ProposalRule] = [
      .init(.submitted, .support, [.citizen], .byThreshold),
      .init(.submitted, .sendToEvaluation, sending, .to(.evaluating)),
      .init(.submitted, .withdraw, [.citizen], .to(.withdrawn)),
      .init(.submitted, .merge, office, .to(.merged)),
      .init(.submitted, .markInvalid, office, .to(.invalid)),

      .init(.supported, .support, [.citizen], .unchanged),
      .init(.supported, .sendToEvaluation, sending, .to(.evaluating)),
      .init(.supported, .withdraw, [.citizen], .to(.withdrawn)),
      .init(.supported, .merge, office, .to(.merged)),
      .init(.supported, .markInvalid, office, .to(.invalid)),

      .init(.evaluating, .support, [.citizen], .unchanged),
      .init(.evaluating, .evaluate, unit, .byOutcome),
      .init(.evaluating, .nameReviewers, office, .unchanged),
      .init(.evaluating, .review, staff, .unchanged),
      .init(.evaluating, .merge, office, .to(.merged)),

      .init(.adopted, .recordAdoption, unit, .byProgress),
      .init(.partlyAdopted, .recordAdoption, unit, .byProgress),
      .init(.implemented, .recordAdoption, unit, .unchanged),
    ]
    for state in ProposalState.allCases where !state.isFinal {
      rules.append(.init(state, .instruct, instructing, .unchanged))
    }
    return rules
  }()

  private static let rulesByKey: [String: ProposalRule] = Dictionary(
    table.map { ($0.from.rawValue + "/" + $0.step.rawValue, $0) }, uniquingKeysWith: { first, _ in first })

  /// The rule for a state and a step, if the table has one.
  public static func rule(from state: ProposalState, step: ProposalStep) -> ProposalRule? {
    rulesByKey[state.rawValue + "/" + step.rawValue]
  }

  /// Nil when the role may take the step in this state, or why not.
  public static func check(_ step: ProposalStep, in state: ProposalState, by role: Role) -> LocalizedText? {
    guard let rule = rule(from: state, step: step) else {
      return LocalizedText("error_proposal_step_state", ["state": .text(LocalizedText(state.nameKey))])
    }
    return rule.roles.contains(role) ? nil : LocalizedText("error_proposal_role")
  }

  /// The table as `docs/suggestions.md` prints it.
  public static func markdownTable() -> String {
    var lines = ["| from | step | roles | to |", "| --- | --- | --- | --- |"]
    for rule in table {
      let roles = Role.allCases.filter(rule.roles.contains).map(\.rawValue).joined(separator: ", ")
      lines.append("| \(rule.from.rawValue) | \(rule.step.rawValue) | \(roles) | \(rule.outcome.text) |")
    }
    return lines.joined(separator: "\n")
  }

  /// The state of a suggestion, from its own record and its message.
  public static func state(of message: Message, _ proposal: Proposal) -> ProposalState {
    switch message.closure {
    case .withdrawn: return .withdrawn
    case .merged: return .merged
    case .invalid: return .invalid
    default: break
    }
    if let outcome = proposal.outcome {
      if outcome.isAdoption, proposal.implementedAt != nil { return .implemented }
      switch outcome {
      case .adopted: return .adopted
      case .partlyAdopted: return .partlyAdopted
      case .reference: return .reference
      case .declined: return .declined
      }
    }
    if message.status == .received { return proposal.thresholdReachedAt == nil ? .submitted : .supported }
    return .evaluating
  }

  /// Where the step leads from the state, given what the step decides: the outcome chosen, the
  /// adoption step's progress, whether the threshold was reached and the campaign names a unit.
  public static func next(
    after step: ProposalStep, from state: ProposalState, outcome: ProposalOutcome? = nil, progress: Int? = nil,
    thresholdReached: Bool = false, campaignHasUnit: Bool = false
  ) -> ProposalState? {
    guard let rule = rule(from: state, step: step) else { return nil }
    switch rule.outcome {
    case .to(let next): return next
    case .unchanged: return state
    case .byThreshold:
      guard thresholdReached else { return state }
      return campaignHasUnit ? .evaluating : .supported
    case .byOutcome:
      switch outcome {
      case .adopted: return .adopted
      case .partlyAdopted: return .partlyAdopted
      case .reference: return .reference
      case .declined: return .declined
      case nil: return nil
      }
    case .byProgress: return progress == 100 ? .implemented : state
    }
  }
}
