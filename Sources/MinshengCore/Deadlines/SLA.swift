import Foundation

/// A time limit: working days (counted from the next working day), calendar days, or hours.
public enum SLADuration: Sendable, Equatable, Codable, CustomStringConvertible {
  case workingDays(Int)
  case days(Int)
  case hours(Int)

  /// Parses `5wd`, `3d` or `2h`.
  public init?(_ text: String) {
    let units: [(String, (Int) -> SLADuration)] = [
      ("wd", { .workingDays($0) }), ("d", { .days($0) }), ("h", { .hours($0) }),
    ]
    for (suffix, make) in units where text.hasSuffix(suffix) {
      guard let n = Int(text.dropLast(suffix.count)), n > 0, n <= 10_000 else { return nil }
      self = make(n)
      return
    }
    return nil
  }

  public var description: String {
    switch self {
    case .workingDays(let n): "\(n)wd"
    case .days(let n): "\(n)d"
    case .hours(let n): "\(n)h"
    }
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = SLADuration(text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "not a duration (5wd, 3d, 2h): \(text)"))
    }
    self = value
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }

  /// The deadline this limit sets for something that started at `start`.
  ///
  /// Working and calendar days end at the end of the last day (the instant the next day begins);
  /// hours are exact.
  public func deadline(after start: Date, in calendar: WorkingCalendar) -> Date {
    switch self {
    case .workingDays(let n): calendar.deadline(workingDays: n, after: start)
    case .days(let n): calendar.start(of: calendar.day(of: start).adding(days: n + 1))
    case .hours(let n): start.addingTimeInterval(Double(n) * 3600)
    }
  }
}

/// 时限: the limits that apply to one message.
public struct SLAPolicy: Sendable, Equatable {
  /// From receipt to 交办 by the dispatching office: the pool flags a message waiting longer.
  public var dispatch: SLADuration = .workingDays(1)
  /// From assignment to acceptance (签收).
  public var acceptance: SLADuration
  /// From acceptance (or a granted reopen) to the reply.
  public var reply: SLADuration
  /// The longest extension the dispatcher may approve, in working days.
  public var maxExtensionWorkingDays: Int
  /// 督办反馈: from a supervision notice (督办) to the unit's written answer.
  public var supervisionAnswer: SLADuration = .workingDays(3)

  public init(
    acceptance: SLADuration, reply: SLADuration, maxExtensionWorkingDays: Int, dispatch: SLADuration = .workingDays(1)
  ) {
    self.dispatch = dispatch
    self.acceptance = acceptance
    self.reply = reply
    self.maxExtensionWorkingDays = maxExtensionWorkingDays
  }

  /// Used where no rule says otherwise: dispatch within a working day, accept within 5 working days,
  /// reply within 15, extend by up to 10.
  public static let fallback = SLAPolicy(
    acceptance: .workingDays(5), reply: .workingDays(15), maxExtensionWorkingDays: 10)
}

/// One line of the SLA data file: which messages it applies to and the limits it sets.
///
/// A rule without `urgent` applies to ordinary messages only; urgent messages follow rules that
/// say `"urgent": true`, so a region's ordinary limits never slow down its urgent track.
public struct SLARule: Sendable, Equatable, Codable {
  /// A region code; the rule applies to that region and everything below it.
  public var region: String?
  public var type: MessageType?
  public var urgent: Bool?
  public var dispatch: SLADuration?
  public var acceptance: SLADuration?
  public var reply: SLADuration?
  public var maxExtension: Int?
  /// 督办反馈时限.
  public var supervisionAnswer: SLADuration?

  public init(
    region: String? = nil, type: MessageType? = nil, urgent: Bool? = nil, acceptance: SLADuration? = nil,
    reply: SLADuration? = nil, maxExtension: Int? = nil, dispatch: SLADuration? = nil
  ) {
    self.dispatch = dispatch
    self.region = region
    self.type = type
    self.urgent = urgent
    self.acceptance = acceptance
    self.reply = reply
    self.maxExtension = maxExtension
  }
}

/// The SLA data: rules, resolved per message by specificity.
///
/// Resolution: start from `SLAPolicy.fallback`; take the rules that match the message's urgency,
/// type (or name no type) and region (or an ancestor, or name no region); apply them from least to
/// most specific — a deeper region beats a shallower one, then a named type beats none, then file
/// order — each setting only the fields it names.
public struct SLAPolicySet: Sendable, Equatable, Codable {
  public var version: Int
  public var rules: [SLARule]

  public init(version: Int = 1, rules: [SLARule]) {
    self.version = version
    self.rules = rules
  }

  /// The limits for a message of `type`, urgent or not, in the region at the head of `region`.
  public func policy(type: MessageType, urgent: Bool, region: RegionPath) -> SLAPolicy {
    var matching: [(rank: (Int, Int, Int), rule: SLARule)] = []
    for (index, rule) in rules.enumerated() {
      guard (rule.urgent ?? false) == urgent else { continue }
      if let ruleType = rule.type, ruleType != type { continue }
      var depth = 0
      if let code = rule.region {
        guard let d = region.depth(of: code) else { continue }
        depth = d
      }
      matching.append(((depth, rule.type == nil ? 0 : 1, index), rule))
    }
    matching.sort { $0.rank < $1.rank }
    var policy = SLAPolicy.fallback
    for (_, rule) in matching {
      if let value = rule.dispatch { policy.dispatch = value }
      if let value = rule.acceptance { policy.acceptance = value }
      if let value = rule.reply { policy.reply = value }
      if let value = rule.maxExtension { policy.maxExtensionWorkingDays = value }
      if let value = rule.supervisionAnswer { policy.supervisionAnswer = value }
    }
    return policy
  }

  /// The default SLA file shipped with Minsheng.
  public static func bundledDefault() throws -> SLAPolicySet {
    guard let url = Bundle.module.url(forResource: "sla-default", withExtension: "json", subdirectory: "Data")
    else { throw CalendarError(LocalizedText("error_calendar_sla_missing")) }
    return try JSONDecoder().decode(SLAPolicySet.self, from: Data(contentsOf: url))
  }
}

/// Everything the workflow needs to set deadlines: the working calendar and the SLA rules.
public struct CaseRules: Sendable {
  public var calendar: WorkingCalendar
  public var sla: SLAPolicySet

  public init(calendar: WorkingCalendar, sla: SLAPolicySet) {
    self.calendar = calendar
    self.sla = sla
  }

  /// The shipped calendar (China 2025, 2026 …) and the shipped default SLA rules.
  public static func bundled() throws -> CaseRules {
    CaseRules(calendar: try WorkingCalendar.bundledChina(), sla: try SLAPolicySet.bundledDefault())
  }
}
