import Foundation

/// A value an action is given: which unit, why, how many days, what text.
public enum ActionField: String, Sendable, CaseIterable {
  /// 主办单位
  case leadUnit = "lead_unit"
  /// 协办单位
  case assistingUnits = "assisting_units"
  /// 交办意见
  case instruction
  /// 理由
  case reason
  /// 说明
  case note
  /// 工作日数
  case workingDays = "working_days"
  /// 内容 (a reply, an assisting unit's input, a direct answer)
  case body
  /// 意见 (the reviewer's, sending a draft back)
  case comment
  /// 并入的留言
  case into
  /// 急件
  case urgent
  /// 联系记录: how and when the author was reached (with a note)
  case contact
  /// 退回原因 (a `ReturnReason`)
  case returnCode = "return_code"
  /// 答复附图: photos sent beside the command (`Store.perform(images:)`), not part of it
  case images
}

extension Action {
  /// The fields the action takes, each required or not: what a form asks for and an API body must
  /// hold. `ActionInput.command(for:)` reads exactly these.
  public var fields: [(field: ActionField, required: Bool)] {
    switch self {
    case .assign, .reassign: [(.leadUnit, true), (.assistingUnits, false), (.instruction, false)]
    case .transfer: [(.leadUnit, true), (.assistingUnits, false), (.reason, true)]
    case .accept, .grantReopen, .remind: [(.note, false)]
    case .approveReply: [(.body, false), (.note, false)]
    case .returnToDispatcher: [(.returnCode, true), (.reason, true)]
    case .rejectReturn, .denyExtension, .declineReopen, .close, .markInvalid: [(.reason, true)]
    case .requestExtension: [(.workingDays, true), (.reason, true)]
    case .approveExtension: [(.workingDays, true), (.note, false)]
    case .reply, .answerDirectly: [(.body, true), (.images, false)]
    case .contribute, .answerSupervision: [(.body, true)]
    case .sendBackReply: [(.comment, true)]
    case .merge: [(.into, true), (.note, false)]
    case .setUrgent: [(.urgent, true), (.reason, true)]
    case .supervise, .instruct: [(.note, true)]
    case .note: [(.contact, false), (.note, true)]
    case .evaluate: []
    case .withdraw: [(.reason, false)]
    }
  }
}

/// What staff send with an action (a form or an API body), each field optional; the action reads the
/// fields it takes (`Action.fields`) and names the first required one that is missing.
public struct ActionInput: Sendable, Equatable {
  public var leadUnit: UUID?
  public var assistingUnits: [UUID]?
  public var instruction: String?
  public var reason: String?
  public var note: String?
  public var workingDays: Int?
  public var body: String?
  public var comment: String?
  public var into: UUID?
  public var urgent: Bool?
  public var contactKind: ContactRecord.Kind?
  public var contactedAt: Date?
  public var returnCode: ReturnReason?

  public init(
    leadUnit: UUID? = nil, assistingUnits: [UUID]? = nil, instruction: String? = nil, reason: String? = nil,
    note: String? = nil, workingDays: Int? = nil, body: String? = nil, comment: String? = nil, into: UUID? = nil,
    urgent: Bool? = nil, contactKind: ContactRecord.Kind? = nil, contactedAt: Date? = nil,
    returnCode: ReturnReason? = nil
  ) {
    self.returnCode = returnCode
    self.leadUnit = leadUnit
    self.assistingUnits = assistingUnits
    self.instruction = instruction
    self.reason = reason
    self.note = note
    self.workingDays = workingDays
    self.body = body
    self.comment = comment
    self.into = into
    self.urgent = urgent
    self.contactKind = contactKind
    self.contactedAt = contactedAt
  }

  /// The longest reply or direct answer.
  public static let maxReplyLength = 5_000

  /// The workflow command for `action`.
  public func command(for action: Action) throws(ValidationError) -> Command {
    func required<T>(_ value: T?, _ field: ActionField) throws(ValidationError) -> T {
      guard let value else { throw ValidationError(field: field.rawValue, reason: .missing) }
      return value
    }
    func reply() throws(ValidationError) -> String {
      let text = try required(body, .body)
      guard text.count <= Self.maxReplyLength else {
        throw ValidationError(field: ActionField.body.rawValue, reason: .tooLong(max: Self.maxReplyLength))
      }
      return text
    }
    switch action {
    case .assign:
      return .assign(lead: try required(leadUnit, .leadUnit), assisting: assistingUnits ?? [], instruction: instruction)
    case .reassign:
      return .reassign(
        lead: try required(leadUnit, .leadUnit), assisting: assistingUnits ?? [], instruction: instruction)
    case .transfer:
      return .transfer(
        lead: try required(leadUnit, .leadUnit), assisting: assistingUnits ?? [], reason: try required(reason, .reason))
    case .accept: return .accept(note: note)
    case .returnToDispatcher:
      let code = try required(returnCode, .returnCode)
      return .returnToDispatcher(reason: try required(reason, .reason), code: code)
    case .rejectReturn: return .rejectReturn(reason: try required(reason, .reason))
    case .requestExtension:
      return .requestExtension(
        workingDays: try required(workingDays, .workingDays), reason: try required(reason, .reason))
    case .approveExtension: return .approveExtension(workingDays: try required(workingDays, .workingDays), note: note)
    case .denyExtension: return .denyExtension(reason: try required(reason, .reason))
    case .reply: return .reply(body: try reply())
    case .approveReply:
      guard let body else { return .approveReply(note: note) }
      guard body.count <= Self.maxReplyLength else {
        throw ValidationError(field: ActionField.body.rawValue, reason: .tooLong(max: Self.maxReplyLength))
      }
      return .approveReply(note: note, editedBody: body)
    case .sendBackReply: return .sendBackReply(comment: try required(comment, .comment))
    case .grantReopen: return .grantReopen(note: note)
    case .declineReopen: return .declineReopen(reason: try required(reason, .reason))
    case .close: return .close(reason: try required(reason, .reason))
    case .markInvalid: return .markInvalid(reason: try required(reason, .reason))
    case .merge: return .merge(into: try required(into, .into), note: note)
    case .setUrgent: return .setUrgent(try required(urgent, .urgent), reason: try required(reason, .reason))
    case .remind: return .remind(note: note)
    case .supervise: return .supervise(note: try required(note, .note))
    case .contribute: return .contribute(text: try required(body, .body))
    case .answerSupervision:
      let text = try required(body, .body)
      guard text.count <= Self.maxReplyLength else {
        throw ValidationError(field: ActionField.body.rawValue, reason: .tooLong(max: Self.maxReplyLength))
      }
      return .answerSupervision(body: text)
    case .note:
      let text = try required(note, .note)
      guard let contactKind else { return .note(text: text) }
      return .note(text: text, contact: ContactRecord(kind: contactKind, at: try required(contactedAt, .contact)))
    case .instruct: return .instruct(text: try required(note, .note))
    case .answerDirectly: return .answerDirectly(body: try reply())
    case .withdraw: return .withdraw(reason: reason)
    case .evaluate:
      throw ValidationError(field: "action", reason: .invalid(LocalizedText("error_evaluate_by_author")))
    }
  }

  /// A complete input that every action accepts (for the dry run that decides which forms to offer).
  public static func sample(for message: Message) -> ActionInput {
    ActionInput(
      leadUnit: message.leadUnitID ?? message.suggestedUnitID ?? UUID(), reason: "—", note: "—", workingDays: 5,
      body: "—", comment: "—", into: UUID(), urgent: !message.urgent, returnCode: .other)
  }
}
