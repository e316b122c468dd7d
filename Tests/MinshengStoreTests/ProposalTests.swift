import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// 人民建议征集: campaigns, suggestions written to them, supports with a threshold that sends a
/// suggestion to its evaluating unit, the unit's outcome and the adoption steps — each step an event
/// in the message's chain, on every database.
@Suite struct ProposalTests {
  @Test func details_areChecked_andOnlyWithTheSuggestionType() throws {
    var new = Fixtures.newSuggestion("加装电梯的建议")
    new.proposal?.proposal = "  "
    new.proposal?.benefit = String(repeating: "好", count: 1_001)
    new.type = .complaint
    let error = try #require(throws: ValidationError.self) { try new.validated() }
    #expect(Set(error.problems.map(\.field)) == ["proposal", "benefit", "type"])
    let campaign = NewCampaign(
      title: " 征集 ", description: "说明", opensOn: LocalDate("2026-12-10"), closesOn: LocalDate("2026-12-01"),
      supportThreshold: 0)
    let refused = try #require(throws: ValidationError.self) { try campaign.validated() }
    #expect(Set(refused.problems.map(\.field)) == ["closes_on", "support_threshold"])
  }

  @Test func rules_decideWhoMayTakeEachStep() {
    let unit = UUID()
    var message = Message(
      id: UUID(), serial: Serial(year: 2026, number: 1), type: .suggestion, title: "t", body: "b",
      contact: Contact(name: "顾女士", phone: "13800138000"), status: .accepted, leadUnitID: unit,
      createdAt: Fixtures.now)
    let proposal = Proposal(
      messageID: message.id, campaignID: Campaign.generalID, proposal: "p", benefit: "", createdAt: Fixtures.now)
    let handler = Actor(role: .handler, unitID: unit, id: "h")
    let stranger = Actor(role: .handler, unitID: UUID(), id: "s")
    #expect(ProposalRules.mayEvaluate(handler, message, proposal) == nil)
    #expect(ProposalRules.mayEvaluate(stranger, message, proposal) != nil)
    #expect(ProposalRules.mayEvaluate(Actor(role: .dispatcher, unitID: unit, id: "d"), message, proposal) != nil)
    #expect(ProposalRules.mayRecordAdoption(handler, message, proposal) != nil)
    var adopted = proposal
    adopted.outcome = .partlyAdopted
    adopted.evaluatedBy = unit
    #expect(ProposalRules.mayEvaluate(handler, message, adopted) != nil)
    #expect(ProposalRules.mayRecordAdoption(handler, message, adopted) == nil)
    #expect(ProposalRules.maySupport(message, adopted) != nil)
    message.status = .assigned
    #expect(ProposalRules.mayEvaluate(handler, message, proposal) != nil)
    message.closure = .invalid
    #expect(ProposalRules.maySupport(message, proposal) != nil)
  }

  @Test(arguments: TestDatabase.available)
  func supports_reachTheThreshold_andSendTheSuggestionToTheCampaignsUnit(db: TestDatabase) async throws {
    try await db.withStore { store in
      let world = try await SeededWorld.create(in: store)
      let now = Fixtures.now
      let today = store.rules.calendar.day(of: now)
      let general = try #require(try await store.campaigns().first)
      #expect(general.isGeneral && general.id == Campaign.generalID)
      let campaign = try await store.createCampaign(
        NewCampaign(
          title: "老旧小区改造金点子", description: "围绕加装电梯、停车和适老化改造征集建议。", opensOn: today,
          closesOn: today.adding(days: 30), supportThreshold: 3, unitIDs: [world.housing.id]),
        by: "admin", at: now)
      await #expect(throws: ValidationError.self) {
        try await store.createCampaign(
          NewCampaign(title: "t", description: "d", opensOn: today, unitIDs: [UUID()]), by: "admin", at: now)
      }
      let written = try await store.submit(Fixtures.newSuggestion("加装电梯费用分摊公示", campaign: campaign.id), at: now)
      let id = written.message.id
      let stored = try #require(try await store.proposal(id))
      #expect(stored.campaignID == campaign.id && stored.supports == 0 && stored.benefit == "减少邻里纠纷，加快加装进度。")
      // A campaign not open takes nothing, and nothing of the message is stored.
      let later = try await store.createCampaign(
        NewCampaign(title: "明年的征集", description: "d", opensOn: today.adding(days: 60)), by: "admin", at: now)
      let refused = try await #require(throws: ValidationError.self) {
        try await store.submit(Fixtures.newSuggestion("太早的建议", campaign: later.id), at: now)
      }
      #expect(refused.problems.map(\.field) == ["campaign"])

      // The public read masks the proposal's numbers.
      let listed = try await store.publicProposals(campaign: campaign.id)
      #expect(listed.map(\.message.id) == [id] && listed[0].stage == .collecting)
      #expect(
        !listed[0].proposal.proposal.contains("13912345678") && listed[0].proposal.proposal.contains("139****5678"))

      try await store.support(id, phone: "13900000001", at: now)
      await #expect(throws: StoreError.self) { try await store.support(id, phone: "139 0000 0001", at: now) }
      try await store.support(id, phone: "13900000002", at: now)
      #expect(try await store.message(id)?.status == .received)
      // Two supports at once: both count, and the third sends it to the campaign's unit.
      async let third = store.support(id, phone: "13900000003", at: now)
      async let fourth = store.support(id, phone: "13900000004", at: now)
      _ = try await (third, fourth)
      let after = try #require(try await store.proposal(id))
      #expect(after.supports == 4 && after.thresholdReachedAt != nil)
      let message = try #require(try await store.message(id))
      #expect(message.status == .assigned && message.leadUnitID == world.housing.id)
      #expect(try await store.hasSupported(id, phone: "13900000003"))
      #expect(try await store.publicProposals(stage: .evaluating).map(\.message.id) == [id])

      // The unit evaluates once it accepted; the outcome is public with its reason.
      await #expect(throws: StoreError.self) {
        try await store.evaluateProposal(id, outcome: .adopted, reason: "采纳", by: world.housingHandler, at: now)
      }
      try await store.perform(.accept(), on: id, by: world.housingHandler, at: now)
      await #expect(throws: StoreError.self) {
        try await store.evaluateProposal(id, outcome: .adopted, reason: "采纳", by: world.marketHandler, at: now)
      }
      await #expect(throws: StoreError.self) {
        try await store.recordAdoption(id, NewAdoption(measure: "m", progress: 10), by: world.housingHandler, at: now)
      }
      let evaluated = try await store.evaluateProposal(
        id, outcome: .adopted, reason: "建议可行，纳入明年老旧小区改造实施方案。", by: world.housingHandler, at: now)
      #expect(evaluated.outcome == .adopted && evaluated.evaluatedBy == world.housing.id)
      await #expect(throws: StoreError.self) {
        try await store.evaluateProposal(id, outcome: .declined, reason: "改主意", by: world.housingHandler, at: now)
      }
      await #expect(throws: StoreError.self) { try await store.support(id, phone: "13900000005", at: now) }
      await #expect(throws: ValidationError.self) {
        try await store.recordAdoption(
          id, NewAdoption(measure: "印发办法", link: "javascript:alert(1)", progress: 120), by: world.housingHandler,
          at: now)
      }
      try await store.recordAdoption(
        id,
        NewAdoption(
          measure: "印发加装电梯费用分摊指引", documentTitle: "关于老旧小区加装电梯费用分摊的指导意见",
          documentNumber: "示住建发〔2026〕12号", documentDate: today, link: "https://zjw.example.gov.cn/12",
          progress: 60),
        by: world.housingHandler, at: now)
      let steps = try await store.adoptions(of: id)
      #expect(steps.count == 1 && steps[0].progress == 60 && steps[0].documentDate == today)
      #expect(try await store.publicProposals(stage: .adopted).map(\.message.id) == [id])
      #expect(try await store.campaignCounts()[campaign.id]?.adopted == 1)

      // 汇智为民: the unit that adopted it is on the year's list, with its adoption rate.
      let definitions = try KPIDefinitions.bundled()
      let figures = try await store.honoursFigures(year: today.year, asOf: now, definitions: definitions)
      let unit = world.housing.id.uuidString.lowercased()
      #expect(figures.adopted[unit] == 1 && figures.evaluated[unit] == 1)
      let honours = HonoursResult(
        formula: try HonoursFormula.bundled(checkedAgainst: definitions), year: today.year, table: figures)
      let huizhi = try #require(honours.lists.first { $0.id == "huizhi" })
      #expect(huizhi.entries.map(\.unit) == [unit] && huizhi.entries[0].components["adoption_rate"] == 1)

      // Every step is in the message's chain, and the chains verify.
      let actions = try await store.events(of: id).map(\.draft.action)
      #expect(actions.filter { $0 == .supported }.count == 4)
      #expect(actions.contains(.proposalEvaluated) && actions.contains(.adoptionRecorded))
      try await store.sealAllEvents()
      let report = try await store.verifyAudit()
      #expect(report.isIntact)
    }
  }

  @Test(arguments: TestDatabase.available)
  func aSuggestionMessage_becomesASuggestion_keepingItsHistory(db: TestDatabase) async throws {
    try await db.withStore { store in
      let world = try await SeededWorld.create(in: store)
      let now = Fixtures.now
      let complaint = try await store.submit(Fixtures.newMessage(leader: world.secretary.id), at: now).message
      await #expect(throws: StoreError.self) {
        try await store.openProposal(complaint.id, campaign: nil, proposal: nil, by: world.dispatcher, at: now)
      }
      let message = try await store.submit(
        Fixtures.newMessage(title: "建议增开夜班公交", type: .suggestion, leader: world.secretary.id), at: now
      ).message
      await #expect(throws: StoreError.self) {
        try await store.openProposal(message.id, campaign: nil, proposal: nil, by: world.housingHandler, at: now)
      }
      let opened = try await store.openProposal(
        message.id, campaign: nil, proposal: nil, by: world.dispatcher, at: now)
      #expect(opened.campaignID == Campaign.generalID && opened.proposal == message.body)
      await #expect(throws: StoreError.self) {
        try await store.openProposal(message.id, campaign: nil, proposal: "再来", by: world.dispatcher, at: now)
      }
      let actions = try await store.events(of: message.id).map(\.draft.action)
      #expect(actions == [.received, .proposalOpened])
    }
  }

  @Test(arguments: TestDatabase.available)
  func aLeadersInstruction_isAStepOfItsOwn_andAnAdoptionAt100_implements(db: TestDatabase) async throws {
    try await db.withStore { store in
      let world = try await SeededWorld.create(in: store)
      let now = Fixtures.now
      let today = store.rules.calendar.day(of: now)
      let id = try await store.submit(
        Fixtures.newSuggestion("加装电梯费用分摊公示", leader: world.secretary.id), at: now
      ).message.id
      let supervisor = Actor(role: .supervisor, id: "dc-supervisor")
      let words = "请市住建委抓紧研究，年底前拿出办法。"
      let input = NewProposalInstruction(
        leader: "市政府分管副市长", givenOn: today, text: words, publicSummary: "批示要求有关部门研究吸纳，联系 13912345678。")
      // Only the office that dispatches it, the supervision office and administrators record one.
      for refused in [
        world.housingHandler, Actor(role: .dispatcher, unitID: world.countyOffice.id, id: "county"), world.author,
      ] {
        await #expect(throws: StoreError.self, "\(refused.role)") {
          try await store.recordInstruction(id, input, by: refused, at: now)
        }
      }
      await #expect(throws: ValidationError.self) {
        try await store.recordInstruction(
          id, NewProposalInstruction(leader: "副市长", givenOn: today.adding(days: 1), text: "t"), by: supervisor, at: now)
      }
      try await store.recordInstruction(id, input, by: world.dispatcher, at: now)
      try await store.recordInstruction(
        id, NewProposalInstruction(leader: "市委秘书长", givenOn: today, text: "同意。"), by: supervisor, at: now)
      let recorded = try await store.instructions(of: id)
      #expect(recorded.map(\.leader) == ["市政府分管副市长", "市委秘书长"])
      #expect(
        recorded[0].text == words && recorded[0].recordedBy == world.dispatcher.id && recorded[1].publicSummary == nil)
      // The public timeline names the leader, never the instruction's words.
      let file = try #require(try await store.publicFile(id))
      let shown = file.timeline.filter { $0.action == .proposalInstructed }
      #expect(shown.count == 2 && shown[0].payload["leader"] == "市政府分管副市长")
      #expect(file.timeline.allSatisfy { !$0.payload.values.contains(words) })

      // 采纳, then adoption steps: at 100% the suggestion is 已落实, once.
      let message = try #require(try await store.message(id))
      try await store.perform(
        .assign(lead: world.housing.id), on: id, by: world.dispatcher, at: now, expectedVersion: message.version)
      try await store.perform(.accept(), on: id, by: world.housingHandler, at: now)
      try await store.evaluateProposal(id, outcome: .adopted, reason: "采纳", by: world.housingHandler, at: now)
      try await store.recordAdoption(id, NewAdoption(measure: "起草办法", progress: 60), by: world.housingHandler, at: now)
      var proposal = try #require(try await store.proposal(id))
      #expect(proposal.implementedAt == nil)
      #expect(ProposalWorkflow.state(of: try #require(try await store.message(id)), proposal) == .adopted)
      let later = now.addingTimeInterval(3_600)
      try await store.recordAdoption(
        id, NewAdoption(measure: "办法印发施行", progress: 100), by: world.housingHandler, at: later)
      try await store.recordAdoption(
        id, NewAdoption(measure: "各区全部推开", progress: 100), by: world.housingHandler, at: later.addingTimeInterval(60))
      proposal = try #require(try await store.proposal(id))
      #expect(proposal.implementedAt == later)
      #expect(ProposalWorkflow.state(of: try #require(try await store.message(id)), proposal) == .implemented)
      let listed = try #require(try await store.publicProposals().first { $0.message.id == id })
      #expect(listed.state == .implemented)
      let adoptionEvents = try await store.events(of: id).filter { $0.draft.action == .adoptionRecorded }
      #expect(adoptionEvents.map { $0.draft.payload["implemented"] } == [nil, "true", nil])
      // An instruction can still be recorded on an implemented suggestion.
      try await store.recordInstruction(
        id, NewProposalInstruction(leader: "市长", givenOn: today, text: "总结推广。"), by: supervisor, at: later)

      // A merged suggestion takes no more steps.
      let other = try await store.submit(
        Fixtures.newSuggestion("同样的建议", phone: "13800138001", leader: world.secretary.id), at: now
      ).message
      try await store.perform(.merge(into: id), on: other.id, by: world.dispatcher, at: now)
      await #expect(throws: StoreError.self) {
        try await store.recordInstruction(other.id, input, by: supervisor, at: now)
      }
      await #expect(throws: StoreError.self) { try await store.support(other.id, phone: "13900000009", at: now) }

      try await store.sealAllEvents()
      #expect(try await store.verifyAudit().isIntact)
    }
  }

  @Test(arguments: TestDatabase.available)
  func aReferral_needsAKnownUnit_andKeepsOnlyKnownSources(db: TestDatabase) async throws {
    try await db.withStore { store in
      let world = try await SeededWorld.create(in: store)
      let now = Fixtures.now
      let source = try await store.submit(Fixtures.newMessage(leader: world.secretary.id), at: now).message.id
      let supervisor = Actor(role: .supervisor, id: "dc-supervisor")
      var referral = TopicReferral(
        title: "夜间施工集中反映", problem: "近期多件。", proposal: "统一审批。", unitID: UUID(), sourceIDs: [UUID(), source])
      let unknown = try await #require(throws: ValidationError.self) {
        try await store.referTopic(referral, by: supervisor, at: now)
      }
      #expect(unknown.problems.map(\.field) == ["unit"])
      await #expect(throws: StoreError.self) { try await store.referTopic(referral, by: world.dispatcher, at: now) }
      referral.unitID = world.housing.id
      let message = try await store.referTopic(referral, by: supervisor, at: now)
      #expect(message.status == .assigned && message.channel == .referral && message.contact.phone.isEmpty)
      #expect(try await store.proposalSources(of: message.id).map(\.id) == [source])
      #expect(try await store.proposal(message.id)?.campaignID == Campaign.generalID)
      let events = try await store.events(of: message.id)
      #expect(events.map(\.draft.actor.role) == [.supervisor, .system])
      #expect(events.last?.draft.note?.contains("1 件") == true)
      try await store.sealAllEvents()
      #expect(try await store.verifyAudit().isIntact)
    }
  }

  /// 附议 under load: 16 citizens support at once, four of them twice; each number counts once, the
  /// threshold fires exactly once and the suggestion is assigned exactly once.
  @Test(arguments: TestDatabase.available)
  func sixteenConcurrentSupporters_countOnce_andTheThresholdFiresOnce(db: TestDatabase) async throws {
    try await db.withStore { store in
      let world = try await SeededWorld.create(in: store)
      let now = Fixtures.now
      let today = store.rules.calendar.day(of: now)
      let campaign = try await store.createCampaign(
        NewCampaign(
          title: "停车金点子", description: "征集建议。", opensOn: today, supportThreshold: 10, unitIDs: [world.housing.id]),
        by: "admin", at: now)
      let id = try await store.submit(Fixtures.newSuggestion("夜间共享停车", campaign: campaign.id), at: now).message.id
      let phones = (0..<16).map { String(format: "139%08d", 7_000 + $0) }
      let attempts = phones + phones.prefix(4)
      let outcomes = await withTaskGroup(of: Bool.self) { group in
        for phone in attempts {
          group.addTask { (try? await store.support(id, phone: phone, at: now)) != nil }
        }
        var accepted = 0
        for await ok in group where ok { accepted += 1 }
        return accepted
      }
      #expect(outcomes == 16)
      let proposal = try #require(try await store.proposal(id))
      #expect(proposal.supports == 16 && proposal.thresholdReachedAt != nil)
      for phone in phones { #expect(try await store.hasSupported(id, phone: phone)) }
      let events = try await store.events(of: id).map(\.draft)
      #expect(events.filter { $0.action == .supported }.count == 16)
      #expect(events.filter { $0.payload["threshold"] == "reached" }.count == 1)
      #expect(events.filter { $0.action == .workflow(.assign) }.count == 1)
      #expect(try await store.message(id)?.leadUnitID == world.housing.id)
      try await store.sealAllEvents()
      #expect(try await store.verifyAudit().isIntact)
    }
  }
}
