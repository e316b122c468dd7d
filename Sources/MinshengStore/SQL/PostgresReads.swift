import FluentPostgresDriver
import Foundation
import PostgresNIO

/// The public's most frequent read on PostgreSQL, a message's version and whether the public may read
/// it, as a statement prepared once per connection: each request then sends only the id and reads one
/// row, without SQL text to parse and plan, nor a row decoder to run.
struct PublicStampStatement: PostgresPreparedStatement {
  static let name = "minsheng_public_stamp"
  static let sql = """
    SELECT version, (is_public AND publication = 'published') AS shown FROM messages WHERE id = $1
    """
  typealias Row = (Int, Bool)

  var id: UUID

  func makeBindings() throws -> PostgresBindings {
    var bindings = PostgresBindings()
    bindings.append(id)
    return bindings
  }

  func decodeRow(_ row: PostgresRow) throws -> Row {
    try row.decode(Row.self)
  }
}

extension StoreDatabase {
  /// The message's public stamp, read with `PublicStampStatement` (PostgreSQL only).
  func postgresPublicStamp(of id: UUID) async throws -> PublicStamp? {
    guard let postgres = database as? any PostgresDatabase else {
      throw StoreError.internal("the public stamp's prepared statement needs PostgreSQL")
    }
    let logger = self.logger
    return try await postgres.withConnection { connection in
      connection.eventLoop.makeFutureWithTask {
        for try await (version, shown) in try await connection.execute(PublicStampStatement(id: id), logger: logger) {
          return PublicStamp(version: version, isPublic: shown)
        }
        return nil
      }
    }.get()
  }
}
