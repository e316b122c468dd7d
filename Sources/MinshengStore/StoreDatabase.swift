import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import MinshengCore
import NIOCore
import NIOPosix
import SQLKit
import Synchronization

/// Where the data lives: an embedded SQLite file (the default) or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
  case sqlite(path: String)
  case postgres(url: String)

  /// Reads a `DATABASE_URL`-style value: `postgres://…` or `postgresql://…` for PostgreSQL,
  /// `sqlite:PATH` or a plain file path for SQLite; nil or empty gives `default`.
  public static func parse(
    _ value: String?, default path: String = "minsheng.sqlite"
  ) throws(DatabaseLocationError)
    -> DatabaseLocation
  {
    guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return .sqlite(path: path) }
    if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
      guard let url = URLComponents(string: value), url.host?.isEmpty == false, url.user != nil else {
        throw DatabaseLocationError(reason: LocalizedText("error_database_url_postgres"))
      }
      return .postgres(url: value)
    }
    if value.hasPrefix("sqlite:") {
      let rest = String(value.dropFirst("sqlite:".count)).replacingOccurrences(of: "//", with: "", options: .anchored)
      guard !rest.isEmpty else { throw DatabaseLocationError(reason: LocalizedText("error_database_url_sqlite")) }
      return .sqlite(path: rest)
    }
    if value.contains("://") {
      throw DatabaseLocationError(reason: LocalizedText("error_database_url_scheme"))
    }
    return .sqlite(path: value)
  }

  /// A PostgreSQL URL with its TLS mode: as given (`sslmode=require` for a server across a network,
  /// with full certificate verification), else `prefer` (TLS whenever the server offers it), except
  /// on the loopback interface, where nothing crosses a network and `disable` is the default.
  static func withTLSMode(_ url: String) -> String {
    let items = URLComponents(string: url)?.queryItems ?? []
    if items.contains(where: { ["sslmode", "tlsmode", "ssl", "tls"].contains($0.name.lowercased()) }) { return url }
    let host = URLComponents(string: url)?.host?.lowercased() ?? ""
    let mode = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) ? "disable" : "prefer"
    return url + (url.contains("?") ? "&" : "?") + "sslmode=" + mode
  }

  /// The location with any password replaced by `***`, for logs and error messages.
  public var description: String {
    switch self {
    case .sqlite(let path): return "sqlite:\(path)"
    case .postgres(let url):
      guard var components = URLComponents(string: url) else { return "postgres://***" }
      if components.password != nil { components.password = "***" }
      return components.string ?? "postgres://***"
    }
  }

  /// Whether this is PostgreSQL.
  public var isPostgres: Bool {
    if case .postgres = self { return true }
    return false
  }
}

/// A `DATABASE_URL` that cannot be used.
public struct DatabaseLocationError: Error, Sendable, Equatable, CustomStringConvertible {
  public var reason: LocalizedText
  public var description: String { reason.chinese }
}

/// Which implementation of the storage areas a store uses on SQLite.
public enum StoreImplementation: String, Sendable, CaseIterable {
  /// SQLite's own connections for intake, transitions and the hot reads (the default).
  case native
  /// SQL through SQLKit throughout, as on PostgreSQL (what the contract suite also runs on SQLite).
  case portable
}

/// SQLite's own connections: the writer that takes intake and transitions with group commit, and the
/// query-only readers.
struct NativeSQLite: Sendable {
  let writer: SQLiteWorker
  let readers: SQLiteReaders
}

/// An open connection pool to the configured database, with its event loops and migrations.
///
/// SQLite runs on one connection in WAL mode with `synchronous=FULL`: every commit is on disk
/// before it is acknowledged, and writes never wait on each other's locks.
public final class StoreDatabase: Sendable {
  public let location: DatabaseLocation
  let databases: Databases
  let logger: Logger
  private let group: MultiThreadedEventLoopGroup
  private let threadPool: NIOThreadPool
  /// For SQLite, the one event loop as a task executor (see `onDatabaseLoop`).
  private let executor: EventLoopTaskExecutor?
  /// For SQLite in the native implementation, its own connections.
  let sqlite: NativeSQLite?
  /// SQLite only: Fluent connections for reads alone (two, each on its own thread), so that the
  /// workbench's queries do not queue behind each other and the writes on the one read-write connection.
  private let readDatabases: Databases?
  private let readGroup: MultiThreadedEventLoopGroup?
  private let readThreadPool: NIOThreadPool?
  private let checkpointer: SQLiteCheckpointer?
  /// PostgreSQL only: the streaming replicas that answer public reads (`DATABASE_READ_URLS`), and
  /// the task that checks them every two seconds.
  let replicas: ReadReplicas?
  /// PostgreSQL without read replicas: the public stamps kept while this instance listens for changes
  /// (`listenForChanges`, see `PostgresStamps`), and the listening task.
  let stamps: PostgresStamps?
  private let stampListener = Mutex<Task<Void, Never>?>(nil)
  /// PostgreSQL only: the transactions that intakes and changes share (see `PostgresGroupCommit`).
  let groupCommit: PostgresGroupCommit?
  /// PostgreSQL only: the years whose serial-number sequence is known to exist (see `PostgresChain`).
  let serialYears = Mutex<Set<Int>>([])
  private let replicaChecks: Task<Void, Never>?

  /// Opens the database; nothing is migrated yet. `readReplicas` (PostgreSQL only) are the URLs of
  /// streaming replicas of it for the public's reads.
  public static func open(
    _ location: DatabaseLocation, logger: Logger = Logger(label: "minsheng.store"), maxConnections: Int = 8,
    implementation: StoreImplementation = .native, sqliteMemory: SQLiteMemory = .bounded, readReplicas: [String] = []
  ) async throws -> StoreDatabase {
    var writer: SQLiteWorker?
    var readers: SQLiteReaders?
    var checkpointer: SQLiteCheckpointer?
    if case .sqlite(let path) = location, implementation == .native {
      let missing = SQLiteBuild.missing
      guard missing.isEmpty else {
        throw DatabaseLocationError(
          reason: LocalizedText(
            "error_sqlite_build",
            ["version": .plain(SQLiteBuild.version), "missing": .plain(missing.joined(separator: "; "))]
          ))
      }
      do {
        writer = try SQLiteWorker(
          path: path, name: "minsheng-sqlite-write", queryOnly: false, memory: sqliteMemory, spin: .microseconds(250))
        readers = try SQLiteReaders(path: path, count: 2, memory: sqliteMemory)
        checkpointer = try SQLiteCheckpointer(path: path)
      } catch {
        writer?.close()
        readers?.close()
        throw DatabaseLocationError(
          reason: LocalizedText("error_sqlite_open", ["path": .plain(path), "detail": .plain("\(error)")]))
      }
    }
    let database = StoreDatabase(
      location: location, logger: logger, maxConnections: maxConnections, writer: writer, readers: readers,
      checkpointer: checkpointer, readReplicas: location.isPostgres ? readReplicas : [])
    do {
      try await database.prepareConnection()
      // The replicas answer from the first request on when they are up.
      await database.replicas?.check()
    } catch {
      await database.close()
      throw error
    }
    return database
  }

  private init(
    location: DatabaseLocation, logger: Logger, maxConnections: Int, writer: SQLiteWorker?, readers: SQLiteReaders?,
    checkpointer: SQLiteCheckpointer?, readReplicas: [String]
  ) {
    self.checkpointer = checkpointer
    self.location = location
    self.sqlite = writer.flatMap { writer in readers.map { NativeSQLite(writer: writer, readers: $0) } }
    self.logger = logger
    // Half the pool's connections for shared write transactions, the rest for reads.
    self.groupCommit = location.isPostgres ? PostgresGroupCommit(lanes: max(1, maxConnections / 2)) : nil
    self.stamps = location.isPostgres && readReplicas.isEmpty ? PostgresStamps() : nil
    let threadPool = NIOThreadPool(numberOfThreads: 1)
    threadPool.start()
    self.threadPool = threadPool
    switch location {
    case .sqlite(let path):
      let readPool = NIOThreadPool(numberOfThreads: 2)
      readPool.start()
      let readers = MultiThreadedEventLoopGroup(numberOfThreads: 2)
      let reading = Databases(threadPool: readPool, on: readers)
      reading.use(
        .sqlite(
          .file(path), maxConnectionsPerEventLoop: 1, connectionPoolTimeout: .seconds(60), dataEncoder: .init(),
          dataDecoder: .init(), sqlLogLevel: nil),
        as: .sqlite)
      (readDatabases, readGroup, readThreadPool) = (reading, readers, readPool)
      // One event loop, so exactly one SQLite connection: writes are serialised without busy waits.
      group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
      executor = EventLoopTaskExecutor(group.next())
      databases = Databases(threadPool: threadPool, on: group)
      // A burst queues for the one connection rather than failing after Fluent's default 10 s.
      databases.use(
        .sqlite(
          .file(path), maxConnectionsPerEventLoop: 1, connectionPoolTimeout: .seconds(60), dataEncoder: .init(),
          dataDecoder: .init(), sqlLogLevel: nil),
        as: .sqlite)
    case .postgres(let url):
      (readDatabases, readGroup, readThreadPool) = (nil, nil, nil)
      // The process's shared event loops, on which Vapor also serves HTTP: a query started from a
      // request's loop is written and answered on that same thread.
      group = MultiThreadedEventLoopGroup.singleton
      executor = nil
      databases = Databases(threadPool: threadPool, on: group)
      let perLoop = max(1, maxConnections / 2)
      // The URL was checked by `DatabaseLocation.parse`; a failure here is reported by `prepareConnection`.
      // A request waits up to 30 s for a pooled connection (Fluent's default is 10): under a burst of
      // writes to one message, each holds its connection while it waits for the row's lock.
      if let factory = try? DatabaseConfigurationFactory.postgres(
        url: DatabaseLocation.withTLSMode(url), maxConnectionsPerEventLoop: perLoop,
        connectionPoolTimeout: .seconds(30), sqlLogLevel: .trace)
      {
        databases.use(factory, as: .psql)
      }
    }
    if readReplicas.isEmpty {
      (replicas, replicaChecks) = (nil, nil)
    } else {
      let replicas = ReadReplicas(urls: readReplicas, threadPool: threadPool, group: group, logger: logger)
      self.replicas = replicas
      replicaChecks = Task {
        while !Task.isCancelled {
          try? await Task.sleep(for: ReadReplicas.checkInterval)
          await replicas.check()
        }
      }
    }
  }

  /// Whether each read replica is usable now and how many reads it has answered (empty without any).
  public var readReplicaState: [(usable: Bool, answered: Int)] { replicas?.state ?? [] }

  /// A database handle for the store's queries.
  public var database: any Database {
    guard let db = databases.database(logger: logger, on: group.any()) else {
      preconditionFailure("the database is closed or was not configured")
    }
    return db
  }

  /// A database handle for reads only (the workbench's lists and case files): on SQLite one of the
  /// read connections, on PostgreSQL the same pool as everything else. What a read returns was
  /// committed before it began, so a page shown after a change sees the change.
  public var readDatabase: any Database {
    guard let readDatabases, let readGroup else { return database }
    guard let db = readDatabases.database(logger: logger, on: readGroup.any()) else {
      preconditionFailure("the database is closed or was not configured")
    }
    return db
  }

  /// Runs `body` with the SQLite event loop as its preferred executor, so that each query's
  /// completion resumes the caller on the thread that completed it; on PostgreSQL it just runs `body`.
  func onDatabaseLoop<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
    guard let executor else { return try await body() }
    return try await withTaskExecutorPreference(executor) { try await body() }
  }

  /// Sets up the connection: WAL and full synchronous commits for SQLite; a round trip for both.
  private func prepareConnection() async throws {
    guard databases.configuration() != nil else {
      throw DatabaseLocationError(
        reason: LocalizedText("error_database_url_unusable", ["url": .plain(location.description)]))
    }
    let sql = try sqlDatabase()
    if case .sqlite = location {
      try await sql.raw("PRAGMA journal_mode = WAL").run()
      try await sql.raw("PRAGMA synchronous = FULL").run()
      // This connection writes what the writer thread does not (transitions, reference data).
      // Under a stream of them the checkpointer thread never reaches the log's end, so the log
      // could never start over; SQLite's own checkpoint after a commit that leaves 1,000 pages in
      // the log lets it (a few milliseconds, once in a few dozen transitions).
      try await sql.raw("PRAGMA wal_autocheckpoint = 1000").run()
    } else {
      try await sql.raw("SELECT 1").run()
    }
  }

  func sqlDatabase() throws -> any SQLDatabase {
    guard let sql = database as? any SQLDatabase else { throw StoreError.internal("the database does not speak SQL") }
    return sql
  }

  private var migrator: Migrator { migrator(through: StoreMigrations.all.count) }

  /// A migrator of the first `count` migrations.
  private func migrator(through count: Int) -> Migrator {
    let migrations = Migrations()
    migrations.add(Array(StoreMigrations.all.prefix(count)))
    return Migrator(
      databases: databases, migrations: migrations, logger: logger, on: group.any(), migrationLogLevel: .debug)
  }

  /// Applies the pending migrations among the first `count` (for the migration history test).
  func migrate(through count: Int) async throws {
    let migrator = migrator(through: count)
    try await migrator.setupIfNeeded().get()
    try await migrator.prepareBatch().get()
  }

  /// The names of migrations not yet applied, in order.
  public func pendingMigrations() async throws -> [String] {
    let migrator = self.migrator
    try await migrator.setupIfNeeded().get()
    return try await migrator.previewPrepareBatch().get().map { $0.0.name }
  }

  /// Applies every pending migration.
  public func migrate() async throws {
    let migrator = self.migrator
    try await migrator.setupIfNeeded().get()
    try await migrator.prepareBatch().get()
  }

  /// Reads an SQLite `PRAGMA` (for checks and tests); nil on PostgreSQL.
  public func sqlitePragma(_ name: String) async throws -> String? {
    guard case .sqlite = location, name.allSatisfy({ $0.isLetter || $0 == "_" }) else { return nil }
    let rows = try await sqlDatabase().raw("PRAGMA \(unsafeRaw: name)").all()
    guard let row = rows.first, let column = row.allColumns.first else { return nil }
    if let int = try? row.decode(column: column, as: Int.self) { return String(int) }
    return try? row.decode(column: column, as: String.self)
  }

  /// The SQL of every SQLite table, index and trigger, in name order (Fluent's own bookkeeping left
  /// out): what the migration history test hashes.
  func sqliteSchema() async throws -> String {
    let rows = try await sqlDatabase().raw(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE '_fluent%' ORDER BY type, name"
    ).all()
    var text = ""
    for row in rows {
      for column in ["type", "name", "tbl_name", "sql"] {
        text += (try row.decode(column: column, as: String?.self) ?? "") + "\u{1F}"
      }
      text += "\n"
    }
    return text
  }

  /// One round trip to the database; throws when it does not answer.
  public func ping() async throws {
    try await sqlDatabase().raw("SELECT 1").run()
  }

  /// Runs one trusted SQL statement (creating or dropping test databases, tampering checks).
  /// Never pass anything a user typed.
  public func executeAdministrative(_ statement: String) async throws {
    try await sqlDatabase().raw("\(unsafeRaw: statement)").run()
  }

  /// Closes the connections and stops the event loops.
  /// PostgreSQL without read replicas: listens for changes to messages on a connection of its own, so
  /// that public reads of one message can skip the database while it does not change (`serve`).
  public func listenForChanges() {
    guard let stamps, case .postgres(let url) = location else { return }
    let logger = self.logger
    stampListener.withLock { task in
      guard task == nil else { return }
      task = Task { await stamps.listen(url: url, logger: logger) }
    }
  }

  public func close() async {
    let listener = stampListener.withLock { task in
      defer { task = nil }
      return task
    }
    listener?.cancel()
    await listener?.value
    replicaChecks?.cancel()
    await replicaChecks?.value
    await replicas?.shutdown()
    sqlite?.writer.close()
    sqlite?.readers.close()
    await readDatabases?.shutdownAsync()
    await databases.shutdownAsync()
    checkpointer?.close()
    try? await readGroup?.shutdownGracefully()
    try? await readThreadPool?.shutdownGracefully()
    try? await group.shutdownGracefully()
    try? await threadPool.shutdownGracefully()
  }
}
