import Foundation
import MinshengCore
import MinshengStore
import Vapor

extension SuggestionsAPI {
  /// A published award round: its period, tiers and winners (the suggestions' public ids and serials).
  struct AwardRoundBody: Content {
    struct Tier: Content {
      var id: String
      var name: String
      var count: Int
      var amount: Int
    }

    var id: UUID
    var title: String
    var from: String
    var to: String
    var publishedAt: Date?
    var tiers: [Tier]
    var winners: [AwardResult.Winner]

    enum CodingKeys: String, CodingKey {
      case id, title, from, to, tiers, winners
      case publishedAt = "published_at"
    }

    init(_ round: AwardRound) {
      id = round.id
      title = round.title
      from = round.from.description
      to = round.to.description
      publishedAt = round.publishedAt
      tiers = round.tiers.map { Tier(id: $0.id, name: $0.name(in: "zh-Hans"), count: $0.count, amount: $0.amount) }
      winners = round.result?.winners ?? []
    }
  }

  /// `GET /api/v1/suggestions/awards`: the published rounds, newest first.
  func awards(_ request: Request) async throws -> [AwardRoundBody] {
    try await store.awardRounds(publishedOnly: true).map(AwardRoundBody.init)
  }

  /// `GET /api/v1/suggestions/awards/{id}`: one published round; 404 before it is published.
  func award(_ request: Request) async throws -> AwardRoundBody {
    guard let id = request.parameters.get("id", as: UUID.self), let round = try await store.awardRound(id),
      round.publishedAt != nil
    else { throw StoreError.notFound(.awardRound) }
    return AwardRoundBody(round)
  }
}

extension AwardResult.Winner: Content {}
