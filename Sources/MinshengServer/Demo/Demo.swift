import Foundation
import MinshengCore
import MinshengStore
import Synchronization

/// A small deterministic generator (SplitMix64), so a seed always gives the same demonstration.
struct SeededGenerator: RandomNumberGenerator, Sendable {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A version-4 UUID from the generator.
  mutating func uuid() -> UUID {
    var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &self) }
    bytes[6] = (bytes[6] & 0x0F) | 0x40
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    return UUID(
      uuid: (
        bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
        bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
      ))
  }
}

/// Identifiers from a seed, for a repeatable demonstration (tracking codes stay secret).
final class SeededIdentifiers: IdentifierSource {
  private let generator: Mutex<SeededGenerator>

  init(seed: UInt64) {
    generator = Mutex(SeededGenerator(state: seed ^ 0x5EED))
  }

  func newID() -> UUID {
    generator.withLock { $0.uuid() }
  }

  /// Tracking codes come from the system's generator even in the demonstration: with the seed known,
  /// seeded codes would open every demonstration message, private ones included.
  func trackingCode() -> String {
    RandomIdentifiers().trackingCode()
  }
}

/// 演示数据: loads the made-up city and its messages through the same store operations as real use.
enum Demo {
  /// How far each demonstration message gets.
  enum Stage: CaseIterable {
    case received, assigned, accepted, extensionRequested, extended, reviewing, returned, replied
    case reopenRequested, reopened, resolved, unevaluated, merged, invalid

    /// Relative frequency in the demonstration.
    var weight: Int {
      switch self {
      case .received: 10
      case .assigned: 12
      case .accepted: 20
      case .extensionRequested: 3
      case .extended: 5
      case .reviewing: 3
      case .returned: 3
      case .replied: 12
      case .reopenRequested: 3
      case .reopened: 2
      case .resolved: 18
      case .unevaluated: 4
      case .merged: 3
      case .invalid: 2
      }
    }
  }

  struct Summary: Sendable {
    var regions = 0
    var units = 0
    var leaders = 0
    var categories = 0
    var messages = 0
    var byStatus: [Status: Int] = [:]
    /// 人民建议 written to the demonstration's campaigns (besides `messages`).
    var proposals = 0
    /// Staff accounts made for the demonstration, with their passwords (shown once).
    var accounts: [DemoAccount] = []
  }

  /// How many messages one transaction stores: 1,000 loads 100,000 messages 15% faster than 500
  /// (each commit rewrites the indexes' pages it touched), 2,000 hardly faster than 1,000.
  static let batchSize = 1_000

  /// Loads the demonstration into an empty store: reference data, then `messages` messages spread
  /// over the last 50 days before `now`, every type, category, channel and workflow stage, decided
  /// in memory and stored `batchSize` to a transaction through the store's bulk path (`Store.load`).
  static func load(
    into store: Store, messages count: Int, seed: UInt64, now: Date, passwords: PasswordHashing = PasswordHashing(),
    progress: (_ stage: DemoStage, _ done: Int, _ total: Int) -> Void = { _, _, _ in }
  ) async throws -> Summary {
    guard try await store.regions().isEmpty else {
      throw StoreError.duplicate(.demonstration, key: "")
    }
    var summary = Summary()

    let city = try await store.createRegion(code: DemoCatalogue.city.code, name: DemoCatalogue.city.name)
    let petition = try await store.createUnit(code: "XFB", name: "市信访办", region: city.id)
    let supervision = try await store.createUnit(code: "DCS", name: "市政府督查室", region: city.id)
    try await store.setDispatchingUnit(petition.id, forRegion: city.id)
    var leaders = [
      try await store.createLeader(code: "SWSJ", title: "市委书记", region: city.id, dispatchingUnit: petition.id),
      try await store.createLeader(code: "SZ", title: "市长", region: city.id, dispatchingUnit: supervision.id),
    ]
    var unitsByCode: [String: MinshengCore.Unit] = [:]
    for (code, name, review) in DemoCatalogue.cityUnits {
      unitsByCode[code] = try await store.createUnit(
        code: code, name: name, region: city.id, requiresReplyReview: review)
    }
    summary.units = 2 + unitsByCode.count
    var regionIDs = [city.id]
    var offices: [(DemoCatalogue.Area, MinshengCore.Unit)] = []
    for area in DemoCatalogue.areas {
      let region = try await store.createRegion(code: area.code, name: area.name, parent: city.id)
      let office = try await store.createUnit(code: "\(area.code)-XFB", name: "\(area.name)信访办", region: region.id)
      try await store.setDispatchingUnit(office.id, forRegion: region.id)
      offices.append((area, office))
      leaders.append(
        try await store.createLeader(
          code: "\(area.code)-Z", title: area.isCounty ? "县长" : "区长", region: region.id, dispatchingUnit: office.id))
      regionIDs.append(region.id)
      summary.units += 1
    }
    summary.regions = regionIDs.count
    summary.leaders = leaders.count

    var topics: [(DemoCatalogue.Topic, MinshengCore.Category, MinshengCore.Unit)] = []
    for topic in DemoCatalogue.topics {
      var category = try await store.createCategory(code: topic.code, name: topic.name)
      if let questions = DemoCatalogue.questions[topic.code] {
        category = try await store.updateCategory(
          category.id, name: nil, questions: try ServiceQuestions.parse(questions), by: "demo", at: now)
      }
      guard let unit = unitsByCode[topic.unit] else { continue }
      try await store.addRoutingRule(RoutingRule(categoryID: category.id, regionCode: nil, unitID: unit.id))
      topics.append((topic, category, unit))
    }
    summary.categories = topics.count
    let categoriesByCode = Dictionary(uniqueKeysWithValues: topics.map { ($0.0.code, $0.1.id) })
    for entry in DemoCatalogue.knowledge {
      try await store.saveKnowledge(
        kind: KnowledgeEntry.Kind(rawValue: entry.kind) ?? .answer, title: entry.title, body: entry.body,
        category: entry.category.flatMap { categoriesByCode[$0] }, by: "demo", at: now)
    }

    var generator = CaseGenerator(
      topics: topics, leaders: leaders, fallbackOffice: petition.id, rules: store.rules, now: now, seed: seed)
    // Each batch is one transaction; the next batch is made and decided while the last one is written.
    var writing: Task<[Message], any Error>?
    func finish(_ task: Task<[Message], any Error>?) async throws {
      guard let task else { return }
      for message in try await task.value { summary.byStatus[message.status, default: 0] += 1 }
      summary.messages = summary.byStatus.values.reduce(0, +)
      progress(.messages, summary.messages, count)
    }
    var made = 0
    while made < count {
      let prepared = try await store.prepareLoad(generator.batch(min(batchSize, count - made)))
      made += prepared.count
      try await finish(writing)
      writing = Task { try await store.load(prepared) }
    }
    try await finish(writing)
    if let housing = unitsByCode["ZJW"], let transport = unitsByCode["JTJ"] {
      summary.proposals = try await loadProposals(
        into: store, region: city.id, housing: housing, transport: transport, office: petition, now: now)
    }

    // Every office that dispatches has its dispatcher, every unit that receives cases its handler
    // (and its reviewer where replies are reviewed): no message waits for nobody.
    var staff: [(String, Role, MinshengCore.Unit?)] = [
      ("xfb.dispatcher", .dispatcher, petition), ("dcs.dispatcher", .dispatcher, supervision),
    ]
    staff += offices.map { ("\($0.0.account).dispatcher", .dispatcher, $0.1) }
    for (_, _, unit) in topics {
      staff.append(("\(unit.code.lowercased()).handler", .handler, unit))
      if unit.requiresReplyReview { staff.append(("\(unit.code.lowercased()).reviewer", .reviewer, unit)) }
    }
    staff += [("dc.supervisor", .supervisor, nil), ("admin", .admin, nil)]
    var passwordSource = SystemRandomNumberGenerator()
    let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
    for (username, role, unit) in staff {
      let password = String((0..<14).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &passwordSource)] })
      try await store.createStaffAccount(
        username: username, passwordHash: try passwords.hash(password), role: role, unitID: unit?.id, at: now)
      summary.accounts.append(
        DemoAccount(username: username, role: role, unit: unit?.name ?? "—", password: password))
    }
    // Searchable, its near-duplicates found and its figures summed as soon as it is served.
    try await Self.drain(.search, backlog: store.searchBacklog(), progress: progress) {
      try await store.indexPendingSearch(limit: 1_000)
    }
    try await Self.drain(.rollups, backlog: store.rollupBacklog(), progress: progress) {
      try await store.refreshRollups(eventsPerRun: 200_000)
    }
    store.countStatistics(by: try KPIDefinitions.bundled())
    try await Self.drain(.statistics, backlog: store.statisticsBacklog() ?? 0, progress: progress) {
      try await store.refreshStatistics(eventsPerRun: 50_000)
    }
    try await Self.drain(.duplicates, backlog: store.duplicateBacklog(), progress: progress) {
      try await store.indexPendingDuplicates(limit: 1_000)
    }
    return summary
  }
}

/// What the demonstration is doing, for its progress line: storing the messages, then what the
/// server would otherwise do in the background (the search index, the roll-ups, the near-duplicates).
enum DemoStage: String, Sendable, CaseIterable {
  case messages, search, rollups, statistics, duplicates
}

extension Demo {
  /// Runs `step` until it has nothing left, telling `progress` how much of `backlog` is done.
  static func drain(
    _ stage: DemoStage, backlog: Int, progress: (_ stage: DemoStage, _ done: Int, _ total: Int) -> Void,
    step: () async throws -> Int
  ) async throws {
    var done = 0
    while case let covered = try await step(), covered > 0 {
      done += covered
      progress(stage, done, max(backlog, done))
    }
  }
}

/// A staff account made for the demonstration, with its password (printed once).
struct DemoAccount: Sendable {
  var username: String
  var role: Role
  var unit: String
  var password: String

  /// The account as the commands print it.
  var line: String {
    say(
      "cli_account_line",
      ["username": .plain(username), "role": .key(role.nameKey), "unit": .plain(unit), "password": .plain(password)])
  }
}
