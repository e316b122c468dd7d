import Foundation
import Vapor

/// Every route of the service, in one place, each path from the site map (`SiteURL`).
struct Routes: Sendable {
  let home: HomeController
  let browse: BrowseController
  let write: WriteController
  let track: TrackController
  let account: AccountController
  let boards: BoardsController
  let stats: StatsController
  let honours: HonoursController
  let thanks: ThanksController
  let suggestions: SuggestionsController
  let language: LanguageController
  let login: LoginController
  let queues: QueuesController
  let staffSearch: StaffSearchController
  let intake: IntakeController
  let moderation: ModerationPagesController
  let cases: CaseController
  let admin: AdminController
  let dashboard: DashboardController
  let bulk: SupervisionBulk
  let referrals: ReferralController
  let reviews: ReviewsController
  let awards: AwardsController
  let messages: MessagesAPI
  let suggestionsAPI: SuggestionsAPI
  let staffAPI: StaffAPI
  let reference: ReferenceAPI
  let auth: AuthAPI
  let service: ServiceController
  let open311: Open311Controller

  init(context: ServerContext, document: Data?) {
    let pages = StaffPages(context: context)
    let staffLogin = StaffLogin(store: context.store, passwords: context.passwords, clock: context.clock)
    home = HomeController(context: context)
    browse = BrowseController(context: context)
    write = WriteController(context: context)
    track = TrackController(context: context)
    account = AccountController(context: context)
    boards = BoardsController(context: context)
    stats = StatsController(context: context)
    honours = HonoursController(pages: pages)
    thanks = ThanksController(context: context)
    suggestions = SuggestionsController(context: context)
    language = LanguageController(context: context)
    login = LoginController(pages: pages, login: staffLogin)
    queues = QueuesController(pages: pages)
    staffSearch = StaffSearchController(pages: pages)
    intake = IntakeController(pages: pages)
    moderation = ModerationPagesController(pages: pages)
    cases = CaseController(pages: pages)
    admin = AdminController(pages: pages)
    dashboard = DashboardController(pages: pages)
    bulk = SupervisionBulk(pages: pages)
    referrals = ReferralController(pages: pages)
    reviews = ReviewsController(pages: pages)
    awards = AwardsController(pages: pages)
    messages = MessagesAPI(context: context)
    suggestionsAPI = SuggestionsAPI(context: context)
    staffAPI = StaffAPI(context: context)
    reference = ReferenceAPI(context: context)
    auth = AuthAPI(context: context, login: staffLogin)
    service = ServiceController(context: context, document: document)
    open311 = Open311Controller(context: context)
  }

  /// Registers every route: `routes` for everyone, `throttled` for everyone but limited per address
  /// when expensive (`ReadThrottleMiddleware`), `staff` behind `StaffAuthentication`.
  func register(on routes: any RoutesBuilder, throttled: any RoutesBuilder, staff: any RoutesBuilder) {
    // The citizens' website.
    routes.on(.GET, .home, use: home.home)
    throttled.on(.GET, .messages, use: browse.list)
    throttled.on(.GET, .search, use: browse.list)
    routes.on(.GET, .message(.key), use: browse.show)
    routes.on(.GET, .media(.key), use: browse.media)
    routes.on(.GET, .document(.key), use: suggestions.document)
    routes.on(.GET, .write, use: write.form)
    routes.on(.POST, .write, body: .collect(maxSize: "16mb"), use: write.write)
    // The code button posts the form without its images (URL-encoded): a few kilobytes.
    routes.on(.POST, .writeCode, body: .collect(maxSize: "64kb"), use: write.sendCode)
    routes.on(.POST, .writeSuggest, use: write.suggest)
    routes.on(.GET, .track, use: track.track)
    routes.on(.POST, .track, use: track.open)
    routes.on(.POST, .trackEvaluate, use: track.evaluate)
    routes.on(.POST, .trackThanks, use: track.thank)
    routes.on(.POST, .trackForget, use: track.forget)
    routes.on(.POST, .trackWithdraw, use: track.withdraw)
    routes.on(.GET, .account, use: account.account)
    routes.on(.POST, .accountCode, use: account.sendCode)
    routes.on(.POST, .accountLogin, use: account.login)
    routes.on(.POST, .accountLogout, use: account.logout)
    routes.on(.POST, .accountOpen, use: account.open)
    routes.on(.POST, .accountNotices, use: account.notices)
    routes.on(.GET, .unit(.key), use: boards.unit)
    routes.on(.GET, .unitThanks(.key), use: thanks.form)
    routes.on(.POST, .unitThanks(.key), use: thanks.submit)
    routes.on(.GET, .leader(.key), use: boards.leader)
    routes.on(.GET, .region(.key), use: boards.region)
    throttled.on(.GET, .overdue, use: boards.overdue)
    throttled.on(.GET, .stats, use: stats.page)
    throttled.on(.GET, .honours, use: honours.latest)
    routes.on(.GET, .thanks, use: thanks.list)
    throttled.on(.GET, .suggestions, use: suggestions.index)
    throttled.on(.GET, .campaign(.key), use: suggestions.campaign)
    routes.on(.GET, .support(.key), use: suggestions.supportForm)
    routes.on(.GET, .awards, use: suggestions.awards)
    routes.on(.GET, .award(.key), use: suggestions.award)
    routes.on(.POST, .support(.key), use: suggestions.support)
    throttled.on(.GET, .honoursYear(.key), use: honours.year)
    routes.on(.GET, .language(.key), use: language.switchLanguage)
    routes.on(.GET, .care(.key), use: language.switchCare)

    // The staff workbench (each page checks the session itself and sends to the login without one).
    routes.on(.GET, .staff(.login), use: login.form)
    routes.on(.POST, .staff(.login), use: login.submit)
    routes.on(.POST, .staff(.logout), use: login.logout)
    routes.on(.GET, .staff(.home), use: login.home)
    routes.on(.GET, .staff(.pool), use: queues.pool)
    routes.on(.GET, .staff(.inbox), use: queues.inbox)
    routes.on(.GET, .staff(.supervision), use: queues.supervision)
    routes.on(.POST, .staff(.supervisionBulk), use: bulk.submit)
    routes.on(.GET, .staff(.referral), use: referrals.form)
    routes.on(.GET, .staff(.reviews), use: reviews.list)
    routes.on(.GET, .staff(.review(.key)), use: reviews.page)
    routes.on(.POST, .staff(.review(.key)), use: reviews.submit)
    routes.on(.POST, .staff(.nameReviewers(.key)), use: cases.nameReviewers)
    routes.on(.POST, .staff(.referral), use: referrals.submit)
    routes.on(.POST, .staff(.noticesRead), use: bulk.markRead)
    routes.on(.GET, .staff(.search), use: staffSearch.search)
    routes.on(.GET, .staff(.intake), use: intake.form)
    routes.on(.POST, .staff(.intake), use: intake.submit)
    routes.on(.GET, .staff(.moderation), use: moderation.queue)
    routes.on(.POST, .staff(.moderate(.key)), use: moderation.decide)
    routes.on(.POST, .staff(.moderateThanks(.key)), use: moderation.decideThanks)
    routes.on(.GET, .staff(.message(.key)), use: cases.show)
    // A reply may carry three photos of up to 5 MB each.
    routes.on(.POST, .staff(.action(.key, .key)), body: .collect(maxSize: "16mb"), use: cases.act)
    routes.on(.POST, .staff(.replyDraft(.key)), body: .collect(maxSize: "16mb"), use: cases.saveDraft)
    routes.on(.POST, .staff(.dismissDuplicate(.key, candidate: .key)), use: cases.dismissDuplicate)
    routes.on(.POST, .staff(.appealRating(.key)), use: cases.appeal)
    routes.on(.POST, .staff(.decideAppeal(.key)), use: cases.decideAppeal)
    routes.on(.POST, .staff(.openProposal(.key)), use: cases.openProposal)
    routes.on(.POST, .staff(.evaluateProposal(.key)), use: cases.evaluateProposal)
    routes.on(.POST, .staff(.recordAdoption(.key)), body: .collect(maxSize: "16mb"), use: cases.recordAdoption)
    routes.on(.POST, .staff(.recordInstruction(.key)), use: cases.recordInstruction)
    routes.on(.GET, .staff(.media(.key)), use: cases.media)
    routes.on(.GET, .staff(.awards), use: awards.index)
    routes.on(.POST, .staff(.awards), use: awards.create)
    routes.on(.GET, .staff(.awardRound(.key)), use: awards.round)
    routes.on(.POST, .staff(.awardScore(.key)), use: awards.score)
    routes.on(.POST, .staff(.awardPublish(.key)), use: awards.publish)
    throttled.on(.GET, .staff(.dashboard), use: dashboard.dashboard)
    throttled.on(.GET, .staff(.dashboardCases), use: dashboard.cases)
    routes.on(.POST, .staff(.honoursFreeze), use: honours.freeze)
    throttled.on(.GET, .staff(.supervisionReport), use: dashboard.supervisionReport)
    throttled.on(.GET, .staff(.dashboardExport), use: dashboard.export)
    routes.on(.GET, .staff(.admin), use: admin.index)
    routes.on(.GET, .staff(.adminSection(.key)), use: admin.page)
    routes.on(.POST, .staff(.adminChange(.key, verb: .key)), use: admin.change)
    routes.on(
      .POST, .staff(.adminChangeRow(.key, verb: .key, id: .key)), body: .collect(maxSize: "16mb"), use: admin.change)

    // Open311 GeoReport v2 (read side).
    throttled.on(.GET, .open311(.key), use: open311.resource)
    routes.on(.POST, .open311(.key), use: open311.create)
    routes.on(.GET, .open311Service(.key), use: open311.service)
    routes.on(.GET, .open311Request(.key), use: open311.request)

    // The JSON API.
    routes.on(.POST, .api(.messages), use: messages.create)
    throttled.on(.GET, .api(.messages), use: messages.list)
    routes.on(.GET, .api(.message(.key)), use: messages.show)
    routes.on(.GET, .api(.track(.key)), use: messages.track)
    routes.on(.POST, .api(.evaluation(.key)), use: messages.evaluate)
    routes.on(.POST, .api(.phoneCodes), use: messages.sendPhoneCode)
    routes.on(.POST, .api(.authToken), use: auth.issue)
    routes.on(.POST, .api(.authSession), use: auth.openSession)
    staff.on(.DELETE, .api(.authSession), use: auth.closeSession)
    staff.on(.GET, .api(.authTokens), use: auth.tokens)
    staff.on(.DELETE, .api(.authTokenItem(.key)), use: auth.revokeToken)
    staff.on(.POST, .api(.action(.key, .key)), use: staffAPI.act)
    staff.on(.GET, .api(.staffMessage(.key)), use: staffAPI.detail)
    staff.on(.POST, .api(.dismissDuplicate(.key, candidate: .key)), use: staffAPI.dismissDuplicate)
    staff.on(.GET, .api(.inbox), use: staffAPI.inbox)
    staff.on(.GET, .api(.pool), use: staffAPI.pool)
    staff.on(.GET, .api(.moderationQueue), use: staffAPI.moderationQueue)
    staff.on(.POST, .api(.moderation(.key)), use: staffAPI.moderate)
    staff.on(.GET, .api(.bannedWords), use: reference.bannedWords)
    staff.on(.POST, .api(.bannedWords), use: reference.addBannedWord)
    staff.on(.DELETE, .api(.bannedWord(.key)), use: reference.removeBannedWord)
    staff.on(.GET, .api(.knowledge), use: reference.searchKnowledge)
    staff.on(.POST, .api(.knowledge), use: reference.createKnowledge)
    staff.on(.PUT, .api(.knowledgeEntry(.key)), use: reference.replaceKnowledge)
    staff.on(.DELETE, .api(.knowledgeEntry(.key)), use: reference.deleteKnowledge)
    routes.on(.GET, .api(.reference(.regions)), use: reference.regions)
    routes.on(.GET, .api(.reference(.leaders)), use: reference.leaders)
    routes.on(.GET, .api(.reference(.units)), use: reference.units)
    routes.on(.GET, .api(.reference(.categories)), use: reference.categories)
    routes.on(.GET, .api(.reference(.routingRules)), use: reference.routingRules)
    staff.on(.POST, .api(.reference(.regions)), use: reference.createRegion)
    staff.on(.PATCH, .api(.referenceRow(.regions, .key)), use: reference.updateRegion)
    staff.on(.POST, .api(.reference(.leaders)), use: reference.createLeader)
    staff.on(.PATCH, .api(.referenceRow(.leaders, .key)), use: reference.updateLeader)
    staff.on(.POST, .api(.reference(.units)), use: reference.createUnit)
    staff.on(.PATCH, .api(.referenceRow(.units, .key)), use: reference.updateUnit)
    staff.on(.POST, .api(.reference(.categories)), use: reference.createCategory)
    staff.on(.PATCH, .api(.referenceRow(.categories, .key)), use: reference.updateCategory)
    staff.on(.POST, .api(.reference(.routingRules)), use: reference.createRoutingRule)
    staff.on(.DELETE, .api(.referenceRow(.routingRules, .key)), use: reference.deleteRoutingRule)
    throttled.on(.GET, .api(.stats), use: stats.api)
    routes.on(.GET, .api(.campaigns), use: suggestionsAPI.campaigns)
    staff.on(.POST, .api(.campaigns), use: suggestionsAPI.createCampaign)
    throttled.on(.GET, .api(.suggestions), use: suggestionsAPI.list)
    routes.on(.GET, .api(.suggestion(.key)), use: suggestionsAPI.show)
    routes.on(.POST, .api(.suggestionSupport(.key)), use: suggestionsAPI.support)
    staff.on(.POST, .api(.suggestionEvaluation(.key)), use: suggestionsAPI.evaluate)
    staff.on(.POST, .api(.suggestionAdoptions(.key)), use: suggestionsAPI.recordAdoption)
    staff.on(.POST, .api(.suggestionInstructions(.key)), use: suggestionsAPI.recordInstruction)
    routes.on(.GET, .api(.awards), use: suggestionsAPI.awards)
    routes.on(.GET, .api(.award(.key)), use: suggestionsAPI.award)
    routes.on(.GET, .api(.openAPI), use: service.openAPI)

    // The service itself.
    routes.on(.GET, .ping, use: service.ping)
    routes.on(.GET, .healthz, use: service.health)
    throttled.on(.GET, .metrics, use: service.metrics)
  }
}
