import FluentPostgresDriver
import Foundation
import SQLKit

/// A transaction on one pooled PostgreSQL connection that fails at once, instead of waiting forever,
/// when the database drops the connection between two statements.
///
/// PostgresNIO hands a query to its channel without a completion promise. Once the server has closed
/// the connection (a restart, an administrator's `pg_terminate_backend`) and NIO has taken the
/// channel's handlers down, a query written to it is dropped: its answer never comes, the request
/// waits forever and the pool never gets the connection back. A few of those and every request waits
/// for a connection that never frees (seen in the kill test's database restart round: all requests
/// timing out two minutes after PostgreSQL was back). Fluent's own transaction has the same gap, and
/// its ROLLBACK after a failure is written to the same closed channel.
///
/// So each statement here, BEGIN, COMMIT and ROLLBACK included, is written from the connection's
/// event loop right after checking on that loop that the connection is still open: the channel cannot
/// close between the check and the write, and a closed connection answers `StoreError.unavailable`
/// (503, try again) at once. The connection goes back to the pool, which drops it as closed.
enum PostgresTransaction {
  static func run<T: Sendable>(
    on pool: any PostgresDatabase, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
  ) async throws -> T {
    try await pool.withConnection { connection in
      connection.eventLoop.makeFutureWithTask {
        let sql = OpenConnectionSQL(connection: connection)
        try await sql.raw("BEGIN").run()
        let result: T
        do {
          result = try await body(sql)
        } catch {
          try? await sql.raw("ROLLBACK").run()
          throw error
        }
        try await sql.raw("COMMIT").run()
        return result
      }
    }.get()
  }
}

/// SQLKit on one PostgreSQL connection, each statement written only while the connection is open.
struct OpenConnectionSQL: SQLDatabase {
  let connection: PostgresConnection
  /// In a shared transaction (`PostgresGroupCommit`), the event sequence numbers taken for its jobs.
  let sequences: PrefetchedSequences?
  private let base: any SQLDatabase

  init(connection: PostgresConnection, sequences: PrefetchedSequences? = nil) {
    self.connection = connection
    self.sequences = sequences
    self.base = connection.sql(queryLogLevel: .trace)
  }

  var logger: Logger { base.logger }
  var eventLoop: any EventLoop { connection.eventLoop }
  var version: (any SQLDatabaseReportedVersion)? { base.version }
  var dialect: any SQLDialect { base.dialect }
  var queryLogLevel: Logger.Level? { base.queryLogLevel }

  func execute(
    sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void
  ) -> EventLoopFuture<
    Void
  > {
    let (connection, base) = (connection, base)
    return connection.eventLoop.flatSubmit {
      // On the connection's loop: if the channel is open now, the write below reaches its handler
      // in this same turn of the loop, which answers or fails the query in every case.
      guard !connection.isClosed else { return connection.eventLoop.makeFailedFuture(StoreError.unavailable) }
      return base.execute(sql: query, onRow)
    }
  }

  func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
    try await execute(sql: query, onRow).get()
  }
}
