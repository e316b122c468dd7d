import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// The suggestion's table through the store, on every database: for each step from the state where
/// the table allows it, every role tries it on a suggestion of its own; the roles the table names
/// succeed and leave the suggestion in the state the table says, every other role is refused and
/// changes nothing. (Supports, which only citizens give, and panel opinions, which need a naming,
/// are tested on their own.)
@Suite struct ProposalWorkflowStoreTests {
  enum Stage { case submitted, assigned, accepted, adopted }

  struct Case: Sendable, CustomStringConvertible {
    var step: ProposalStep
    var from: ProposalState
    var stage: Stage
    /// The roles that may take it, written out by hand (not read from the table).
    var roles: Set<Role>
    var description: String { step.rawValue }
  }

  static let office: Set<Role> = [.dispatcher, .admin]
  static let unit: Set<Role> = [.handler, .reviewer, .leader, .admin]
  static let cases: [Case] = [
    Case(step: .instruct, from: .submitted, stage: .submitted, roles: [.dispatcher, .supervisor, .admin]),
    Case(step: .sendToEvaluation, from: .submitted, stage: .submitted, roles: [.dispatcher, .admin, .system]),
    Case(step: .withdraw, from: .submitted, stage: .submitted, roles: [.citizen]),
    Case(step: .merge, from: .submitted, stage: .submitted, roles: office),
    Case(step: .markInvalid, from: .submitted, stage: .submitted, roles: office),
    Case(step: .nameReviewers, from: .evaluating, stage: .assigned, roles: office),
    Case(step: .evaluate, from: .evaluating, stage: .accepted, roles: unit),
    Case(step: .recordAdoption, from: .adopted, stage: .adopted, roles: unit),
  ]

  /// One store per database, the steps one after another (a store per step and database at once
  /// would take more PostgreSQL connections than a test cluster allows).
  @Test(arguments: TestDatabase.available)
  func everyRole_takesTheStepExactlyWhenTheTableSaysSo(db: TestDatabase) async throws {
    try await db.withStore { store in
      let world = try await SeededWorld.create(in: store)
      let now = Fixtures.now
      try await store.createStaffAccount(
        username: "expert.one", passwordHash: "x", role: .handler, unitID: world.market.id, at: now)
      let target = try await store.submit(Fixtures.newSuggestion("合并目标", leader: world.secretary.id), at: now).message
      for (number, test) in Self.cases.enumerated() {
        let rule = try #require(ProposalWorkflow.rule(from: test.from, step: test.step))
        #expect(rule.roles == test.roles, "the table's roles for \(test.step)")
        for (index, role) in Role.allCases.enumerated() {
          let actor: Actor =
            switch role {
            case .dispatcher: world.dispatcher
            case .handler: world.housingHandler
            case .reviewer: world.housingReviewer
            case .leader: Actor(role: .leader, unitID: world.housing.id, id: "zjw-leader")
            case .citizen: world.author
            case .supervisor: Actor(role: .supervisor, id: "dc-supervisor")
            case .admin: Actor(role: .admin, id: "admin")
            case .system: .system
            }
          let id = try await store.submit(
            Fixtures.newSuggestion(
              "建议 \(number)-\(index)", phone: "138\(String(format: "%04d", number))\(String(format: "%04d", index))",
              leader: world.secretary.id), at: now
          ).message.id
          if test.stage != .submitted {
            try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: now)
          }
          if test.stage == .accepted || test.stage == .adopted {
            try await store.perform(.accept(), on: id, by: world.housingHandler, at: now)
          }
          if test.stage == .adopted {
            try await store.evaluateProposal(id, outcome: .adopted, reason: "采纳。", by: world.housingHandler, at: now)
          }
          let before = try #require(try await store.message(id))
          #expect(ProposalWorkflow.state(of: before, try #require(try await store.proposal(id))) == test.from)
          let events = try await store.events(of: id).count
          let today = store.rules.calendar.day(of: now)
          let outcome: Result<Void, any Error> = await {
            do {
              switch test.step {
              case .instruct:
                try await store.recordInstruction(
                  id, NewProposalInstruction(leader: "副市长", givenOn: today, text: "研究。"), by: actor, at: now)
              case .sendToEvaluation:
                try await store.perform(.assign(lead: world.housing.id), on: id, by: actor, at: now)
              case .withdraw: try await store.perform(.withdraw(), on: id, by: actor, at: now)
              case .merge: try await store.perform(.merge(into: target.id), on: id, by: actor, at: now)
              case .markInvalid: try await store.perform(.markInvalid(reason: "重复"), on: id, by: actor, at: now)
              case .nameReviewers: try await store.nameReviewers(id, usernames: ["expert.one"], by: actor, at: now)
              case .evaluate:
                try await store.evaluateProposal(id, outcome: .reference, reason: "留作参考。", by: actor, at: now)
              case .recordAdoption:
                try await store.recordAdoption(id, NewAdoption(measure: "印发办法", progress: 100), by: actor, at: now)
              case .support, .review: Issue.record("not tested here")
              }
              return .success(())
            } catch {
              return .failure(error)
            }
          }()
          let after = try #require(try await store.message(id))
          let state = ProposalWorkflow.state(of: after, try #require(try await store.proposal(id)))
          if test.roles.contains(role) {
            #expect(throws: Never.self, "\(test.step) by \(role)") { try outcome.get() }
            let expected = ProposalWorkflow.next(
              after: test.step, from: test.from, outcome: .reference, progress: 100)
            #expect(state == expected, "\(test.step) by \(role): \(state)")
            #expect(try await store.events(of: id).count == events + 1, "\(test.step) by \(role)")
          } else {
            #expect(throws: (any Error).self, "\(test.step) by \(role)") { try outcome.get() }
            #expect(state == test.from && after.version == before.version, "\(test.step) by \(role)")
          }
        }
      }
      try await store.sealAllEvents()
      #expect(try await store.verifyAudit().isIntact)
    }
  }
}
