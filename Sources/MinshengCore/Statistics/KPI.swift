import Foundation

/// 考核指标的口径, as data (`Data/kpi-default.json`; a province may ship its own): for each KPI the
/// cases it counts (its denominator), those of them it counts as meeting it (its numerator), the
/// cases it leaves out, which date puts a case in a period, and the volume below which a unit is
/// shown but not ranked.
public struct KPIDefinitions: Sendable, Equatable, Codable {
  public var version: Int
  /// The evaluation levels that count as satisfied (满意率); by default 很满意, 满意 and 基本满意.
  public var satisfiedLevels: [SatisfactionLevel]
  /// The lowest 解决程度 score (1–5) that counts as resolved (解决率).
  public var resolvedScore: Int
  public var kpis: [KPIDefinition]

  enum CodingKeys: String, CodingKey {
    case version, kpis
    case satisfiedLevels = "satisfied_levels"
    case resolvedScore = "resolved_score"
  }

  public init(version: Int = 1, satisfiedLevels: [SatisfactionLevel], resolvedScore: Int, kpis: [KPIDefinition]) {
    self.version = version
    self.satisfiedLevels = satisfiedLevels
    self.resolvedScore = resolvedScore
    self.kpis = kpis
  }

  /// The KPI with this identifier.
  public subscript(id: String) -> KPIDefinition? { kpis.first { $0.id == id } }

  /// The definitions shipped with Minsheng.
  public static func bundled() throws(KPIError) -> KPIDefinitions {
    guard let url = Bundle.module.url(forResource: "kpi-default", withExtension: "json", subdirectory: "Data"),
      let data = try? Data(contentsOf: url)
    else { throw KPIError(LocalizedText("error_kpi_missing")) }
    return try decode(data)
  }

  /// Reads definitions from JSON and checks them: identifiers unique, a measure for each median or
  /// percentile and none for a rate, a resolved score between 1 and 5.
  public static func decode(_ data: Data) throws(KPIError) -> KPIDefinitions {
    let definitions: KPIDefinitions
    do {
      definitions = try JSONDecoder().decode(KPIDefinitions.self, from: data)
    } catch {
      throw KPIError(LocalizedText("error_kpi_unreadable", ["detail": .plain(String(describing: error))]))
    }
    var seen: Set<String> = []
    for kpi in definitions.kpis {
      guard seen.insert(kpi.id).inserted else {
        throw KPIError(LocalizedText("error_kpi_duplicate", ["id": .plain(kpi.id)]))
      }
      guard (kpi.kind == .rate) == (kpi.measure == nil) else {
        throw KPIError(LocalizedText("error_kpi_measure", ["id": .plain(kpi.id)]))
      }
    }
    guard (1...5).contains(definitions.resolvedScore) else {
      throw KPIError(LocalizedText("error_kpi_resolved_score"))
    }
    return definitions
  }
}

/// One KPI's definition.
public struct KPIDefinition: Sendable, Equatable, Codable, Identifiable {
  /// What the figure is: a share of cases, or the median or 90th percentile of a time.
  public enum Kind: String, Sendable, Codable {
    case rate
    case median
    case p90
  }

  /// The time a median or percentile is taken of, in working hours (time on working days only).
  public enum Measure: String, Sendable, Codable {
    /// From the last assignment to the unit's acceptance (签收).
    case hoursToAccept = "hours_to_accept"
    /// From receipt to the first published reply (答复).
    case hoursToReply = "hours_to_reply"
  }

  /// Which date puts a case in a period.
  public enum PeriodRule: String, Sendable, Codable {
    case received
    case acceptanceDue = "acceptance_due"
    case replyDue = "reply_due"
    case replied
    case evaluated
    case closed
    /// When a suggestion's outcome was given (人民建议).
    case proposalEvaluated = "proposal_evaluated"
  }

  public var id: String
  /// The name and a one-sentence method, by language (`zh-Hans`, `en`).
  public var name: [String: String]
  public var method: [String: String]
  public var kind: Kind
  public var measure: Measure?
  /// Every condition must hold for a case to count in the denominator …
  public var denominator: [CaseCondition]
  /// … and none of these.
  public var exclude: [CaseCondition]
  /// Further conditions, all of which a counted case must meet to count in the numerator.
  public var numerator: [CaseCondition]
  public var period: PeriodRule
  /// Below this many counted cases a unit is shown but not ranked.
  public var minimumVolume: Int
  /// Whether a higher figure is better (rates of success) or a lower one (overdue, times).
  public var higherIsBetter: Bool
  /// Ratings and rates with few cases are ranked by a Bayesian average: this many cases at the
  /// platform's rate are added to each unit's own (0: the plain rate).
  public var priorWeight: Int

  enum CodingKeys: String, CodingKey {
    case id, name, method, kind, measure, denominator, exclude, numerator, period
    case minimumVolume = "minimum_volume"
    case higherIsBetter = "higher_is_better"
    case priorWeight = "prior_weight"
  }

  public init(
    id: String, name: [String: String], method: [String: String] = [:], kind: Kind = .rate, measure: Measure? = nil,
    denominator: [CaseCondition], exclude: [CaseCondition] = [], numerator: [CaseCondition] = [],
    period: PeriodRule = .received, minimumVolume: Int = 10, higherIsBetter: Bool = true, priorWeight: Int = 0
  ) {
    self.id = id
    self.name = name
    self.method = method
    self.kind = kind
    self.measure = measure
    self.denominator = denominator
    self.exclude = exclude
    self.numerator = numerator
    self.period = period
    self.minimumVolume = minimumVolume
    self.higherIsBetter = higherIsBetter
    self.priorWeight = priorWeight
  }

  public init(from decoder: any Decoder) throws {
    let values = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      id: try values.decode(String.self, forKey: .id), name: try values.decode([String: String].self, forKey: .name),
      method: try values.decodeIfPresent([String: String].self, forKey: .method) ?? [:],
      kind: try values.decodeIfPresent(Kind.self, forKey: .kind) ?? .rate,
      measure: try values.decodeIfPresent(Measure.self, forKey: .measure),
      denominator: try values.decodeIfPresent([CaseCondition].self, forKey: .denominator) ?? [],
      exclude: try values.decodeIfPresent([CaseCondition].self, forKey: .exclude) ?? [],
      numerator: try values.decodeIfPresent([CaseCondition].self, forKey: .numerator) ?? [],
      period: try values.decodeIfPresent(PeriodRule.self, forKey: .period) ?? .received,
      minimumVolume: try values.decodeIfPresent(Int.self, forKey: .minimumVolume) ?? 10,
      higherIsBetter: try values.decodeIfPresent(Bool.self, forKey: .higherIsBetter) ?? true,
      priorWeight: try values.decodeIfPresent(Int.self, forKey: .priorWeight) ?? 0)
  }

  /// The name in `language` (`zh-Hans` or `en`), falling back to Chinese.
  public func name(in language: String) -> String { name[language] ?? name["zh-Hans"] ?? id }
  public func method(in language: String) -> String { method[language] ?? method["zh-Hans"] ?? "" }
}

/// A condition on a case's facts, as the definitions name it. Conditions that depend on deadlines are
/// judged at a moment (`asOf`): a case not yet due is not yet settled.
public enum CaseCondition: String, Sendable, Codable, CaseIterable {
  /// Neither merged (并单) nor invalid.
  case countable
  case merged
  case invalid
  /// Given to a unit at least once (交办).
  case dispatched
  case accepted
  /// Accepted, or its acceptance deadline has passed: whether it was accepted in time is known.
  case acceptanceSettled = "acceptance_settled"
  case acceptedOnTime = "accepted_on_time"
  case replied
  /// Replied, or its reply deadline has passed.
  case replySettled = "reply_settled"
  /// Replied by the deadline in force then (approved extensions included), or answered at intake.
  case repliedOnTime = "replied_on_time"
  /// Replied after its deadline, or not replied and past it.
  case overdue
  case closed
  case rated
  /// The latest rating was appealed by the unit and the appeal upheld (恶意差评 left out).
  case ratingExcluded = "rating_excluded"
  case satisfied
  case resolved
  case reopened
  case returned
  case extended
  case answeredDirectly = "answered_directly"
  /// Came by the hotline or the mailbox, where a first-contact answer is possible.
  case firstContactChannel = "first_contact_channel"
  /// A suggestion (人民建议) with the unit's outcome, and one adopted or partly adopted.
  case proposalEvaluated = "proposal_evaluated"
  case proposalAdopted = "proposal_adopted"

  /// Whether `facts` meet the condition at `asOf`.
  public func holds(for facts: CaseFacts, asOf: Date, definitions: KPIDefinitions) -> Bool {
    switch self {
    case .countable: return facts.isCountable
    case .merged: return facts.closure == .merged
    case .invalid: return facts.closure == .invalid
    case .dispatched: return facts.dispatched
    case .accepted: return facts.acceptedAt != nil
    case .acceptanceSettled:
      return facts.acceptedAt != nil || (facts.acceptanceDue.map { $0 <= asOf } ?? false)
    case .acceptedOnTime:
      guard let accepted = facts.acceptedAt, let due = facts.acceptanceDue else { return false }
      return accepted <= due
    case .replied: return facts.firstReplyAt != nil
    case .replySettled: return facts.firstReplyAt != nil || (facts.replyDue.map { $0 <= asOf } ?? false)
    case .repliedOnTime:
      guard let replied = facts.firstReplyAt else { return false }
      return facts.replyDue.map { replied <= $0 } ?? true
    case .overdue:
      guard let due = facts.replyDue else { return false }
      return (facts.firstReplyAt ?? asOf) > due && (facts.firstReplyAt != nil || due <= asOf)
    case .closed: return facts.closedAt != nil
    case .rated: return facts.level != nil
    case .ratingExcluded: return facts.ratingExcluded
    case .satisfied: return facts.level.map(definitions.satisfiedLevels.contains) ?? false
    case .resolved: return (facts.resolutionScore ?? 0) >= definitions.resolvedScore
    case .reopened: return facts.reopens > 0
    case .returned: return facts.returns > 0
    case .extended: return facts.extensionsApproved > 0
    case .answeredDirectly: return facts.answeredDirectly
    case .firstContactChannel: return facts.channel == .hotline || facts.channel == .mailbox
    case .proposalEvaluated: return facts.proposalOutcome != nil
    case .proposalAdopted: return facts.proposalOutcome?.isAdoption == true
    }
  }
}

/// Definitions that cannot be used, with the reason.
public struct KPIError: Error, Sendable, Equatable, CustomStringConvertible {
  public var text: LocalizedText

  public init(_ text: LocalizedText) {
    self.text = text
  }

  public var description: String { text.chinese }
}
