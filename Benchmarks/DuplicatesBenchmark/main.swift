// Near-duplicate benchmark: what intake does, on SQLite and PostgreSQL — messages filed through the
// store, each new message's candidates looked up in the database (`DatabaseRun.swift`) with 100,000
// and 1,000,000 messages stored: indexing time per message (p50/p99) and recall/precision. Second,
// labelled as such, the in-memory `DuplicateIndex` the product does not use, on the same copies.
//
//   swift run -c release DuplicatesBenchmark --csv ../shared/data/tipdm2020c/hot_messages.csv \
//     [--stored 100000,1000000] [--postgres URL] [--in-memory N] [--out FILE]
//
// The messages are read by path and nothing derived from them is written except the numbers.
// Labelled pairs: 1,000 messages (seeded choice) each get an edited copy (spans deleted, a polite
// sentence added, phone numbers changed, sentences swapped, the title reworded), the kind of near
// duplicate that 并单 is for. Every original and copy is indexed; each copy is looked up. A candidate is
// right when it is the copy's original (or a message with the very same text); every other
// candidate counts against precision. Some of those may be real duplicates in the data (the same
// complaint sent twice); they are counted, not excused.
import CSV
import Foundation
import MinshengCore
import MinshengStore
import MinshengText

struct Options {
  var csv = "../shared/data/tipdm2020c/hot_messages.csv"
  var index = 1_000_000
  var stored = [100_000, 1_000_000]
  var postgres: String?
  var out: String?

  init(_ arguments: [String]) {
    var iterator = arguments.dropFirst().makeIterator()
    while let argument = iterator.next() {
      switch argument {
      case "--csv": csv = iterator.next() ?? csv
      case "--index", "--in-memory": index = Int(iterator.next() ?? "") ?? index
      case "--stored": stored = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
      case "--postgres": postgres = iterator.next()
      case "--out": out = iterator.next()
      default:
        FileHandle.standardError.write(
          Data(
            "usage: DuplicatesBenchmark [--csv FILE] [--stored N,N] [--postgres URL] [--in-memory N] [--out FILE]\n"
              .utf8))
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
      out.append(current)
      current = ""
    }
  }
  if !current.isEmpty { out.append(current) }
  return out
}

/// An edited copy, as a second citizen or an operator re-typing the same complaint would make it.
func editedCopy(title: String, body: String, random: inout Random) -> (String, String) {
  var parts = sentences(body)
  if parts.count >= 2, random.below(2) == 0 {
    let i = random.below(parts.count - 1)
    parts.swapAt(i, i + 1)
  }
  var text = parts.joined()
  // Delete one or two spans of up to 8% of the text each.
  for _ in 0..<(1 + random.below(2)) where text.count > 40 {
    let length = max(1, text.count * (2 + random.below(7)) / 100)
    let start = random.below(text.count - length)
    let from = text.index(text.startIndex, offsetBy: start)
    text.removeSubrange(from..<text.index(from, offsetBy: length))
  }
  let additions = ["请尽快处理，谢谢！", "希望有关部门重视。", "我的电话13912345678。", "盼复。"]
  text += additions[random.below(additions.count)]
  let prefixes = ["关于", "反映", "投诉", "咨询", ""]
  return (prefixes[random.below(prefixes.count)] + title, text)
}

func percentile(_ values: [Double], _ p: Double) -> Double {
  let sorted = values.sorted()
  return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
}

func residentMB() -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
    let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
  else { return 0 }
  return kb / 1024
}

let options = Options(CommandLine.arguments)
guard let stream = InputStream(fileAtPath: options.csv), let reader = try? CSVReader(stream: stream, hasHeaderRow: true)
else {
  FileHandle.standardError.write(Data("cannot read \(options.csv)\n".utf8))
  exit(2)
}
var messages: [(String, String)] = []
/// The text as intake would store it: no control characters but line breaks, within the length limits.
func storable(_ text: String, max: Int) -> String {
  String(
    String(text.unicodeScalars.filter { $0 == "\n" || !CharacterSet.controlCharacters.contains($0) })
      .trimmingCharacters(in: .whitespacesAndNewlines).prefix(max))
}
while reader.next() != nil {
  let body = storable(reader["body"] ?? "", max: NewMessage.maxBodyLength - 20)
  let title = storable(reader["title"] ?? "", max: NewMessage.maxTitleLength - 10)
  if !body.isEmpty { messages.append((title.isEmpty ? "无题" : title, body)) }
}
var random = Random(state: 2023)

// 1. Precision and recall at the threshold.
let signatures = messages.map { MinHashSignature(title: $0.0, body: $0.1) }
var index = DuplicateIndex(expected: messages.count * 2)
for (i, signature) in signatures.enumerated() { index.add(signature, key: Int32(i)) }
let chosen = (0..<min(1_000, messages.count)).map { _ in random.below(messages.count) }
let sameText = Dictionary(grouping: messages.indices, by: { messages[$0].0 + "\u{1}" + messages[$0].1 })
var truePositives = 0
var falsePositives = 0
var exactlySimilar = 0
func jaccard(_ a: Set<UInt64>, _ b: Set<UInt64>) -> Double {
  Double(a.intersection(b).count) / Double(max(1, a.union(b).count))
}
let shingleSets = messages.map { Set(MinHashSignature.shingles(title: $0.0, body: $0.1)) }
var copyShingles: [Set<UInt64>] = []
var found = 0
var copies: [MinHashSignature] = []
let copyTexts = chosen.map { editedCopy(title: messages[$0].0, body: messages[$0].1, random: &random) }
for (n, original) in chosen.enumerated() {
  let (title, body) = copyTexts[n]
  let copy = MinHashSignature(title: title, body: body)
  copies.append(copy)
  copyShingles.append(Set(MinHashSignature.shingles(title: title, body: body)))
  let identical = Set(sameText[messages[original].0 + "\u{1}" + messages[original].1] ?? [original])
  var hit = false
  for candidate in index.candidates(of: copy, limit: 10) {
    // A key past the originals is an earlier copy: right when it is a copy of the same message.
    let key = Int(candidate.key)
    let source = key >= messages.count ? chosen[key - messages.count] : key
    if identical.contains(source) {
      truePositives += 1
      hit = true
    } else {
      falsePositives += 1
      let other = key >= messages.count ? copyShingles[key - messages.count] : shingleSets[key]
      if jaccard(copyShingles[n], other) >= DuplicateIndex.threshold { exactlySimilar += 1 }
    }
  }
  if hit { found += 1 }
  index.add(copy, key: Int32(messages.count + n))
}
let precision = Double(truePositives) / Double(max(1, truePositives + falsePositives))
let recall = Double(found) / Double(chosen.count)
FileHandle.standardError.write(Data(String(format: "precision %.3f recall %.3f\n", precision, recall).utf8))

// 2. Lookup time with `options.index` messages: synthetic messages made of three random sentences of
// the real ones (so they share the real boilerplate), then the 1,000 copies looked up.
let pool = messages.flatMap { sentences($0.1) }.filter { $0.count >= 6 }
var big = DuplicateIndex(expected: options.index)
let buildStart = DispatchTime.now().uptimeNanoseconds
for i in 0..<options.index {
  let text = pool[random.below(pool.count)] + pool[random.below(pool.count)] + pool[random.below(pool.count)]
  big.add(MinHashSignature(title: "", body: text), key: Int32(i))
}
let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - buildStart) / 1e9
var lookups: [Double] = []
var candidatesSeen = 0
for copy in copies {
  let start = DispatchTime.now().uptimeNanoseconds
  candidatesSeen += big.candidates(of: copy, limit: 10).count
  lookups.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
}
let signatureStart = DispatchTime.now().uptimeNanoseconds
for (title, body) in messages.prefix(1_000) { _ = MinHashSignature(title: title, body: body) }
let signatureMs =
  Double(DispatchTime.now().uptimeNanoseconds - signatureStart) / 1e6 / Double(min(1_000, messages.count))

// 3. What intake does: through the store, in the database.
var databaseRuns: [DatabaseRun] = []
for stored in options.stored {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("minsheng-dup-\(stored).sqlite").path
  for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
  databaseRuns.append(DatabaseRun(name: "SQLite", location: .sqlite(path: path), stored: stored))
  if let url = options.postgres {
    databaseRuns.append(
      DatabaseRun(
        name: "PostgreSQL", location: .postgres(url: url), stored: stored,
        reset: ["DROP SCHEMA IF EXISTS public CASCADE", "CREATE SCHEMA public"]))
  }
}
var databaseResults: [DatabaseRun.Result] = []
for run in databaseRuns {
  let result = try await run.run(
    originals: messages, chosen: chosen, copies: copyTexts, fillerPool: pool)
  databaseResults.append(result)
  FileHandle.standardError.write(
    Data(
      String(
        format: "%@ with %d stored: recall %.3f precision %.3f, indexing p50 %.2f ms p99 %.2f ms\n", result.name,
        result.stored, result.recall, result.precision, percentile(result.indexing, 0.5),
        percentile(result.indexing, 0.99)
      ).utf8))
  if case .sqlite(let path) = run.location {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
  }
}
let databaseRows = databaseResults.map { result in
  String(
    format: "| %@ | %d | %.2f | %.2f | %.2f | %.3f | %.3f | %d (%d) | %.3f | %.0f |", result.name, result.stored,
    percentile(result.indexing, 0.5), percentile(result.indexing, 0.99), result.indexing.max() ?? 0, result.recall,
    result.precision, result.otherCandidates, result.otherAlsoSimilar, result.precisionCountingSimilar,
    result.loadSeconds)
}.joined(separator: "\n")

let report = """
  # Near-duplicate benchmark

  - date: \(ISO8601DateFormatter().string(from: Date()))
  - machine: \(ProcessInfo.processInfo.hostName), \(ProcessInfo.processInfo.activeProcessorCount) cores, release build
  - command: `swift run -c release DuplicatesBenchmark --csv …/hot_messages.csv --stored \(options.stored.map(String.init).joined(separator: ",")) --in-memory \(options.index)\(options.postgres == nil ? "" : " --postgres URL")`
  - data: \(messages.count) messages of tipdm2020c `hot_messages.csv`, read by path; pairs made at run time

  ## What intake does: candidates looked up in the database

  Release build, one process. The \(messages.count) originals are submitted through `Store.submit` with their
  fingerprints (dated over the past year) and indexed by `Store.indexPendingDuplicates`, as `serve` does;
  the rest of the stored messages (three random sentences of the originals each, dated over the same year) are
  written in bulk into the same tables with their bands filed, as set-up. Then each of the \(chosen.count)
  edited copies below is submitted and indexed on its own: **indexing** is one call of
  `indexPendingDuplicates(limit: 1)` (the pending fingerprint read, each of its 16 bands' latest
  \(Store.bandDepth) messages read, the 50 sharing most bands compared, the bands and up to 5 candidates filed in
  one durable commit). A copy is found when its original (or an earlier copy of it, or a message of the same
  text) is among its candidates. SQLite: WAL, `synchronous=FULL`. PostgreSQL: \(options.postgres == nil ? "not run" : "the cluster given by `--postgres`")
  (`Benchmarks/duplicates-bench.sh` starts one with `fsync` on).

  | database | messages stored | indexing p50 (ms) | p99 (ms) | max (ms) | recall | precision | other candidates (of which exact Jaccard ≥ \(Fingerprint.threshold)) | precision counting those | set-up (s) |
  | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
  \(databaseRows)

  ## In memory (`DuplicateIndex`, not what the product uses): precision and recall at the threshold (\(DuplicateIndex.threshold) estimated Jaccard, 3-character shingles)

  \(chosen.count) edited copies (spans deleted, a sentence added, sentences swapped, title reworded) looked up
  among all \(messages.count) originals and the copies indexed before them; up to 10 candidates each.

  | measure | value |
  | --- | ---: |
  | recall: copies whose original is among the candidates | \(String(format: "%.3f", recall)) |
  | precision: candidates that are the copy's original (or the same text) | \(String(format: "%.3f", precision)) |
  | other candidates above the threshold | \(falsePositives) |
  | … of which the exact Jaccard similarity to the copy is also ≥ \(DuplicateIndex.threshold) (the same text posted again with small changes, as the data has) | \(exactlySimilar) |
  | precision counting those as duplicates too | \(String(format: "%.3f", Double(truePositives + exactlySimilar) / Double(max(1, truePositives + falsePositives)))) |

  ## In memory (`DuplicateIndex`, not what the product uses): lookup with \(options.index) messages indexed

  | measure | value |
  | --- | ---: |
  | candidate lookup, median (ms) | \(String(format: "%.3f", percentile(lookups, 0.5))) |
  | candidate lookup, p99 (ms) | \(String(format: "%.3f", percentile(lookups, 0.99))) |
  | candidate lookup, max (ms) | \(String(format: "%.3f", lookups.max() ?? 0)) |
  | signature of one message (ms) | \(String(format: "%.3f", signatureMs)) |
  | building the index (s, signatures included) | \(String(format: "%.1f", buildSeconds)) |
  | peak resident memory of the benchmark (MB) | \(String(format: "%.0f", residentMB())) |

  Goal: candidate lookup ≤ 5 ms per message with 1,000,000 messages indexed (#23: measured in the database
  above, where intake looks them up).

  """
print(report)
if let out = options.out { try report.write(toFile: out, atomically: true, encoding: .utf8) }
