import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

/// Every (status, action, role) triple: allowed ones do what the table says, all others are refused.
@Suite struct WorkflowTableTests {
  @Test(arguments: Status.allCases, Action.allCases)
  func everyRole_isAllowedExactlyWhenTheTableSaysSo(status: Status, action: Action) throws {
    let rule = Workflow.rule(from: status, action: action)
    for role in Role.allCases {
      let message = Fixtures.message(status: status)
      let result = Result { () throws(WorkflowError) -> Transition in
        try Workflow.transition(
          from: message, action: Fixtures.command(for: action), by: Fixtures.actor(role, for: action),
          at: Fixtures.now, rules: Fixtures.rules, region: RegionPath(codes: []))
      }
      if let rule, rule.roles.contains(role) {
        let transition = try result.get()
        #expect(transition.from == status)
        #expect(transition.event.action == .workflow(action))
        #expect(transition.event.from == status)
        #expect(transition.event.to == transition.to)
        #expect(transition.message.version == message.version + 1)
        switch rule.outcome {
        case .to(let expected): #expect(transition.to == expected, "\(status) \(action) \(role)")
        case .unchanged: #expect(transition.to == status)
        case .replyOrReview: #expect(transition.to == .replied)  // the fixture unit does not require review
        case .byEvaluation: #expect(transition.to == .closed)  // the fixture evaluation is satisfied
        }
      } else {
        #expect(throws: WorkflowError.notAllowed(action: action, from: status, role: role)) { try result.get() }
      }
    }
  }

  @Test func closed_allowsNothing() {
    #expect(Role.allCases.allSatisfy { Workflow.actions(from: .closed, for: $0).isEmpty })
  }

  @Test func everyOpenStatus_hasAWayForward() {
    for status in Status.allCases where status.isOpen {
      let leads = Workflow.table.filter { $0.from == status && $0.outcome != .unchanged }
      #expect(!leads.isEmpty, "\(status) has no action that moves it on")
    }
  }

  @Test func table_hasOneRulePerStatusAndAction() {
    let keys = Workflow.table.map { "\($0.from.rawValue)/\($0.action.rawValue)" }
    #expect(Set(keys).count == keys.count)
  }

  @Test func docsWorkflow_printsTheTableAsItIs() throws {
    let docs = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("docs/workflow.md")
    let text = try String(contentsOf: docs, encoding: .utf8)
    #expect(text.contains(Workflow.markdownTable()), "regenerate docs/workflow.md: swift run minsheng workflow table")
  }
}
