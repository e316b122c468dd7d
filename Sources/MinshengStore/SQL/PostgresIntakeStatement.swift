import Foundation
import SQLKit

/// The intake's one statement on PostgreSQL: the message numbered from its year's sequence, its first
/// event and its place in the search queue. Written as text with the values bound in order, without
/// SQLKit's builders, whose quoting of each of the sixty column names cost more than the rest.
enum PostgresIntakeStatement {
  /// Inserts the message and its first event; returns the serial number.
  static func run(
    message: [(String, any SQLExpression)], event: [(String, any SQLExpression)], serialSequence: String,
    id: UUID, version: Int, on sql: any SQLDatabase
  ) async throws -> Int {
    func quoted(_ columns: [(String, any SQLExpression)]) -> String {
      columns.map { "\"\($0.0)\"" }.joined(separator: ", ")
    }
    var query = SQLQueryString("WITH m AS (INSERT INTO messages (\(unsafeRaw: quoted(message))) VALUES (")
    func values(_ columns: [(String, any SQLExpression)], numbered: Bool) {
      for (index, (column, value)) in columns.enumerated() {
        if index > 0 { query.appendLiteral(", ") }
        if numbered, column == "serial_number" {
          query.appendLiteral("nextval(")
          query.appendInterpolation(bind: serialSequence)
          query.appendLiteral("::text::regclass)")
        } else {
          query.appendInterpolation(value)
        }
      }
    }
    values(message, numbered: true)
    query.appendLiteral(") RETURNING serial_number), e AS (INSERT INTO events (\(quoted(event))) VALUES (")
    values(event, numbered: false)
    query.appendLiteral(")), q AS (INSERT INTO search_pending (message_id, version) VALUES (")
    query.appendInterpolation(bind: id)
    query.appendLiteral(", ")
    query.appendInterpolation(bind: version)
    query.appendLiteral(
      ") ON CONFLICT (message_id) DO UPDATE SET version = excluded.version) SELECT serial_number FROM m")
    guard let row = try await sql.raw(query).first() else {
      throw StoreError.internal("the new message's row returned no serial")
    }
    return try row.decode(column: "serial_number", as: Int.self)
  }
}
