import Foundation
import MinshengCore
import MinshengStore

/// Makes the demonstration's messages one after another, each with the steps that take it to its
/// stage (`Demo.Stage`), the same for the same seed.
struct CaseGenerator {
  let topics: [(DemoCatalogue.Topic, MinshengCore.Category, MinshengCore.Unit)]
  let leaders: [Leader]
  /// The office that dispatches a message whose leader names none.
  let fallbackOffice: UUID
  let rules: CaseRules
  let now: Date
  private var rng: SeededGenerator
  /// The messages' ids: a generator of their own, so the store's identifiers stay the same whatever
  /// runs at once.
  private var idSource: SeededGenerator
  /// Earlier messages on the same topic for the same office: a dispatcher merges only into a case
  /// its own office can read. The last few of each are kept.
  private var earlier: [String: [UUID]] = [:]
  /// The messages of the batches made since, by batch: the batch before the one being made may still
  /// be being written while this one is decided, so its messages become candidates a batch later.
  private var recent: [[(matter: String, id: UUID)]] = [[]]

  private static let stages = Demo.Stage.allCases.flatMap { Array(repeating: $0, count: $0.weight) }
  private static let channels: [Channel] = [
    .web, .web, .web, .app, .app, .hotline, .hotline, .mailbox, .imported, .social, .api,
  ]
  private static let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]

  init(
    topics: [(DemoCatalogue.Topic, MinshengCore.Category, MinshengCore.Unit)], leaders: [Leader], fallbackOffice: UUID,
    rules: CaseRules, now: Date, seed: UInt64
  ) {
    self.topics = topics
    self.leaders = leaders
    self.fallbackOffice = fallbackOffice
    self.rules = rules
    self.now = now
    rng = SeededGenerator(state: seed)
    idSource = SeededGenerator(state: seed ^ 0x1D5)
  }

  /// The next `size` messages with their steps: a merge names a message of the same batch, or of a
  /// batch at least two before (stored by the time this one is decided).
  mutating func batch(_ size: Int) -> [CaseToLoad] {
    recent.append([])
    while recent.count > 2 {
      for (matter, id) in recent.removeFirst() { remember(id, as: matter) }
    }
    return (0..<size).map { _ in next() }
  }

  private mutating func remember(_ id: UUID, as matter: String) {
    earlier[matter, default: []].append(id)
    if earlier[matter, default: []].count > 20 { earlier[matter]?.removeFirst() }
  }

  /// The next message and its steps.
  private mutating func next() -> CaseToLoad {
    let topicIndex = Int.random(in: 0..<topics.count, using: &rng)
    let (topic, category, unit) = topics[topicIndex]
    let place = DemoCatalogue.places.randomElement(using: &rng) ?? "滨江路"
    let matter = topic.cases[Int.random(in: 0..<topic.cases.count, using: &rng)]
    let title = matter.title.replacingOccurrences(of: "{place}", with: place)
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
    let surname = Self.surnames.randomElement(using: &rng) ?? "王"
    let created = now.addingTimeInterval(-Double(Int.random(in: 3_600...(50 * 86_400), using: &rng)))
    let input = NewMessage(
      type: type, title: isThanks ? "感谢\(unit.name)及时解决\(topic.name)问题" : title,
      body: isThanks
        ? "前段时间反映的\(place)的问题，\(unit.name)很快派人核实并解决了，办事效率很高，特此致谢！"
        : matter.body.replacingOccurrences(of: "{place}", with: place),
      leaderID: leader?.id, categoryID: category.id, channel: Self.channels.randomElement(using: &rng) ?? .web,
      location: Location(address: "\(DemoCatalogue.city.name)\(place)"),
      contact: Contact(
        name: surname + (Bool.random(using: &rng) ? "女士" : "先生"),
        phone: "139" + String(format: "%08d", Int.random(in: 0..<100_000_000, using: &rng))),
      isPublic: Int.random(in: 0..<10, using: &rng) > 0, urgent: Int.random(in: 0..<40, using: &rng) == 0,
      phoneVerified: true)
    let id = idSource.uuid()
    let office = leader?.dispatchingUnitID ?? fallbackOffice
    var stage = Self.stages.randomElement(using: &rng) ?? .received
    let sameMatter = "\(topicIndex) \(office.uuidString)"
    let sameBatch = recent.last?.filter { $0.matter == sameMatter }.map(\.id) ?? []
    let parent = ((earlier[sameMatter] ?? []) + sameBatch.suffix(20)).randomElement(using: &rng)
    if stage == .merged, parent == nil { stage = .received }
    if stage == .reviewing, !unit.requiresReplyReview { stage = .accepted }
    let replyText =
      isThanks
      ? "感谢您对我们工作的肯定，我们将继续做好相关工作。" : matter.reply.replacingOccurrences(of: "{place}", with: place)
    var plan = StepPlan(
      office: office, unit: unit, at: created, now: now,
      extensionDays: rules.sla.policy(type: type, urgent: input.urgent, region: RegionPath(codes: []))
        .maxExtensionWorkingDays >= 5 ? 5 : 1)
    let steps = plan.steps(to: stage, replyText: replyText, parent: parent, rng: &rng)
    if stage != .merged { recent[recent.count - 1].append((sameMatter, id)) }
    // Only the last week's messages still waiting for their office are compared with earlier ones:
    // that is where a dispatcher looks at the near-duplicates.
    let fingerprint =
      steps.isEmpty && now.timeIntervalSince(created) < 7 * 86_400
      ? Fingerprint.of(title: input.title, body: input.body) : nil
    return CaseToLoad(id: id, input, receivedAt: created, fingerprint: fingerprint, steps: steps)
  }
}

/// The steps that take one demonstration message to its stage, each some hours to days after the
/// one before (never after `now`).
private struct StepPlan {
  let office: UUID
  let unit: MinshengCore.Unit
  var at: Date
  let now: Date
  let extensionDays: Int
  var steps: [CaseToLoad.Step] = []

  init(office: UUID, unit: MinshengCore.Unit, at: Date, now: Date, extensionDays: Int) {
    self.office = office
    self.unit = unit
    self.at = at
    self.now = now
    self.extensionDays = extensionDays
  }

  mutating func steps(
    to stage: Demo.Stage, replyText: String, parent: UUID?, rng: inout SeededGenerator
  ) -> [CaseToLoad.Step] {
    let dispatcher = Actor(role: .dispatcher, unitID: office, id: "demo-dispatcher")
    let handler = Actor(role: .handler, unitID: unit.id, id: "demo-handler")
    let reviewer = Actor(role: .reviewer, unitID: unit.id, id: "demo-reviewer")
    let author = Actor(role: .citizen, id: "demo-author")
    func step(_ command: Command, _ actor: Actor) {
      at = min(at.addingTimeInterval(Double(Int.random(in: 2 * 3_600...(4 * 86_400), using: &rng))), now)
      steps.append(CaseToLoad.Step(command, by: actor, at: at))
    }
    func reply() {
      step(.reply(body: replyText), handler)
      if unit.requiresReplyReview { step(.approveReply(), reviewer) }
    }
    switch stage {
    case .received: return steps
    case .merged:
      if let parent { step(.merge(into: parent, note: "与已受理的留言反映同一问题，并单办理"), dispatcher) }
      return steps
    case .invalid:
      step(.markInvalid(reason: "留言内容与政务无关"), dispatcher)
      return steps
    default: break
    }
    step(.assign(lead: unit.id, instruction: "请按时限办理并答复留言人"), dispatcher)
    if stage == .assigned { return steps }
    if stage == .returned {
      step(.returnToDispatcher(reason: "该事项不属于本单位职责范围，建议改派属地", code: .notOurs), handler)
      return steps
    }
    step(.accept(), handler)
    switch stage {
    case .extensionRequested:
      step(.requestExtension(workingDays: extensionDays, reason: "需协调多个部门现场核查"), handler)
    case .extended:
      step(.requestExtension(workingDays: extensionDays, reason: "需协调多个部门现场核查"), handler)
      step(.approveExtension(workingDays: extensionDays, note: "同意延期"), dispatcher)
    case .reviewing:
      step(.reply(body: replyText), handler)
    case .replied:
      reply()
    case .reopenRequested, .reopened:
      reply()
      step(.evaluate(Evaluation(resolution: 1, attitude: 3, speed: 2, comment: "问题仍未解决")), author)
      if stage == .reopened { step(.grantReopen(note: "请重新核实办理"), dispatcher) }
    case .resolved:
      reply()
      let score = Int.random(in: 3...5, using: &rng)
      step(.evaluate(Evaluation(resolution: score, attitude: 5, speed: score)), author)
    case .unevaluated:
      reply()
      step(.close(reason: "答复后 7 日内未评价，系统自动办结"), .system)
    case .accepted, .received, .assigned, .returned, .merged, .invalid: break
    }
    return steps
  }
}
