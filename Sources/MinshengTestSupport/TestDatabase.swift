import Foundation
import Logging
import MinshengCore
import MinshengStore

/// A database and store implementation that store and server suites run on: SQLite with its own
/// connections (the default), SQLite through the SQL implementation (what PostgreSQL runs, so a plain
/// `swift test` exercises both implementations of every area), and PostgreSQL when
/// `MINSHENG_TEST_POSTGRES_URL` (or a `postgres://` `DATABASE_URL`) names a local server.
public enum TestDatabase: String, Sendable, CaseIterable {
  case sqlite
  case sqlitePortable = "sqlite-sql"
  case postgres

  /// The engines available in this run.
  public static var available: [TestDatabase] {
    postgresAdminURL == nil ? [.sqlite, .sqlitePortable] : [.sqlite, .sqlitePortable, .postgres]
  }

  /// The store implementation this engine runs.
  public var implementation: StoreImplementation { self == .sqlitePortable ? .portable : .native }

  /// The local PostgreSQL to create per-test databases on. A non-local host stops the run: tests
  /// drop databases and must never touch a shared server.
  static let postgresAdminURL: String? = {
    let environment = ProcessInfo.processInfo.environment
    let candidate = environment["MINSHENG_TEST_POSTGRES_URL"] ?? environment["DATABASE_URL"]
    guard let url = candidate, url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else { return nil }
    guard let host = URLComponents(string: url)?.host, ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) else {
      fatalError("test databases must be local; refusing \(url.split(separator: "@").last ?? "")")
    }
    return url
  }()

  /// Opens a fresh, migrated, empty database of this engine, runs `body` with a store on it, and
  /// removes the database afterwards, also when `body` throws.
  public func withStore<T: Sendable>(
    rules: CaseRules = Fixtures.rules, ids: any IdentifierSource = RandomIdentifiers(),
    _ body: @Sendable (Store) async throws -> T
  ) async throws -> T {
    try await withDatabase { location in
      let database = try await StoreDatabase.open(location, logger: Self.quietLogger, implementation: implementation)
      do {
        try await database.migrate()
        let result = try await body(Store(database: database, rules: rules, ids: ids))
        await database.close()
        return result
      } catch {
        await database.close()
        throw error
      }
    }
  }

  /// Creates an empty database of this engine, hands its location to `body`, then removes it.
  public func withDatabase<T: Sendable>(_ body: @Sendable (DatabaseLocation) async throws -> T) async throws -> T {
    switch self {
    case .sqlite, .sqlitePortable:
      let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "minsheng-test-\(UUID().uuidString)", isDirectory: true)
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: directory) }
      return try await body(.sqlite(path: directory.appendingPathComponent("test.sqlite").path))
    case .postgres:
      guard let admin = Self.postgresAdminURL, var components = URLComponents(string: admin) else {
        throw TestDatabaseError.postgresNotConfigured
      }
      let name = "minsheng_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
      try await Self.admin(admin, "CREATE DATABASE \(name)")
      components.path = "/" + name
      do {
        let result = try await body(.postgres(url: components.string ?? admin))
        try await Self.admin(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        return result
      } catch {
        try? await Self.admin(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        throw error
      }
    }
  }

  private static func admin(_ url: String, _ statement: String) async throws {
    let database = try await StoreDatabase.open(.postgres(url: url), logger: quietLogger, maxConnections: 2)
    do {
      try await database.executeAdministrative(statement)
    } catch {
      await database.close()
      throw error
    }
    await database.close()
  }

  static let quietLogger: Logger = {
    var logger = Logger(label: "minsheng.test")
    logger.logLevel = .warning
    return logger
  }()
}

/// A test database that cannot be made.
public enum TestDatabaseError: Error {
  case postgresNotConfigured
}

extension Store {
  /// Every message, newest serial first, read a page at a time (for checks).
  public func allMessages() async throws -> [Message] {
    var filter = MessageFilter()
    filter.publicOnly = false
    var all: [Message] = []
    while true {
      let page = try await messages(matching: filter, limit: 200)
      all += page.messages
      guard let next = page.nextAfter else { return all }
      filter.after = next
    }
  }
}

/// Identifiers and tracking codes from a counter: the same run makes the same ids on every database,
/// so what different implementations return can be compared.
public final class SequentialIdentifiers: IdentifierSource, @unchecked Sendable {
  private let lock = NSLock()
  private var next: UInt64 = 0

  public init() {}

  private func step() -> UInt64 {
    lock.lock()
    defer { lock.unlock() }
    next += 1
    return next
  }

  public func newID() -> UUID {
    UUID(uuidString: String(format: "00000000-0000-4000-8000-%012llX", step()))!
  }

  public func trackingCode() -> String {
    let letters = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    var value = step()
    var code = ""
    for index in 0..<16 {
      if index > 0, index % 4 == 0 { code += "-" }
      code.append(letters[Int(value % 31)])
      value /= 31
    }
    return code
  }
}
