import Foundation
import MinshengCore
import MinshengStore

extension QueuesController {
  /// 建议征集: the pool's suggestions waiting to be sent to a unit, the most supported first, each
  /// with its supports and its campaign — the suggestions office's queue.
  func proposalSection(
    office: UUID?, window: QueueWindow, path: String, names: ReferenceNames, language: Language
  ) async throws -> QueueSection {
    let now = context.clock()
    let campaigns = Dictionary(uniqueKeysWithValues: try await store.campaigns().map { ($0.id, $0.title) })
    let rows = try await store.waitingProposals(dispatchedBy: office, limit: window.limit, offset: window.offset).map {
      CaseRow(
        $0.message.summary, names: names, language: language, now: now, calendar: context.calendar,
        hint: language.list(
          [
            language.text("proposal_supports", ["count": .number($0.proposal.supports)]),
            campaigns[$0.proposal.campaignID] ?? "",
          ].filter { !$0.isEmpty }))
    }
    let total = try await store.waitingProposalCount(dispatchedBy: office)
    return window.section(
      id: "proposals", title: language.text("pool_section_proposals"), rows: rows, total: total, path: path,
      language: language)
  }
}
