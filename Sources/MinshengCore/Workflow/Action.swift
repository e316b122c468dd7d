import Foundation

/// 操作: a step that someone takes on a message.
public enum Action: String, Sendable, Codable, CaseIterable {
  /// 交办: dispatcher names a lead unit and optional assisting units.
  case assign
  /// 签收: the lead unit accepts.
  case accept
  /// 退回: the unit sends it back to the dispatcher with a reason.
  case returnToDispatcher = "return"
  /// 改派: the dispatcher re-assigns a returned message.
  case reassign
  /// 驳回退回: the dispatcher refuses a return; the unit must accept after all.
  case rejectReturn = "reject_return"
  /// 转办: the dispatcher moves an assigned or accepted message to another unit.
  case transfer
  /// 申请延期
  case requestExtension = "request_extension"
  /// 批准延期
  case approveExtension = "approve_extension"
  /// 不予延期
  case denyExtension = "deny_extension"
  /// 答复: the handler replies; it goes to the reviewer when the unit requires review.
  case reply
  /// 审核通过
  case approveReply = "approve_reply"
  /// 审核退回: the reviewer sends the draft back with a comment.
  case sendBackReply = "send_back_reply"
  /// 评价: the author evaluates the reply.
  case evaluate
  /// 同意重办
  case grantReopen = "grant_reopen"
  /// 不予重办
  case declineReopen = "decline_reopen"
  /// 办结: close a replied message (unevaluated, or by the dispatcher with a reason).
  case close
  /// 无效件
  case markInvalid = "mark_invalid"
  /// 并单
  case merge
  /// 急事急办: set or clear the urgent flag.
  case setUrgent = "set_urgent"
  /// 催办
  case remind
  /// 督办: a formal notice to the lead unit, to be answered in writing by a date (the SLA's
  /// `supervisionAnswer`).
  case supervise
  /// 督办反馈: the lead unit's written answer to the latest unanswered 督办.
  case answerSupervision = "answer_supervision"
  /// 协办意见: an assisting unit's input for the lead unit.
  case contribute
  /// 内部备注: never public.
  case note
  /// 直办: the office that took the message (a hotline operator, a mailbox clerk) answers it at once
  /// from what it knows; counted as resolved at first contact. The author can still evaluate.
  case answerDirectly = "answer_directly"
  /// 领导批示: a leader's (or the supervision office's) instruction on a case, shown to the units.
  case instruct
  /// 撤回: the author withdraws the message before it is dispatched (the matter solved itself, or
  /// written by mistake); it is closed as withdrawn and counts in no unit's figures.
  case withdraw
}

/// An action with what it needs: the unit, the reason, the reply text, the scores.
public enum Command: Sendable, Equatable {
  case assign(lead: UUID, assisting: [UUID] = [], instruction: String? = nil, leadRequiresReview: Bool = false)
  case accept(note: String? = nil)
  case returnToDispatcher(reason: String, code: ReturnReason = .other)
  case reassign(lead: UUID, assisting: [UUID] = [], instruction: String? = nil, leadRequiresReview: Bool = false)
  case rejectReturn(reason: String)
  case transfer(lead: UUID, assisting: [UUID] = [], reason: String, leadRequiresReview: Bool = false)
  case requestExtension(workingDays: Int, reason: String)
  case approveExtension(workingDays: Int, note: String? = nil)
  case denyExtension(reason: String)
  case reply(body: String)
  /// With `editedBody`, the reviewer's own wording is published in place of the draft (the draft is
  /// kept, and the event says the reply was edited).
  case approveReply(note: String? = nil, editedBody: String? = nil)
  case sendBackReply(comment: String)
  case evaluate(Evaluation)
  case grantReopen(note: String? = nil)
  case declineReopen(reason: String)
  case close(reason: String)
  case markInvalid(reason: String)
  case merge(into: UUID, note: String? = nil)
  case setUrgent(Bool, reason: String)
  case remind(note: String? = nil)
  case supervise(note: String)
  case answerSupervision(body: String)
  case contribute(text: String)
  /// An internal note; with `contact`, an entry of the contact log (phoned the author, visited the site …).
  case note(text: String, contact: ContactRecord? = nil)
  case answerDirectly(body: String)
  case instruct(text: String)
  case withdraw(reason: String? = nil)

  /// The action this command performs.
  public var action: Action {
    switch self {
    case .assign: .assign
    case .accept: .accept
    case .returnToDispatcher: .returnToDispatcher
    case .reassign: .reassign
    case .rejectReturn: .rejectReturn
    case .transfer: .transfer
    case .requestExtension: .requestExtension
    case .approveExtension: .approveExtension
    case .denyExtension: .denyExtension
    case .reply: .reply
    case .approveReply: .approveReply
    case .sendBackReply: .sendBackReply
    case .evaluate: .evaluate
    case .grantReopen: .grantReopen
    case .declineReopen: .declineReopen
    case .close: .close
    case .markInvalid: .markInvalid
    case .merge: .merge
    case .setUrgent: .setUrgent
    case .remind: .remind
    case .supervise: .supervise
    case .answerSupervision: .answerSupervision
    case .contribute: .contribute
    case .note: .note
    case .answerDirectly: .answerDirectly
    case .instruct: .instruct
    case .withdraw: .withdraw
    }
  }

  /// The free text recorded with the event: a reason, an instruction, a note or a comment.
  public var note: String? {
    switch self {
    case .assign(_, _, let text, _), .reassign(_, _, let text, _): text
    case .accept(let text), .approveExtension(_, let text), .approveReply(let text, _), .grantReopen(let text),
      .merge(_, let text), .remind(let text), .withdraw(let text):
      text
    case .returnToDispatcher(let text, _), .rejectReturn(let text), .transfer(_, _, let text, _),
      .requestExtension(_, let text), .denyExtension(let text), .sendBackReply(let text),
      .declineReopen(let text), .close(let text), .markInvalid(let text), .setUrgent(_, let text),
      .supervise(let text), .contribute(let text), .note(let text, _), .instruct(let text):
      text
    case .reply(let body), .answerDirectly(let body), .answerSupervision(let body): body
    case .evaluate(let evaluation): evaluation.comment
    }
  }

  /// Whether the action cannot be taken without a written reason or text.
  var requiresText: Bool {
    switch self {
    case .returnToDispatcher, .rejectReturn, .transfer, .requestExtension, .denyExtension, .reply,
      .sendBackReply, .declineReopen, .close, .markInvalid, .setUrgent, .supervise, .contribute, .note,
      .answerDirectly, .instruct, .answerSupervision:
      true
    default: false
    }
  }
}

/// 退回原因: why a unit sends a message back to the office that dispatched it, as a code the
/// statistics can count (退回率 by reason), with the handler's own words beside it.
public enum ReturnReason: String, Sendable, Codable, CaseIterable, Named {
  /// 不属于本单位职责
  case notOurs = "not_ours"
  /// 不属于本辖区
  case wrongRegion = "wrong_region"
  /// 诉求信息不全，无法办理
  case insufficientInformation = "insufficient_information"
  /// 重复诉求
  case duplicate
  /// 其他
  case other

  public var nameKey: String { "return_reason_" + rawValue }
}

/// 联系记录: how and when a unit got in touch with the author or went to the place, kept with an
/// internal note so the case shows every contact in order.
public struct ContactRecord: Sendable, Equatable, Codable {
  public enum Kind: String, Sendable, Codable, CaseIterable, Named {
    /// 电话联系留言人
    case phoned
    /// 现场核查
    case visited
    /// 约见面谈
    case met
    /// 短信、邮件等其他方式
    case other

    public var nameKey: String { "contact_" + rawValue }
  }

  public var kind: Kind
  /// When the contact took place (it may be written down later).
  public var at: Date

  public init(kind: Kind, at: Date) {
    self.kind = kind
    self.at = at
  }
}
