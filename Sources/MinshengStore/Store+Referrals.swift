import Foundation
import MinshengCore

/// 热点转办: a hot topic becomes a suggestion that the supervision office refers to a unit.
extension Store {
  /// Writes the referral as a suggestion (channel `referral`, the office as its author, its source
  /// messages kept with it in the same transaction) and assigns it to the unit (交办 by the platform,
  /// as the office decided, with the topic's size as its instruction). Should the assignment not
  /// follow (the process stopped between the two), the suggestion waits in its office's pool, where
  /// any dispatcher sends it on.
  public func referTopic(_ input: TopicReferral, by actor: Actor, at now: Date) async throws -> Message {
    if let refusal = ProposalRules.mayReferTopic(actor) { throw StoreError.forbidden(refusal) }
    let referral = try input.validated()
    guard let unitID = referral.unitID, try await unit(unitID) != nil else {
      throw ValidationError(field: "unit", reason: .unknownReference)
    }
    var sources: [UUID] = []
    for id in referral.sourceIDs where try await message(id) != nil { sources.append(id) }
    let author = try await actor.unitID.asyncMap { try await unit($0)?.name } ?? nil
    let new = NewMessage(
      type: .suggestion, title: referral.title, body: referral.problem, channel: .referral,
      contact: Contact(name: author ?? LocalizedText("referral_author").chinese, phone: ""),
      isPublic: referral.isPublic,
      proposal: ProposalDetails(campaignID: referral.campaignID, proposal: referral.proposal))
    let submission = try await submit(
      new, by: actor, at: now, suggestion: nil, images: [], origin: nil, fingerprint: nil, partnerKey: nil,
      sources: sources)
    let instruction = LocalizedText("referral_instruction", ["count": .number(max(sources.count, 1))]).chinese
    return try await perform(
      .assign(lead: unitID, instruction: instruction), on: submission.message.id, by: .system, at: now,
      expectedVersion: submission.message.version)
  }

  /// The messages a referred suggestion came from, in the topic's order.
  public func proposalSources(of messageID: UUID) async throws -> [Message] {
    let ids = try await search.runner.all(
      SQLFragment(
        "SELECT source_id FROM proposal_sources WHERE message_id = ? ORDER BY position", [.uuid(messageID)]),
      as: SourceRow.self)
    var found: [Message] = []
    for row in ids { if let message = try await message(row.source_id) { found.append(message) } }
    return found
  }
}

private struct SourceRow: Decodable, Sendable {
  var source_id: UUID
}

extension Optional {
  fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
    guard let self else { return nil }
    return try await transform(self)
  }
}
