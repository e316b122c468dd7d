// Store benchmark: message creation with a durable commit per message, against raw SQLite inserts
// with the same durability (the ceiling), and workflow transitions per second. One run measures
// all of them, interleaved in rounds so that machine noise hits each side alike.
//
//   swift run -c release StoreBenchmark [--messages N per round] [--rounds R] [--out FILE]
import Foundation
import Logging
import MinshengCore
import MinshengStore
import NIOPosix
import SQLiteNIO

struct Options {
  var messages = 200
  var rounds = 9
  var out: String?

  init(_ arguments: [String]) {
    var iterator = arguments.dropFirst().makeIterator()
    while let argument = iterator.next() {
      switch argument {
      case "--messages": messages = Int(iterator.next() ?? "") ?? messages
      case "--rounds": rounds = Int(iterator.next() ?? "") ?? rounds
      case "--out": out = iterator.next()
      default:
        FileHandle.standardError.write(Data("usage: StoreBenchmark [--messages N] [--rounds R] [--out FILE]\n".utf8))
        exit(2)
      }
    }
  }
}

func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("minsheng-bench-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try await body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let sampleBody = "小区旁工地每天夜里十一点后仍在施工，噪音很大，影响休息。希望有关部门尽快核实处理，还居民一个安静的夜晚。"

/// A ceiling: one INSERT per implicit transaction through SQLiteNIO, WAL and synchronous=FULL.
///
/// `plain` inserts a message-sized row into a ten-column table with only a primary key. `sameTable`
/// inserts the same row that Minsheng stores into a table made by Minsheng's own migrations (same
/// columns, same unique indexes), written by hand in SQL: the cost of the row itself, without the
/// audit event, the chain or anything else the store does.
final class RawSQLite {
  enum Table { case plain, sameTable }

  let connection: SQLiteConnection
  let table: Table
  var serial = 0

  init(path: String, table: Table, logger: Logger) async throws {
    self.table = table
    if table == .sameTable {
      let schema = try await StoreDatabase.open(.sqlite(path: path), logger: logger)
      try await schema.migrate()
      await schema.close()
    }
    connection = try await SQLiteConnection.open(storage: .file(path: path))
    try await connection.query("PRAGMA journal_mode = WAL", [], { _ in })
    try await connection.query("PRAGMA synchronous = FULL", [], { _ in })
    try await connection.query("PRAGMA foreign_keys = ON", [], { _ in })
    if table == .plain {
      try await connection.query(
        """
        CREATE TABLE messages (id BLOB PRIMARY KEY, serial INTEGER NOT NULL, type TEXT NOT NULL, title TEXT NOT NULL,
          body TEXT NOT NULL, contact_name TEXT NOT NULL, contact_phone TEXT NOT NULL, status TEXT NOT NULL,
          version INTEGER NOT NULL, created_at REAL NOT NULL)
        """, [], { _ in })
    }
  }

  /// Inserts `count` rows, one commit each; returns rows per second.
  func insert(_ count: Int) async throws -> Double {
    let elapsed = try await seconds {
      for _ in 0..<count {
        serial += 1
        let now = SQLiteData.float(Date().timeIntervalSince1970)
        switch table {
        case .plain:
          let id = withUnsafeBytes(of: UUID().uuid) { ByteBuffer(bytes: $0) }
          try await connection.query(
            "INSERT INTO messages VALUES (?, ?, 'complaint', ?, ?, '顾女士', '13800138000', 'received', 1, ?)",
            [.blob(id), .integer(serial), .text("夜间施工噪音扰民 \(serial)"), .text(sampleBody), now], { _ in })
        case .sameTable:
          try await connection.query(
            """
            INSERT INTO messages (id, serial_year, serial_number, tracking_hash, type, title, body, channel,
              contact_name, contact_phone, is_public, urgent, status, reply_needs_review, version, event_count,
              last_event_hash, created_at, updated_at)
            VALUES (?, 2026, ?, ?, 'complaint', ?, ?, 'web', '顾女士', '13800138000', 1, 0, 'received', 0, 1, 1, ?, ?, ?)
            """,
            [
              .text(UUID().uuidString), .integer(serial), .text(UUID().uuidString + UUID().uuidString),
              .text("夜间施工噪音扰民 \(serial)"), .text(sampleBody), .text(UUID().uuidString + UUID().uuidString),
              now, now,
            ], { _ in })
        }
      }
    }
    return Double(count) / elapsed
  }
}

/// Minsheng: `Store.submit` per message (validation, reference look-ups, serial number, message
/// row, audit event with both hashes, chain head: one commit), then `assign` and `accept` on each.
final class MinshengSide {
  let database: StoreDatabase
  let store: Store
  let leader: Leader
  let unit: MinshengCore.Unit
  let dispatcher: Actor
  let handler: Actor
  var created = 0

  init(path: String, logger: Logger) async throws {
    database = try await StoreDatabase.open(.sqlite(path: path), logger: logger)
    try await database.migrate()
    store = Store(database: database, rules: try CaseRules.bundled())
    let city = try await store.createRegion(code: "990000", name: "示范市")
    let office = try await store.createUnit(code: "XFB", name: "市信访办", region: city.id)
    unit = try await store.createUnit(code: "ZJW", name: "市住建委", region: city.id)
    leader = try await store.createLeader(code: "SZ", title: "市长", region: city.id, dispatchingUnit: office.id)
    dispatcher = Actor(role: .dispatcher, unitID: office.id, id: "bench-dispatcher")
    handler = Actor(role: .handler, unitID: unit.id, id: "bench-handler")
  }

  /// Submits `count` messages and moves each through two transitions; returns both rates per second.
  func run(_ count: Int) async throws -> (creations: Double, transitions: Double) {
    var ids: [UUID] = []
    let createSeconds = try await seconds {
      for _ in 0..<count {
        created += 1
        let input = NewMessage(
          type: .complaint, title: "夜间施工噪音扰民 \(created)", body: sampleBody, leaderID: leader.id,
          contact: Contact(name: "顾女士", phone: "13800138000"))
        ids.append(try await store.submit(input, at: Date()).message.id)
      }
    }
    let transitionSeconds = try await seconds {
      for id in ids {
        try await store.perform(.assign(lead: unit.id), on: id, by: dispatcher, at: Date())
        try await store.perform(.accept(), on: id, by: handler, at: Date())
      }
    }
    return (Double(count) / createSeconds, Double(count * 2) / transitionSeconds)
  }
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted.count % 2 == 1
    ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

let options = Options(CommandLine.arguments)
var logger = Logger(label: "minsheng.bench")
logger.logLevel = .warning
let directory = try temporaryDirectory()
defer { try? FileManager.default.removeItem(at: directory) }
let raw = try await RawSQLite(
  path: directory.appendingPathComponent("raw.sqlite").path, table: .plain, logger: logger)
let rawSame = try await RawSQLite(
  path: directory.appendingPathComponent("raw-same.sqlite").path, table: .sameTable, logger: logger)
let minsheng = try await MinshengSide(path: directory.appendingPathComponent("minsheng.sqlite").path, logger: logger)
var rawRates: [Double] = []
var sameRates: [Double] = []
var created: [Double] = []
var transitions: [Double] = []
var ratios: [Double] = []
var sameRatios: [Double] = []
for round in 1...options.rounds {
  let r = try await raw.insert(options.messages)
  let s = try await rawSame.insert(options.messages)
  let m = try await minsheng.run(options.messages)
  rawRates.append(r)
  sameRates.append(s)
  created.append(m.creations)
  transitions.append(m.transitions)
  ratios.append(m.creations / r)
  sameRatios.append(m.creations / s)
  FileHandle.standardError.write(
    Data(
      String(
        format: "round %d: raw %.0f/s, raw same table %.0f/s, minsheng %.0f/s (%.2f, %.2f), transitions %.0f/s\n",
        round, r, s, m.creations, m.creations / r, m.creations / s, m.transitions
      ).utf8))
}
let audit = try await minsheng.store.verifyAudit()
try await raw.connection.close().get()
try await rawSame.connection.close().get()
await minsheng.database.close()
guard audit.isIntact, audit.eventCount == 3 * options.messages * options.rounds else {
  FileHandle.standardError.write(Data("audit chain not intact after the run: \(audit)\n".utf8))
  exit(1)
}

let host = ProcessInfo.processInfo.hostName
let cores = ProcessInfo.processInfo.activeProcessorCount
let memory = ProcessInfo.processInfo.physicalMemory / (1 << 30)
let date = ISO8601DateFormatter().string(from: Date())
#if DEBUG
  let build = "debug"
#else
  let build = "release"
#endif
let ratio = median(ratios)
let report = """
  # Store benchmark

  - date: \(date)
  - machine: \(host), \(cores) cores, \(memory) GiB, \(build) build
  - command: `swift run -c \(build) StoreBenchmark --messages \(options.messages) --rounds \(options.rounds)`
  - durability on both sides: SQLite file, WAL, `synchronous=FULL`, one commit per message
  - each round: \(options.messages) raw inserts into each ceiling table, then \(options.messages) `Store.submit`,
    then 2 transitions on each;
    the audit chain (\(audit.eventCount) events) verified intact at the end

  | measure (median of \(options.rounds) interleaved rounds) | per second |
  | --- | ---: |
  | ceiling A: raw SQLite INSERT into a 10-column table with a primary key only, one commit each | \(String(format: "%.0f", median(rawRates))) |
  | ceiling B: raw SQLite INSERT of the same row into Minsheng's `messages` table (same columns and indexes), one commit each | \(String(format: "%.0f", median(sameRates))) |
  | Minsheng `Store.submit`, one commit each | \(String(format: "%.0f", median(created))) |
  | Minsheng transitions (assign, accept), one commit each | \(String(format: "%.0f", median(transitions))) |

  **creation / ceiling A = \(String(format: "%.2f", ratio))**, **creation / ceiling B = \(String(format: "%.2f", median(sameRatios)))**
  (medians of the per-round ratios; goal ≥ 0.50)

  Per round (ceiling A, ceiling B, Minsheng, transitions): \((0..<rawRates.count).map { String(format: "%.0f / %.0f / %.0f / %.0f", rawRates[$0], sameRates[$0], created[$0], transitions[$0]) }.joined(separator: "; "))

  """
print(report)
if let out = options.out {
  try report.write(toFile: out, atomically: true, encoding: .utf8)
}
