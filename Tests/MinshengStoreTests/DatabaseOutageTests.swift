import Foundation
import MinshengTestSupport
import SQLKit
import Synchronization
import Testing

@testable import MinshengStore

/// A PostgreSQL connection that the server drops in the middle of a transaction fails that transaction
/// at once and is never handed out again; the pool goes on serving (the kill test's database restart
/// round, in one test).
@Suite struct DatabaseOutageTests {
  @Test(.enabled(if: TestDatabase.available.contains(.postgres)))
  func aDroppedConnection_failsItsTransactionAtOnce_andThePoolRecovers() async throws {
    try await TestDatabase.postgres.withStore { store in
      let connection = SQLConnection(database: store.database)
      let started = ContinuousClock.now
      let outcome: Result<Void, any Error> = await within(.seconds(20)) {
        try await connection.transaction { sql in
          // The server ends this very session, as a restart or an administrator would …
          _ = try? await sql.raw("SELECT pg_terminate_backend(pg_backend_pid())").run()
          // … and by the next statement the driver has taken the channel down.
          try await Task.sleep(for: .milliseconds(300))
          try await sql.raw("SELECT 1").run()
        }
      }
      guard case .failure(let error) = outcome else {
        Issue.record("a statement on a dropped connection succeeded")
        return
      }
      #expect(!(error is TimedOut), "the transaction waited for an answer that never comes")
      let unavailable = if case .unavailable = error as? StoreError { true } else { false }
      #expect(unavailable || DatabaseOutage.isOutage(error), "\(error)")
      #expect(ContinuousClock.now - started < .seconds(10))
      // Every connection of the pool is still usable: as many transactions as it holds, at once.
      try await withThrowingTaskGroup(of: Int.self) { group in
        for _ in 0..<16 {
          group.addTask {
            try await connection.transaction { sql in
              try await sql.raw("SELECT 1 AS one").first()?.decode(column: "one", as: Int.self) ?? 0
            }
          }
        }
        var sum = 0
        for try await one in group { sum += one }
        #expect(sum == 16)
      }
    }
  }

  private struct TimedOut: Error {}

  /// `body`'s outcome, or `TimedOut` if it has none within `limit`. A body that never finishes is left
  /// behind (a task group would wait for it).
  private func within(
    _ limit: Duration, _ body: @escaping @Sendable () async throws -> Void
  ) async -> Result<
    Void, any Error
  > {
    let answered = Mutex(false)
    return await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, any Error>, Never>) in
      let answer: @Sendable (Result<Void, any Error>) -> Void = { result in
        if answered.withLock({ done in
          defer { done = true }; return !done
        }) {
          continuation.resume(returning: result)
        }
      }
      Task {
        do { try await body() } catch { answer(.failure(error)); return }
        answer(.success(()))
      }
      Task {
        try? await Task.sleep(for: limit)
        answer(.failure(TimedOut()))
      }
    }
  }
}
