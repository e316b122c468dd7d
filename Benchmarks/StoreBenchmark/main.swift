// Store benchmark: message creation with a durable commit per message, against raw SQLite inserts
// with the same durability (the ceiling), and workflow transitions per second. One run measures
// all of them, interleaved in rounds so that machine noise hits each side alike.
//
//   swift run -c release StoreBenchmark [--messages N] [--rounds R] [--out FILE]
import Foundation
import Logging
import MinshengCore
import MinshengStore
import NIOPosix
import SQLiteNIO

struct Options {
  var messages = 1_000
  var rounds = 3
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
func rawSQLite(messages: Int) async throws -> Double {
  let directory = try temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  let connection = try await SQLiteConnection.open(
    storage: .file(path: directory.appendingPathComponent("raw.sqlite").path))
  try await connection.query("PRAGMA journal_mode = WAL", [], { _ in })
  try await connection.query("PRAGMA synchronous = FULL", [], { _ in })
  try await connection.query(
    """
    CREATE TABLE messages (id BLOB PRIMARY KEY, serial INTEGER NOT NULL, type TEXT NOT NULL, title TEXT NOT NULL,
      body TEXT NOT NULL, contact_name TEXT NOT NULL, contact_phone TEXT NOT NULL, status TEXT NOT NULL,
      version INTEGER NOT NULL, created_at REAL NOT NULL)
    """, [], { _ in })
  let elapsed = try await seconds {
    for i in 0..<messages {
      let id = withUnsafeBytes(of: UUID().uuid) { ByteBuffer(bytes: $0) }
      try await connection.query(
        "INSERT INTO messages VALUES (?, ?, 'complaint', ?, ?, '顾女士', '13800138000', 'received', 1, ?)",
        [.blob(id), .integer(i + 1), .text("夜间施工噪音扰民 \(i)"), .text(sampleBody), .float(Date().timeIntervalSince1970)],
        { _ in })
    }
  }
  try await connection.close()
  return Double(messages) / elapsed
}

/// Minsheng: `Store.submit` (validation, serial, message row, audit event, chain head) per message,
/// then assign and accept on each (two transitions per message).
func minsheng(messages: Int, logger: Logger) async throws -> (creations: Double, transitions: Double, verified: Int) {
  let directory = try temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  let database = try await StoreDatabase.open(
    .sqlite(path: directory.appendingPathComponent("minsheng.sqlite").path), logger: logger)
  try await database.migrate()
  let store = Store(database: database, rules: try CaseRules.bundled())
  let city = try await store.createRegion(code: "990000", name: "示范市")
  let office = try await store.createUnit(code: "XFB", name: "市信访办", region: city.id)
  let unit = try await store.createUnit(code: "ZJW", name: "市住建委", region: city.id)
  let leader = try await store.createLeader(code: "SZ", title: "市长", region: city.id, dispatchingUnit: office.id)
  let dispatcher = Actor(role: .dispatcher, unitID: office.id, id: "bench-dispatcher")
  let handler = Actor(role: .handler, unitID: unit.id, id: "bench-handler")
  var ids: [UUID] = []
  ids.reserveCapacity(messages)
  let createSeconds = try await seconds {
    for i in 0..<messages {
      let input = NewMessage(
        type: .complaint, title: "夜间施工噪音扰民 \(i)", body: sampleBody, leaderID: leader.id,
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
  let report = try await store.verifyAudit()
  await database.close()
  guard report.isIntact, report.eventCount == messages * 3 else {
    throw StoreError.notFound("完整的审计链（\(report)）")
  }
  return (Double(messages) / createSeconds, Double(messages * 2) / transitionSeconds, report.eventCount)
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted.count % 2 == 1
    ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

let options = Options(CommandLine.arguments)
var logger = Logger(label: "minsheng.bench")
logger.logLevel = .warning
var raw: [Double] = []
var created: [Double] = []
var transitions: [Double] = []
for round in 1...options.rounds {
  let r = try await rawSQLite(messages: options.messages)
  let m = try await minsheng(messages: options.messages, logger: logger)
  raw.append(r)
  created.append(m.creations)
  transitions.append(m.transitions)
  FileHandle.standardError.write(
    Data(
      String(
        format: "round %d: raw %.0f/s, minsheng %.0f/s (%.1f%%), transitions %.0f/s, %d events verified\n", round, r,
        m.creations, 100 * m.creations / r, m.transitions, m.verified
      ).utf8))
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
let ratio = median(created) / median(raw)
let report = """
  # Store benchmark

  - date: \(date)
  - machine: \(host), \(cores) cores, \(memory) GiB, \(build) build
  - command: `swift run -c \(build) StoreBenchmark --messages \(options.messages) --rounds \(options.rounds)`
  - durability on both sides: SQLite file, WAL, `synchronous=FULL`, one commit per message

  | measure (median of \(options.rounds) interleaved rounds) | per second |
  | --- | ---: |
  | raw SQLite INSERT, one commit each (ceiling) | \(String(format: "%.0f", median(raw))) |
  | Minsheng `Store.submit`, one commit each | \(String(format: "%.0f", median(created))) |
  | Minsheng transitions (assign, accept), one commit each | \(String(format: "%.0f", median(transitions))) |

  **creation / ceiling = \(String(format: "%.2f", ratio))** (goal ≥ 0.50)

  Per round (raw, Minsheng, transitions): \(zip(zip(raw, created), transitions).map { String(format: "%.0f / %.0f / %.0f", $0.0, $0.1, $1) }.joined(separator: "; "))

  """
print(report)
if let out = options.out {
  try report.write(toFile: out, atomically: true, encoding: .utf8)
}
