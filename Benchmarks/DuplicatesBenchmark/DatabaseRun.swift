// The near-duplicate benchmark's database part: what intake does. Each message is submitted through
// `Store.submit` with its fingerprint, and `Store.indexPendingDuplicates` looks its candidates up in
// the database (each band's latest 100 messages) and files its bands, on SQLite or PostgreSQL.
import Foundation
import Logging
import MinshengCore
import MinshengStore
import MinshengText

/// One database run: `stored` messages in the database (the real originals through the store, the
/// rest written in bulk as set-up), then the edited copies submitted and indexed one at a time.
struct DatabaseRun {
  var name: String
  var location: DatabaseLocation
  var stored: Int
  /// Set-up statements that make the database empty before migrating (PostgreSQL).
  var reset: [String] = []

  struct Result {
    var name: String
    var stored: Int
    var recall: Double
    var precision: Double
    var otherCandidates: Int
    /// Other candidates whose exact Jaccard similarity to the copy also reaches the threshold.
    var otherAlsoSimilar: Int
    var indexing: [Double]
    var loadSeconds: Double
    var truePositives: Int

    /// Precision when the other candidates that are as similar by their exact shingles count as
    /// duplicates too (the same complaint posted again, as the data has).
    var precisionCountingSimilar: Double {
      Double(truePositives + otherAlsoSimilar) / Double(max(1, truePositives + otherCandidates))
    }
  }

  func run(
    originals: [(String, String)], chosen: [Int], copies: [(String, String)], fillerPool: [String]
  )
    async throws -> Result
  {
    var logger = Logger(label: "minsheng.bench")
    logger.logLevel = .warning
    let database = try await StoreDatabase.open(location, logger: logger)
    for statement in reset { try await database.executeAdministrative(statement) }
    try await database.migrate()
    let store = Store(database: database, rules: try CaseRules.bundled())
    let city = try await store.createRegion(code: "990000", name: "示范市")
    let office = try await store.createUnit(code: "XFB", name: "市信访办", region: city.id)
    let leader = try await store.createLeader(code: "SZ", title: "市长", region: city.id, dispatchingUnit: office.id)
    let loadStart = DispatchTime.now().uptimeNanoseconds
    // The originals over the past year, through the store, then indexed as `serve` would.
    let year = 365.0 * 86_400
    let now = Date()
    var random = Random(state: 311)
    var ids: [UUID: Int] = [:]
    for (index, message) in originals.enumerated() {
      let at = now.addingTimeInterval(-Double(random.below(Int(year))) - 3_600)
      let submission = try await store.submit(
        NewMessage(
          type: .complaint, title: message.0, body: message.1, leaderID: leader.id,
          contact: Contact(name: "测试", phone: "13800138000")),
        at: at, fingerprint: Self.fingerprint(message.0, message.1))
      ids[submission.message.id] = index
    }
    // The rest, written in bulk with their bands filed (set-up: no events, not indexed for candidates).
    try await BulkFiller(database: database, postgres: reset.isEmpty == false).fill(
      stored - originals.count, pool: fillerPool, over: year, before: now, random: &random)
    while try await store.indexPendingDuplicates(limit: 1_000) > 0 {}
    let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9
    FileHandle.standardError.write(Data("\(name): \(stored) stored in \(Int(loadSeconds)) s\n".utf8))

    // The edited copies, each submitted and indexed on its own, as a new message is.
    var truePositives = 0
    var otherCandidates = 0
    var otherAlsoSimilar = 0
    var found = 0
    var indexing: [Double] = []
    for (n, copy) in copies.enumerated() {
      let submission = try await store.submit(
        NewMessage(
          type: .complaint, title: String(copy.0.prefix(NewMessage.maxTitleLength)),
          body: String(copy.1.prefix(NewMessage.maxBodyLength)), leaderID: leader.id,
          contact: Contact(name: "测试", phone: "13800138000")),
        at: Date(), fingerprint: Self.fingerprint(copy.0, copy.1))
      let start = DispatchTime.now().uptimeNanoseconds
      let indexed = try await store.indexPendingDuplicates(limit: 1)
      indexing.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
      precondition(indexed == 1, "the copy was not indexed")
      let original = chosen[n]
      let sameText = originals[original]
      var hit = false
      for candidate in try await store.duplicateCandidates(of: submission.message.id) {
        // Right when the candidate is the original, an earlier copy of it, or a message of the same text.
        if let source = ids[candidate.message.id],
          source == original || (originals[source].0 == sameText.0 && originals[source].1 == sameText.1)
        {
          truePositives += 1
          hit = true
        } else {
          otherCandidates += 1
          let theirs = Set(MinHashSignature.shingles(title: candidate.message.title, body: candidate.message.body))
          let ours = Set(MinHashSignature.shingles(title: copy.0, body: copy.1))
          let jaccard = Double(ours.intersection(theirs).count) / Double(max(1, ours.union(theirs).count))
          if jaccard >= Fingerprint.threshold { otherAlsoSimilar += 1 }
        }
      }
      if hit { found += 1 }
      ids[submission.message.id] = original
    }
    await database.close()
    return Result(
      name: name, stored: stored, recall: Double(found) / Double(copies.count),
      precision: Double(truePositives) / Double(max(1, truePositives + otherCandidates)),
      otherCandidates: otherCandidates, otherAlsoSimilar: otherAlsoSimilar, indexing: indexing,
      loadSeconds: loadSeconds,
      truePositives: truePositives)
  }

  static func fingerprint(_ title: String, _ body: String) -> Fingerprint {
    let signature = MinHashSignature(title: title, body: body)
    return Fingerprint(values: signature.values, bandKeys: signature.bandKeys)
  }
}

/// Writes synthetic messages (three random sentences of the real ones, so they share the real
/// boilerplate) straight into the `messages` and `message_bands` tables Minsheng's migrations made,
/// 500 messages to a statement: the set-up that puts 100,000 or 1,000,000 messages in the database
/// in minutes rather than hours.
struct BulkFiller {
  let database: StoreDatabase
  let postgres: Bool

  func fill(_ count: Int, pool: [String], over span: Double, before now: Date, random: inout Random) async throws {
    guard count > 0 else { return }
    let ids = RandomIdentifiers()
    var written = 0
    var lastReport = DispatchTime.now().uptimeNanoseconds
    while written < count {
      var messages: [String] = []
      var bands: [String] = []
      for _ in 0..<min(500, count - written) {
        written += 1
        let body = pool[random.below(pool.count)] + pool[random.below(pool.count)] + pool[random.below(pool.count)]
        let fingerprint = DatabaseRun.fingerprint("", body)
        let id = ids.newID().uuidString
        let at = date(now.timeIntervalSince1970 - Double(random.below(Int(span))) - 3_600)
        messages.append(
          """
          ('\(id)', 2000, \(written), '\(id)\(id)', 'complaint', '合成留言 \(written)', \(quoted(body)), 'web', '测试',
           '13800138000', TRUE, FALSE, 'received', FALSE, 1, 1, '\(id)', \(at), \(at), '\(fingerprint.stored)', FALSE)
          """)
        for key in fingerprint.bandKeys { bands.append("(\(Int64(key)), '\(id)', \(at))") }
      }
      try await database.executeAdministrative(
        """
        INSERT INTO messages (id, serial_year, serial_number, tracking_hash, type, title, body, channel, contact_name,
          contact_phone, is_public, urgent, status, reply_needs_review, version, event_count, last_event_hash,
          created_at, updated_at, fingerprint, fingerprint_pending)
        VALUES \(messages.joined(separator: ",\n"))
        """)
      try await database.executeAdministrative(
        "INSERT INTO message_bands (band_key, message_id, created_at) VALUES \(bands.joined(separator: ","))")
      if DispatchTime.now().uptimeNanoseconds - lastReport > 10_000_000_000 {
        lastReport = DispatchTime.now().uptimeNanoseconds
        FileHandle.standardError.write(Data("  filled \(written) of \(count)\n".utf8))
      }
    }
  }

  private func date(_ seconds: Double) -> String {
    postgres ? "to_timestamp(\(seconds))" : "\(seconds)"
  }

  private func quoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
  }
}
