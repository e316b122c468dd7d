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

/// The ceiling: one INSERT per implicit transaction through SQLiteNIO, WAL and synchronous=FULL.
final class RawSQLite {
  let connection: SQLiteConnection
  var serial = 0

  init(path: String) async throws {
    connection = try await SQLiteConnection.open(storage: .file(path: path))
    try await connection.query("PRAGMA journal_mode = WAL", [], { _ in })
    try await connection.query("PRAGMA synchronous = FULL", [], { _ in })
    try await connection.query(
      """
      CREATE TABLE messages (id BLOB PRIMARY KEY, serial INTEGER NOT NULL, type TEXT NOT NULL, title TEXT NOT NULL,
        body TEXT NOT NULL, contact_name TEXT NOT NULL, contact_phone TEXT NOT NULL, status TEXT NOT NULL,
        version INTEGER NOT NULL, created_at REAL NOT NULL)
      """, [], { _ in })
  }

  /// Inserts `count` rows, one commit each; returns rows per second.
  func insert(_ count: Int) async throws -> Double {
    let elapsed = try await seconds {
      for _ in 0..<count {
        serial += 1
        let id = withUnsafeBytes(of: UUID().uuid) { ByteBuffer(bytes: $0) }
        try await connection.query(
          "INSERT INTO messages VALUES (?, ?, 'complaint', ?, ?, '顾女士', '13800138000', 'received', 1, ?)",
          [
            .blob(id), .integer(serial), .text("夜间施工噪音扰民 \(serial)"), .text(sampleBody),
            .float(Date().timeIntervalSince1970),
          ], { _ in })
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
let raw = try await RawSQLite(path: directory.appendingPathComponent("raw.sqlite").path)
let minsheng = try await MinshengSide(path: directory.appendingPathComponent("minsheng.sqlite").path, logger: logger)
var rawRates: [Double] = []
var created: [Double] = []
var transitions: [Double] = []
var ratios: [Double] = []
for round in 1...options.rounds {
  let r = try await raw.insert(options.messages)
  let m = try await minsheng.run(options.messages)
  rawRates.append(r)
  created.append(m.creations)
  transitions.append(m.transitions)
  ratios.append(m.creations / r)
  FileHandle.standardError.write(
    Data(
      String(
        format: "round %d: raw %.0f/s, minsheng %.0f/s (%.1f%%), transitions %.0f/s\n", round, r, m.creations,
        100 * m.creations / r, m.transitions
      ).utf8))
}
let audit = try await minsheng.store.verifyAudit()
try await raw.connection.close().get()
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
  - each round: \(options.messages) raw inserts, then \(options.messages) `Store.submit`, then 2 transitions on each;
    the audit chain (\(audit.eventCount) events) verified intact at the end

  | measure (median of \(options.rounds) interleaved rounds) | per second |
  | --- | ---: |
  | raw SQLite INSERT, one commit each (ceiling) | \(String(format: "%.0f", median(rawRates))) |
  | Minsheng `Store.submit`, one commit each | \(String(format: "%.0f", median(created))) |
  | Minsheng transitions (assign, accept), one commit each | \(String(format: "%.0f", median(transitions))) |

  **creation / ceiling = \(String(format: "%.2f", ratio))** (median of the per-round ratios; goal ≥ 0.50)

  Per round (raw, Minsheng, transitions): \(zip(zip(rawRates, created), transitions).map { String(format: "%.0f / %.0f / %.0f", $0.0, $0.1, $1) }.joined(separator: "; "))

  """
print(report)
if let out = options.out {
  try report.write(toFile: out, atomically: true, encoding: .utf8)
}
