import Foundation

/// The result of an allowed action: the message as it must be stored, and the event to append.
///
/// The caller persists both in one transaction, or neither.
public struct Transition: Sendable, Equatable {
  public var action: Action
  public var from: Status
  /// The message after the action, its version already increased by one.
  public var message: Message
  public var event: EventDraft

  /// The new status.
  public var to: Status { message.status }
}

/// 办理流程: the single state machine of a message.
public enum Workflow {
  /// Decides whether `actor` may apply `command` to `message` at `now`, and what follows.
  ///
  /// Checks, in order: the table allows the action from the current status for the actor's role;
  /// the actor's unit has a part in the message (a dispatcher the message's dispatching office, a
  /// handler or reviewer the lead unit — or an assisting unit for 协办意见); required text is there
  /// and parameters are in range. Deadlines follow the SLA policy resolved for the message's type,
  /// urgency and region:
  /// - assign, reassign, transfer: a new acceptance clock starts for the new lead unit;
  /// - accept and a granted reopen: a new reply clock starts;
  /// - an approved extension moves the reply deadline by the approved working days;
  /// - returns and rejected returns keep the deadlines as they were: the days a return waited count;
  /// - setting the urgent flag can only bring the current deadline closer.
  public static func transition(
    from message: Message, action command: Command, by actor: Actor, at now: Date,
    rules: CaseRules, region: RegionPath
  ) throws(WorkflowError) -> Transition {
    let action = command.action
    guard let rule = rule(from: message.status, action: action), rule.roles.contains(actor.role) else {
      throw .notAllowed(action: action, from: message.status, role: actor.role)
    }
    try checkUnit(of: actor, for: action, on: message)
    if command.requiresText, (command.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      throw .reasonRequired(action: action)
    }

    var next = message
    var payload: [String: String] = [:]
    let policy = rules.sla.policy(type: message.type, urgent: message.urgent, region: region)
    let calendar = rules.calendar

    switch command {
    case .assign(let lead, let assisting, _, let review), .reassign(let lead, let assisting, _, let review),
      .transfer(let lead, let assisting, _, let review):
      if action == .transfer, lead == message.leadUnitID {
        throw .invalidParameter(action: action, field: .leadUnit, detail: LocalizedText("error_transfer_same_unit"))
      }
      if assisting.contains(lead) {
        throw .invalidParameter(
          action: action, field: .assistingUnits, detail: LocalizedText("error_lead_also_assisting"))
      }
      next.leadUnitID = lead
      var seen: Set<UUID> = []
      next.assistingUnitIDs = assisting.filter { seen.insert($0).inserted }
      next.replyNeedsReview = review
      next.acceptanceDue = policy.acceptance.deadline(after: now, in: calendar)
      next.replyDue = nil
      payload["lead_unit"] = lead.uuidString
      if !next.assistingUnitIDs.isEmpty {
        payload["assisting_units"] = next.assistingUnitIDs.map(\.uuidString).joined(separator: ",")
      }
      payload["acceptance_due"] = Self.timestamp(next.acceptanceDue)
    case .accept:
      next.replyDue = policy.reply.deadline(after: now, in: calendar)
      payload["reply_due"] = Self.timestamp(next.replyDue)
    case .requestExtension(let days, _):
      guard (1...policy.maxExtensionWorkingDays).contains(days) else {
        throw .invalidParameter(
          action: action, field: .workingDays,
          detail: LocalizedText("error_extension_days", ["max": .number(policy.maxExtensionWorkingDays)]))
      }
      payload["working_days"] = String(days)
    case .approveExtension(let days, _):
      guard (1...policy.maxExtensionWorkingDays).contains(days) else {
        throw .invalidParameter(
          action: action, field: .workingDays,
          detail: LocalizedText("error_extension_days", ["max": .number(policy.maxExtensionWorkingDays)]))
      }
      let base = message.replyDue ?? now
      let lastDay = calendar.day(of: base.addingTimeInterval(-0.001))
      next.replyDue = calendar.start(of: calendar.workingDay(days, after: lastDay).adding(days: 1))
      payload["working_days"] = String(days)
      payload["reply_due"] = Self.timestamp(next.replyDue)
    case .grantReopen:
      next.closure = nil
      next.replyDue = policy.reply.deadline(after: now, in: calendar)
      payload["reply_due"] = Self.timestamp(next.replyDue)
    case .evaluate(let evaluation):
      payload["resolution"] = String(evaluation.resolution)
      payload["attitude"] = String(evaluation.attitude)
      payload["speed"] = String(evaluation.speed)
      payload["level"] = evaluation.level.rawValue
    case .merge(let parent, _):
      guard parent != message.id else {
        throw .invalidParameter(action: action, field: .into, detail: LocalizedText("error_merge_into_self"))
      }
      next.mergedIntoID = parent
      payload["merged_into"] = parent.uuidString
    case .setUrgent(let urgent, _):
      next.urgent = urgent
      payload["urgent"] = urgent ? "true" : "false"
      if urgent {
        let urgentPolicy = rules.sla.policy(type: message.type, urgent: true, region: region)
        if message.status == .assigned, let due = message.acceptanceDue {
          next.acceptanceDue = min(due, urgentPolicy.acceptance.deadline(after: now, in: calendar))
        }
        if [.accepted, .extensionRequested, .reviewing].contains(message.status), let due = message.replyDue {
          next.replyDue = min(due, urgentPolicy.reply.deadline(after: now, in: calendar))
        }
      }
    case .answerDirectly:
      // The answering office becomes the lead unit, so the reply and the figures count for it.
      guard let office = actor.unitID ?? message.dispatchingUnitID else {
        throw .invalidParameter(action: action, detail: LocalizedText("error_answer_directly_office"))
      }
      next.leadUnitID = office
      next.acceptanceDue = nil
      next.replyDue = nil
      payload["lead_unit"] = office.uuidString
    case .note(_, let contact?):
      guard contact.at <= now.addingTimeInterval(300) else {
        throw .invalidParameter(action: action, field: .contact, detail: LocalizedText("error_contact_in_future"))
      }
      payload["contact_kind"] = contact.kind.rawValue
      payload["contacted_at"] = Self.timestamp(contact.at)
    case .returnToDispatcher(_, let code):
      payload["return_code"] = code.rawValue
    case .approveReply(_, let edited):
      if edited != nil { payload["reply_edited"] = "true" }
    case .supervise:
      payload["answer_due"] = Self.timestamp(policy.supervisionAnswer.deadline(after: now, in: calendar))
    case .rejectReturn, .denyExtension, .reply, .sendBackReply,
      .declineReopen, .close, .markInvalid, .remind, .contribute, .note, .instruct, .answerSupervision, .withdraw:
      break
    }

    let to: Status
    var visibility = rule.visibility
    switch rule.outcome {
    case .to(let status): to = status
    case .unchanged: to = message.status
    case .replyOrReview:
      to = message.replyNeedsReview ? .reviewing : .replied
      // A draft waiting for review is not public until the reviewer approves it.
      if to == .reviewing { visibility = .internal }
    case .byEvaluation:
      guard case .evaluate(let evaluation) = command else { to = message.status; break }
      to = evaluation.level.isSatisfied ? .closed : .reopenRequested
    }
    next.status = to
    if to == .closed {
      next.closure = closure(for: command, by: actor)
    }
    next.version = message.version + 1
    next.updatedAt = now

    let event = EventDraft(
      messageID: message.id, action: action, from: message.status, to: to, actor: actor,
      note: command.note, visibility: visibility, payload: payload, at: now)
    return Transition(action: action, from: message.status, message: next, event: event)
  }

  private static func closure(for command: Command, by actor: Actor) -> Closure {
    switch command {
    case .evaluate: .resolved
    case .declineReopen: .reopenDeclined
    case .markInvalid: .invalid
    case .merge: .merged
    case .withdraw: .withdrawn
    case .close: actor.role == .system ? .unevaluated : .closedByDispatcher
    default: .closedByDispatcher
    }
  }

  private static func checkUnit(of actor: Actor, for action: Action, on message: Message) throws(WorkflowError) {
    switch actor.role {
    case .dispatcher:
      guard let office = message.dispatchingUnitID, actor.unitID == office else {
        throw .notYourUnit(action: action, role: actor.role)
      }
    case .handler, .reviewer, .leader:
      guard let unit = actor.unitID else { throw .notYourUnit(action: action, role: actor.role) }
      let isLead = unit == message.leadUnitID
      let isAssisting = message.assistingUnitIDs.contains(unit)
      let ok =
        switch action {
        case .contribute: isAssisting
        case .note: isLead || isAssisting
        default: isLead
        }
      if !ok { throw .notYourUnit(action: action, role: actor.role) }
    case .citizen, .supervisor, .admin, .system:
      break
    }
  }

  static func timestamp(_ date: Date?) -> String? {
    date.map { String(Int64((($0.timeIntervalSince1970) * 1000).rounded())) }
  }
}
