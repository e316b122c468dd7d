import Foundation

/// Why the workflow refused an action; each case names what was tried so the refusal can be explained.
public enum WorkflowError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The table has no rule for this action from this status, or the role is not among its roles.
  case notAllowed(action: Action, from: Status, role: Role)
  /// The role may take the action, but the actor's unit has no part in this message.
  case notYourUnit(action: Action, role: Role)
  /// The action needs a written reason or text and none was given.
  case reasonRequired(action: Action)
  /// A parameter is out of range (extension days, a unit that is the current one …).
  case invalidParameter(action: Action, detail: String)

  public var description: String { message }

  /// The refusal in Chinese, safe to show to the person who tried.
  public var message: String {
    switch self {
    case .notAllowed(let action, let from, let role):
      "当前状态「\(from.chinese)」下，\(role.chinese)不能执行「\(action.chinese)」"
    case .notYourUnit(let action, _):
      "您所在单位不负责此件，不能执行「\(action.chinese)」"
    case .reasonRequired(let action):
      "执行「\(action.chinese)」须填写理由或内容"
    case .invalidParameter(_, let detail):
      detail
    }
  }
}

extension Role {
  /// The role in Chinese.
  public var chinese: String {
    switch self {
    case .citizen: "留言人"
    case .dispatcher: "交办员"
    case .handler: "承办人"
    case .reviewer: "审核人"
    case .leader: "单位领导"
    case .supervisor: "督查人员"
    case .admin: "管理员"
    case .system: "系统"
    }
  }
}

extension Action {
  /// The action in Chinese.
  public var chinese: String {
    switch self {
    case .assign: "交办"
    case .accept: "签收"
    case .returnToDispatcher: "退回"
    case .reassign: "改派"
    case .rejectReturn: "驳回退回"
    case .transfer: "转办"
    case .requestExtension: "申请延期"
    case .approveExtension: "批准延期"
    case .denyExtension: "不予延期"
    case .reply: "答复"
    case .approveReply: "审核通过"
    case .sendBackReply: "审核退回"
    case .evaluate: "评价"
    case .grantReopen: "同意重办"
    case .declineReopen: "不予重办"
    case .close: "办结"
    case .markInvalid: "作无效处理"
    case .merge: "并单"
    case .setUrgent: "设置急件"
    case .remind: "催办"
    case .supervise: "督办"
    case .contribute: "协办意见"
    case .note: "内部备注"
    case .answerDirectly: "直接答复（直办）"
    case .instruct: "领导批示"
    }
  }
}

extension Role {
  /// Whether an account with this role must belong to a unit: dispatchers, handlers, reviewers and
  /// unit leaders do; supervisors and administrators work across units.
  public var belongsToUnit: Bool { [.dispatcher, .handler, .reviewer, .leader].contains(self) }
}
