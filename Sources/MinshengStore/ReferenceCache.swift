import Foundation
import MinshengCore
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

  /// The snapshot, loaded first when it is missing or too old, or when `forceReload` is set.
  func snapshot(forceReload: Bool = false, load: () async throws -> Snapshot) async throws -> Snapshot {
    let now = ContinuousClock.now
    if !forceReload, let current = state.withLock({ $0 }), now - current.loadedAt < maximumAge {
      return current
    }
    let fresh = try await load()
    state.withLock { $0 = fresh }
    return fresh
  }
}
