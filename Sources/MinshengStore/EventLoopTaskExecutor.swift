import NIOCore

/// Runs the store's asynchronous work on the database's own event loop.
///
/// Without it every query would hop from the event loop that completes it to Swift's global
/// executor and back: on SQLite, where a query itself takes microseconds, those thread hand-offs
/// are most of the cost of a transaction.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
  let eventLoop: any EventLoop

  init(_ eventLoop: any EventLoop) {
    self.eventLoop = eventLoop
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    eventLoop.execute {
      job.runSynchronously(on: self.asUnownedTaskExecutor())
    }
  }
}
