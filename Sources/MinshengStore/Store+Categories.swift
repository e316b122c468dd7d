import Foundation
import MinshengCore

/// 诉求分类: the category tree, each category with the questions it asks (补充问题).
extension Store {
  /// Adds a category under `parent` (nil for a first-level category).
  public func createCategory(
    code: String, name: String, parent: UUID? = nil, by actor: String = "system", at now: Date = Date()
  ) async throws -> MinshengCore.Category {
    try Self.checkCode(code)
    try Self.checkName(name, field: "name")
    if let parent, try await find({ $0.categories[parent] }) == nil {
      throw ValidationError(field: "parent_id", reason: .unknownReference)
    }
    let category = MinshengCore.Category(id: ids.newID(), code: code, name: Self.trimmed(name), parentID: parent)
    try await insert(
      ReferenceRow(
        table: .categories,
        values: [
          ("id", .uuid(category.id)), ("code", .text(code)), ("name", .text(category.name)),
          ("parent_id", .optional(parent)),
        ], duplicate: (.categoryCode, code)), change: .category(category), by: actor, at: now)
    return category
  }

  /// Renames a category, or sets what it asks (`questions`, as `ServiceQuestions.parse` reads them;
  /// none for an empty list).
  public func updateCategory(
    _ id: UUID, name: String?, questions: [ServiceQuestion]? = nil, by actor: String, at now: Date
  ) async throws
    -> MinshengCore.Category
  {
    try Self.checkName(name, field: "name")
    guard var category = try await find({ $0.categories[id] }) else { throw StoreError.notFound(.category) }
    if let name { category.name = Self.trimmed(name) }
    if let questions { category.questions = questions }
    let stored: StoreValue =
      category.questions.isEmpty
      ? .null
      : .text(String(decoding: try JSONEncoder().encode(category.questions), as: UTF8.self))
    try await update(
      .categories, id, ["name": .text(category.name), "questions": stored], .category(category), record: .category,
      by: actor, at: now)
    return category
  }
}
