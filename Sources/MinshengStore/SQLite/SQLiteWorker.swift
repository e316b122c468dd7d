import Foundation
import Synchronization

/// One SQLite connection on its own thread, running whole units of work as single jobs.
///
/// Through SQLiteNIO every statement is a separate job on a thread pool and a hop back to an event
/// loop; here a transaction of five statements is one job, with its statements prepared once.
///
/// Jobs submitted with `grouped` are run together when they queue up behind each other: one
/// transaction, each job inside its own savepoint, one commit (group commit). Each caller is
/// answered only after that commit, so nothing is acknowledged before it is on disk; a job that
/// fails rolls back its own savepoint and leaves the others alone. A job alone in the queue gets
/// a transaction, and a commit, of its own.
final class SQLiteWorker: @unchecked Sendable {
  private struct Job {
    var grouped: Bool
    var run: (SQLiteHandle) throws -> Void
    var finish: (Error?) -> Void
  }

  /// The most jobs that share one commit.
  static let maximumGroup = 64

  private let condition = NSCondition()
  private var queue: [Job] = []
  /// `queue.count`, readable without the lock while the thread spins for more work.
  private let queued = Atomic<Int>(0)
  private var stopping = false
  private var finished = false
  private let handle: SQLiteHandle

  /// How long the thread keeps looking for the next job before it sleeps. A caller that sends
  /// job after job (an intake, then the next) finds the thread awake instead of paying for a
  /// wake-up each time (measured: about a fifth more intakes per second); an idle thread spins
  /// this long once, then sleeps.
  private let spin: Duration

  init(path: String, name: String, queryOnly: Bool, memory: SQLiteMemory = .bounded, spin: Duration = .zero) throws {
    self.spin = spin
    handle = try SQLiteHandle(path: path, readOnly: false)
    if queryOnly {
      try handle.execute("PRAGMA query_only = 1")
      // See `SQLiteMemory`: by default pages are read with read(2) into a small cache, so that the
      // process's resident memory does not grow with the database file.
      try handle.execute("PRAGMA mmap_size = \(memory.mapBytes)")
      try handle.execute("PRAGMA cache_size = -\(memory.cacheKiB)")
    } else {
      try handle.execute("PRAGMA cache_size = -\(memory.writerCacheKiB)")
    }
    let thread = Thread { [self] in loop() }
    thread.name = name
    thread.start()
  }

  /// Runs `body` alone on the connection's thread and returns its result.
  func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteHandle) throws -> T) async throws -> T {
    try await submit(grouped: false, body)
  }

  /// Runs `body` in a savepoint of a transaction that it may share with other grouped jobs; returns
  /// its result once that transaction is committed.
  func grouped<T: Sendable>(_ body: @escaping @Sendable (SQLiteHandle) throws -> T) async throws -> T {
    try await submit(grouped: true, body)
  }

  /// Finishes the queued jobs, refuses new ones and closes the connection.
  func close() {
    condition.lock()
    stopping = true
    condition.broadcast()
    while !finished { condition.wait() }
    condition.unlock()
  }

  private func submit<T: Sendable>(
    grouped: Bool, _ body: @escaping @Sendable (SQLiteHandle) throws -> T
  ) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
      let result = ResultBox<T>()
      let job = Job(
        grouped: grouped,
        run: { handle in result.value = try body(handle) },
        finish: { error in
          if let error {
            continuation.resume(throwing: error)
          } else if let value = result.value {
            continuation.resume(returning: value)
          } else {
            continuation.resume(throwing: StoreError.internal("a database job finished without a result"))
          }
        })
      condition.lock()
      if stopping {
        condition.unlock()
        continuation.resume(throwing: StoreError.unavailable)
        return
      }
      queue.append(job)
      queued.add(1, ordering: .releasing)
      condition.signal()
      condition.unlock()
    }
  }

  private func loop() {
    let clock = ContinuousClock()
    while true {
      let deadline = clock.now.advanced(by: spin)
      while queued.load(ordering: .acquiring) == 0 && clock.now < deadline {}
      condition.lock()
      while queue.isEmpty && !stopping { condition.wait() }
      if queue.isEmpty && stopping {
        handle.close()
        finished = true
        condition.broadcast()
        condition.unlock()
        return
      }
      var batch: [Job] = [queue.removeFirst()]
      if batch[0].grouped {
        while batch.count < Self.maximumGroup, let next = queue.first, next.grouped {
          batch.append(queue.removeFirst())
        }
      }
      queued.subtract(batch.count, ordering: .releasing)
      condition.unlock()
      if batch[0].grouped {
        runGroup(batch)
      } else {
        let job = batch[0]
        do {
          try job.run(handle)
          job.finish(nil)
        } catch {
          job.finish(error)
        }
      }
      checkpointIfDue()
    }
  }

  /// The log length, in frames (pages), at which the writer checkpoints between jobs.
  static let checkpointFrames = 1_000
  /// The log length when the writer last checkpointed.
  private var framesAtCheckpoint = 0

  /// Under a steady stream of writes, the checkpointer thread never copies the log to its very end
  /// (new commits keep arriving while it copies), so the log could never start over: every commit
  /// appended to a growing file, and each sync had to write the file's new size and blocks too.
  /// So each time the log has grown by `checkpointFrames`, the writer itself checkpoints, after
  /// answering the jobs just committed: no later commit can slip in, the checkpointer has already
  /// copied most pages, and the next write starts the log over and rewrites the same blocks of the
  /// file. Jobs that arrive meanwhile wait (a few milliseconds) and share the next commit.
  private func checkpointIfDue() {
    let frames = handle.framesInLog
    if frames < framesAtCheckpoint { framesAtCheckpoint = 0 }
    guard frames - framesAtCheckpoint >= Self.checkpointFrames else { return }
    handle.checkpoint()
    framesAtCheckpoint = frames
  }

  private func runGroup(_ jobs: [Job]) {
    var outcomes: [Error?] = Array(repeating: nil, count: jobs.count)
    do {
      try handle.transaction {
        if jobs.count == 1 {
          // Alone, the job's failure rolls back the whole transaction; no savepoint needed.
          try jobs[0].run(handle)
          return
        }
        for (index, job) in jobs.enumerated() {
          do {
            try handle.savepoint { try job.run(handle) }
          } catch {
            outcomes[index] = error
          }
        }
      }
    } catch  where jobs.count == 1 && outcomes[0] == nil {
      outcomes[0] = error
    } catch {
      // The commit failed: nothing of the group is stored.
      for index in outcomes.indices where outcomes[index] == nil { outcomes[index] = error }
    }
    for (job, outcome) in zip(jobs, outcomes) { job.finish(outcome) }
  }
}

/// Carries a job's result from the worker thread to its caller; written once, before `finish`.
private final class ResultBox<T>: @unchecked Sendable {
  var value: T?
}

/// A few query-only connections, each on its own thread, taken in turn.
final class SQLiteReaders: Sendable {
  private let workers: [SQLiteWorker]
  private let next = Counter()

  init(path: String, count: Int, memory: SQLiteMemory = .bounded) throws {
    workers = try (0..<count).map {
      try SQLiteWorker(path: path, name: "minsheng-sqlite-read-\($0)", queryOnly: true, memory: memory)
    }
  }

  func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteHandle) throws -> T) async throws -> T {
    try await workers[next.increment() % workers.count].run(body)
  }

  func close() {
    for worker in workers { worker.close() }
  }
}

/// A thread-safe counter.
private final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0

  func increment() -> Int {
    lock.lock()
    defer { lock.unlock() }
    value &+= 1
    return value & Int.max
  }
}

/// Copies committed pages from the write-ahead log into the database file, on its own thread.
///
/// SQLite's default makes the commit that crosses 1,000 logged pages do this itself, so every
/// so often an intake would wait for the copy and a second fsync. Here the writer's automatic
/// checkpoints are off and this thread runs a passive checkpoint (it never blocks writers or
/// readers) twice a second. Under a steady stream of writes it cannot reach the log's end, so the
/// writer finishes the job between its jobs (`SQLiteWorker.checkpointIfDue`) and the log starts
/// over. Durability is unchanged: a commit is on disk once its log is synced.
///
/// A passive checkpoint never starts the log over: under a steady stream of writes with readers
/// about, the log would grow without end (gigabytes when 100,000 messages are loaded). So when the
/// file passes `walLimit`, the checkpoint is a TRUNCATE one instead — it waits for the readers of
/// old pages, holds writers back while it copies what is left, and empties the file.
final class SQLiteCheckpointer: @unchecked Sendable {
  private let condition = NSCondition()
  private var stopping = false
  private var finished = false
  private let handle: SQLiteHandle
  private let interval: TimeInterval
  private let walPath: String
  private let walLimit: Int

  init(path: String, interval: TimeInterval = 0.5, walLimit: Int = 64 << 20) throws {
    handle = try SQLiteHandle(path: path, readOnly: false)
    self.interval = interval
    walPath = path + "-wal"
    self.walLimit = walLimit
    try handle.execute("PRAGMA journal_size_limit = \(walLimit)")
    let thread = Thread { [self] in loop() }
    thread.name = "minsheng-sqlite-checkpoint"
    thread.start()
  }

  /// Runs a last checkpoint and stops.
  func close() {
    condition.lock()
    stopping = true
    condition.broadcast()
    while !finished { condition.wait() }
    condition.unlock()
  }

  private func loop() {
    while true {
      condition.lock()
      if !stopping { _ = condition.wait(until: Date().addingTimeInterval(interval)) }
      let stop = stopping
      condition.unlock()
      // A busy or locked database just means trying again on the next tick.
      let size = (try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? Int) ?? 0
      try? handle.execute(size > walLimit ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)")
      if stop {
        handle.close()
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
        return
      }
    }
  }
}
