import Foundation
import MinshengCore
import MinshengStore

/// 人民建议征集's pages: the index (`/suggestions`), a campaign, and the suggestion's section of its
/// message page.
struct SuggestionsContent: Encodable, Sendable {
  var heading: String
  var paragraphs: [String]
  /// The campaign's period, phase, units and threshold (a campaign page); empty on the index.
  var facts: [Fact]
  /// Where to write a suggestion to the campaign ("" when it takes none now).
  var writeURL: String
  var campaigns: [CampaignCard]
  var tabs: [NavLink]
  var items: [ProposalItem]
  var olderURL: String
  /// A campaign's published documents (its notice, a form to fill).
  var documents: [DocumentLink] = []

  struct Fact: Encodable, Sendable {
    var label: String
    var value: String
  }
}

struct CampaignCard: Encodable, Sendable {
  var title: String
  var url: String
  var period: String
  var phase: String
  var phaseClass: String
  var counts: String
}

struct ProposalItem: Encodable, Sendable {
  var title: String
  var url: String
  var campaign: String
  var campaignURL: String
  var stage: String
  var stageClass: String
  var supports: String
  var date: String
  var author: String
}

/// The suggestion's section of its message page: the campaign, the proposal and the benefit, the
/// supports (with the 附议 form while it takes them), the outcome and its reason, the adoption steps.
struct ProposalView: Encodable, Sendable {
  var campaign: String
  var campaignURL: String
  var proposal: [String]
  var benefit: [String]
  var stage: String
  var stageClass: String
  var supports: String
  var supportURL: String
  var outcome: String
  var outcomeUnit: String
  var outcomeDate: String
  var reason: [String]
  var adoptions: [AdoptionView]
  var instructions: [InstructionView]
  /// 经 3 位专家评审: how many panel members gave an opinion ("" for none).
  var reviewed = ""
}

/// A published document file: its name, where to download it, its type and size.
struct DocumentLink: Encodable, Sendable {
  var name: String
  var url: String
  var meta: String

  init(_ info: DocumentInfo, language: Language) {
    name = info.fileName
    url = SiteURL.document(.value(info.id)).path
    let size =
      info.byteCount >= 1_048_576
      ? language.text("document_size_mb", ["mb": .plain(String(format: "%.1f", Double(info.byteCount) / 1_048_576))])
      : language.text("document_size_kb", ["kb": .number(max(1, (info.byteCount + 1_023) / 1_024))])
    meta = language.text(
      "document_link_meta", ["type": .plain(info.fileExtension.uppercased()), "size": .plain(size)])
  }
}

/// 领导批示 as the public reads it: who and when, and the office's summary.
struct InstructionView: Encodable, Sendable {
  var line: String
  var summary: [String]
}

struct AdoptionView: Encodable, Sendable {
  var measure: [String]
  var files: [DocumentLink]
  var document: String
  var link: String
  var progress: Int
  var progressText: String
  var date: String
}

extension CampaignCard {
  init(_ campaign: Campaign, counts: (total: Int, adopted: Int)?, language: Language, today: LocalDate) {
    let phase = campaign.phase(on: today)
    self.init(
      title: campaign.title, url: SiteURL.campaign(.value(campaign.id)).path,
      period: ProposalTexts.period(campaign, language: language), phase: language.name(phase),
      phaseClass: phase.rawValue,
      counts: language.text(
        "campaign_counts", ["total": .number(counts?.total ?? 0), "adopted": .number(counts?.adopted ?? 0)]))
  }
}

extension ProposalItem {
  init(_ item: PublicProposal, campaigns: [UUID: Campaign], language: Language) {
    let campaign = campaigns[item.proposal.campaignID]
    self.init(
      title: item.message.title, url: SiteURL.message(.value(item.message.id)).path, campaign: campaign?.title ?? "",
      campaignURL: campaign.map { SiteURL.campaign(.value($0.id)).path } ?? "", stage: language.name(item.stage),
      stageClass: item.stage.rawValue,
      supports: language.text("proposal_supports", ["count": .number(item.proposal.supports)]),
      date: language.date(item.message.createdAt), author: item.message.author)
  }
}

extension ProposalView {
  init(
    _ item: PublicProposal, campaign: Campaign?, adoptions: [Adoption], documents: [UUID: [DocumentInfo]],
    instructions: [ProposalInstruction],
    names: ReferenceNames, language: Language
  ) {
    let proposal = item.proposal
    self.init(
      campaign: campaign?.title ?? "", campaignURL: campaign.map { SiteURL.campaign(.value($0.id)).path } ?? "",
      proposal: MessageView.paragraphs(proposal.proposal), benefit: MessageView.paragraphs(proposal.benefit),
      stage: language.name(item.state), stageClass: item.stage.rawValue,
      supports: language.text("proposal_supports", ["count": .number(proposal.supports)]),
      supportURL: proposal.outcome == nil && item.message.closure == nil
        ? SiteURL.support(.value(item.message.id)).path : "",
      outcome: proposal.outcome.map(language.name) ?? "",
      outcomeUnit: proposal.evaluatedBy.flatMap { names.units[$0]?.name } ?? "",
      outcomeDate: proposal.evaluatedAt.map(language.date) ?? "",
      reason: MessageView.paragraphs(proposal.outcomeReason ?? ""),
      adoptions: adoptions.map { step in
        AdoptionView(
          measure: MessageView.paragraphs(PrivacyMask.mask(step.measure)),
          files: (documents[step.id] ?? []).map { DocumentLink($0, language: language) },
          document: [step.documentTitle, step.documentNumber, step.documentDate?.description].compactMap { $0 }
            .joined(separator: " · "),
          link: step.link ?? "", progress: step.progress,
          progressText: language.text("adoption_progress", ["progress": .number(step.progress)]),
          date: language.date(step.createdAt))
      },
      instructions: instructions.map {
        InstructionView(
          line: language.text(
            "instruction_public_line", ["date": .plain($0.givenOn.description), "leader": .plain($0.leader)]),
          summary: MessageView.paragraphs(PrivacyMask.mask($0.publicSummary ?? "")))
      })
  }
}

/// An award round as a list names it: its title and page, its period, where it stands.
struct AwardRoundLink: Encodable, Sendable {
  var title: String
  var url: String
  var period: String
  var state: String
}

enum ProposalTexts {
  /// `2026-12-01 至 2027-01-31`.
  static func period(from: LocalDate, to: LocalDate, language: Language) -> String {
    language.text("campaign_period", ["from": .plain(from.description), "to": .plain(to.description)])
  }

  /// `2026-12-01 至 2027-01-31`, or `2026-12-01 起` for a campaign without an end; the general
  /// campaign has no period (常年征集).
  static func period(_ campaign: Campaign, language: Language) -> String {
    if campaign.isGeneral { return language.text("campaign_always_open") }
    guard let closes = campaign.closesOn else {
      return language.text("campaign_period_open_ended", ["from": .plain(campaign.opensOn.description)])
    }
    return period(from: campaign.opensOn, to: closes, language: language)
  }
}
