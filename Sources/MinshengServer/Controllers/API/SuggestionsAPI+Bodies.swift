import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// What the suggestions API answers: a suggestion as the public reads it, with its adoption steps
/// (and their document files) and its leaders' instructions.
extension SuggestionsAPI {
  struct AdoptionBody: Content {
    var id: UUID
    var unitID: UUID?
    var measure: String
    var documentTitle: String?
    var documentNumber: String?
    var documentDate: String?
    var link: String?
    var progress: Int
    var createdAt: Date
    var documents: [DocumentBody]

    enum CodingKeys: String, CodingKey {
      case id, measure, link, progress, documents
      case unitID = "unit_id"
      case documentTitle = "document_title"
      case documentNumber = "document_number"
      case documentDate = "document_date"
      case createdAt = "created_at"
    }

    init(_ step: Adoption, documents: [DocumentInfo] = []) {
      self.documents = documents.map(DocumentBody.init)
      id = step.id
      unitID = step.unitID
      measure = PrivacyMask.mask(step.measure)
      documentTitle = step.documentTitle
      documentNumber = step.documentNumber
      documentDate = step.documentDate?.description
      link = step.link
      progress = step.progress
      createdAt = step.createdAt
    }
  }

  /// A suggestion as anyone may see it: masked as its message is, with no contact details.
  struct SuggestionBody: Content {
    var id: UUID
    var serial: String
    var title: String
    var body: String
    var author: String
    var campaignID: UUID
    var proposal: String
    var benefit: String
    var supports: Int
    var stage: ProposalStage
    var state: String
    var outcome: ProposalOutcome?
    var outcomeReason: String?
    var evaluatedAt: Date?
    var evaluatedBy: UUID?
    var createdAt: Date
    var adoptions: [AdoptionBody]
    var instructions: [InstructionBody]

    enum CodingKeys: String, CodingKey {
      case id, serial, title, body, author, proposal, benefit, supports, stage, state, outcome, adoptions, instructions
      case campaignID = "campaign_id"
      case outcomeReason = "outcome_reason"
      case evaluatedAt = "evaluated_at"
      case evaluatedBy = "evaluated_by"
      case createdAt = "created_at"
    }

    init(
      _ item: PublicProposal, adoptions: [Adoption], documents: [UUID: [DocumentInfo]] = [:],
      instructions: [ProposalInstruction]
    ) {
      id = item.message.id
      serial = item.message.serial.description
      title = item.message.title
      body = item.message.body
      author = item.message.author
      campaignID = item.proposal.campaignID
      proposal = item.proposal.proposal
      benefit = item.proposal.benefit
      supports = item.proposal.supports
      stage = item.stage
      state = item.state.rawValue
      outcome = item.proposal.outcome
      outcomeReason = item.proposal.outcomeReason
      evaluatedAt = item.proposal.evaluatedAt
      evaluatedBy = item.proposal.evaluatedBy
      createdAt = item.proposal.createdAt
      self.adoptions = adoptions.map { AdoptionBody($0, documents: documents[$0.id] ?? []) }
      self.instructions = instructions.map(InstructionBody.init)
    }
  }

  /// A published document file: its name, type, size and where to download it.
  struct DocumentBody: Content {
    var id: UUID
    var name: String
    var contentType: String
    var byteCount: Int
    var url: String

    enum CodingKeys: String, CodingKey {
      case id, name, url
      case contentType = "content_type"
      case byteCount = "byte_count"
    }

    init(_ info: DocumentInfo) {
      id = info.id
      name = info.fileName
      contentType = info.contentType
      byteCount = info.byteCount
      url = SiteURL.document(.value(info.id)).path
    }
  }

  /// 领导批示 as the public reads it: the leader, the day, the office's summary; never its words.
  struct InstructionBody: Content {
    var id: UUID
    var leader: String
    var givenOn: String
    var publicSummary: String?

    enum CodingKeys: String, CodingKey {
      case id, leader
      case givenOn = "given_on"
      case publicSummary = "public_summary"
    }

    init(_ instruction: ProposalInstruction) {
      id = instruction.id
      leader = instruction.leader
      givenOn = instruction.givenOn.description
      publicSummary = instruction.publicSummary.map(PrivacyMask.mask)
    }
  }

  struct SuggestionList: Content {
    var suggestions: [SuggestionBody]
    /// The `before` of the next page, or null on the last.
    var nextBefore: String?

    enum CodingKeys: String, CodingKey {
      case suggestions
      case nextBefore = "next_before"
    }
  }
}
