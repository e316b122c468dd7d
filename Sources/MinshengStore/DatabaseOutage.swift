import FluentPostgresDriver
import Foundation

/// 数据库不可用: whether an error means the database cannot be reached just now — a connection refused
/// or dropped, the server shutting down or starting, no pooled connection in time — rather than a
/// fault in the request or in Minsheng. Such a request is answered 503 with `Retry-After`, and the
/// store reconnects by itself once the database is back.
public enum DatabaseOutage {
  public static func isOutage(_ error: any Error) -> Bool {
    if let error = error as? PSQLError {
      switch error.code {
      case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
        return true
      case .unexpectedBackendMessage:
        // The server's goodbye arriving where the driver expected an answer: "terminating connection
        // due to administrator command" (57P01) in answer to a BEGIN while PostgreSQL shuts down. The
        // driver closes the connection after it; nothing was done.
        return true
      case .server:
        // SQLSTATE class 08 (connection exception) and 57 (operator intervention: shutting down,
        // starting up, terminated by the administrator).
        let state = error.serverInfo?[.sqlState] ?? ""
        return state.hasPrefix("08") || state.hasPrefix("57")
      default:
        return false
      }
    }
    if error is ConnectionPoolTimeoutError { return true }
    if let error = error as? ConnectionPoolError, case .shutdown = error { return true }
    return false
  }
}
