import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// `/staff/messages/{id}`: the whole case for those who may read it (`CaseAccess`), with a form for
/// each action the viewer may take now; the actions, 不是重复, and the case's images.
struct CaseController: Sendable {
  let pages: StaffPages

  var context: ServerContext { pages.context }
  var store: Store { context.store }

  func show(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    let message = try await readable(request, session)
    let language = request.pageLanguage
    let done = request.query[String.self, at: "done"]
    let notice =
      done == "intake"
      ? language.text("intake_done")
      : done == "draft"
        ? language.text("form_draft_saved")
        : [
          "proposal_opened", "proposal_evaluated", "adoption_recorded", "proposal_instructed", "referred",
          "reviewers_named",
        ].contains(
          done ?? "")
          ? language.text("done_" + (done ?? ""))
          : done.flatMap(Action.init(rawValue:)).map { language.text("action_done", ["action": .key($0.nameKey)]) }
            ?? ""
    return try await page(request, session: session, message: message, notice: notice, errors: [])
  }

  /// The message in the path, if the viewer may read it; 404 otherwise, the same for an unknown id.
  func readable(_ request: Request, _ session: StaffSession) async throws -> Message {
    guard let id = request.parameters.get("id", as: UUID.self), let message = try await store.message(id),
      CaseAccess.mayRead(session.actor, message)
    else { throw PageError(.notFound, "error_case_not_found") }
    return message
  }

  func page(
    _ request: Request, session: StaffSession, message: Message, notice: String, errors: [String],
    refused: RefusedAction? = nil, status: HTTPResponseStatus = .ok
  ) async throws -> Response {
    let language = request.pageLanguage
    let names = try await store.referenceNames()
    let now = context.clock()
    let deadline = DeadlineStatus.of(message, at: now, calendar: context.calendar)
    func unit(_ id: UUID?) -> String { id.flatMap { names.units[$0]?.name } ?? "—" }
    let events = try await store.events(of: message.id)
    let timeline = events.map { StaffEventView($0.draft, names: names, language: language) }
    let draft = try await store.draftReply(of: message.id)
    let replyImages = try await store.replyImages(of: message.id)
    func photos(of reply: UUID) -> [String] {
      (replyImages[reply] ?? []).map { SiteURL.staff(.media(.value($0.id))).path }
    }
    var working: (body: String, savedAt: Date)?
    if let unit = session.actor.unitID { working = try await store.workingReply(of: message.id, unit: unit) }
    let forms = forms(
      for: message, actor: session.actor, names: names, now: now, language: language, refused: refused,
      draft: draft?.body, working: working,
      pending: SupervisionNotice.pending(in: events.map(\.draft), leadUnit: message.leadUnitID))
    let canReply = forms.contains { [Action.reply.rawValue, Action.answerDirectly.rawValue].contains($0.action) }
    let knowledgeQuery = String((request.query[String.self, at: "kb"] ?? "").prefix(50))
    let mayMerge = forms.contains { $0.action == Action.merge.rawValue }
    let mayDismiss = CaseAccess.mayDispatch(session.actor, message)
    let suggestion = try await store.suggestion(for: message.id)
    var content = CaseContent(
      id: message.id.uuidString.lowercased(), url: SiteURL.staff(.message(.value(message.id))).path,
      version: message.version, serial: message.serial.description, title: message.title,
      paragraphs: MessageView.paragraphs(message.body), facts: facts(message, names: names, language: language),
      images: try await store.attachments(of: message.id).map { SiteURL.staff(.media(.value($0.id))).path },
      suggestion: suggestion.map { Self.describe($0, names: names, language: language) } ?? "",
      reasons: suggestion.flatMap { suggestion in
        suggestion.reasons.isEmpty
          ? nil
          : language.text(
            "case_reasons", ["reasons": .plain(suggestion.reasons.prefix(6).map(\.gram).joined(separator: " · "))])
      } ?? "",
      due: deadline.due.map {
        language.text("case_deadline", ["due": .plain(language.deadline($0))])
          + (language.timeLeft(deadline).map { language.text("in_brackets", ["text": .plain($0)]) } ?? "")
      } ?? "",
      dueClass: CaseRow.dueClass(deadline),
      timeLeft: language.timeLeft(deadline) ?? "", timeline: timeline,
      replies: try await store.publishedReplies(of: message.id).map {
        StaffReplyView(
          unit: unit($0.unitID), date: language.dateTime($0.publishedAt), paragraphs: MessageView.paragraphs($0.body),
          images: photos(of: $0.id))
      },
      draft: draft.map {
        [
          StaffReplyView(
            unit: unit($0.unitID), date: "", paragraphs: MessageView.paragraphs($0.body), images: photos(of: $0.id))
        ]
      } ?? [],
      revisedDrafts: try await store.revisedDrafts(of: message.id).map {
        StaffReplyView(unit: unit($0.unitID), date: "", paragraphs: MessageView.paragraphs($0.body))
      },
      forms: forms,
      duplicates: try await store.duplicateCandidates(of: message.id).map { candidate in
        DuplicateView(
          id: candidate.message.id.uuidString.lowercased(),
          url: SiteURL.staff(.message(.value(candidate.message.id))).path,
          dismissURL: SiteURL.staff(.dismissDuplicate(.value(message.id), candidate: .value(candidate.message.id)))
            .path,
          mergeNote: language.text("case_merge_note", ["serial": .plain(candidate.message.serial.description)]),
          serial: candidate.message.serial.description,
          title: CaseAccess.title(of: candidate.message, shownTo: session.actor)
            ?? language.text("duplicate_title_hidden"),
          status: language.name(candidate.message.status),
          similarity: language.text(
            "case_similarity", ["value": .plain("\(Int((candidate.similarity * 100).rounded()))%")]),
          state: language.text("duplicate_" + candidate.state.rawValue),
          canMerge: mayMerge && candidate.state == .open, canDismiss: mayDismiss && candidate.state == .open)
      },
      knowledgeQuery: knowledgeQuery,
      knowledge: canReply
        ? try await
          (knowledgeQuery.isEmpty
          ? store.knowledge(relevantTo: message, limit: 10) : store.searchKnowledge(knowledgeQuery, limit: 10)).map {
            KnowledgeView(kind: language.text("knowledge_" + $0.kind.rawValue), title: $0.title, body: $0.body)
          } : [],
      canReply: canReply,
      instructions: zip(events, timeline).filter { $0.0.draft.action == .workflow(.instruct) }.map(\.1),
      mergeURL: SiteURL.staff(.action(.value(message.id), .value(Action.merge.rawValue))).path)
    content.appeal = appealView(message, events: events.map(\.draft), actor: session.actor, language: language)
    content.proposal = try await proposalView(message, actor: session.actor, language: language)
    return try await pages.render(
      request, "staff/case", title: message.serial.description + " " + message.title, session: session, content,
      notice: notice, errors: errors, linkedErrors: refused?.summary(language) ?? [], status: status)
  }

  /// A location's WGS84 coordinates as text, for staff to look up in their own map (no tiles are
  /// fetched from outside); empty when there are none.
  static func coordinates(_ location: Location?, language: Language) -> String {
    guard let latitude = location?.latitude, let longitude = location?.longitude else { return "" }
    return language.text("fact_coordinates", ["latitude": .plain("\(latitude)"), "longitude": .plain("\(longitude)")])
  }

  /// The case's facts as staff read them, contact details included.
  private func facts(_ message: Message, names: ReferenceNames, language: Language) -> [Fact] {
    func unit(_ id: UUID?) -> String { id.flatMap { names.units[$0]?.name } ?? "—" }
    func fact(_ key: String, _ value: String) -> Fact { Fact(label: language.text("fact_" + key), value: value) }
    let publication =
      message.isPublic
      ? language.text("fact_publication_" + message.publication.rawValue) : language.text("fact_private")
    var facts = [
      fact("serial", message.serial.description),
      fact("status", language.name(message.status) + (message.urgent ? language.text("fact_urgent") : "")),
      fact("type", language.name(message.type)), fact("channel", language.name(message.channel)),
      fact("received", language.dateTime(message.createdAt)),
      fact(
        "board",
        message.leaderID == nil
          ? language.text("intake_by_region")
          : MessageItem.boardName(leader: message.leaderID, region: message.regionID, names: names)),
      fact("region", message.regionID.flatMap { names.regions[$0]?.name } ?? "—"),
      fact("category", message.categoryID.flatMap { names.categories[$0]?.name } ?? "—"),
      fact(
        "address",
        (message.location?.address ?? "—")
          + (message.location?.addressID.map { language.text("fact_address_id", ["id": .plain($0)]) } ?? "")
          + Self.coordinates(message.location, language: language)),
      fact("author", message.contact.name),
      fact(
        "phone",
        message.phoneVerified
          ? message.contact.phone
          : message.contact.phone + language.text("phone_unverified_mark")),
      fact("office", unit(message.dispatchingUnitID)),
      fact("lead", unit(message.leadUnitID)),
      fact("assisting", message.assistingUnitIDs.isEmpty ? "—" : language.list(message.assistingUnitIDs.map(unit))),
      fact("publication", publication), fact("source_region", message.sourceRegion ?? "—"),
    ]
    if let email = message.contact.email { facts.insert(fact("email", email), at: 11) }
    // The category's questions as the partner's request answered them (补充问题).
    facts += message.answers.map { Fact(label: $0.question, value: $0.shown) }
    return facts
  }

  /// The classifier's suggestion in words: 城乡建设（82%）→ 住建委；其次：…
  static func describe(_ suggestion: CategorySuggestion, names: ReferenceNames, language: Language) -> String {
    func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
    var text = suggestion.label + language.text("in_brackets", ["text": .plain(percent(suggestion.confidence))])
    if let unit = suggestion.unitID.flatMap({ names.units[$0]?.name }) { text += " → " + unit }
    if suggestion.top.count > 1 {
      text += language.text(
        "suggestion_runners_up",
        ["list": .plain(language.list(suggestion.top.dropFirst().map { "\($0.label) " + percent($0.confidence) }))])
    }
    return text
  }

  /// A form for each action the viewer may take on the message now: the workflow table's actions for
  /// the role, less those the workflow refuses for the viewer's unit; each asks for the fields its
  /// action takes (`Action.fields`), with the limits of the rules in force.
  func forms(
    for message: Message, actor: Actor, names: ReferenceNames, now: Date, language: Language,
    refused: RefusedAction? = nil, draft: String? = nil, working: (body: String, savedAt: Date)? = nil,
    pending: SupervisionNotice? = nil
  ) -> [ActionForm] {
    let region = RegionPath.of(message.regionID, in: names.regions)
    let primary: Set<Action> = [.assign, .accept, .reply, .approveReply, .approveExtension, .grantReopen]
    let sample = ActionInput.sample(for: message)
    let maxDays = context.store.rules.sla.policy(type: message.type, urgent: message.urgent, region: region)
      .maxExtensionWorkingDays
    return Workflow.actions(from: message.status, for: actor.role).compactMap { (action: Action) -> ActionForm? in
      guard action != .evaluate, let command = try? sample.command(for: action) else { return nil }
      // 督办反馈 only while a 督办 waits for the unit's answer.
      if action == .answerSupervision, pending == nil { return nil }
      do {
        _ = try Workflow.transition(
          from: message, action: command, by: actor, at: now, rules: context.store.rules, region: region)
      } catch let error as WorkflowError {
        switch error {
        case .notAllowed, .notYourUnit: return nil
        case .reasonRequired, .invalidParameter: break
        }
      } catch {
        return nil
      }
      let fields = Dictionary(action.fields.map { ($0.field, $0.required) }, uniquingKeysWith: { $0 || $1 })
      let typed = refused?.action == action ? refused : nil
      // The reviewer approves the draft as it stands, or edits its wording first (the edit is recorded).
      var untouched = TypedAction()
      if action == .approveReply { untouched.body = draft ?? "" }
      // The reply form opens with the wording the unit saved (保存草稿), and says when it was saved.
      if action == .reply, let working { untouched.body = working.body }
      let lead = typed?.form.lead_unit.flatMap(UUID.init(uuidString:)) ?? message.suggestedUnitID
      let assisting = Set((typed?.form.assisting_units ?? []).compactMap(UUID.init(uuidString:)))
      return ActionForm(
        action: action.rawValue, url: SiteURL.staff(.action(.value(message.id), .value(action.rawValue))).path,
        label: action == .answerSupervision
          ? language.text(action.nameKey)
            + language.text(
              "in_brackets",
              [
                "text": .plain(
                  language.text(
                    "staff_event_answer_due", ["due": .plain(pending?.answerDue.map(language.dateTime) ?? "—")]))
              ])
          : language.text(action == .note ? "form_note_or_contact" : action.nameKey),
        primary: primary.contains(action),
        unit: fields[.leadUnit] != nil, assisting: fields[.assistingUnits] != nil,
        instruction: fields[.instruction] != nil, reason: fields[.reason] != nil, note: fields[.note] != nil,
        noteRequired: fields[.note] == true, days: fields[.workingDays] != nil, daysMax: maxDays,
        daysHint: language.text("form_days_hint", ["max": .number(maxDays)]),
        body: fields[.body] != nil, bodyRequired: fields[.body] == true,
        bodyLabel: language.text(action == .approveReply ? "form_body_review" : "form_body"),
        photos: fields[.images] != nil,
        draftURL: action == .reply ? SiteURL.staff(.replyDraft(.value(message.id))).path : "",
        draftSaved: action == .reply
          ? working.map { language.text("form_draft_saved_at", ["when": .plain(language.dateTime($0.savedAt))]) } ?? ""
          : "",
        comment: fields[.comment] != nil, into: fields[.into] != nil,
        urgent: fields[.urgent] != nil,
        units: fields[.leadUnit] != nil ? pages.unitOptions(names, selected: lead) : [], urgentNow: message.urgent,
        contact: fields[.contact] != nil, returnCode: fields[.returnCode] != nil,
        returnCodes: fields[.returnCode] == nil
          ? []
          : ReturnReason.allCases.map {
            Option(value: $0.rawValue, label: language.name($0), selected: typed?.form.return_code == $0.rawValue)
          },
        contactKinds: ContactRecord.Kind.allCases.map {
          Option(
            value: $0.rawValue, label: language.text("form_contact_log", ["kind": .key($0.nameKey)]),
            selected: typed?.form.contact_kind == $0.rawValue)
        }, now: Self.localMinute(now), open: typed != nil || primary.contains(action),
        assistingUnits: fields[.assistingUnits] != nil
          ? names.unitsByCode.map {
            Option(value: $0.id.uuidString.lowercased(), label: $0.name, selected: assisting.contains($0.id))
          }
          : [],
        typed: typed?.typed ?? untouched)
    }
  }

  /// `POST /staff/messages/{id}/duplicates/{candidate}/dismiss`: 不是重复.
  func dismissDuplicate(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { return pages.toLogin(request) }
    try pages.checkCSRF((try? request.content.decode(LoginController.TokenForm.self))?._csrf, session)
    let message = try await readable(request, session)
    guard let candidate = request.parameters.get("candidate", as: UUID.self) else {
      throw StoreError.notFound(.duplicateCandidate)
    }
    let language = request.pageLanguage
    do {
      try await store.dismissDuplicate(message.id, candidate: candidate, by: session.actor, at: context.clock())
    } catch let error as StoreError {
      guard case .forbidden = error else { throw error }
      return try await page(
        request, session: session, message: message, notice: "", errors: [language.text(error.text)], status: .forbidden
      )
    }
    return try await page(
      request, session: session, message: message, notice: language.text("duplicate_dismissed_notice"), errors: [])
  }

  /// An image of a message, for the staff who may read it.
  func media(_ request: Request) async throws -> Response {
    guard let session = try await pages.session(request) else { throw PageError(.unauthorized, "error_login_first") }
    guard let id = request.parameters.get("id", as: UUID.self), let image = try await store.attachment(id),
      let message = try await store.message(image.messageID), CaseAccess.mayRead(session.actor, message)
    else { throw StoreError.notFound(.image) }
    return BrowseController.imageResponse(image, cache: "private, no-store")
  }

  /// A time as a `datetime-local` field shows it, in China Standard Time (`2026-12-01T10:30`).
  static func localMinute(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = WorkingCalendar.chinaStandardTime
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
    return formatter.string(from: date)
  }

  /// What a `datetime-local` field sends (or the same with a space), read in China Standard Time.
  static func parseLocalMinute(_ text: String) -> Date? {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = WorkingCalendar.chinaStandardTime
    for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
      formatter.dateFormat = format
      if let date = formatter.date(from: text) { return date }
    }
    return nil
  }

  /// The name of an action's field, as errors name it.
  static func label(_ field: String, _ language: Language) -> String {
    let known: Set<String> = [
      "lead_unit", "reason", "note", "working_days", "body", "comment", "into", "urgent", "public_title", "public_body",
      "public_proposal", "public_benefit",
      "instruction", "contacted_at", "assisting_units", "contact_kind", "contact", "return_code", "images",
    ]
    return known.contains(field) ? language.text("field_" + field) : field
  }
}
