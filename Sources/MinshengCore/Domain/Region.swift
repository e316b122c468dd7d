import Foundation

/// 行政区划: a node of the region tree (city → district/county → town/street).
///
/// A region is known by a stable `code` (for example a statistical division code); the tree is
/// formed by `parentID`. The root has no parent.
public struct Region: Sendable, Equatable, Identifiable, Codable {
  public var id: UUID
  public var code: String
  public var name: String
  public var parentID: UUID?
  /// The office that dispatches messages sent to this region without a named leader.
  public var dispatchingUnitID: UUID?

  public init(id: UUID, code: String, name: String, parentID: UUID? = nil, dispatchingUnitID: UUID? = nil) {
    self.id = id
    self.code = code
    self.name = name
    self.parentID = parentID
    self.dispatchingUnitID = dispatchingUnitID
  }
}

/// A region and its ancestors, nearest first: the path that region-specific rules are matched against.
public struct RegionPath: Sendable, Equatable {
  /// Region codes from the message's own region up to the root.
  public var codes: [String]

  public init(codes: [String]) {
    self.codes = codes
  }

  /// The depth of `code` counted from the root (root = 1), or nil when `code` is not on the path.
  public func depth(of code: String) -> Int? {
    guard let index = codes.firstIndex(of: code) else { return nil }
    return codes.count - index
  }

  /// The path of a region inside a tree, nearest first; stops at a cycle rather than looping.
  public static func of(_ regionID: UUID?, in regions: [UUID: Region]) -> RegionPath {
    var codes: [String] = []
    var seen: Set<UUID> = []
    var current = regionID
    while let id = current, let region = regions[id], seen.insert(id).inserted {
      codes.append(region.code)
      current = region.parentID
    }
    return RegionPath(codes: codes)
  }
}
