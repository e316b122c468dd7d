import FluentPostgresDriver
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// 公开版本缓存: on PostgreSQL, the public stamps (version, whether public) of messages this instance
/// has read, kept only while a connection of its own listens for every change.
///
/// Each change to a message's row (`SQLCaseStorage.compareAndSwap`, the only statement that moves a
/// version) sends `NOTIFY minsheng_messages, '<id>'` in its transaction; PostgreSQL delivers it to every
/// listening instance when the transaction commits, and each drops that message's stamp. A public read
/// of one message then costs no round trip to the database while the message does not change, as the
/// rendered view cache already saves the rendering.
///
/// What keeps it exact: a stamp read from the database is kept only if no notification at all arrived
/// while it was read (one arriving later removes it); nothing is kept while the listener is not
/// listening, and everything is dropped when it stops; the instance that made a change drops the stamp
/// itself after its commit, before it answers, so its own reader never waits for the notification.
/// Another instance's reader sees a change once the notification has arrived, a few milliseconds after
/// the commit.
final class PostgresStamps: Sendable {
  static let channel = "minsheng_messages"
  /// Stamps kept at most; beyond, all are dropped and kept anew.
  static let capacity = 200_000

  private struct State {
    var listening = false
    /// Moves on each start and stop of listening.
    var epoch = 0
    /// Notifications heard so far.
    var heard = 0
    var stamps: [UUID: PublicStamp] = [:]
  }

  /// When a read began: a stamp read after it is kept only if nothing was heard meanwhile.
  struct Token {
    fileprivate var epoch: Int
    fileprivate var heard: Int
  }

  private let state = Mutex(State())

  /// The kept stamp of the message, if any.
  func stamp(of id: UUID) -> PublicStamp? {
    state.withLock { $0.listening ? $0.stamps[id] : nil }
  }

  /// Taken before reading a stamp from the database; nil while not listening.
  func token() -> Token? {
    state.withLock { $0.listening ? Token(epoch: $0.epoch, heard: $0.heard) : nil }
  }

  /// Keeps a stamp read since `token`, unless anything was heard or listening stopped meanwhile.
  func keep(_ stamp: PublicStamp, of id: UUID, since token: Token) {
    state.withLock {
      guard $0.listening, $0.epoch == token.epoch, $0.heard == token.heard else { return }
      if $0.stamps.count >= Self.capacity { $0.stamps.removeAll(keepingCapacity: true) }
      $0.stamps[id] = stamp
    }
  }

  /// The message changed (heard, or changed by this instance).
  func changed(_ id: UUID) {
    state.withLock {
      $0.heard += 1
      $0.stamps[id] = nil
    }
  }

  private func listening(_ on: Bool) {
    state.withLock {
      $0.listening = on
      $0.epoch += 1
      $0.heard += 1
      $0.stamps.removeAll()
    }
  }

  /// Listens on a connection of its own until cancelled, connecting again a second after a failure.
  func listen(url: String, logger: Logger) async {
    while !Task.isCancelled {
      do {
        let configuration = try SQLPostgresConfiguration(url: DatabaseLocation.withTLSMode(url)).coreConfiguration
        let connection = try await PostgresConnection.connect(
          configuration: configuration, id: Int.random(in: 1_000_000_000...Int.max), logger: logger)
        do {
          try await connection.listen(on: Self.channel) { notifications in
            listening(true)
            for try await notification in notifications {
              if let id = UUID(uuidString: notification.payload) { changed(id) } else { listening(true) }
            }
          }
        } catch {
          listening(false)
          try? await connection.close()
          throw error
        }
        listening(false)
        try? await connection.close()
      } catch {
        listening(false)
        if !Task.isCancelled { logger.warning("stamp listener: \(String(describing: error)); listening again shortly") }
      }
      try? await Task.sleep(for: .seconds(1))
    }
    listening(false)
  }
}
