import Foundation

/// The platform's categories, regions and units by what an export calls them: a code, a name, or a
/// path whose last part is the name (`城乡建设/物业管理`, `城乡建设 > 物业管理`).
public struct ImportReferences: Sendable {
  private var categories: [String: Category] = [:]
  private var regions: [String: Region] = [:]
  private var units: [String: Unit] = [:]

  public init(categories: [Category], regions: [Region], units: [Unit]) {
    for category in categories {
      self.categories[category.name] = category
      self.categories[category.code] = category
    }
    for region in regions {
      self.regions[region.name] = region
      self.regions[region.code] = region
    }
    for unit in units {
      self.units[unit.name] = unit
      self.units[unit.code] = unit
    }
  }

  public func category(_ text: String?) -> Category? { Self.find(text, in: categories) }
  public func region(_ text: String?) -> Region? { Self.find(text, in: regions) }
  public func unit(_ text: String?) -> Unit? { Self.find(text, in: units) }

  private static func find<T>(_ text: String?, in table: [String: T]) -> T? {
    guard let text = text?.trimmedOfWhitespace, !text.isEmpty else { return nil }
    if let found = table[text] { return found }
    let last = text.split(whereSeparator: { "/>＞、-".contains($0) }).last.map { String($0).trimmedOfWhitespace }
    return last.flatMap { table[$0] }
  }
}
