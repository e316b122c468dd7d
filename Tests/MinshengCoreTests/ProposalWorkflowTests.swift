import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

/// 人民建议的流程 as one table: every (state, step, role) is allowed exactly when the table says so,
/// each state is read from the suggestion and its message, and each step leads where it should.
@Suite struct ProposalWorkflowTests {
  /// The allowed (state, step) pairs, written out by hand from the programme as `docs/suggestions.md`
  /// describes it, so that a change to the table has to be a change here too.
  static let allowed: Set<String> = [
    "submitted/support", "submitted/send_to_evaluation", "submitted/withdraw", "submitted/merge",
    "submitted/mark_invalid", "supported/support", "supported/send_to_evaluation", "supported/withdraw",
    "supported/merge", "supported/mark_invalid",
    "evaluating/support", "evaluating/evaluate", "evaluating/merge", "evaluating/name_reviewers", "evaluating/review",
    "adopted/record_adoption", "partly_adopted/record_adoption", "implemented/record_adoption",
    "submitted/instruct", "supported/instruct", "evaluating/instruct", "adopted/instruct",
    "partly_adopted/instruct", "reference/instruct", "declined/instruct", "implemented/instruct",
  ]

  @Test func table_isTheProgrammesSteps_onePerStateAndStep() {
    let keys = ProposalWorkflow.table.map { "\($0.from.rawValue)/\($0.step.rawValue)" }
    #expect(Set(keys).count == keys.count)
    #expect(Set(keys) == Self.allowed)
  }

  @Test(arguments: ProposalState.allCases, ProposalStep.allCases)
  func everyRole_isAllowedExactlyWhenTheTableSaysSo(state: ProposalState, step: ProposalStep) {
    let expected: Set<Role> =
      switch step {
      case .support, .withdraw: [.citizen]
      case .sendToEvaluation: [.dispatcher, .admin, .system]
      case .evaluate, .recordAdoption: [.handler, .reviewer, .leader, .admin]
      case .instruct: [.dispatcher, .supervisor, .admin]
      case .merge, .markInvalid, .nameReviewers: [.dispatcher, .admin]
      case .review: [.dispatcher, .handler, .reviewer, .leader, .supervisor, .admin]
      }
    let isAllowed = Self.allowed.contains("\(state.rawValue)/\(step.rawValue)")
    for role in Role.allCases {
      let refusal = ProposalWorkflow.check(step, in: state, by: role)
      if isAllowed, expected.contains(role) {
        #expect(refusal == nil, "\(state) \(step) \(role)")
      } else {
        #expect(refusal != nil, "\(state) \(step) \(role)")
      }
    }
  }

  @Test func finalStates_allowNothing() {
    for state in ProposalState.allCases where state.isFinal {
      #expect(ProposalWorkflow.table.allSatisfy { $0.from != state })
    }
  }

  @Test func theMessagesOwnSteps_areAllowedByTheMessagesTable() {
    for rule in ProposalWorkflow.table {
      guard let action = rule.step.messageAction else { continue }
      // A suggestion in the pool is a received message; one being evaluated is assigned.
      let status: Status = rule.from == .evaluating ? .assigned : .received
      let messageRule = Workflow.rule(from: status, action: action)
      #expect(messageRule != nil, "\(rule.from) \(rule.step)")
      let messageRoles = messageRule?.roles ?? []
      #expect(rule.roles.isSubset(of: messageRoles), "\(rule.from) \(rule.step)")
    }
  }

  @Test func theState_isReadFromTheSuggestionAndItsMessage() {
    var message = Fixtures.message(status: .received)
    message.type = .suggestion
    var proposal = Proposal(
      messageID: message.id, campaignID: Campaign.generalID, proposal: "p", benefit: "", createdAt: Fixtures.now)
    #expect(ProposalWorkflow.state(of: message, proposal) == .submitted)
    proposal.thresholdReachedAt = Fixtures.now
    #expect(ProposalWorkflow.state(of: message, proposal) == .supported)
    message.status = .assigned
    #expect(ProposalWorkflow.state(of: message, proposal) == .evaluating)
    message.status = .accepted
    #expect(ProposalWorkflow.state(of: message, proposal) == .evaluating)
    for (outcome, state) in [
      (ProposalOutcome.adopted, ProposalState.adopted), (.partlyAdopted, .partlyAdopted), (.reference, .reference),
      (.declined, .declined),
    ] {
      proposal.outcome = outcome
      #expect(ProposalWorkflow.state(of: message, proposal) == state)
    }
    proposal.implementedAt = Fixtures.now
    #expect(ProposalWorkflow.state(of: message, proposal) == .declined)
    proposal.outcome = .partlyAdopted
    #expect(ProposalWorkflow.state(of: message, proposal) == .implemented)
    message.status = .closed
    message.closure = .merged
    #expect(ProposalWorkflow.state(of: message, proposal) == .merged)
    message.closure = .invalid
    #expect(ProposalWorkflow.state(of: message, proposal) == .invalid)
    message.closure = .withdrawn
    #expect(ProposalWorkflow.state(of: message, proposal) == .withdrawn)
  }

  @Test func eachStep_leadsWhereTheTableSays() {
    #expect(ProposalWorkflow.next(after: .support, from: .submitted) == .submitted)
    #expect(
      ProposalWorkflow.next(after: .support, from: .submitted, thresholdReached: true, campaignHasUnit: true)
        == .evaluating)
    #expect(ProposalWorkflow.next(after: .support, from: .submitted, thresholdReached: true) == .supported)
    #expect(ProposalWorkflow.next(after: .support, from: .evaluating, thresholdReached: true) == .evaluating)
    #expect(ProposalWorkflow.next(after: .sendToEvaluation, from: .supported) == .evaluating)
    #expect(ProposalWorkflow.next(after: .evaluate, from: .evaluating, outcome: .reference) == .reference)
    #expect(ProposalWorkflow.next(after: .evaluate, from: .evaluating) == nil)
    #expect(ProposalWorkflow.next(after: .evaluate, from: .submitted, outcome: .adopted) == nil)
    #expect(ProposalWorkflow.next(after: .recordAdoption, from: .adopted, progress: 60) == .adopted)
    #expect(ProposalWorkflow.next(after: .recordAdoption, from: .partlyAdopted, progress: 100) == .implemented)
    #expect(ProposalWorkflow.next(after: .recordAdoption, from: .declined, progress: 100) == nil)
    #expect(ProposalWorkflow.next(after: .merge, from: .evaluating) == .merged)
    #expect(ProposalWorkflow.next(after: .withdraw, from: .supported) == .withdrawn)
    #expect(ProposalWorkflow.next(after: .withdraw, from: .evaluating) == nil)
    #expect(ProposalWorkflow.next(after: .markInvalid, from: .evaluating) == nil)
    #expect(ProposalWorkflow.next(after: .instruct, from: .declined) == .declined)
    #expect(ProposalWorkflow.next(after: .instruct, from: .merged) == nil)
  }

  @Test func anInstruction_isChecked() throws {
    let today = LocalDate("2026-12-07")!
    let blank = NewProposalInstruction(leader: " ", givenOn: nil, text: "")
    let error = try #require(throws: ValidationError.self) { try blank.validated(today: today) }
    #expect(Set(error.problems.map(\.field)) == ["leader", "given_on", "text"])
    let future = NewProposalInstruction(
      leader: "分管副市长", givenOn: today.adding(days: 1), text: "请研究", publicSummary: String(repeating: "好", count: 501))
    let refused = try #require(throws: ValidationError.self) { try future.validated(today: today) }
    #expect(Set(refused.problems.map(\.field)) == ["given_on", "public_summary"])
    let good = try NewProposalInstruction(leader: " 分管副市长 ", givenOn: today, text: " 请研究 ").validated(today: today)
    #expect(good.leader == "分管副市长" && good.text == "请研究")
  }

  @Test func aReferral_isChecked_andOnlyTheSupervisionOfficeRefers() throws {
    let blank = TopicReferral(
      title: " ", problem: "", proposal: "", unitID: nil, sourceIDs: (0..<21).map { _ in UUID() })
    let error = try #require(throws: ValidationError.self) { try blank.validated() }
    #expect(Set(error.problems.map(\.field)) == ["title", "body", "proposal", "unit", "sources"])
    let source = UUID()
    let good = try TopicReferral(
      title: " 夜间施工 ", problem: "三件", proposal: "统一审批", unitID: UUID(), sourceIDs: [source, source]
    ).validated()
    #expect(good.title == "夜间施工" && good.sourceIDs == [source])
    for role in Role.allCases {
      let refusal = ProposalRules.mayReferTopic(Actor(role: role, id: "x"))
      #expect((refusal == nil) == [.supervisor, .admin].contains(role), "\(role)")
    }
  }

  @Test func aDocument_isCheckedByItsContent_andNamedSafely() throws {
    #expect(try DocumentFile(fileName: "a", data: Data("%PDF-1.7".utf8)).checked(field: "f") == "application/pdf")
    #expect(try DocumentFile(fileName: "a", data: Data([0xFF, 0xD8, 0xFF, 0xE0])).checked(field: "f") == "image/jpeg")
    for refused in [Data(), Data("<html>".utf8), Data("PK\u{03}\u{04}".utf8), Data(count: DocumentFile.maxBytes + 1)] {
      #expect(throws: ValidationError.self) { try DocumentFile(fileName: "a.pdf", data: refused).checked(field: "f") }
    }
    #expect(DocumentFile.displayName("C:\\文件\\标准\"v2\"\n.pdf", fallback: "x") == "标准v2.pdf")
    #expect(DocumentFile.displayName(" / ", fallback: "文件") == "文件")
    #expect(DocumentFile.displayName(String(repeating: "长", count: 150), fallback: "x").count == 100)
  }

  @Test func docsSuggestions_printsTheTableAsItIs() throws {
    let docs = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("docs/suggestions.md")
    let text = try String(contentsOf: docs, encoding: .utf8)
    #expect(
      text.contains(ProposalWorkflow.markdownTable()),
      "regenerate docs/suggestions.md: swift run minsheng workflow table --suggestions")
  }
}
