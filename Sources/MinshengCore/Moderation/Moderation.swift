import Foundation

/// 发布审核: whether the public may see a message. Moderation governs publication only; the
/// message is assigned and handled whatever its publication state.
public enum Publication: String, Sendable, Codable, CaseIterable {
  /// 待审核: received, not yet seen by a moderator; not shown publicly.
  case pending
  /// 已公开: a moderator released it (perhaps with personal data redacted from the public text).
  case published
  /// 不予公开: a moderator withheld it (abuse, personal data that cannot be redacted, …).
  case withheld
}

/// 敏感词: a word or phrase that intake watches for.
public struct BannedWord: Sendable, Equatable, Codable, Identifiable {
  public enum Severity: String, Sendable, Codable, CaseIterable {
    /// The message is refused at intake, naming the word, so the author can rephrase it.
    case block
    /// The message is received but its moderator sees the word highlighted.
    case review
  }

  public var id: UUID
  public var word: String
  public var severity: Severity

  public init(id: UUID, word: String, severity: Severity) {
    self.id = id
    self.word = word
    self.severity = severity
  }
}

/// Finds banned words in text, also when they are written in full-width letters, in other letter
/// case or with spaces and punctuation between their characters ("傻 逼", "ＢＡＤ").
public struct BannedWordList: Sendable {
  private let entries: [(word: BannedWord, folded: [Character])]

  public init(_ words: [BannedWord]) {
    entries = words.compactMap { word in
      let folded = Self.fold(word.word)
      return folded.isEmpty ? nil : (word, folded)
    }
  }

  /// The banned words that occur in any of the texts, each once, in the list's order.
  public func matches(in texts: [String]) -> [BannedWord] {
    guard !entries.isEmpty else { return [] }
    let folded = texts.map { String(Self.fold($0)) }
    return entries.filter { entry in
      let needle = String(entry.folded)
      return folded.contains { $0.contains(needle) }
    }.map(\.word)
  }

  /// NFKC (full-width → half-width), lower case, without white space, punctuation and symbols.
  static func fold(_ text: String) -> [Character] {
    let normalized = text.precomposedStringWithCompatibilityMapping.lowercased()
    return normalized.unicodeScalars.filter { scalar in
      !(CharacterSet.whitespacesAndNewlines.contains(scalar) || CharacterSet.punctuationCharacters.contains(scalar)
        || CharacterSet.symbols.contains(scalar))
    }.map(Character.init)
  }

  /// Checks a new entry: 1 to 20 characters that are not all spaces or punctuation.
  public static func validate(word: String) throws(ValidationError) {
    let folded = fold(word)
    guard !folded.isEmpty, word.count <= 20 else {
      throw ValidationError(field: "word", reason: .invalid(LocalizedText("error_banned_word_format")))
    }
  }
}

/// 频率限制: at most `count` messages (or codes) in a sliding `window` of seconds, for example
/// `5/day` or `20/hour`.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
  public var count: Int
  public var window: TimeInterval

  public init(count: Int, window: TimeInterval) {
    self.count = count
    self.window = window
  }

  /// Parses `N/minute`, `N/hour` or `N/day` (N ≥ 1); nil for anything else.
  public init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let count = Int(parts[0].trimmingCharacters(in: .whitespaces)), count >= 1 else {
      return nil
    }
    switch parts[1].trimmingCharacters(in: .whitespaces) {
    case "minute": window = 60
    case "hour": window = 3_600
    case "day": window = 86_400
    default: return nil
    }
    self.count = count
  }

  /// The start of the fixed window that `now` falls in (windows start at multiples of the window
  /// length since 1970, so every instance counts in the same window).
  public func windowStart(at now: Date) -> Date {
    Date(timeIntervalSince1970: (now.timeIntervalSince1970 / window).rounded(.down) * window)
  }

  /// When the window that `now` falls in ends.
  public func windowEnd(at now: Date) -> Date { windowStart(at: now).addingTimeInterval(window) }

  public var description: String {
    let unit =
      switch window {
      case 60: "minute"
      case 3_600: "hour"
      case 86_400: "day"
      default: "\(Int(window))s"
      }
    return "\(count)/\(unit)"
  }

  /// The catalogue key of the window: per minute, per hour, per day, or per so many seconds.
  public var windowText: LocalizedText {
    switch window {
    case 60: LocalizedText("window_minute")
    case 3_600: LocalizedText("window_hour")
    case 86_400: LocalizedText("window_day")
    case let window where window < 3_600 && Int(window) % 60 == 0:
      LocalizedText("window_minutes", ["minutes": .number(Int(window) / 60)])
    default: LocalizedText("window_seconds", ["seconds": .number(Int(window))])
    }
  }
}

/// What intake enforces before a citizen's message is stored.
public struct IntakePolicy: Sendable, Equatable {
  /// Whether public messages wait for a moderator before they appear publicly.
  public var moderation: Bool
  /// Messages per mobile number; nil for no limit.
  public var perPhone: RateLimit?
  /// Messages per network address; nil for no limit. Only a keyed hash of the address is counted,
  /// and only for the length of the window.
  public var perAddress: RateLimit?
  /// Requests per partner system's API key (Open311); nil for no limit. A partner's key stands for its
  /// users, so the per-number and per-address limits do not apply to it; this one does.
  public var perAPIKey: RateLimit?
  /// The code of the office that owns a message no board or region gives an office (the platform's
  /// intake office); nil for the top region's dispatching office.
  public var defaultOffice: String?
  /// One-time codes (SMS) per mobile number, per network address and on the whole platform, each
  /// in its window; nil for no such limit. Besides these, a number gets at most one code a minute
  /// and ten a day whatever the policy (`PhoneCodeRules`).
  public var codesPerNumber: RateLimit?
  public var codesPerAddress: RateLimit?
  public var codesOverall: RateLimit?

  public init(
    moderation: Bool = true, perPhone: RateLimit? = nil, perAddress: RateLimit? = nil, perAPIKey: RateLimit? = nil,
    defaultOffice: String? = nil, codesPerNumber: RateLimit? = nil, codesPerAddress: RateLimit? = nil,
    codesOverall: RateLimit? = nil
  ) {
    self.moderation = moderation
    self.perPhone = perPhone
    self.perAddress = perAddress
    self.perAPIKey = perAPIKey
    self.defaultOffice = defaultOffice
    self.codesPerNumber = codesPerNumber
    self.codesPerAddress = codesPerAddress
    self.codesOverall = codesOverall
  }

  /// Everything open: no moderation, no limits (for imports and benchmarks).
  public static let open = IntakePolicy(moderation: false)
}

/// The rules of 发布审核.
public enum Moderation {
  /// Who may moderate a message: the dispatchers of its dispatching office, and admins.
  public static func mayModerate(_ actor: Actor, _ message: Message) -> Bool {
    CaseAccess.mayDispatch(actor, message)
  }

  /// A moderator's redacted public title, body and address, checked: trimmed, not empty, not longer
  /// than a message may be. Nil, an empty text or the original itself means "keep the original";
  /// `hideAddress` shows no address at all (the redacted address is then empty).
  public static func redaction(
    title: String?, body: String?, address: String? = nil, hideAddress: Bool = false, of message: Message
  ) throws(ValidationError) -> (title: String?, body: String?, address: String?) {
    func cleaned(_ text: String?, original: String) -> String? {
      guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty, text != original
      else { return nil }
      return text
    }
    let newTitle = cleaned(title, original: message.title)
    let newBody = cleaned(body, original: message.body)
    let newAddress = hideAddress ? "" : cleaned(address, original: message.location?.address ?? "")
    var problems: [ValidationError.Problem] = []
    if let newAddress, newAddress.count > 200 {
      problems.append(.init(field: "public_address", reason: .tooLong(max: 200)))
    }
    if let newTitle, newTitle.count > NewMessage.maxTitleLength {
      problems.append(.init(field: "public_title", reason: .tooLong(max: NewMessage.maxTitleLength)))
    }
    if let newBody, newBody.count > NewMessage.maxBodyLength {
      problems.append(.init(field: "public_body", reason: .tooLong(max: NewMessage.maxBodyLength)))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return (newTitle, newBody, newAddress)
  }

  /// A suggestion's public proposal and benefit: nil where the moderator left the author's text as it
  /// is; the benefit may be emptied (an empty text), the proposal may not.
  public static func proposalRedaction(
    proposal: String?, benefit: String?, of original: Proposal
  ) throws(ValidationError) -> (proposal: String?, benefit: String?) {
    let newProposal = proposal.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap {
      $0 == original.proposal ? nil : $0
    }
    let newBenefit = benefit.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap {
      $0 == original.benefit ? nil : $0
    }
    var problems: [ValidationError.Problem] = []
    if newProposal?.isEmpty == true { problems.append(.init(field: "public_proposal", reason: .missing)) }
    if let newProposal, !newProposal.hasAtMost(ProposalDetails.maxProposalLength) {
      problems.append(.init(field: "public_proposal", reason: .tooLong(max: ProposalDetails.maxProposalLength)))
    }
    if let newBenefit, !newBenefit.hasAtMost(ProposalDetails.maxBenefitLength) {
      problems.append(.init(field: "public_benefit", reason: .tooLong(max: ProposalDetails.maxBenefitLength)))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return (newProposal, newBenefit)
  }
}
