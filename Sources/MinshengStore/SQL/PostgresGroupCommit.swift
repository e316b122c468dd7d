import FluentPostgresDriver
import Foundation
import SQLKit
import Synchronization

/// Group commit on PostgreSQL, as the SQLite writer does it: intakes and changes that queue up while
/// a transaction is under way share the next one, each in its own savepoint, and each caller is
/// answered once that transaction has committed (a failed one has rolled its savepoint back alone).
///
/// So a burst of intakes costs one BEGIN, one COMMIT and one flush of the log to disk where it cost
/// one of each per intake. At most `lanes` transactions are under way at once, each on its own
/// pooled connection, so that one lane's flush overlaps the next lane's statements; a transaction
/// takes at most `batchSize` jobs.
final class PostgresGroupCommit: Sendable {
  private struct Job: Sendable {
    var run: @Sendable (any SQLDatabase) async throws -> Void
    var finish: @Sendable ((any Error)?) -> Void
  }

  private struct State {
    var queue: [Job] = []
    var running = 0
    var transactions = 0
    var jobs = 0
  }

  private let lanes: Int
  private let batchSize: Int
  private let state = Mutex(State())

  init(lanes: Int, batchSize: Int = 64) {
    self.lanes = max(1, lanes)
    self.batchSize = max(1, batchSize)
  }

  /// How many transactions have committed so far, and how many jobs they held.
  var committed: (transactions: Int, jobs: Int) {
    state.withLock { ($0.transactions, $0.jobs) }
  }

  /// Runs `body` in a savepoint of a transaction it may share with others, on a connection of
  /// `pool`; returns its result once that transaction has committed.
  func run<T: Sendable>(
    on pool: any PostgresDatabase, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
  ) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
      let result = Mutex<T?>(nil)
      let job = Job(
        run: { sql in
          let value = try await body(sql)
          result.withLock { $0 = value }
        },
        finish: { error in
          if let error { return continuation.resume(throwing: error) }
          guard let value = result.withLock({ $0.take() }) else {
            return continuation.resume(throwing: StoreError.internal("a grouped transaction finished without a result"))
          }
          continuation.resume(returning: value)
        })
      let start = state.withLock { state in
        state.queue.append(job)
        guard state.running < lanes else { return false }
        state.running += 1
        return true
      }
      if start { Task { await self.lane(on: pool) } }
    }
  }

  /// Takes the queued jobs a transaction at a time until none is left.
  private func lane(on pool: any PostgresDatabase) async {
    while true {
      let batch = state.withLock { state -> [Job] in
        let batch = Array(state.queue.prefix(batchSize))
        state.queue.removeFirst(batch.count)
        if batch.isEmpty { state.running -= 1 }
        return batch
      }
      if batch.isEmpty { return }
      await commit(batch, on: pool)
    }
  }

  /// One transaction for the batch: each job in a savepoint (a lone job without one); a job that
  /// lost a deadlock or a serialization check is tried once more at the end. Every job is answered
  /// after the COMMIT, or with the error that ended the transaction.
  private func commit(_ batch: [Job], on pool: any PostgresDatabase) async {
    let outcomes: [(any Error)?]
    do {
      outcomes = try await pool.withConnection { connection in
        connection.eventLoop.makeFutureWithTask {
          let sql = OpenConnectionSQL(connection: connection)
          var outcomes = [(any Error)?](repeating: nil, count: batch.count)
          try await sql.raw("BEGIN").run()
          do {
            if batch.count == 1 {
              try await batch[0].run(sql)
            } else {
              var retry: [Int] = []
              for (index, job) in batch.enumerated() {
                outcomes[index] = try await Self.inSavepoint(job, on: sql)
                if let error = outcomes[index], Self.isRetryable(error) { retry.append(index) }
              }
              for index in retry { outcomes[index] = try await Self.inSavepoint(batch[index], on: sql) }
            }
          } catch {
            try? await sql.raw("ROLLBACK").run()
            throw error
          }
          try await sql.raw("COMMIT").run()
          return outcomes
        }
      }.get()
    } catch {
      for job in batch { job.finish(error) }
      return
    }
    state.withLock {
      $0.transactions += 1
      $0.jobs += batch.count
    }
    for (job, outcome) in zip(batch, outcomes) { job.finish(outcome) }
  }

  /// Runs a job in a savepoint and returns its error, if any, with the savepoint rolled back; throws
  /// only when the transaction itself can go no further (the connection is gone).
  private static func inSavepoint(_ job: Job, on sql: any SQLDatabase) async throws -> (any Error)? {
    try await sql.raw("SAVEPOINT job").run()
    do {
      try await job.run(sql)
    } catch {
      if DatabaseOutage.isOutage(error) { throw error }
      try await sql.raw("ROLLBACK TO SAVEPOINT job").run()
      try await sql.raw("RELEASE SAVEPOINT job").run()
      return error
    }
    try await sql.raw("RELEASE SAVEPOINT job").run()
    return nil
  }

  /// A deadlock (40P01) or a failed serialization check (40001): the job may succeed when run again.
  private static func isRetryable(_ error: any Error) -> Bool {
    guard let error = error as? PSQLError, error.code == .server else { return false }
    let state = error.serverInfo?[.sqlState] ?? ""
    return state == "40P01" || state == "40001"
  }
}
