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

/// 智能分派: assigning a new message without a dispatcher when the classifier is sure enough.
/// Off unless a threshold is configured.
public enum AutoAssignment {
  /// The unit to assign to: the suggestion's (found through the routing rules) when its confidence
  /// reaches `threshold` and the message still waits for its first assignment.
  public static func unit(for suggestion: CategorySuggestion?, of message: Message, threshold: Double?) -> UUID? {
    guard let threshold, let suggestion, let unit = suggestion.unitID, message.status == .received,
      suggestion.confidence >= threshold
    else { return nil }
    return unit
  }

  /// The instruction recorded with the automatic assignment.
  public static func instruction(for suggestion: CategorySuggestion) -> String {
    "系统按分类建议自动交办：\(suggestion.label)（置信度 \(Int((suggestion.confidence * 100).rounded()))%）"
  }
}
