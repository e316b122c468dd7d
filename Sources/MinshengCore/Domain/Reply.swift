import Foundation

/// 答复: a unit's answer to a message; public when the message is.
public struct Reply: Sendable, Equatable, Identifiable {
  public var id: UUID
  public var messageID: UUID
  public var unitID: UUID
  public var body: String
  /// When the reply became final (published, or approved by the reviewer).
  public var publishedAt: Date

  public init(id: UUID, messageID: UUID, unitID: UUID, body: String, publishedAt: Date) {
    self.id = id
    self.messageID = messageID
    self.unitID = unitID
    self.body = body
    self.publishedAt = publishedAt
  }
}

/// 评价: the author's judgement of a reply, three scores from 1 to 5 and a comment.
public struct Evaluation: Sendable, Equatable, Codable {
  /// 解决程度
  public var resolution: Int
  /// 办理态度
  public var attitude: Int
  /// 办理速度
  public var speed: Int
  public var comment: String?

  public init(resolution: Int, attitude: Int, speed: Int, comment: String? = nil) {
    self.resolution = resolution
    self.attitude = attitude
    self.speed = speed
    self.comment = comment
  }

  /// Checks that every score is between 1 and 5 and the comment is at most 500 characters.
  public func validated() throws(ValidationError) -> Evaluation {
    var problems: [ValidationError.Problem] = []
    for (field, score) in [("resolution", resolution), ("attitude", attitude), ("speed", speed)]
    where !(1...5).contains(score) {
      problems.append(.init(field: field, reason: .invalid(LocalizedText("error_score_range"))))
    }
    var copy = self
    copy.comment = comment?.trimmingCharacters(in: .whitespacesAndNewlines)
    if copy.comment?.isEmpty == true { copy.comment = nil }
    if (copy.comment?.count ?? 0) > 500 { problems.append(.init(field: "comment", reason: .tooLong(max: 500))) }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return copy
  }

  /// The overall level, derived from the mean of the three scores.
  ///
  /// Mean ≥ 4.5 很满意, ≥ 3.5 满意, ≥ 2.5 基本满意, ≥ 1.5 不满意, otherwise 很不满意. A resolution
  /// score of 1 or 2 (the matter is not solved) caps the level at 不满意 whatever the other scores.
  public var level: SatisfactionLevel {
    let mean = Double(resolution + attitude + speed) / 3
    let byMean: SatisfactionLevel =
      switch mean {
      case 4.5...: .verySatisfied
      case 3.5..<4.5: .satisfied
      case 2.5..<3.5: .basicallySatisfied
      case 1.5..<2.5: .unsatisfied
      default: .veryUnsatisfied
      }
    if resolution <= 2, byMean.isSatisfied { return .unsatisfied }
    return byMean
  }
}

/// 满意度: the five levels of GB/T 39734 (很满意 … 很不满意).
public enum SatisfactionLevel: String, Sendable, Codable, CaseIterable, Named {
  case verySatisfied
  case satisfied
  case basicallySatisfied
  case unsatisfied
  case veryUnsatisfied

  /// 很满意, 满意, 基本满意 count as satisfied; the rest open a reopen request.
  public var isSatisfied: Bool {
    switch self {
    case .verySatisfied, .satisfied, .basicallySatisfied: true
    case .unsatisfied, .veryUnsatisfied: false
    }
  }

  public var nameKey: String { "level_" + rawValue }

  /// The word for one score of an evaluation, as the form offers it: 5 很满意, 4 满意, 3 基本满意,
  /// 2 不满意, 1 很不满意; nil outside 1–5.
  public init?(score: Int) {
    guard let level = Self.allCases.first(where: { $0.score == score }) else { return nil }
    self = level
  }

  /// The score this level stands for on the form (5 for 很满意 … 1 for 很不满意).
  public var score: Int {
    switch self {
    case .verySatisfied: 5
    case .satisfied: 4
    case .basicallySatisfied: 3
    case .unsatisfied: 2
    case .veryUnsatisfied: 1
    }
  }
}
