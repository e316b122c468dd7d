import Foundation
import MinshengCore

/// The JSON API's paths, under `/api/v1`.
enum APIURL: Sendable, Equatable {
  case messages
  case message(Parameter<UUID>)
  case track(Parameter<String>)
  case evaluation(Parameter<UUID>)
  case action(Parameter<UUID>, Parameter<String>)
  case staffMessage(Parameter<UUID>)
  case dismissDuplicate(Parameter<UUID>, candidate: Parameter<UUID>)
  case inbox
  case pool
  case moderationQueue
  case moderation(Parameter<UUID>)
  case bannedWords
  case bannedWord(Parameter<UUID>)
  case knowledge
  case knowledgeEntry(Parameter<UUID>)
  case reference(ReferenceKind)
  case referenceRow(ReferenceKind, Parameter<UUID>)
  case phoneCodes
  case authToken
  case authTokens
  case authTokenItem(Parameter<UUID>)
  case authSession
  case stats
  case openAPI
  /// 人民建议征集: campaigns, suggestions, one suggestion, its support, outcome and adoption steps.
  case campaigns
  case suggestions
  case suggestion(Parameter<UUID>)
  case suggestionSupport(Parameter<UUID>)
  case suggestionEvaluation(Parameter<UUID>)
  case suggestionAdoptions(Parameter<UUID>)
  case suggestionInstructions(Parameter<UUID>)
  case awards
  case award(Parameter<UUID>)

  /// The reference collections of the API.
  enum ReferenceKind: String, Sendable, CaseIterable {
    case regions, leaders, units, categories
    case routingRules = "routing-rules"
  }

  var segments: [Segment] {
    switch self {
    case .messages: ["messages"]
    case .message(let id): ["messages", .uuid("id", id)]
    case .track(let code): ["track", .text("tracking_code", code)]
    case .evaluation(let id): ["messages", .uuid("id", id), "evaluation"]
    case .action(let id, let action): ["messages", .uuid("id", id), "actions", .text("action", action)]
    case .staffMessage(let id): ["staff", "messages", .uuid("id", id)]
    case .dismissDuplicate(let id, let candidate):
      ["messages", .uuid("id", id), "duplicates", .uuid("candidate", candidate), "dismiss"]
    case .inbox: ["staff", "inbox"]
    case .pool: ["staff", "pool"]
    case .moderationQueue: ["staff", "moderation"]
    case .moderation(let id): ["messages", .uuid("id", id), "moderation"]
    case .bannedWords: ["banned-words"]
    case .bannedWord(let id): ["banned-words", .uuid("id", id)]
    case .knowledge: ["knowledge"]
    case .knowledgeEntry(let id): ["knowledge", .uuid("id", id)]
    case .reference(let kind): [.fixed(kind.rawValue)]
    case .referenceRow(let kind, let id): [.fixed(kind.rawValue), .uuid("id", id)]
    case .phoneCodes: ["phone-codes"]
    case .authToken: ["auth", "token"]
    case .authTokens: ["auth", "tokens"]
    case .authTokenItem(let id): ["auth", "tokens", .uuid("id", id)]
    case .authSession: ["auth", "session"]
    case .stats: ["stats"]
    case .openAPI: ["openapi.json"]
    case .campaigns: ["suggestions", "campaigns"]
    case .suggestions: ["suggestions"]
    case .suggestion(let id): ["suggestions", .uuid("id", id)]
    case .suggestionSupport(let id): ["suggestions", .uuid("id", id), "supports"]
    case .suggestionEvaluation(let id): ["suggestions", .uuid("id", id), "evaluation"]
    case .suggestionAdoptions(let id): ["suggestions", .uuid("id", id), "adoptions"]
    case .suggestionInstructions(let id): ["suggestions", .uuid("id", id), "instructions"]
    case .awards: ["suggestions", "awards"]
    case .award(let id): ["suggestions", "awards", .uuid("id", id)]
    }
  }
}
