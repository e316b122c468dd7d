import Foundation
import MinshengCore
import MinshengStore

extension AdminSections {
  /// 征集活动: the suggestion campaigns, the general one (常年征集) first, each with its period, units,
  /// support threshold and how many suggestions it received; a new campaign opens here.
  func campaigns(_ names: ReferenceNames, _ options: AdminOptions) async throws -> ([AdminTable], [AdminForm]) {
    let section = Section.campaigns
    let counts = try await store.campaignCounts()
    let campaigns = try await store.campaigns()
    let files = try await store.documents(of: campaigns.map(\.id))
    let table = AdminTable(
      id: "campaigns", title: text("admin_campaigns_table"),
      headers: headers(["title", "period", "units", "support_threshold", "proposals", "documents"]),
      rows: campaigns.map { campaign in
        AdminRow(
          id: campaign.id.uuidString.lowercased(),
          cells: [
            campaign.title, ProposalTexts.period(campaign, language: language),
            campaign.unitIDs.isEmpty ? "—" : language.list(campaign.unitIDs.map(options.unitName)),
            campaign.supportThreshold.map(String.init) ?? "—",
            text(
              "campaign_counts",
              [
                "total": .number(counts[campaign.id]?.total ?? 0),
                "adopted": .number(counts[campaign.id]?.adopted ?? 0),
              ]),
            (files[campaign.id] ?? []).isEmpty ? "—" : language.list((files[campaign.id] ?? []).map(\.fileName)),
          ],
          forms: [
            AdminForm(
              id: "campaign-document-" + campaign.id.uuidString.lowercased(), title: text("admin_campaign_document"),
              action: section.change("document", campaign.id), submit: text("admin_upload"),
              intro: text("admin_campaign_document_intro"), multipart: true,
              fields: [.file("file", text("admin_campaign_document_file"))])
          ])
      })
    let add = AdminForm(
      id: "campaign-add", title: text("admin_add_campaign"), action: section.change("add"), isAdd: true,
      submit: text("admin_add"),
      fields: [
        .text("title", text("admin_field_title"), "", required: true, maxlength: 100),
        .textarea("description", text("admin_field_description"), "", required: true, maxlength: 4_000, rows: 5),
        .date("opens_on", text("admin_field_opens_on"), required: true),
        .date("closes_on", text("admin_field_closes_on")),
        .number(
          "support_threshold", text("admin_field_support_threshold"), "",
          hint: text("admin_campaign_threshold_hint")),
        .select("unit_id", text("admin_field_unit_id"), options.units(nil, none: text("admin_none"))),
        .select("unit2_id", text("admin_field_unit2_id"), options.units(nil, none: text("admin_none"))),
      ])
    return ([table], [add])
  }
}
