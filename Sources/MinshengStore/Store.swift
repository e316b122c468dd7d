import Foundation
import MinshengCore
import Synchronization

/// The persistence of Minsheng as named operations over core values.
///
/// Each operation checks what the database must check (references exist, versions match), asks the
/// core for every decision, and hands the result to one of the storage areas (`Areas/`), each a
/// protocol with one implementation per database chosen here, when the store opens: SQLite's own
/// connections (`SQLite/`) or SQL through SQLKit (`SQL/`, PostgreSQL, and SQLite in the portable mode
/// the contract suite also runs). Fluent models never leave this target; every write that changes a
/// message runs in one transaction with the event that records it.
public struct Store: Sendable {
  public let database: StoreDatabase
  /// The calendar and SLA rules now in force: those the store was opened with, plus the documents
  /// administrators uploaded (`reloadRules()` reads them again).
  public var rules: CaseRules { ruleState.current }
  let ruleState: RuleState
  let ids: any IdentifierSource
  let references: ReferenceCache
  /// What intake enforces for citizens' messages: moderation before publication and rate limits.
  public let policy: IntakePolicy
  /// How authors' names appear in everything the public reads.
  public let publicNameStyle: PrivacyMask.NameStyle
  /// Whether this store seals committed events into the global audit chain before it brings the
  /// roll-ups up to date (PostgreSQL; false for an instance that leaves sealing to others).
  public let seals: Bool
  /// The store's own keys, once read from `store_secrets`.
  let secrets = SecretCache()
  /// The roll-ups' sums, kept up to date by reading only the blocks that changed.
  let rollupSums = RollupSums()
  /// The statistics' roll-ups: the definitions they count by, and the pending cases last read.
  let statisticsRollup = StatisticsRollup()

  let cases: any CaseStorage
  let publicReads: any PublicReadStorage
  /// The public reads on the primary: a citizen's own messages, an operator's caller history, and a
  /// second look when a replica does not have a message yet (read-your-writes).
  let primaryReads: any PublicReadStorage
  let queues: any QueueStorage
  let duplicates: any DuplicateStorage
  let search: SearchStorage
  let rollups: RollupStorage
  let reference: any ReferenceStorage
  let staff: any StaffStorage
  let citizens: any CitizenStorage
  let jobs: any JobStorage
  let audit: any AuditStorage

  public init(
    database: StoreDatabase, rules: CaseRules, ids: any IdentifierSource = RandomIdentifiers(),
    policy: IntakePolicy = .open, publicNameStyle: PrivacyMask.NameStyle = .address, seals: Bool = true
  ) {
    self.seals = seals
    self.database = database
    self.ruleState = RuleState(base: rules)
    self.ids = ids
    self.references = ReferenceCache()
    self.policy = policy
    self.publicNameStyle = publicNameStyle
    let connection = SQLConnection(database: database)
    if let native = database.sqlite {
      let runner = SQLiteStatementRunner(readers: native.readers)
      cases = SQLiteCaseStorage(writer: native.writer, readers: native.readers)
      publicReads = StatementPublicReads(runner: runner)
      primaryReads = publicReads
      queues = StatementQueues(runner: runner)
      duplicates = SQLiteDuplicateStorage(writer: native.writer, reads: DuplicateReads(runner: runner))
      search = SearchStorage(runner: runner, writer: native.writer)
    } else {
      let runner = SQLStatementRunner(connection: connection)
      cases = SQLCaseStorage(connection: connection)
      primaryReads = StatementPublicReads(runner: runner)
      queues = StatementQueues(runner: runner)
      duplicates = SQLDuplicateStorage(connection: connection, reads: DuplicateReads(runner: runner))
      if let replicas = database.replicas {
        let replicated = ReplicaStatementRunner(primary: runner, replicas: replicas)
        publicReads = StatementPublicReads(runner: replicated)
        search = SearchStorage(runner: runner, connection: connection, publicRunner: replicated)
      } else {
        publicReads = primaryReads
        search = SearchStorage(runner: runner, connection: connection)
      }
    }
    rollups = RollupStorage(runner: search.runner, write: search.write)
    reference = SQLReferenceStorage(connection: connection)
    staff = SQLStaffStorage(connection: connection)
    citizens = SQLCitizenStorage(connection: connection)
    jobs = SQLJobStorage(connection: connection)
    audit = SQLAuditStorage(connection: connection)
  }

  /// The reference data, at most a few seconds old (reloaded when a look-up misses).
  func snapshot(forceReload: Bool = false) async throws -> ReferenceCache.Snapshot {
    try await references.snapshot(forceReload: forceReload) { try await reference.snapshot() }
  }

  /// Looks something up in the reference data, reloading once when it is not found.
  func find<T: Sendable>(_ lookup: @Sendable (ReferenceCache.Snapshot) -> T?) async throws -> T? {
    if let found = lookup(try await snapshot()) { return found }
    return lookup(try await snapshot(forceReload: true))
  }

  /// A `reference_changes` row for a change made now.
  func changeEntry(_ change: ReferenceChange, _ action: String, by actor: String, at now: Date) -> ReferenceChangeEntry
  {
    ReferenceChangeEntry(id: ids.newID(), change: change, action: action, actor: actor, at: now)
  }
}

/// Secrets read from the database, kept for the life of the store.
final class SecretCache: Sendable {
  private let values = Mutex<[String: String]>([:])

  func withLock<T: Sendable>(_ body: (inout [String: String]) -> T) -> T {
    values.withLock { body(&$0) }
  }
}
