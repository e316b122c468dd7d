import Foundation

/// Why the workflow refused an action; each case names what was tried so the refusal can be explained.
public enum WorkflowError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The table has no rule for this action from this status, or the role is not among its roles.
  case notAllowed(action: Action, from: Status, role: Role)
  /// The role may take the action, but the actor's unit has no part in this message.
  case notYourUnit(action: Action, role: Role)
  /// The action needs a written reason or text and none was given.
  case reasonRequired(action: Action)
  /// A parameter is out of range (extension days, a unit that is the current one …); `field` names it
  /// where one field is at fault, so that a form can mark that field.
  case invalidParameter(action: Action, field: ActionField? = nil, detail: LocalizedText)

  public var description: String { message }

  /// The refusal in Chinese, safe to show to the person who tried.
  public var message: String { text.chinese }

  /// The refusal as a catalogue text, for any language.
  public var text: LocalizedText {
    switch self {
    case .notAllowed(let action, let from, let role):
      LocalizedText(
        "error_workflow_not_allowed",
        ["status": .key(from.nameKey), "role": .key(role.nameKey), "action": .key(action.nameKey)])
    case .notYourUnit(let action, _):
      LocalizedText("error_workflow_not_your_unit", ["action": .key(action.nameKey)])
    case .reasonRequired(let action):
      LocalizedText("error_workflow_reason_required", ["action": .key(action.nameKey)])
    case .invalidParameter(_, _, let detail):
      detail
    }
  }
}

extension Action: Named {
  public var nameKey: String { "action_" + rawValue }
}

extension Role {
  /// Whether an account with this role must belong to a unit: dispatchers, handlers, reviewers and
  /// unit leaders do; supervisors and administrators work across units.
  public var belongsToUnit: Bool { [.dispatcher, .handler, .reviewer, .leader].contains(self) }
}
