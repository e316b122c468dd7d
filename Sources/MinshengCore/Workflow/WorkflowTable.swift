import Foundation

/// Where an allowed action leads.
public enum Outcome: Sendable, Equatable {
  /// To this status.
  case to(Status)
  /// The status stays; only an event is recorded (reminders, notes, the urgent flag).
  case unchanged
  /// To `reviewing` when the lead unit requires review of replies, otherwise to `replied`.
  case replyOrReview
  /// To `closed` when the evaluation is at least 基本满意, otherwise to `reopenRequested`.
  case byEvaluation

  /// The outcome as the docs print it.
  public var text: String {
    switch self {
    case .to(let status): status.rawValue
    case .unchanged: "(unchanged)"
    case .replyOrReview: "reviewing if the unit requires review, else replied"
    case .byEvaluation: "closed if satisfied, else reopen_requested"
    }
  }
}

/// Whether an event is shown on the public timeline.
public enum Visibility: String, Sendable, Codable {
  case `public`
  case `internal`
}

/// One allowed transition: from a status, an action, the roles that may take it, and where it leads.
public struct WorkflowRule: Sendable, Equatable {
  public var from: Status
  public var action: Action
  public var roles: Set<Role>
  public var outcome: Outcome
  public var visibility: Visibility

  init(_ from: Status, _ action: Action, _ roles: Set<Role>, _ outcome: Outcome, _ visibility: Visibility) {
    self.from = from
    self.action = action
    self.roles = roles
    self.outcome = outcome
    self.visibility = visibility
  }
}

extension Workflow {
  /// The whole workflow: every allowed (status, action, roles) and its outcome. Anything not
  /// listed is refused. `docs/workflow.md` prints this table; a test keeps the two equal.
  public static let table: [WorkflowRule] = {
    let dispatch: Set<Role> = [.dispatcher, .admin]
    let urging: Set<Role> = [.dispatcher, .supervisor, .admin]
    // Scheduled reminders and notices are the platform's own (SupervisionSchedule).
    let reminding: Set<Role> = [.dispatcher, .supervisor, .admin, .system]
    let staffNotes: Set<Role> = [.dispatcher, .handler, .reviewer, .supervisor, .admin]
    // 督办反馈: the lead unit's staff answer for the unit.
    let unit: Set<Role> = [.handler, .reviewer]
    return [
      .init(.received, .answerDirectly, dispatch, .to(.replied), .public),
      // The system assigns only when auto-assignment is configured (AutoAssignment).
      .init(.received, .assign, [.dispatcher, .admin, .system], .to(.assigned), .public),
      .init(.received, .markInvalid, dispatch, .to(.closed), .internal),
      .init(.received, .merge, dispatch, .to(.closed), .public),
      .init(.received, .setUrgent, urging, .unchanged, .internal),
      .init(.received, .remind, [.supervisor, .admin, .system], .unchanged, .internal),
      .init(.received, .supervise, [.supervisor, .system], .unchanged, .internal),
      .init(.received, .instruct, [.supervisor, .admin], .unchanged, .internal),
      .init(.received, .note, [.dispatcher, .supervisor, .admin], .unchanged, .internal),
      .init(.received, .withdraw, [.citizen], .to(.closed), .public),

      .init(.assigned, .accept, [.handler], .to(.accepted), .public),
      .init(.assigned, .returnToDispatcher, [.handler], .to(.returned), .internal),
      .init(.assigned, .transfer, dispatch, .to(.assigned), .public),
      .init(.assigned, .merge, dispatch, .to(.closed), .public),
      .init(.assigned, .setUrgent, urging, .unchanged, .internal),
      .init(.assigned, .remind, reminding, .unchanged, .internal),
      .init(.assigned, .supervise, [.supervisor, .system], .unchanged, .internal),
      .init(.assigned, .answerSupervision, unit, .unchanged, .internal),
      .init(.assigned, .instruct, [.supervisor, .admin], .unchanged, .internal),
      .init(.assigned, .note, staffNotes, .unchanged, .internal),

      .init(.accepted, .reply, [.handler], .replyOrReview, .public),
      .init(.accepted, .requestExtension, [.handler], .to(.extensionRequested), .internal),
      .init(.accepted, .returnToDispatcher, [.handler], .to(.returned), .internal),
      .init(.accepted, .transfer, dispatch, .to(.assigned), .public),
      .init(.accepted, .setUrgent, urging, .unchanged, .internal),
      .init(.accepted, .remind, reminding, .unchanged, .internal),
      .init(.accepted, .supervise, [.supervisor, .system], .unchanged, .internal),
      .init(.accepted, .answerSupervision, unit, .unchanged, .internal),
      .init(.accepted, .instruct, [.supervisor, .admin], .unchanged, .internal),
      .init(.accepted, .contribute, [.handler], .unchanged, .internal),
      .init(.accepted, .note, staffNotes, .unchanged, .internal),

      .init(.extensionRequested, .approveExtension, dispatch, .to(.accepted), .public),
      .init(.extensionRequested, .denyExtension, dispatch, .to(.accepted), .internal),
      .init(.extensionRequested, .reply, [.handler], .replyOrReview, .public),
      .init(.extensionRequested, .setUrgent, urging, .unchanged, .internal),
      .init(.extensionRequested, .remind, reminding, .unchanged, .internal),
      .init(.extensionRequested, .supervise, [.supervisor, .system], .unchanged, .internal),
      .init(.extensionRequested, .answerSupervision, unit, .unchanged, .internal),
      .init(.extensionRequested, .instruct, [.supervisor, .admin], .unchanged, .internal),
      .init(.extensionRequested, .contribute, [.handler], .unchanged, .internal),
      .init(.extensionRequested, .note, staffNotes, .unchanged, .internal),

      .init(.reviewing, .approveReply, [.reviewer], .to(.replied), .public),
      .init(.reviewing, .sendBackReply, [.reviewer], .to(.accepted), .internal),
      .init(.reviewing, .setUrgent, urging, .unchanged, .internal),
      .init(.reviewing, .remind, reminding, .unchanged, .internal),
      .init(.reviewing, .supervise, [.supervisor, .system], .unchanged, .internal),
      .init(.reviewing, .answerSupervision, unit, .unchanged, .internal),
      .init(.reviewing, .instruct, [.supervisor, .admin], .unchanged, .internal),
      .init(.reviewing, .contribute, [.handler], .unchanged, .internal),
      .init(.reviewing, .note, staffNotes, .unchanged, .internal),

      .init(.returned, .reassign, dispatch, .to(.assigned), .public),
      .init(.returned, .rejectReturn, dispatch, .to(.assigned), .internal),
      .init(.returned, .markInvalid, dispatch, .to(.closed), .internal),
      .init(.returned, .merge, dispatch, .to(.closed), .public),
      .init(.returned, .setUrgent, urging, .unchanged, .internal),
      .init(.returned, .remind, [.supervisor, .admin, .system], .unchanged, .internal),
      .init(.returned, .supervise, [.supervisor, .system], .unchanged, .internal),
      .init(.returned, .instruct, [.supervisor, .admin], .unchanged, .internal),
      .init(.returned, .note, [.dispatcher, .supervisor, .admin], .unchanged, .internal),

      .init(.replied, .evaluate, [.citizen], .byEvaluation, .public),
      .init(.replied, .close, [.dispatcher, .admin, .system], .to(.closed), .public),
      .init(.replied, .note, [.dispatcher, .supervisor, .admin], .unchanged, .internal),

      .init(.reopenRequested, .grantReopen, dispatch, .to(.accepted), .public),
      .init(.reopenRequested, .declineReopen, dispatch, .to(.closed), .public),
      .init(.reopenRequested, .remind, [.supervisor, .admin, .system], .unchanged, .internal),
      .init(.reopenRequested, .supervise, [.supervisor, .system], .unchanged, .internal),
      .init(.reopenRequested, .instruct, [.supervisor, .admin], .unchanged, .internal),
      .init(.reopenRequested, .note, [.dispatcher, .supervisor, .admin], .unchanged, .internal),
    ]
  }()

  /// The rule for a status and an action, if the table has one.
  public static func rule(from status: Status, action: Action) -> WorkflowRule? {
    rulesByKey[RuleKey(status: status, action: action)]
  }

  /// The actions that `role` may take on a message in `status` (before unit checks).
  public static func actions(from status: Status, for role: Role) -> [Action] {
    table.filter { $0.from == status && $0.roles.contains(role) }.map(\.action)
  }

  /// The table as Markdown, exactly as `docs/workflow.md` shows it.
  public static func markdownTable() -> String {
    var lines = [
      "| from | action | roles | to | timeline |",
      "| --- | --- | --- | --- | --- |",
    ]
    for rule in table {
      let roles = Role.allCases.filter(rule.roles.contains).map(\.rawValue).joined(separator: ", ")
      lines.append(
        "| \(rule.from.rawValue) | \(rule.action.rawValue) | \(roles) | \(rule.outcome.text) | \(rule.visibility.rawValue) |"
      )
    }
    return lines.joined(separator: "\n")
  }

  private struct RuleKey: Hashable {
    var status: Status
    var action: Action
  }

  private static let rulesByKey: [RuleKey: WorkflowRule] = Dictionary(
    uniqueKeysWithValues: table.map { (RuleKey(status: $0.from, action: $0.action), $0) })
}
