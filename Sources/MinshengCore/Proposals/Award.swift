import Foundation

/// 表彰奖励: a round that awards the best adopted suggestions of a period in tiers (特等奖, 一等奖 …),
/// each with how many are given and the amount, as data (`Data/award-tiers-default.json`). The nominees
/// are the suggestions adopted or partly adopted in the period; a panel (supervisors and
/// administrators) scores each from 0 to 100, once per member; publishing ranks them by their mean
/// score and fills the tiers in order, and the result is kept whole, never recomputed.
public struct AwardTier: Sendable, Equatable, Codable {
  public var id: String
  public var name: [String: String]
  /// How many suggestions the tier awards.
  public var count: Int
  /// The amount of each award, in yuan.
  public var amount: Int

  public init(id: String, name: [String: String], count: Int, amount: Int) {
    self.id = id
    self.name = name
    self.count = count
    self.amount = amount
  }

  public func name(in language: String) -> String { name[language] ?? name["zh-Hans"] ?? id }

  private struct File: Codable {
    var version: Int
    var tiers: [AwardTier]
  }

  /// The tiers shipped with Minsheng (Chongqing's 2020–2022 round as the model).
  public static func bundled() throws(KPIError) -> [AwardTier] {
    guard let url = Bundle.module.url(forResource: "award-tiers-default", withExtension: "json", subdirectory: "Data"),
      let data = try? Data(contentsOf: url)
    else { throw KPIError(LocalizedText("error_award_tiers_missing")) }
    return try decode(data)
  }

  /// Reads tiers from JSON: ids unique, counts at least 1, amounts not negative.
  public static func decode(_ data: Data) throws(KPIError) -> [AwardTier] {
    guard let file = try? JSONDecoder().decode(File.self, from: data), !file.tiers.isEmpty else {
      throw KPIError(LocalizedText("error_award_tiers_unreadable"))
    }
    var seen: Set<String> = []
    for tier in file.tiers where !seen.insert(tier.id).inserted || tier.count < 1 || tier.amount < 0 {
      throw KPIError(LocalizedText("error_award_tiers_unreadable"))
    }
    return file.tiers
  }
}

/// A round of awards: its period (the days the suggestions were adopted in) and tiers; published once.
public struct AwardRound: Sendable, Equatable, Identifiable {
  public var id: UUID
  public var title: String
  public var from: LocalDate
  public var to: LocalDate
  public var tiers: [AwardTier]
  public var createdAt: Date
  public var publishedAt: Date?
  public var result: AwardResult?

  public init(
    id: UUID, title: String, from: LocalDate, to: LocalDate, tiers: [AwardTier], createdAt: Date,
    publishedAt: Date? = nil, result: AwardResult? = nil
  ) {
    self.id = id
    self.title = title
    self.from = from
    self.to = to
    self.tiers = tiers
    self.createdAt = createdAt
    self.publishedAt = publishedAt
    self.result = result
  }
}

/// A nominee with the panel's scores so far.
public struct AwardNominee: Sendable, Equatable {
  public var messageID: UUID
  public var serial: Serial
  public var scores: [Int]

  public init(messageID: UUID, serial: Serial, scores: [Int]) {
    self.messageID = messageID
    self.serial = serial
    self.scores = scores
  }

  /// The mean score, nil before anyone scored.
  public var mean: Double? { scores.isEmpty ? nil : Double(scores.reduce(0, +)) / Double(scores.count) }
}

/// A published round's winners, tier by tier.
public struct AwardResult: Sendable, Equatable, Codable {
  public struct Winner: Sendable, Equatable, Codable {
    public var messageID: UUID
    public var serial: String
    public var tier: String
    public var score: Double
    public var scorers: Int

    enum CodingKeys: String, CodingKey {
      case serial, tier, score, scorers
      case messageID = "message_id"
    }
  }

  public var winners: [Winner]

  /// Ranks the scored nominees by mean score (then by more scorers, then the earlier serial) and
  /// fills the tiers in order; a nominee nobody scored is not awarded.
  public static func decide(_ nominees: [AwardNominee], tiers: [AwardTier]) -> AwardResult {
    let ranked = nominees.compactMap { nominee in nominee.mean.map { (nominee, $0) } }.sorted { a, b in
      if abs(a.1 - b.1) > 1e-9 { return a.1 > b.1 }
      if a.0.scores.count != b.0.scores.count { return a.0.scores.count > b.0.scores.count }
      return (a.0.serial.year, a.0.serial.number) < (b.0.serial.year, b.0.serial.number)
    }
    var winners: [Winner] = []
    var next = ranked.makeIterator()
    for tier in tiers {
      for _ in 0..<tier.count {
        guard let (nominee, mean) = next.next() else { return AwardResult(winners: winners) }
        winners.append(
          Winner(
            messageID: nominee.messageID, serial: nominee.serial.description, tier: tier.id,
            score: (mean * 10).rounded() / 10, scorers: nominee.scores.count))
      }
    }
    return AwardResult(winners: winners)
  }
}

extension ProposalRules {
  /// 评审: supervisors and administrators score nominees; administrators open and publish rounds.
  public static func mayScoreAwards(_ actor: Actor) -> Bool { [.supervisor, .admin].contains(actor.role) }
  public static func mayManageAwards(_ actor: Actor) -> Bool { actor.role == .admin }
}
