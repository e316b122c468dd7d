import FluentKit
import Foundation
import MinshengCore
import SQLKit
import Synchronization

/// Regions, leaders, units, categories, routing rules and banned words, held in memory between reloads.
///
/// Intake and transitions consult them on every call; they change rarely. The snapshot is reloaded
/// when it is older than `maximumAge`, after this store changes reference data, and when a look-up
/// misses (the row may have been added by another instance). So another instance's change to an
/// existing row is seen within `maximumAge`.
final class ReferenceCache: Sendable {
  struct Snapshot: Sendable {
    var regions: [UUID: Region] = [:]
    var leaders: [UUID: Leader] = [:]
    var units: [UUID: MinshengCore.Unit] = [:]
    var categories: [UUID: MinshengCore.Category] = [:]
    var routingRules: [RoutingRule] = []
    var bannedWords: [BannedWord] = []
    var loadedAt: ContinuousClock.Instant
  }

  let maximumAge: Duration
  private let state = Mutex<Snapshot?>(nil)

  init(maximumAge: Duration = .seconds(5)) {
    self.maximumAge = maximumAge
  }

  /// Forgets the snapshot; the next look-up reloads.
  func invalidate() {
    state.withLock { $0 = nil }
  }

  /// The snapshot, reloaded first when it is missing or too old, or when `forceReload` is set.
  ///
  /// The database is named by an autoclosure: getting a Fluent database is not free, and a fresh
  /// snapshot needs none.
  func snapshot(from database: @autoclosure () -> any Database, forceReload: Bool = false) async throws -> Snapshot {
    let now = ContinuousClock.now
    if !forceReload, let current = state.withLock({ $0 }), now - current.loadedAt < maximumAge {
      return current
    }
    let fresh = try await Self.load(from: database())
    state.withLock { $0 = fresh }
    return fresh
  }

  /// Looks something up, reloading once when it is not found.
  func find<T: Sendable>(
    _ lookup: @Sendable (Snapshot) -> T?, in database: @autoclosure () -> any Database
  ) async throws -> T? {
    if let found = lookup(try await snapshot(from: database())) { return found }
    return lookup(try await snapshot(from: database(), forceReload: true))
  }

  private struct RegionRow: Decodable {
    var id: UUID
    var code: String
    var name: String
    var parent_id: UUID?
    var dispatching_unit_id: UUID?
  }

  private struct LeaderRow: Decodable {
    var id: UUID
    var code: String
    var title: String
    var region_id: UUID
    var dispatching_unit_id: UUID?
  }

  private struct UnitRow: Decodable {
    var id: UUID
    var code: String
    var name: String
    var region_id: UUID
    var requires_reply_review: Bool
  }

  private struct CategoryRow: Decodable {
    var id: UUID
    var code: String
    var name: String
    var parent_id: UUID?
  }

  private struct RuleRow: Decodable {
    var category_id: UUID
    var region_code: String?
    var unit_id: UUID
  }

  private struct BannedWordRow: Decodable {
    var id: UUID
    var word: String
    var severity: String
  }

  private static func load(from database: any Database) async throws -> Snapshot {
    guard let sql = database as? any SQLDatabase else { throw StoreError.notFound("SQL 数据库") }
    func rows<R: Decodable>(_ table: String, _ type: R.Type) async throws -> [R] {
      try await sql.select().column("*").from(table).all(decoding: R.self)
    }
    var snapshot = Snapshot(loadedAt: ContinuousClock.now)
    for r in try await rows("regions", RegionRow.self) {
      snapshot.regions[r.id] = Region(
        id: r.id, code: r.code, name: r.name, parentID: r.parent_id, dispatchingUnitID: r.dispatching_unit_id)
    }
    for r in try await rows("leaders", LeaderRow.self) {
      snapshot.leaders[r.id] = Leader(
        id: r.id, code: r.code, title: r.title, regionID: r.region_id, dispatchingUnitID: r.dispatching_unit_id)
    }
    for r in try await rows("units", UnitRow.self) {
      snapshot.units[r.id] = MinshengCore.Unit(
        id: r.id, code: r.code, name: r.name, regionID: r.region_id, requiresReplyReview: r.requires_reply_review)
    }
    for r in try await rows("categories", CategoryRow.self) {
      snapshot.categories[r.id] = MinshengCore.Category(id: r.id, code: r.code, name: r.name, parentID: r.parent_id)
    }
    snapshot.routingRules = try await rows("routing_rules", RuleRow.self).map {
      RoutingRule(categoryID: $0.category_id, regionCode: $0.region_code, unitID: $0.unit_id)
    }
    snapshot.bannedWords = try await sql.select().column("*").from("banned_words").orderBy("word")
      .all(decoding: BannedWordRow.self).compactMap { row in
        BannedWord.Severity(rawValue: row.severity).map { BannedWord(id: row.id, word: row.word, severity: $0) }
      }
    return snapshot
  }
}
