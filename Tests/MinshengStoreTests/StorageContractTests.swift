import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

@testable import MinshengStore

/// The storage contract: one scenario calls every operation of every storage area, on every
/// implementation available (SQLite's own connections, the SQL implementation on SQLite, and on
/// PostgreSQL when configured), and writes down what each returned. The same inputs (ids from a
/// counter, a fixed clock) must give the same transcript on all of them.
@Suite struct StorageContractTests {
  @Test func everyOperationOfEveryArea_answersTheSameOnEveryImplementation() async throws {
    var transcripts: [(TestDatabase, [String])] = []
    for db in TestDatabase.available {
      let lines = try await db.withStore(ids: SequentialIdentifiers()) { store in try await Self.scenario(store) }
      transcripts.append((db, lines))
    }
    let (reference, expected) = try #require(transcripts.first)
    #expect(expected.count >= 78, "the scenario wrote \(expected.count) lines")
    for (db, lines) in transcripts.dropFirst() {
      for (index, (want, got)) in zip(expected, lines).enumerated() where want != got {
        Issue.record("\(db) differs from \(reference) at line \(index + 1):\n  \(want)\n  \(got)")
        break
      }
      #expect(lines.count == expected.count, "\(db): \(lines.count) lines, \(reference): \(expected.count)")
    }
  }

  /// Every area's operations, in an order that gives each something to find.
  static func scenario(_ store: Store) async throws -> [String] {
    var log: [String] = []
    func note(_ label: String, _ value: Any) { log.append(label + " = " + String(describing: value)) }
    let w = try await SeededWorld.create(in: store)
    let t0 = Fixtures.at("2026-03-02")

    // ReferenceStorage
    let snapshot = try await store.reference.snapshot()
    note("snapshot", [snapshot.regions.count, snapshot.units.count, snapshot.leaders.count, snapshot.categories.count])
    note(
      "rules",
      try await store.reference.routingRuleEntries().map { "\($0.rule.regionCode ?? "*")→\($0.rule.unitID)" }.sorted())
    let renamed = try await store.updateUnit(w.education.id, name: "市教委", by: "admin", at: t0)
    note("update", renamed.name)
    note(
      "update missing",
      try await store.reference.update(
        .units, id: UUID(), set: ["name": .text("x")],
        change: store.changeEntry(.unit(renamed), "update", by: "a", at: t0)))
    let rule = try await store.addRoutingRule(
      RoutingRule(categoryID: w.noise.id, regionCode: "990100", unitID: w.market.id), by: "admin", at: t0)
    try await store.removeRoutingRule(rule, by: "admin", at: t0)
    note(
      "delete missing",
      try await store.reference.delete(
        .routingRules, id: rule, change: store.changeEntry(.region(w.city), "delete", by: "a", at: t0)))
    note(
      "changes",
      try await store.referenceChanges(of: rule).map {
        "\($0.action) \($0.actorID) \($0.change.after.sorted { $0.key < $1.key })"
      })
    note("recent", try await store.recentReferenceChanges(limit: 3).map { "\($0.change.entity) \($0.action)" })
    try await store.saveSLA(json: try JSONEncoder().encode(store.rules.sla), by: "admin", at: t0)
    note("documents", try await store.ruleDocuments().map { "\($0.kind) \($0.key) \($0.updatedBy)" })
    let entry = try await store.saveKnowledge(
      kind: .answer, title: "医保报销", body: "异地就医须备案。", category: nil, by: "admin", at: t0)
    note("knowledge", try await store.searchKnowledge("备案").map(\.title))
    note("knowledge entry", try await store.reference.knowledgeEntry(entry.id)?.body ?? "-")
    let word = try await store.addBannedWord("骗子", severity: .review, by: "admin", at: t0)
    note("words", try await store.bannedWords().map(\.word))
    await #expect(throws: StoreError.duplicate(.regionCode, key: "990000")) {
      try await store.createRegion(code: "990000", name: "重复")
    }

    // StaffStorage
    let handler = try await store.createStaffAccount(
      username: "zjw.handler", passwordHash: "h", role: .handler, unitID: w.housing.id, at: t0)
    _ = try await store.createStaffAccount(
      username: "zjw.leader", passwordHash: "h", role: .leader, unitID: w.housing.id, at: t0)
    try await store.setEmail(username: "zjw.handler", email: "zjw@example.org", by: "admin", at: t0)
    note("emails", try await store.emailAddresses(forStaffRecipient: "unit:ZJW"))
    note("usernames", try await store.staff.usernames(unit: w.housing.id, role: .leader))
    for _ in 0..<5 { try await store.countLoginAttempt(username: "zjw.handler", at: t0) }
    do {
      try await store.countLoginAttempt(username: "ZJW.handler", at: t0)
      note("sixth attempt", "counted")
    } catch {
      note("sixth attempt", error)
    }
    try await store.clearLoginAttempts(username: "zjw.handler")
    try await store.countLoginAttempt(username: "zjw.handler", at: t0)
    note("candidate", try await store.loginCandidate(username: "zjw.handler")?.account.username ?? "-")
    try await store.issueToken(for: handler, token: "ms_token", at: t0)
    try await store.issueToken(for: handler, token: "ms_other", at: t0.addingTimeInterval(1))
    note("token", try await store.account(forToken: "ms_token", at: t0)?.username ?? "-")
    let tokens = try await store.tokens(of: handler, at: t0)
    note("tokens", tokens.map { $0.expiresAt.timeIntervalSince($0.createdAt) })
    try await store.revokeToken(tokens[0].id, of: handler)
    note("revoked", try await store.account(forToken: "ms_other", at: t0)?.username ?? "-")
    do {
      try await store.revokeToken(tokens[0].id, of: handler)
    } catch {
      note("revoked twice", error)
    }
    try await store.openSession(for: handler, key: "session", csrfToken: "csrf", at: t0, lifetime: 3_600)
    note(
      "session",
      try await store.session(forKey: "session", at: t0).map { "\($0.account.username) \($0.csrfToken)" } ?? "-")
    try await store.closeSession(key: "session")
    note("closed", try await store.session(forKey: "session", at: t0) == nil)
    try await store.disable(username: "zjw.leader", by: "admin", at: t0)
    note("accounts", try await store.staffAccounts().map { "\($0.username) \($0.disabled)" })

    // CitizenStorage
    try await store.issuePhoneCode(to: "13800138000", at: t0)
    note(
      "code sent",
      try await store.citizens.codeSentAt(phoneHash: try await store.counterKey("code-phone", "13800138000")) == t0)
    await #expect(throws: PhoneCodeError.wrongOrExpired) {
      try await store.verifyPhoneCode("000000", for: "13800138000", at: t0)
    }
    let citizen = try await store.openCitizenSession(phone: "13800138000", at: t0)
    note("citizen", try await store.citizenPhone(forSession: citizen, at: t0) ?? "-")
    try await store.closeCitizenSession(citizen)
    note("citizen closed", try await store.citizenPhone(forSession: citizen, at: t0) == nil)

    // CaseStorage: intake with a suggestion and an image, a transition of each kind of side row.
    let png = Data(
      base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")!
    let suggestion = CategorySuggestion(
      label: "城乡建设", confidence: 0.8, top: [.init(label: "城乡建设", confidence: 0.8)],
      reasons: [.init(gram: "施工", weight: 1)])
    var submissions: [Submission] = []
    for (day, title) in [("2026-03-02", "夜间施工噪音扰民"), ("2026-03-03", "夜间施工噪音扰民严重"), ("2026-03-04", "路灯不亮")] {
      submissions.append(
        try await store.submit(
          Fixtures.newMessage(title: title, leader: w.secretary.id), at: Fixtures.at(day), suggestion: suggestion,
          images: title == "路灯不亮" ? [png] : [], fingerprint: Fingerprint.of(title, "小区旁工地每天夜里十一点后仍在施工")))
    }
    let first = submissions[0].message
    let second = submissions[1].message
    let third = submissions[2].message
    note("serials", submissions.map(\.message.serial.description))
    note("by code", try await store.message(trackingCode: submissions[1].trackingCode)?.serial.description ?? "-")
    note("by serial", try await store.message(serial: third.serial)?.title ?? "-")
    note(
      "suggestions",
      try await store.suggestions(for: [first.id, third.id]).mapValues(\.label).sorted {
        $0.key.uuidString < $1.key.uuidString
      })
    let images = try await store.attachments(of: third.id)
    note("attachments", images.map { "\($0.contentType) \($0.bytes)" })
    note("attachment", try await store.attachment(images[0].id)?.data == png)
    try await store.perform(
      .assign(lead: w.housing.id, assisting: [w.market.id]), on: first.id, by: w.dispatcher,
      at: Fixtures.at("2026-03-02", 11))
    try await store.perform(.accept(), on: first.id, by: w.housingHandler, at: Fixtures.at("2026-03-03"))
    try await store.perform(.reply(body: "已责令整改。"), on: first.id, by: w.housingHandler, at: Fixtures.at("2026-03-05"))
    note("draft", try await store.draftReply(of: first.id)?.body ?? "-")
    try await store.perform(.approveReply(), on: first.id, by: w.housingReviewer, at: Fixtures.at("2026-03-05", 12))
    try await store.perform(
      .evaluate(Evaluation(resolution: 5, attitude: 5, speed: 4, comment: "电话 13800138000")), on: first.id,
      by: w.author, at: Fixtures.at("2026-03-06"))
    try await store.thank(
      trackingCode: submissions[0].trackingCode, author: "顾女士", body: "谢谢", at: Fixtures.at("2026-03-07"))
    try await store.perform(.merge(into: first.id), on: second.id, by: w.dispatcher, at: Fixtures.at("2026-03-07"))
    try await store.perform(
      .assign(lead: w.market.id), on: third.id, by: w.dispatcher, at: Fixtures.at("2026-03-04", 11))
    await #expect(throws: StoreError.self) {
      try await store.perform(.accept(), on: third.id, by: w.marketHandler, at: t0, expectedVersion: 1)
    }
    note(
      "with tip",
      try await store.cases.messageWithTip(first.id).map {
        "\($0.message.status) v\($0.message.version) \($0.tip.count)"
      } ?? "-")
    note("merged into", try await store.cases.mergedInto(second.id) == first.id)
    let file = try #require(try await store.caseFile(first.id))
    note(
      "case file",
      "\(file.message.assistingUnitIDs.count) \(file.events.map(\.draft.action.description)) \(file.replies.map(\.body))"
    )
    note("replies sent back", try await store.cases.replies(of: first.id, state: .sentBack).count)
    note("evaluation", try await store.evaluation(of: first.id).map { "\($0.evaluation.level)" } ?? "-")
    note("thanks", try await store.thanksLetter(of: first.id)?.author ?? "-")

    // PublicReadStorage
    note("stamp", try await store.publicStamp(of: first.id).map { "\($0.version) \($0.isPublic)" } ?? "-")
    note("search backlog", try await store.searchBacklog())
    note("indexed", try await store.indexPendingSearch())
    var filter = MessageFilter()
    filter.text = "噪音"
    note("public search", try await store.publicMessages(matching: filter).items.map(\.serial.description))
    filter.text = "13800138000"
    note("search a masked number", try await store.publicMessages(matching: filter).items.count)
    note(
      "staff search",
      try await store.searchStaff(#require(SearchQuery("13800138000")), by: Actor(role: .supervisor, id: "dc")).hits
        .map(\.item.serial.description))
    note("reply bodies", try await store.publicReads.publishedReplyBodies(of: [first.id])[first.id] ?? [])
    note("latest", try await store.latestReplied(limit: 5).map(\.serial.description))
    let figures = try await store.figures(year: 2026, by: .leader)[w.secretary.id]
    note(
      "figures",
      figures.map { "\($0.received) \($0.countable) \($0.replied) \($0.evaluations) \($0.satisfied) \($0.thanks)" }
        ?? "-")
    note("thanks to unit", try await store.thanksLetters(toUnit: w.housing.id).map(\.author))
    note("merged count", try await store.mergedCount(into: first.id))
    note("of phone", try await store.messages(ofPhone: "138 0013 8000").map(\.serial.description))
    let publicFile = try await store.publicFile(first.id)
    note(
      "public file",
      publicFile.map {
        "\($0.item.author) \($0.timeline.count) \($0.mergedCount) \($0.evaluation?.evaluation.comment ?? "")"
      } ?? "-")
    try await store.perform(
      .supervise(note: "督办"), on: third.id, by: Actor(role: .supervisor, id: "dc"), at: Fixtures.at("2026-03-20"))
    note(
      "supervised", try await store.publicReads.supervisedOpenMessages(limit: 10).map { $0.message.serial.description })

    // QueueStorage
    let late = Fixtures.at("2026-04-30")
    note("pool", try await store.cases(dispatchedBy: w.petitionOffice.id, status: .received).map(\.serial.description))
    note("led", try await store.cases(ledBy: w.market.id, status: .assigned).map(\.serial.description))
    note("assisted", try await store.cases(assistedBy: w.market.id).map(\.serial.description))
    note("assisted count", try await store.assistedCount(by: w.market.id))
    note("due", try await store.casesDue(before: late).map(\.serial.description))
    note("due count", try await store.casesDueCount(before: late))
    note("case count", try await store.caseCount(status: .closed, dispatchingUnit: w.petitionOffice.id))
    note("moderation", try await store.moderationQueue(dispatchingUnit: nil).map(\.message.serial.description))
    note("backlog", try await store.moderationBacklog(dispatchingUnit: nil))
    note("first contact", try await store.firstContactResolution(from: t0, before: late))
    note("overdue", try await store.overdueCounts(at: late))
    note(
      "by status",
      try await store.countByStatus().sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key) \($0.value)" })
    var staffFilter = MessageFilter()
    staffFilter.publicOnly = false
    note("staff list", try await store.messages(matching: staffFilter, limit: 2).messages.map(\.serial.description))
    note("handled", try await store.handledMessagesWithCategory().count)
    note("texts", try await store.texts(createdFrom: t0, before: late).map(\.title))

    // DuplicateStorage
    note("pending", try await store.duplicates.pendingFingerprints(limit: 10).count)
    note("duplicate backlog", try await store.duplicateBacklog())
    note("indexed", try await store.indexPendingDuplicates())
    note("candidates", try await store.duplicateCandidates(of: second.id).map { "\($0.message.serial) \($0.state)" })
    note("open counts", try await store.openDuplicateCounts(of: [first.id, second.id]).values.sorted())
    note(
      "neighbours",
      try await store.duplicates.neighbours(
        sharing: Fingerprint.of("夜间施工噪音扰民", "小区旁工地每天夜里十一点后仍在施工").bandKeys.map { Int64($0) }, excluding: first.id,
        depth: 100, limit: 5
      ).map(\.id))
    try await store.dismissDuplicate(second.id, candidate: first.id, by: w.dispatcher, at: late)
    note("dismissed", try await store.duplicateCandidates(of: second.id).map { "\($0.state)" })

    // JobStorage
    note("lease", try await store.acquireLease("x", holder: "a", for: 60, at: late))
    note("lease taken", try await store.acquireLease("x", holder: "b", for: 60, at: late))
    try await store.releaseLease("x", holder: "a", at: late)
    note("lease free", try await store.acquireLease("x", holder: "b", for: 60, at: late))
    note("due messages", try await store.jobs.messagesDue(before: late, limit: 10).map(\.serial.description))
    note("replied unevaluated", try await store.jobs.repliedUnevaluated(before: late, limit: 10).count)
    let report = try await store.runScheduledJobs(schedule: SupervisionSchedule(), holder: "jobs", at: late)
    note("jobs", report)
    note("outbox", try await store.outbox(limit: 10).map { "\($0.channel) \($0.recipient)" }.sorted())
    struct Failing: OutboxSender {
      var channel: String { "staff" }
      func send(to recipient: String, body: String) async throws { throw StoreError.unavailable }
    }
    note("delivered", try await store.deliverOutbox(using: [Failing()], at: late))
    note(
      "waiting after failure",
      try await store.jobs.waitingNotices(channels: ["staff"], at: late.addingTimeInterval(60), limit: 10).map(
        \.attempts))

    // AuditStorage (PostgreSQL seals events after they commit; the other implementations as they are
    // written, so there sealing finds nothing to do)
    try await store.sealAllEvents()
    note("head", try await store.audit.auditHead() ?? -1)
    note(
      "tips", try await store.audit.messageTips(offset: 0, limit: 10).map { "\($0.serial) \($0.tip.count)" }.sorted())
    note("audit", try await store.verifyAudit())
    _ = word
    return log
  }
}

extension Fingerprint {
  /// A made-up fingerprint: texts that start alike share most positions and the first band keys.
  static func of(_ title: String, _ body: String) -> Fingerprint {
    let seed = UInt32(title.unicodeScalars.prefix(4).reduce(0) { $0 &* 31 &+ $1.value } & 0xFFFF)
    let length = UInt32(title.count)
    let values = (0..<64).map { UInt32($0) < 48 ? seed &+ UInt32($0) : seed &+ UInt32($0) &* length }
    let bands = (0..<16).map { UInt32($0) < 12 ? seed &* 16 &+ UInt32($0) : length &* 1000 &+ UInt32($0) }
    return Fingerprint(values: values, bandKeys: bands)
  }
}
