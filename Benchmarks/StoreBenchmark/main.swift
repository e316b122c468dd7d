// Store benchmark: message creation with a durable commit per message, against raw SQLite inserts
// through the same C API with the same durability (the ceilings, `RawCeiling.swift`), creation by
// 64 callers at once against the same rows batched 64 to a commit, and workflow transitions per
// second. One run measures all of them, interleaved in rounds so that machine noise hits each side
// alike.
//
//   swift run -c release StoreBenchmark [--messages N per round] [--rounds R] [--out FILE]
import Foundation
import Logging
import MinshengCore
import MinshengStore

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

  /// Submits `count` messages from 64 callers at once, as concurrent requests would: the writer
  /// runs the intakes that queue up in one transaction (group commit). Returns creations per second.
  func runConcurrently(_ count: Int) async throws -> Double {
    let first = created
    created += count
    let store = store
    let leaderID = leader.id
    return Double(count)
      / (try await seconds {
        try await withThrowingTaskGroup(of: Void.self) { group in
          for caller in 0..<RawCeiling.batch {
            group.addTask {
              for index in stride(from: caller, to: count, by: RawCeiling.batch) {
                let input = NewMessage(
                  type: .complaint, title: "夜间施工噪音扰民 \(first + index + 1)", body: sampleBody,
                  leaderID: leaderID, contact: Contact(name: "顾女士", phone: "13800138000"))
                _ = try await store.submit(input, at: Date())
              }
            }
          }
          try await group.waitForAll()
        }
      })
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
let ceilingA = try await RawCeiling(
  path: directory.appendingPathComponent("a.sqlite").path, kind: .minimal, logger: logger)
let ceilingB = try await RawCeiling(
  path: directory.appendingPathComponent("b.sqlite").path, kind: .sameRow, logger: logger)
let ceilingC = try await RawCeiling(
  path: directory.appendingPathComponent("c.sqlite").path, kind: .sameRowBatched, logger: logger)
let minsheng = try await MinshengSide(path: directory.appendingPathComponent("minsheng.sqlite").path, logger: logger)
var rates: [String: [Double]] = [:]
@MainActor func record(_ name: String, _ value: Double) { rates[name, default: []].append(value) }
for round in 1...options.rounds {
  let a = try ceilingA.insert(options.messages, body: sampleBody)
  let b = try ceilingB.insert(options.messages, body: sampleBody)
  let c = try ceilingC.insert(options.messages, body: sampleBody)
  let m = try await minsheng.run(options.messages)
  let concurrent = try await minsheng.runConcurrently(options.messages)
  record("a", a)
  record("b", b)
  record("c", c)
  record("created", m.creations)
  record("transitions", m.transitions)
  record("concurrent", concurrent)
  record("ratioA", m.creations / a)
  record("ratioB", m.creations / b)
  record("ratioC", concurrent / c)
  FileHandle.standardError.write(
    Data(
      String(
        format:
          "round %d: ceilings A %.0f/s, B %.0f/s, C %.0f/s; minsheng %.0f/s (%.2f of A, %.2f of B), 64 at once %.0f/s (%.2f of C), transitions %.0f/s\n",
        round, a, b, c, m.creations, m.creations / a, m.creations / b, concurrent, concurrent / c, m.transitions
      ).utf8))
}
let audit = try await minsheng.store.verifyAudit()
await minsheng.database.close()
guard audit.isIntact, audit.eventCount == 4 * options.messages * options.rounds else {
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
@MainActor func rate(_ name: String) -> String { String(format: "%.0f", median(rates[name] ?? [])) }
@MainActor func ratio(_ name: String) -> String { String(format: "%.2f", median(rates[name] ?? [])) }
let perRound = (0..<options.rounds).map { index in
  ["a", "b", "c", "created", "concurrent", "transitions"].map { String(format: "%.0f", rates[$0]![index]) }
    .joined(separator: " / ")
}.joined(separator: "; ")
let report = """
  # Store benchmark

  - date: \(date)
  - machine: \(host), \(cores) cores, \(memory) GiB, \(build) build
  - command: `swift run -c \(build) StoreBenchmark --messages \(options.messages) --rounds \(options.rounds)`
  - every side in one process, through SQLite's C API with statements prepared once, ids from the same
    generator (`RandomIdentifiers`), WAL, `synchronous=FULL`, SQLite's own checkpoint off and a passive
    checkpoint between commits every 1,000 log pages (Minsheng's writer's policy)
  - each round: \(options.messages) rows into each ceiling, then \(options.messages) `Store.submit` one after
    another, 2 transitions on each, then \(options.messages) `Store.submit` from 64 callers at once;
    the audit chain (\(audit.eventCount) events) verified intact at the end

  | measure (median of \(options.rounds) interleaved rounds) | per second |
  | --- | ---: |
  | ceiling A: a minimal row (10 columns, primary key only), one commit each | \(rate("a")) |
  | ceiling B: Minsheng's `messages` row into the table its migrations make (same columns and indexes), one commit each | \(rate("b")) |
  | ceiling C: the rows of B, 64 to a commit | \(rate("c")) |
  | Minsheng `Store.submit` one after another (one commit each) | \(rate("created")) |
  | Minsheng `Store.submit` from 64 callers at once (group commit) | \(rate("concurrent")) |
  | Minsheng transitions (assign, accept), one after another | \(rate("transitions")) |

  **creation / ceiling A = \(ratio("ratioA"))**, **creation / ceiling B = \(ratio("ratioB"))**,
  **64 at once / ceiling C = \(ratio("ratioC"))** (medians of the per-round ratios; goal ≥ 0.50).
  Minsheng writes more than either ceiling for each message: its `received` event with both chain
  hashes and the chain head, in the same commit.

  Per round (A / B / C / Minsheng / 64 at once / transitions): \(perRound)

  """
print(report)
if let out = options.out {
  try report.write(toFile: out, atomically: true, encoding: .utf8)
}
