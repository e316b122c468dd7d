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
}

/// Identifiers from a seed, for a repeatable demonstration (tracking codes stay secret).
final class SeededIdentifiers: IdentifierSource {
  private let generator: Mutex<SeededGenerator>

  init(seed: UInt64) {
    generator = Mutex(SeededGenerator(state: seed ^ 0x5EED))
  }

  func newID() -> UUID {
    generator.withLock { rng in
      var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
      bytes[6] = (bytes[6] & 0x0F) | 0x40
      bytes[8] = (bytes[8] & 0x3F) | 0x80
      return UUID(
        uuid: (
          bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
          bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
    }
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
    /// Staff accounts made for the demonstration, with their passwords (shown once).
    var accounts: [DemoAccount] = []
  }

  /// Loads the demonstration into an empty store: reference data, then `messages` messages spread
  /// over the last 50 days before `now`, every type, category, channel and workflow stage.
  static func load(
    into store: Store, messages count: Int, seed: UInt64, now: Date, passwords: PasswordHashing = PasswordHashing(),
    progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
  ) async throws -> Summary {
    guard try await store.regions().isEmpty else {
      throw StoreError.duplicate(.demonstration, key: "")
    }
    var rng = SeededGenerator(state: seed)
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
      let category = try await store.createCategory(code: topic.code, name: topic.name)
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

    let stages = Stage.allCases.flatMap { Array(repeating: $0, count: $0.weight) }
    let channels: [Channel] = [.web, .web, .web, .app, .app, .hotline, .hotline, .mailbox, .imported, .social, .api]
    // Earlier messages on the same topic for the same office: a dispatcher merges only into a case
    // its own office can read.
    var earlier: [String: [UUID]] = [:]
    for index in 0..<count {
      let topicIndex = Int.random(in: 0..<topics.count, using: &rng)
      let (topic, category, unit) = topics[topicIndex]
      let place = DemoCatalogue.places.randomElement(using: &rng) ?? "滨江路"
      guard let matter = topic.cases.randomElement(using: &rng) else { continue }
      let title = matter.title.replacingOccurrences(of: "{place}", with: place)
      let body = matter.body.replacingOccurrences(of: "{place}", with: place)
      let replyText = matter.reply.replacingOccurrences(of: "{place}", with: place)
      let isThanks = Int.random(in: 0..<100, using: &rng) < 5
      let type: MessageType =
        isThanks
        ? .thanks
        : title.contains("咨询")
          ? .consultation
          : title.contains("建议")
            ? .suggestion
            : [.complaint, .complaint, .help].randomElement(using: &rng) ?? .complaint
      let leader = leaders.randomElement(using: &rng)
      let surname = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"].randomElement(using: &rng) ?? "王"
      let created = now.addingTimeInterval(-Double(Int.random(in: 3_600...(50 * 86_400), using: &rng)))
      let input = NewMessage(
        type: type, title: isThanks ? "感谢\(unit.name)及时解决\(topic.name)问题" : title,
        body: isThanks ? "前段时间反映的\(place)的问题，\(unit.name)很快派人核实并解决了，办事效率很高，特此致谢！" : body,
        leaderID: leader?.id, categoryID: category.id, channel: channels.randomElement(using: &rng) ?? .web,
        location: Location(address: "\(DemoCatalogue.city.name)\(place)"),
        contact: Contact(
          name: surname + (Bool.random(using: &rng) ? "女士" : "先生"),
          phone: "139" + String(format: "%08d", Int.random(in: 0..<100_000_000, using: &rng))),
        isPublic: Int.random(in: 0..<10, using: &rng) > 0, urgent: Int.random(in: 0..<40, using: &rng) == 0,
        phoneVerified: true)
      let message = try await store.submit(
        input, at: created, fingerprint: .of(title: input.title, body: input.body)
      ).message
      var stage = stages.randomElement(using: &rng) ?? .received
      let sameMatter = "\(topicIndex) \(message.dispatchingUnitID?.uuidString ?? "")"
      if stage == .merged, earlier[sameMatter]?.isEmpty ?? true { stage = .received }
      if stage == .reviewing, !unit.requiresReplyReview { stage = .accepted }
      try await advance(
        message, to: stage, lead: unit,
        replyText: isThanks ? "感谢您对我们工作的肯定，我们将继续做好相关工作。" : replyText,
        parent: earlier[sameMatter]?.randomElement(using: &rng), store: store, now: now, rng: &rng)
      earlier[sameMatter, default: []].append(message.id)
      summary.messages = index + 1
      progress(index + 1, count)
    }
    summary.byStatus = try await store.countByStatus()

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
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
    for (username, role, unit) in staff {
      let password = String((0..<14).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
      try await store.createStaffAccount(
        username: username, passwordHash: try passwords.hash(password), role: role, unitID: unit?.id, at: now)
      summary.accounts.append(
        DemoAccount(username: username, role: role, unit: unit?.name ?? "—", password: password))
    }
    // Searchable as soon as it is served.
    while try await store.indexPendingSearch(limit: 1_000) > 0 {}
    return summary
  }

  private static func advance(
    _ message: Message, to stage: Stage, lead unit: MinshengCore.Unit, replyText: String, parent: UUID?,
    store: Store, now: Date, rng: inout SeededGenerator
  ) async throws {
    let dispatcher = Actor(role: .dispatcher, unitID: message.dispatchingUnitID, id: "demo-dispatcher")
    let handler = Actor(role: .handler, unitID: unit.id, id: "demo-handler")
    let reviewer = Actor(role: .reviewer, unitID: unit.id, id: "demo-reviewer")
    let author = Actor(role: .citizen, id: "demo-author")
    let extensionDays =
      store.rules.sla.policy(type: message.type, urgent: message.urgent, region: RegionPath(codes: []))
        .maxExtensionWorkingDays >= 5 ? 5 : 1
    var at = message.createdAt
    func step(_ command: Command, _ actor: Actor) async throws {
      at = min(at.addingTimeInterval(Double(Int.random(in: 2 * 3_600...(4 * 86_400), using: &rng))), now)
      try await store.perform(command, on: message.id, by: actor, at: at)
    }
    func reply() async throws {
      try await step(.reply(body: replyText), handler)
      if unit.requiresReplyReview { try await step(.approveReply(), reviewer) }
    }
    switch stage {
    case .received: return
    case .merged:
      if let parent { try await step(.merge(into: parent, note: "与已受理的留言反映同一问题，并单办理"), dispatcher) }
      return
    case .invalid:
      try await step(.markInvalid(reason: "留言内容与政务无关"), dispatcher)
      return
    default: break
    }
    try await step(.assign(lead: unit.id, instruction: "请按时限办理并答复留言人"), dispatcher)
    if stage == .assigned { return }
    if stage == .returned {
      try await step(.returnToDispatcher(reason: "该事项不属于本单位职责范围，建议改派属地", code: .notOurs), handler)
      return
    }
    try await step(.accept(), handler)
    switch stage {
    case .accepted: return
    case .extensionRequested:
      try await step(.requestExtension(workingDays: extensionDays, reason: "需协调多个部门现场核查"), handler)
    case .extended:
      try await step(.requestExtension(workingDays: extensionDays, reason: "需协调多个部门现场核查"), handler)
      try await step(.approveExtension(workingDays: extensionDays, note: "同意延期"), dispatcher)
    case .reviewing:
      try await step(.reply(body: replyText), handler)
    case .replied:
      try await reply()
    case .reopenRequested, .reopened:
      try await reply()
      try await step(.evaluate(Evaluation(resolution: 1, attitude: 3, speed: 2, comment: "问题仍未解决")), author)
      if stage == .reopened { try await step(.grantReopen(note: "请重新核实办理"), dispatcher) }
    case .resolved:
      try await reply()
      let score = Int.random(in: 3...5, using: &rng)
      try await step(.evaluate(Evaluation(resolution: score, attitude: 5, speed: score)), author)
    case .unevaluated:
      try await reply()
      try await step(.close(reason: "答复后 7 日内未评价，系统自动办结"), .system)
    case .received, .assigned, .returned, .merged, .invalid: return
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
