// Full-text search at a province's volume (#21): `stored` public messages (made of sentences of the
// real messages, read by path; only numbers are written), the indexes rebuilt by the store's own
// `rebuildSearchIndex`, then each query asked through `Store.searchPublic` (the page's whole read:
// matches, messages, count, snippets) in three rounds, beside the plain public list's first page as
// the same run's baseline.
//
//   swift run -c release SearchBenchmark --csv ../shared/data/tipdm2020c/hot_messages.csv \
//     --stored 100000 [--postgres URL] [--out Benchmarks/results/search-DATE-HOST.md]
import CSV
import Foundation
import Logging
import MinshengCore
import MinshengStore

struct Options {
  var csv = "../shared/data/tipdm2020c/hot_messages.csv"
  var stored = [100_000]
  var postgres: String?
  var out: String?
  var runs = 40

  init(_ arguments: [String]) {
    var iterator = arguments.dropFirst().makeIterator()
    while let argument = iterator.next() {
      switch argument {
      case "--csv": csv = iterator.next() ?? csv
      case "--stored": stored = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
      case "--postgres": postgres = iterator.next()
      case "--out": out = iterator.next()
      case "--runs": runs = Int(iterator.next() ?? "") ?? runs
      default:
        FileHandle.standardError.write(
          Data("usage: SearchBenchmark [--csv FILE] [--stored N,N] [--postgres URL] [--runs N] [--out FILE]\n".utf8))
        exit(2)
      }
    }
  }
}

struct Random {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}

func sentences(_ text: String) -> [String] {
  var out: [String] = []
  var current = ""
  for character in text {
    current.append(character)
    if "。！？；!?;".contains(character) {
      if current.count > 4 { out.append(current) }
      current = ""
    }
  }
  if current.count > 4 { out.append(current) }
  return out
}

func percentile(_ values: [Double], _ p: Double) -> Double {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return 0 }
  return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func milliseconds(_ body: () async throws -> Void) async rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try await body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

let options = Options(CommandLine.arguments)
guard let stream = InputStream(fileAtPath: options.csv), let reader = try? CSVReader(stream: stream, hasHeaderRow: true)
else {
  FileHandle.standardError.write(Data("cannot read \(options.csv)\n".utf8))
  exit(2)
}
/// The real titles and sentences that synthetic messages are made of.
struct Corpus: Sendable {
  var titles: [String] = []
  var pool: [String] = []

  /// A synthetic message: a real title and three real sentences.
  func message(_ random: inout Random) -> (title: String, body: String) {
    (
      titles[random.below(titles.count)],
      String((0..<3).map { _ in pool[random.below(pool.count)] }.joined().prefix(NewMessage.maxBodyLength))
    )
  }
}

var read = Corpus()
while reader.next() != nil {
  let title = (reader["title"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
  if !title.isEmpty { read.titles.append(String(title.prefix(NewMessage.maxTitleLength))) }
  read.pool += sentences(reader["body"] ?? "").map { $0.replacingOccurrences(of: "\n", with: " ") }
}
guard !read.titles.isEmpty, !read.pool.isEmpty else {
  FileHandle.standardError.write(Data("no messages in \(options.csv)\n".utf8))
  exit(2)
}
let corpus = read

/// The queries, chosen from a sample of the corpus by how many documents hold each two-character word.
func chooseQueries(_ corpus: Corpus) -> [(name: String, text: String, category: Bool)] {
  var random = Random(state: 7)
  var frequency: [String: Int] = [:]
  let sample = (0..<5_000).map { _ in corpus.message(&random) }
  for (title, body) in sample {
    var seen: Set<String> = []
    for term in SearchTerms.of(title + " " + body) where term.count == 2 && term.allSatisfy({ $0.isLetter }) {
      seen.insert(term)
    }
    for term in seen { frequency[term, default: 0] += 1 }
  }
  let ranked = frequency.sorted { ($0.value, $0.key) > ($1.value, $1.key) }
  let common = ranked[0].key
  let middle = ranked.first { $0.value <= sample.count / 20 }?.key ?? ranked[ranked.count / 2].key
  let rare = ranked.last { $0.value == 2 }?.key ?? ranked[ranked.count - 1].key
  let body = Array(
    sample[17].body.filter { character in
      character.unicodeScalars.first.map { (0x4E00...0x9FFF).contains($0.value) } ?? false
    })
  let phrase = String(body[min(10, max(0, body.count - 5))..<min(body.count, 14)])
  return [
    ("one common term (\(common))", common, false), ("one rare term (\(rare))", rare, false),
    ("two terms (\(common) \(middle))", "\(common) \(middle)", false),
    ("a phrase (\"\(phrase)\")", "\"\(phrase)\"", false), ("a term with a filter (\(common), category)", common, true),
  ]
}

struct Row {
  var query: String
  var order: SearchOrder
  var found: Int
  var p50: Double
  var p95: [Double]
}

func run(
  name: String, location: DatabaseLocation, stored: Int, reset: [String], corpus: Corpus, runs: Int
) async throws -> String {
  var logger = Logger(label: "minsheng.bench")
  logger.logLevel = .warning
  let database = try await StoreDatabase.open(location, logger: logger)
  for statement in reset { try await database.executeAdministrative(statement) }
  try await database.migrate()
  let store = Store(database: database, rules: try CaseRules.bundled())
  let city = try await store.createRegion(code: "990000", name: "示范市")
  let office = try await store.createUnit(code: "XFB", name: "市信访办", region: city.id)
  let leader = try await store.createLeader(code: "SZ", title: "市长", region: city.id, dispatchingUnit: office.id)
  let category = try await store.createCategory(code: "CXJS", name: "城乡建设")
  // Set-up: public, published messages written in bulk, 500 to a statement (no events).
  let postgres = location.isPostgres
  var random = Random(state: 2021)
  let ids = RandomIdentifiers()
  let fillStart = DispatchTime.now().uptimeNanoseconds
  var written = 0
  func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
  func uuid(_ id: UUID) -> String { "'\(id.uuidString)'" }
  while written < stored {
    var rows: [String] = []
    for _ in 0..<min(500, stored - written) {
      written += 1
      let (title, body) = corpus.message(&random)
      let id = ids.newID().uuidString
      let seconds = 1_700_000_000 + Double(written) * 30
      let at = postgres ? "to_timestamp(\(seconds))" : "\(seconds)"
      rows.append(
        """
        ('\(id)', 2025, \(written), '\(id)\(id)', 'complaint', \(quoted(title)), \(quoted(body)), 'web', '测试',
         '13800138000', TRUE, FALSE, 'received', FALSE, 1, 1, '\(id)', \(at), \(at), \(uuid(leader.id)),
         \(uuid(city.id)), \(written % 10 == 0 ? uuid(category.id) : "NULL"), \(uuid(office.id)))
        """)
    }
    try await database.executeAdministrative(
      """
      INSERT INTO messages (id, serial_year, serial_number, tracking_hash, type, title, body, channel, contact_name,
        contact_phone, is_public, urgent, status, reply_needs_review, version, event_count, last_event_hash,
        created_at, updated_at, leader_id, region_id, category_id, dispatching_unit_id)
      VALUES \(rows.joined(separator: ",\n"))
      """)
  }
  // As autovacuum would have by then: the planner knows the table.
  if postgres { try await database.executeAdministrative("ANALYZE messages") }
  let fillSeconds = Double(DispatchTime.now().uptimeNanoseconds - fillStart) / 1e9
  FileHandle.standardError.write(Data("\(name): \(stored) written in \(Int(fillSeconds)) s; indexing\n".utf8))
  var lastTenth = -1
  let indexSeconds =
    try await milliseconds {
      try await store.rebuildSearchIndex(batch: 2_000) { done, total in
        let tenth = done * 10 / max(total, 1)
        if tenth != lastTenth {
          lastTenth = tenth
          FileHandle.standardError.write(Data("  indexed \(done) of \(total)\n".utf8))
        }
      }
    } / 1_000

  var filter = MessageFilter()
  filter.categoryID = category.id
  var rows: [Row] = []
  var baseline: [Double] = []
  for (query, text, filtered) in chooseQueries(corpus) {
    for order in SearchOrder.allCases {
      let parsed = SearchQuery(text)!
      var row = Row(query: query, order: order, found: 0, p50: 0, p95: [])
      var all: [Double] = []
      for _ in 0..<3 {
        var round: [Double] = []
        for _ in 0..<runs {
          round.append(
            try await milliseconds {
              let page = try await store.searchPublic(parsed, filter: filtered ? filter : MessageFilter(), order: order)
              row.found = page.total
            })
          // The baseline in the same moment: the plain public list's first page.
          baseline.append(
            try await milliseconds { _ = try await store.publicMessages(matching: MessageFilter(), limit: 20) })
        }
        row.p95.append(percentile(round, 0.95))
        all += round
      }
      row.p50 = percentile(all, 0.5)
      rows.append(row)
    }
  }
  var size = 0.0
  if case .sqlite(let path) = location {
    for suffix in ["", "-wal"] {
      size += Double((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? Int) ?? 0)
    }
  }
  await database.close()
  let ms = { (value: Double) in String(format: "%.2f", value) }
  let base95 = percentile(baseline, 0.95)
  var text = """
    ### \(name), \(stored) public messages

    - set-up (bulk SQL): \(Int(fillSeconds)) s; `rebuildSearchIndex`: \(Int(indexSeconds)) s (\(Int(Double(stored) / indexSeconds)) messages/s)\(size > 0 ? String(format: "; database file %.0f MB", size / 1_048_576) : "")
    - baseline, the public list's first page (`publicMessages`, no words), in the same rounds: p50 \(ms(percentile(baseline, 0.5))) ms, p95 \(ms(base95)) ms

    | query | order | found (counted to 1,000) | p50 ms | p95 ms, worst of 3 rounds | p95 / baseline p95 |
    | --- | --- | ---: | ---: | ---: | ---: |

    """
  for row in rows {
    let worst = row.p95.max() ?? 0
    text +=
      "| \(row.query) | \(row.order.rawValue) | \(row.found) | \(ms(row.p50)) | \(ms(worst)) | \(String(format: "%.1f", worst / max(base95, 0.001))) |\n"
  }
  return text
}

var report = """
  # Search benchmark

  - machine: \(ProcessInfo.processInfo.hostName), \(ProcessInfo.processInfo.activeProcessorCount) cores; \(Date())
  - data: sentences of tipdm2020c `hot_messages.csv` (read by path), \(corpus.titles.count) titles and \(corpus.pool.count) sentences
  - each query through `Store.searchPublic` (matches, messages, count up to 1,000, snippets), 20 a page, \(options.runs) runs a round

  """
for stored in options.stored {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("search-bench-\(UUID().uuidString).sqlite")
    .path
  report +=
    "\n"
    + (try await run(
      name: "SQLite", location: .sqlite(path: path), stored: stored, reset: [], corpus: corpus, runs: options.runs))
    + "\n"
  for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
  if let url = options.postgres {
    report +=
      "\n"
      + (try await run(
        name: "PostgreSQL", location: try DatabaseLocation.parse(url), stored: stored,
        reset: ["DROP SCHEMA IF EXISTS public CASCADE", "CREATE SCHEMA public"], corpus: corpus, runs: options.runs))
      + "\n"
  }
}
print(report)
if let out = options.out { try report.write(toFile: out, atomically: true, encoding: .utf8) }
