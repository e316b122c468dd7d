// Near-duplicate benchmark: precision and recall of `DuplicateIndex` at its threshold on labelled
// pairs made at run time, and candidate lookup time with 1,000,000 messages indexed.
//
//   swift run -c release DuplicatesBenchmark --csv ../shared/data/tipdm2020c/hot_messages.csv [--index N] [--out FILE]
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
import MinshengText

struct Options {
  var csv = "../shared/data/tipdm2020c/hot_messages.csv"
  var index = 1_000_000
  var out: String?

  init(_ arguments: [String]) {
    var iterator = arguments.dropFirst().makeIterator()
    while let argument = iterator.next() {
      switch argument {
      case "--csv": csv = iterator.next() ?? csv
      case "--index": index = Int(iterator.next() ?? "") ?? index
      case "--out": out = iterator.next()
      default:
        FileHandle.standardError.write(Data("usage: DuplicatesBenchmark [--csv FILE] [--index N] [--out FILE]\n".utf8))
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
while reader.next() != nil {
  let body = reader["body"] ?? ""
  if !body.isEmpty { messages.append((reader["title"] ?? "", body)) }
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
for (n, original) in chosen.enumerated() {
  let (title, body) = editedCopy(title: messages[original].0, body: messages[original].1, random: &random)
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

let report = """
  # Near-duplicate benchmark

  - date: \(ISO8601DateFormatter().string(from: Date()))
  - machine: \(ProcessInfo.processInfo.hostName), \(ProcessInfo.processInfo.activeProcessorCount) cores, release build
  - command: `swift run -c release DuplicatesBenchmark --csv …/hot_messages.csv --index \(options.index)`
  - data: \(messages.count) messages of tipdm2020c `hot_messages.csv`, read by path; pairs made at run time

  ## Precision and recall at the threshold (\(DuplicateIndex.threshold) estimated Jaccard, 3-character shingles)

  \(chosen.count) edited copies (spans deleted, a sentence added, sentences swapped, title reworded) looked up
  among all \(messages.count) originals and the copies indexed before them; up to 10 candidates each.

  | measure | value |
  | --- | ---: |
  | recall: copies whose original is among the candidates | \(String(format: "%.3f", recall)) |
  | precision: candidates that are the copy's original (or the same text) | \(String(format: "%.3f", precision)) |
  | other candidates above the threshold | \(falsePositives) |
  | … of which the exact Jaccard similarity to the copy is also ≥ \(DuplicateIndex.threshold) (the same text posted again with small changes, as the data has) | \(exactlySimilar) |
  | precision counting those as duplicates too | \(String(format: "%.3f", Double(truePositives + exactlySimilar) / Double(max(1, truePositives + falsePositives)))) |

  ## Lookup with \(options.index) messages indexed

  | measure | value |
  | --- | ---: |
  | candidate lookup, median (ms) | \(String(format: "%.3f", percentile(lookups, 0.5))) |
  | candidate lookup, p99 (ms) | \(String(format: "%.3f", percentile(lookups, 0.99))) |
  | candidate lookup, max (ms) | \(String(format: "%.3f", lookups.max() ?? 0)) |
  | signature of one message (ms) | \(String(format: "%.3f", signatureMs)) |
  | building the index (s, signatures included) | \(String(format: "%.1f", buildSeconds)) |
  | peak resident memory of the benchmark (MB) | \(String(format: "%.0f", residentMB())) |

  Goal: candidate lookup ≤ 5 ms per message with 1,000,000 messages indexed.

  """
print(report)
if let out = options.out { try report.write(toFile: out, atomically: true, encoding: .utf8) }
