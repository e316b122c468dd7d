import Foundation

/// 分办规则: a category in a region is handled by this unit by default.
public struct RoutingRule: Sendable, Equatable, Codable {
  public var categoryID: UUID
  /// The region the rule covers, with everything below it; nil for everywhere.
  public var regionCode: String?
  public var unitID: UUID

  public init(categoryID: UUID, regionCode: String?, unitID: UUID) {
    self.categoryID = categoryID
    self.regionCode = regionCode
    self.unitID = unitID
  }
}

/// Suggests the default unit for a message from the routing rules.
public enum Router {
  /// The unit for `category` in the region at the head of `region`.
  ///
  /// The rule for the nearest region wins (a street's rule over its district's, a district's over
  /// the city's, any region's over a rule for everywhere); when a category has no rule, its parent
  /// category's rules are tried, up the category tree.
  public static func suggest(
    category categoryID: UUID?, region: RegionPath, rules: [RoutingRule], categories: [UUID: Category]
  ) -> UUID? {
    var current = categoryID
    var seen: Set<UUID> = []
    while let id = current, seen.insert(id).inserted {
      let candidates = rules.filter { $0.categoryID == id }
      let best = candidates.compactMap { rule -> (Int, UUID)? in
        guard let code = rule.regionCode else { return (0, rule.unitID) }
        return region.depth(of: code).map { ($0, rule.unitID) }
      }.max { $0.0 < $1.0 }
      if let best { return best.1 }
      current = categories[id]?.parentID
    }
    return nil
  }
}
