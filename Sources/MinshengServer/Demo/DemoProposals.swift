import Foundation
import MinshengCore
import MinshengStore

extension Demo {
  /// 人民建议征集 in the demonstration: a campaign on old housing estates with a support threshold,
  /// and suggestions at each stage — one supported past the threshold, evaluated 采纳, on its way to
  /// policy and awarded in a published round, one still collecting supports, one from the general
  /// campaign kept for reference.
  /// Returns how many suggestions it wrote.
  static func loadProposals(
    into store: Store, region: UUID, housing: MinshengCore.Unit, transport: MinshengCore.Unit,
    office: MinshengCore.Unit, now: Date
  ) async throws -> Int {
    let calendar = store.rules.calendar
    let today = calendar.day(of: now)
    let opened = now.addingTimeInterval(-20 * 86_400)
    let campaign = try await store.createCampaign(
      NewCampaign(
        title: "老旧小区改造金点子征集",
        description: """
          今年全市将改造老旧小区 120 个。围绕加装电梯、停车、适老化改造和物业管理，欢迎提出意见建议。
          附议满 5 人的建议将自动交市住房和城乡建设委员会评估，评估结论和采纳情况在本页公开。
          """,
        opensOn: calendar.day(of: opened), closesOn: today.adding(days: 40), supportThreshold: 5,
        unitIDs: [housing.id]),
      by: "demo", at: opened)
    let lift = try await writeSuggestion(
      store, region: region, now: now,
      "加装电梯的费用分摊办法应当统一公示",
      "老旧小区加装电梯，各楼层住户分摊比例各小区自行商量，争议很多，不少单元因此一直装不起来。",
      "由住建部门制定加装电梯费用分摊的参考标准（按楼层递增），在街道和小区公示，并提供调解渠道。\n对达成一致的单元简化审批手续。",
      "减少邻里纠纷，加快加装进度，让高层老人早日用上电梯。", campaign: campaign.id, name: "王建国", phone: "13800000101",
      daysAgo: 15)
    for index in 0..<7 {
      try await store.support(
        lift.id, phone: "1390000\(String(format: "%04d", 100 + index))",
        at: now.addingTimeInterval(-Double(14 - index) * 86_400))
    }
    let handler = Actor(role: .handler, unitID: housing.id, id: "zjw.handler")
    try await store.perform(.accept(), on: lift.id, by: handler, at: now.addingTimeInterval(-6 * 86_400))
    try await store.evaluateProposal(
      lift.id, outcome: .adopted,
      reason: "建议可行。我委已将加装电梯费用分摊参考标准纳入今年老旧小区改造工作要点，并在各街道设立协调服务点。",
      by: handler, at: now.addingTimeInterval(-4 * 86_400))
    try await store.recordInstruction(
      lift.id,
      NewProposalInstruction(
        leader: "市政府分管副市长", givenOn: calendar.day(of: now.addingTimeInterval(-4 * 86_400)),
        text: "请市住建委会同各区政府抓紧出台分摊参考标准，年底前在全市推开，并将落实情况报市政府。",
        publicSummary: "批示要求市住建委会同各区抓紧出台分摊参考标准，年底前在全市推开。"),
      by: Actor(role: .supervisor, id: "dc.supervisor"), at: now.addingTimeInterval(-3.5 * 86_400))
    try await store.recordAdoption(
      lift.id,
      NewAdoption(
        measure: "印发《老旧小区既有住宅加装电梯费用分摊参考标准》，在 36 个街道公示并设协调服务点。",
        documentTitle: "老旧小区既有住宅加装电梯费用分摊参考标准", documentNumber: "示住建发〔2026〕18号",
        documentDate: calendar.day(of: now.addingTimeInterval(-3 * 86_400)), progress: 60),
      by: handler, at: now.addingTimeInterval(-3 * 86_400))

    let parking = try await writeSuggestion(
      store, region: region, now: now,
      "小区周边夜间开放机关单位停车场",
      "老旧小区车位少，晚上居民只能占道停车，消防通道经常被堵。",
      "附近机关、学校的停车场夜间和周末向周边居民有偿开放，由街道统一登记管理。",
      "缓解夜间停车难，保障消防通道畅通。", campaign: campaign.id, name: "李女士", phone: "13800000102", daysAgo: 5)
    for index in 0..<2 {
      try await store.support(
        parking.id, phone: "1390000\(String(format: "%04d", 200 + index))", at: now.addingTimeInterval(-2 * 86_400))
    }

    let bus = try await writeSuggestion(
      store, region: region, now: now,
      "增开夜班公交线路",
      "城东新区到火车站晚上九点后没有公交，夜班工人和旅客打车贵。",
      "开通一条城东新区经市中心到火车站的夜班公交，21:00 至次日 1:00 每 30 分钟一班。", "", campaign: nil,
      name: "陈先生", phone: "13800000103", daysAgo: 12)
    let dispatcher = Actor(role: .dispatcher, unitID: office.id, id: "xfb.dispatcher")
    try await store.perform(
      .assign(lead: transport.id), on: bus.id, by: dispatcher, at: now.addingTimeInterval(-11 * 86_400))
    let transportHandler = Actor(role: .handler, unitID: transport.id, id: "jtj.handler")
    try await store.perform(.accept(), on: bus.id, by: transportHandler, at: now.addingTimeInterval(-10 * 86_400))
    try await store.evaluateProposal(
      bus.id, outcome: .reference,
      reason: "夜间客流调查显示该方向客流尚不足以单独开线，我局将在明年线网优化中统筹考虑，先延长 K12 路末班时间至 22:30。",
      by: transportHandler, at: now.addingTimeInterval(-8 * 86_400))
    // 表彰奖励: last month's round, scored by the panel and published.
    let admin = Actor(role: .admin, id: "admin")
    let round = try await store.createAwardRound(
      title: "本季度人民建议表彰", from: today.adding(days: -30), to: today, by: admin,
      at: now.addingTimeInterval(-2 * 86_400))
    for (scorer, score) in [("dc.supervisor", 92), ("admin", 88)] {
      let actor = Actor(role: scorer == "admin" ? .admin : .supervisor, id: scorer)
      try await store.scoreNominee(
        round: round.id, message: lift.id, score: score, by: actor, at: now.addingTimeInterval(-2 * 86_400))
    }
    try await store.publishAwardRound(round.id, by: admin, at: now.addingTimeInterval(-86_400))
    try await store.recordAdoption(
      lift.id,
      NewAdoption(
        measure: "全市 36 个街道的协调服务点全部运行，今年已有 112 个单元按参考标准达成分摊协议并开工。", progress: 100),
      by: handler, at: now.addingTimeInterval(-12 * 3_600))
    return 3
  }

  /// A suggestion written `daysAgo` days before `now` by an author with a proved number.
  private static func writeSuggestion(
    _ store: Store, region: UUID, now: Date, _ title: String, _ body: String, _ proposal: String, _ benefit: String,
    campaign: UUID?, name: String, phone: String, daysAgo: Double
  ) async throws -> Message {
    let new = NewMessage(
      type: .suggestion, title: title, body: body, regionID: region, contact: Contact(name: name, phone: phone),
      phoneVerified: true, proposal: ProposalDetails(campaignID: campaign, proposal: proposal, benefit: benefit))
    let submission = try await store.submit(new, at: now.addingTimeInterval(-daysAgo * 86_400))
    return submission.message
  }
}
