import Foundation

/// Where a case stood on the board it is imported from, as that board's export names it.
public enum ImportedStatus: String, Sendable, CaseIterable {
  /// Not yet taken up (未受理, 待处理 …).
  case received
  /// With a unit (已受理, 办理中 …).
  case handling
  /// Answered (已回复, 已答复 …).
  case replied
  /// Done (已办结 …).
  case closed

  /// The names an export may use, for the rejects file: the two usual words of each, and the codes.
  public static var known: String {
    let words = allCases.map { status in
      (ImportVocabulary.bundled.statuses[status.rawValue] ?? []).prefix(2).joined(separator: "/")
    }
    return words.joined(separator: ", ") + " (" + allCases.map(\.rawValue).joined(separator: ", ") + ")"
  }

  /// A status as an export names it: its code, or a word of `Data/import-vocabulary.json`.
  public init?(named text: String) {
    let text = text.trimmedOfWhitespace
    let vocabulary = ImportVocabulary.bundled
    guard
      let status = ImportedStatus(rawValue: text.lowercased())
        ?? vocabulary.key(of: text, in: vocabulary.statuses).flatMap(ImportedStatus.init(rawValue:))
    else { return nil }
    self = status
  }

  /// A yes or no as exports write it (是/否, 公开/不公开, yes/no, true/false, 1/0); nil for anything else.
  public static func flag(_ text: String) -> Bool? {
    let vocabulary = ImportVocabulary.bundled
    return vocabulary.key(of: text.trimmedOfWhitespace.lowercased(), in: vocabulary.flags).map { $0 == "yes" }
  }
}

/// One step of an imported case's history, as `Store.load` takes it.
public struct ImportStep: Sendable, Equatable {
  public var command: Command
  public var actor: Actor
  public var at: Date
}

/// 历史沿革: the steps that bring an imported case to where its source says it stands, so that its
/// history is kept as events and every rule of the workflow still holds. The importing
/// administrator (`actorID`, an administrator's role) assigns and closes; the unit's steps are
/// taken in the unit's name (a handler, and its reviewer when the unit reviews replies).
public enum ImportHistory {
  public static func steps(
    for record: ImportedRecord, unit: Unit?, actorID: String
  ) throws(ImportRejection) -> [ImportStep] {
    let status = record.status ?? (record.reply != nil ? .replied : (unit != nil ? .handling : .received))
    if status == .replied || status == .closed, record.reply == nil { throw .missing(.reply) }
    let importer = Actor(role: .admin, id: actorID)
    let answeredAt = record.repliedAt ?? record.receivedAt
    var steps: [ImportStep] = []
    // A step without a later time of its own follows the one before by a second, so its order is kept.
    func step(_ command: Command, _ actor: Actor, at date: Date) {
      let previous = steps.last?.at ?? record.receivedAt
      steps.append(
        ImportStep(command: command, actor: actor, at: date > previous ? date : previous.addingTimeInterval(1)))
    }
    switch (status, unit) {
    case (.received, _), (.handling, nil):
      return []
    case (.replied, nil), (.closed, nil):
      // Answered on the spot (首呼解决), by the operator or the office that took it in.
      step(.answerDirectly(body: record.reply ?? ""), importer, at: answeredAt)
    case (_, let unit?):
      let handler = Actor(role: .handler, unitID: unit.id, id: actorID)
      step(.assign(lead: unit.id, leadRequiresReview: unit.requiresReplyReview), importer, at: record.receivedAt)
      step(.accept(), handler, at: record.receivedAt)
      guard status != .handling, let reply = record.reply else { return steps }
      step(.reply(body: reply), handler, at: answeredAt)
      if unit.requiresReplyReview {
        step(.approveReply(), Actor(role: .reviewer, unitID: unit.id, id: actorID), at: answeredAt)
      }
    }
    if status == .closed {
      step(.close(reason: LocalizedText("import_closed_at_source").chinese), importer, at: answeredAt)
    }
    return steps
  }
}
