import Foundation

/// 领导: a public office (title + region) to whose board citizens write; never a person's name.
public struct Leader: Sendable, Equatable, Identifiable, Codable {
  public var id: UUID
  public var code: String
  /// The office's title, such as 市委书记 or 区长.
  public var title: String
  public var regionID: UUID
  /// The office (信访办, 督查室 …) that dispatches the messages on this leader's board.
  public var dispatchingUnitID: UUID?

  public init(id: UUID, code: String, title: String, regionID: UUID, dispatchingUnitID: UUID? = nil) {
    self.id = id
    self.code = code
    self.title = title
    self.regionID = regionID
    self.dispatchingUnitID = dispatchingUnitID
  }
}

/// 单位: a government body that handles messages, or dispatches them for some leaders' boards.
public struct Unit: Sendable, Equatable, Identifiable, Codable {
  public var id: UUID
  public var code: String
  public var name: String
  public var regionID: UUID
  /// When true, a handler's reply waits for the unit's reviewer before it is published.
  public var requiresReplyReview: Bool

  public init(id: UUID, code: String, name: String, regionID: UUID, requiresReplyReview: Bool = false) {
    self.id = id
    self.code = code
    self.name = name
    self.regionID = regionID
    self.requiresReplyReview = requiresReplyReview
  }
}

/// 领域: a node of the category tree (城乡建设 → 住房保障 …).
public struct Category: Sendable, Equatable, Identifiable, Codable {
  public var id: UUID
  public var code: String
  public var name: String
  public var parentID: UUID?
  /// 补充问题: what a request of this category is asked beyond its text (Open311's attributes).
  public var questions: [ServiceQuestion]

  public init(id: UUID, code: String, name: String, parentID: UUID? = nil, questions: [ServiceQuestion] = []) {
    self.id = id
    self.code = code
    self.name = name
    self.parentID = parentID
    self.questions = questions
  }

  private enum CodingKeys: String, CodingKey { case id, code, name, parentID, questions }

  // A category recorded before categories had questions reads as one without.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(UUID.self, forKey: .id)
    code = try container.decode(String.self, forKey: .code)
    name = try container.decode(String.self, forKey: .name)
    parentID = try container.decodeIfPresent(UUID.self, forKey: .parentID)
    questions = try container.decodeIfPresent([ServiceQuestion].self, forKey: .questions) ?? []
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .id)
    try container.encode(code, forKey: .code)
    try container.encode(name, forKey: .name)
    try container.encodeIfPresent(parentID, forKey: .parentID)
    if !questions.isEmpty { try container.encode(questions, forKey: .questions) }
  }
}

/// 名称规则: what the name of a region, board, unit or category may be — one to a hundred characters
/// of text that reads as it is: no control characters (line breaks included), no private-use or
/// unassigned code points, and no invisible formatting (a right-to-left override would make a name
/// read as another).
public enum ReferenceName {
  public static let maxLength = 100

  /// Why `name` (already trimmed) is refused; nil when it is acceptable.
  public static func problem(with name: String) -> LocalizedText? {
    guard (1...maxLength).contains(name.count) else { return LocalizedText("error_name_length") }
    let unreadable = name.unicodeScalars.contains { scalar in
      switch scalar.properties.generalCategory {
      case .control, .privateUse, .unassigned, .surrogate, .format, .lineSeparator, .paragraphSeparator: true
      default: false
      }
    }
    return unreadable ? LocalizedText("error_name_characters") : nil
  }
}
