import FluentPostgresDriver
import Foundation
import SQLKit
import Synchronization

/// Group commit on PostgreSQL, as the SQLite writer does it: intakes and changes that queue up while
/// a transaction is under way share the next one, and each caller is answered once it has committed.
///
/// So a burst of intakes costs one BEGIN, one COMMIT and one flush of the log to disk where it cost
/// one of each per intake, and the batch's event sequence numbers come in one statement. A job runs
/// without a savepoint of its own (two round trips each): when one fails, the transaction is rolled
/// back and every job of the batch runs again alone, in a transaction of its own, so a failure undoes
/// only its own job. At most `lanes` transactions are under way at once, each on its own pooled
/// connection, so that one lane's flush overlaps the next lane's statements; a transaction takes at
/// most `batchSize` jobs.
///
/// Sequence numbers taken for the batch before its jobs run are still later than those of every event
/// its jobs' messages already have (a change reads the version that the previous change committed,
/// before it is queued), so the sealer keeps each message's events in order.
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

  /// Runs `body` in a transaction it may share with others, on a connection of `pool`; returns its
  /// result once the transaction that holds it has committed.
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

  /// One transaction for the batch; when a job fails, each job again in a transaction of its own.
  /// Every job is answered after its COMMIT, or with the error that ended its transaction.
  private func commit(_ batch: [Job], on pool: any PostgresDatabase) async {
    let outcomes: [(any Error)?]
    let transactions: Int
    do {
      (outcomes, transactions) = try await pool.withConnection { connection in
        connection.eventLoop.makeFutureWithTask {
          if batch.count > 1 {
            let sequences = PrefetchedSequences()
            let sql = OpenConnectionSQL(connection: connection, sequences: sequences)
            try await sql.raw("BEGIN").run()
            do {
              sequences.fill(try await sql.nextSequences(batch.count))
              for job in batch { try await job.run(sql) }
              try await sql.raw("COMMIT").run()
              return ([(any Error)?](repeating: nil, count: batch.count), 1)
            } catch {
              if DatabaseOutage.isOutage(error) { throw error }
              try await sql.raw("ROLLBACK").run()
            }
          }
          var outcomes: [(any Error)?] = []
          let sql = OpenConnectionSQL(connection: connection)
          for job in batch { outcomes.append(try await Self.alone(job, on: sql)) }
          return (outcomes, batch.count)
        }
      }.get()
    } catch {
      for job in batch { job.finish(error) }
      return
    }
    state.withLock {
      $0.transactions += transactions
      $0.jobs += batch.count
    }
    for (job, outcome) in zip(batch, outcomes) { job.finish(outcome) }
  }

  /// Runs a job in a transaction of its own, once more after a deadlock or a failed serialization
  /// check; returns its error, if any. Throws only when the connection is gone.
  private static func alone(_ job: Job, on sql: any SQLDatabase) async throws -> (any Error)? {
    var tries = 0
    while true {
      tries += 1
      try await sql.raw("BEGIN").run()
      do {
        try await job.run(sql)
        try await sql.raw("COMMIT").run()
        return nil
      } catch {
        if DatabaseOutage.isOutage(error) { throw error }
        try await sql.raw("ROLLBACK").run()
        if tries == 1, isRetryable(error) { continue }
        return error
      }
    }
  }

  /// A deadlock (40P01) or a failed serialization check (40001): the job may succeed when run again.
  private static func isRetryable(_ error: any Error) -> Bool {
    guard let error = error as? PSQLError, error.code == .server else { return false }
    let state = error.serverInfo?[.sqlState] ?? ""
    return state == "40P01" || state == "40001"
  }
}

/// Event sequence numbers taken for a shared transaction's jobs in one statement.
final class PrefetchedSequences: Sendable {
  private let numbers = Mutex<ArraySlice<Int64>>([])

  func fill(_ values: [Int64]) {
    numbers.withLock { $0 = values[...] }
  }

  func take() -> Int64? {
    numbers.withLock { $0.popFirst() }
  }
}

extension SQLDatabase {
  /// The next event sequence number: one taken for this shared transaction when there is one left,
  /// else from `events_seq`.
  func nextSequence() async throws -> Int64 {
    if let number = (self as? OpenConnectionSQL)?.sequences?.take() { return number }
    return try await nextSequences(1)[0]
  }
}
