import Foundation

/// 智能分拨建议: what the classifier said about a message at intake, kept with the message for
/// the dispatcher: the likeliest category, the unit its routing rule names, the runners-up, and the
/// words that weighed most.
public struct CategorySuggestion: Sendable, Equatable, Codable {
  public struct Alternative: Sendable, Equatable, Codable {
    public var label: String
    public var confidence: Double

    public init(label: String, confidence: Double) {
      self.label = label
      self.confidence = confidence
    }
  }

  public struct Reason: Sendable, Equatable, Codable {
    public var gram: String
    public var weight: Double

    public init(gram: String, weight: Double) {
      self.gram = gram
      self.weight = weight
    }
  }

  /// The predicted category's name, as the model knows it.
  public var label: String
  /// The category of that name, when the platform has one.
  public var categoryID: UUID?
  /// The unit the routing rules give for that category in the message's region.
  public var unitID: UUID?
  /// The probability of `label`, from 0 to 1.
  public var confidence: Double
  /// The likeliest labels, `label` first.
  public var top: [Alternative]
  public var reasons: [Reason]

  public init(
    label: String, categoryID: UUID? = nil, unitID: UUID? = nil, confidence: Double, top: [Alternative],
    reasons: [Reason]
  ) {
    self.label = label
    self.categoryID = categoryID
    self.unitID = unitID
    self.confidence = confidence
    self.top = top
    self.reasons = reasons
  }
}

/// 分派建议: which unit a new message is suggested for, and what the classifier's prediction means on
/// this platform. Decided here once; intake stores the result and the pool shows it.
public enum DispatchSuggestion {
  /// The decision for a message just received.
  public struct Decision: Sendable, Equatable {
    /// The unit the dispatcher is offered first.
    public var unitID: UUID?
    /// The classifier's prediction with its category and unit resolved, when a classifier spoke.
    public var classifier: CategorySuggestion?
  }

  /// The routing rules decide for the category the author chose; without one, the classifier's label
  /// names a category (the first-level one of that name first, then by code) and the rules give its
  /// unit.
  public static func decide(
    category: UUID?, region: RegionPath, prediction: CategorySuggestion?, rules: [RoutingRule],
    categories: [UUID: Category]
  ) -> Decision {
    var resolved = prediction
    if var suggestion = prediction {
      suggestion.categoryID = categoryID(named: suggestion.label, in: categories)
      suggestion.unitID = Router.suggest(
        category: suggestion.categoryID, region: region, rules: rules, categories: categories)
      resolved = suggestion
    }
    let byRule = Router.suggest(category: category, region: region, rules: rules, categories: categories)
    return Decision(unitID: byRule ?? (category == nil ? resolved?.unitID : nil), classifier: resolved)
  }

  /// 交办单位: the office that owns a new message and dispatches it — the board's, else the nearest
  /// region's up the path, else the platform's intake office (`platformOffice`). Every message has
  /// one, so no message is left to every dispatcher.
  public static func owner(leader: Leader?, path: [Region], platformOffice: UUID?) -> UUID? {
    leader?.dispatchingUnitID ?? path.lazy.compactMap(\.dispatchingUnitID).first ?? platformOffice
  }

  /// The platform's intake office: the unit of `code` when there is one, else the dispatching office
  /// of the top region (the first by code when there are several).
  public static func platformOffice(code: String?, units: [UUID: Unit], regions: [UUID: Region]) -> UUID? {
    if let code, let unit = units.values.first(where: { $0.code == code }) { return unit.id }
    return regions.values.filter { $0.parentID == nil && $0.dispatchingUnitID != nil }.min { $0.code < $1.code }?
      .dispatchingUnitID
  }

  /// The category a classifier's label names: of the categories with that name, a first-level one
  /// first, then the lowest code.
  public static func categoryID(named label: String, in categories: [UUID: Category]) -> UUID? {
    categories.values.filter { $0.name == label }
      .min { ($0.parentID == nil ? 0 : 1, $0.code) < ($1.parentID == nil ? 0 : 1, $1.code) }?.id
  }

  /// 智能分派: the unit to assign a new message to without a dispatcher — the classifier's (through
  /// the routing rules) when its confidence reaches `threshold` and the message still waits for its
  /// first assignment. Off (nil) unless a threshold is configured.
  public static func automaticUnit(
    for suggestion: CategorySuggestion?, of message: Message, threshold: Double?
  )
    -> UUID?
  {
    guard let threshold, let suggestion, let unit = suggestion.unitID, message.status == .received,
      suggestion.confidence >= threshold
    else { return nil }
    return unit
  }

  /// The instruction recorded with the automatic assignment.
  public static func automaticInstruction(for suggestion: CategorySuggestion) -> String {
    LocalizedText(
      "auto_assign_instruction",
      ["label": .plain(suggestion.label), "percent": .number(Int((suggestion.confidence * 100).rounded()))]
    ).chinese
  }
}
