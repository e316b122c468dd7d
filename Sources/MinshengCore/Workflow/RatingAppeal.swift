import Foundation

/// 评价申诉复核: a unit may appeal an unsatisfied rating it believes malicious or unrelated to its work
/// (恶意差评); a supervisor or an administrator decides; an upheld appeal leaves that rating out of the
/// unit's 满意率 and 解决率 (the KPI condition `rating_excluded`). The rating itself stays on the case
/// and on the public page: it is the author's word.
public enum RatingAppeal {
  /// Where the case's latest rating stands.
  public enum State: Sendable, Equatable {
    /// No rating, or a satisfied one: nothing to appeal.
    case none
    /// An unsatisfied rating the unit has not appealed.
    case appealable
    /// Appealed, waiting for a decision.
    case pending(reason: String, at: Date)
    /// Decided: upheld (the rating left out) or not.
    case decided(upheld: Bool)
  }

  /// The state of the latest rating from the case's events: a new rating starts afresh.
  public static func state(of events: [EventDraft]) -> State {
    var state = State.none
    for event in events {
      switch event.action {
      case .workflow(.evaluate):
        let level = event.payload["level"].flatMap(SatisfactionLevel.init(rawValue:))
        state = level.map { $0.isSatisfied } == false ? .appealable : .none
      case .ratingAppealed:
        if state == .appealable { state = .pending(reason: event.note ?? "", at: event.at) }
      case .ratingAppealDecided:
        if case .pending = state { state = .decided(upheld: event.payload["upheld"] == "true") }
      default:
        break
      }
    }
    return state
  }

  /// Whether the latest rating is left out of the figures.
  public static func excludesRating(_ events: [EventDraft]) -> Bool { state(of: events) == .decided(upheld: true) }

  /// The lead unit's handlers and reviewers appeal, once per rating.
  public static func mayAppeal(_ actor: Actor, _ message: Message, events: [EventDraft]) -> Bool {
    guard [.handler, .reviewer].contains(actor.role), let unit = actor.unitID, unit == message.leadUnitID else {
      return false
    }
    return state(of: events) == .appealable
  }

  /// Supervisors and administrators decide a pending appeal.
  public static func mayDecide(_ actor: Actor, events: [EventDraft]) -> Bool {
    guard [.supervisor, .admin].contains(actor.role) else { return false }
    if case .pending = state(of: events) { return true }
    return false
  }
}
