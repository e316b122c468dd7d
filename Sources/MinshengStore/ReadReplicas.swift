import FluentKit
import FluentPostgresDriver
import Foundation
import Logging
import NIOCore
import SQLKit
import Synchronization

/// 只读副本: PostgreSQL streaming replicas (`DATABASE_READ_URLS`) that answer the public's reads and
/// searches, so the primary is left to writes, the staff and each citizen's own view.
///
/// Each replica is checked every two seconds: it must answer, be in recovery (a standby) and have
/// replayed what it received, or be no more than `maximumLag` behind its last replayed commit. A
/// replica that fails a check or a query is left out until a later check passes; a read it failed
/// is asked of the primary at once, so nobody sees the failure. With none usable, every read goes to
/// the primary.
final class ReadReplicas: Sendable {
  struct Health: Sendable, Equatable {
    var usable = false
    var checked: ContinuousClock.Instant?
  }

  /// How far behind a replica may be and still answer.
  static let maximumLag: Double = 5
  static let checkInterval: Duration = .seconds(2)

  let ids: [DatabaseID]
  let databases: Databases
  let group: any EventLoopGroup
  let logger: Logger
  private let health: Mutex<[Health]>
  private let next = Atomic<Int>(0)
  /// Reads each replica has answered (for `/metrics` and the tests).
  private let answered: Mutex<[Int]>

  init(urls: [String], threadPool: NIOThreadPool, group: any EventLoopGroup, logger: Logger) {
    self.group = group
    self.logger = logger
    databases = Databases(threadPool: threadPool, on: group)
    var ids: [DatabaseID] = []
    for (index, url) in urls.enumerated() {
      let id = DatabaseID(string: "psql-replica-\(index)")
      if let factory = try? DatabaseConfigurationFactory.postgres(
        url: DatabaseLocation.withTLSMode(url), maxConnectionsPerEventLoop: 2, connectionPoolTimeout: .seconds(5),
        sqlLogLevel: .trace)
      {
        databases.use(factory, as: id, isDefault: false)
        ids.append(id)
      }
    }
    self.ids = ids
    health = Mutex(Array(repeating: Health(), count: ids.count))
    answered = Mutex(Array(repeating: 0, count: ids.count))
  }

  /// A usable replica, in turn; nil when none is.
  func pick() -> (index: Int, database: any SQLDatabase)? {
    let usable = health.withLock { state in state.indices.filter { state[$0].usable } }
    guard !usable.isEmpty else { return nil }
    let index = usable[next.wrappingAdd(1, ordering: .relaxed).oldValue % usable.count]
    guard let database = databases.database(ids[index], logger: logger, on: group.any()) as? any SQLDatabase
    else { return nil }
    return (index, database)
  }

  /// Leaves a replica out until its next check passes.
  func failed(_ index: Int, _ error: any Error) {
    health.withLock { $0[index].usable = false }
    logger.warning("read replica \(index) failed a read, the primary answers: \(String(describing: error))")
  }

  func served(_ index: Int) {
    answered.withLock { $0[index] += 1 }
  }

  /// How many reads each replica has answered, and whether each is usable now.
  var state: [(usable: Bool, answered: Int)] {
    let usable = health.withLock { $0.map(\.usable) }
    let counts = answered.withLock { $0 }
    return zip(usable, counts).map { ($0, $1) }
  }

  /// Checks every replica once.
  func check() async {
    for (index, id) in ids.enumerated() {
      var usable = false
      do {
        guard let sql = databases.database(id, logger: logger, on: group.any()) as? any SQLDatabase else { continue }
        let row = try await sql.raw(
          """
          SELECT pg_is_in_recovery() AS standby,
            COALESCE(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), FALSE) AS replayed,
            COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::float8 AS lag
          """
        ).first()
        if let row {
          let standby = try row.decode(column: "standby", as: Bool.self)
          let replayed = try row.decode(column: "replayed", as: Bool.self)
          let lag = try row.decode(column: "lag", as: Double.self)
          usable = standby && (replayed || lag <= Self.maximumLag)
        }
      } catch {
        usable = false
      }
      let was = health.withLock { state in
        let was = state[index].usable
        state[index] = Health(usable: usable, checked: .now)
        return was
      }
      if was != usable {
        logger.notice("read replica \(index) \(usable ? "answers public reads" : "is left out (down or behind)")")
      }
    }
  }

  func shutdown() async {
    await databases.shutdownAsync()
  }
}
