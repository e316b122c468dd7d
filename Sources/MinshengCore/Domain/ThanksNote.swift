import Foundation

/// 感谢信 to a unit without a case of the author's own, as the 领导留言板's 感谢 type allows: from a
/// proved mobile number, through the banned words, and under a moderation policy held for a moderator
/// of the office that dispatches for the unit's region.
public struct ThanksNote: Sendable, Equatable, Identifiable {
  public var id: UUID
  public var unitID: UUID
  /// The signature as the author wrote it; the public sees it shortened.
  public var author: String
  public var body: String
  public var publication: Publication
  public var createdAt: Date
  /// The moderator's reason for withholding it.
  public var reason: String?

  public init(
    id: UUID, unitID: UUID, author: String, body: String, publication: Publication, createdAt: Date,
    reason: String? = nil
  ) {
    self.id = id
    self.unitID = unitID
    self.author = author
    self.body = body
    self.publication = publication
    self.createdAt = createdAt
    self.reason = reason
  }

  public static let maxBodyLength = 1_000
  public static let maxAuthorLength = 40

  /// The author's name and text trimmed and checked, every problem by its field.
  public static func validated(author: String, body: String) throws(ValidationError) -> (author: String, body: String) {
    let author = author.trimmedOfWhitespace
    let body = body.trimmedOfWhitespace
    var problems: [ValidationError.Problem] = []
    if author.isEmpty { problems.append(.init(field: "author", reason: .missing)) }
    if !author.hasAtMost(maxAuthorLength) {
      problems.append(.init(field: "author", reason: .tooLong(max: maxAuthorLength)))
    }
    if body.isEmpty { problems.append(.init(field: "body", reason: .missing)) }
    if !body.hasAtMost(maxBodyLength) { problems.append(.init(field: "body", reason: .tooLong(max: maxBodyLength))) }
    for (field, text) in [("author", author), ("body", body)] where text.hasControlCharacter {
      problems.append(.init(field: field, reason: .invalid(LocalizedText("error_control_characters"))))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return (author, body)
  }

  /// Who decides a held letter: administrators, and the dispatchers of `office`, the office that
  /// dispatches for the unit's region.
  public static func mayModerate(_ actor: Actor, office: UUID?) -> Bool {
    switch actor.role {
    case .admin: true
    case .dispatcher: office != nil && actor.unitID == office
    default: false
    }
  }
}
