import Foundation
import MinshengCore
import MinshengTestSupport
import Testing

/// The rules the server once decided in several places, each decided here once: which fields an
/// action reads, which unit a new message is suggested for, what the public sees, which queues a
/// role opens, what a staff password must be.
@Suite struct RulesInOnePlaceTests {
  /// Every field filled in.
  static let complete = ActionInput(
    leadUnit: UUID(), assistingUnits: [UUID()], instruction: "按期办理", reason: "理由", note: "说明", workingDays: 3,
    body: "答复内容", comment: "意见", into: UUID(), urgent: true, contactKind: .phoned, contactedAt: Fixtures.now,
    returnCode: .duplicate)

  static func without(_ field: ActionField, _ input: ActionInput = complete) -> ActionInput {
    var input = input
    switch field {
    case .leadUnit: input.leadUnit = nil
    case .assistingUnits: input.assistingUnits = nil
    case .instruction: input.instruction = nil
    case .reason: input.reason = nil
    case .note: input.note = nil
    case .workingDays: input.workingDays = nil
    case .body: input.body = nil
    case .comment: input.comment = nil
    case .into: input.into = nil
    case .urgent: input.urgent = nil
    case .contact: (input.contactKind, input.contactedAt) = (nil, nil)
    case .returnCode: input.returnCode = nil
    case .images: break  // photos travel beside the command, never in it
    }
    return input
  }

  /// `Action.fields` is the whole truth about an action's input: leaving out a required field is
  /// refused with that field's name, leaving out an optional one or one the action does not take
  /// changes nothing.
  @Test(arguments: Action.allCases.filter { $0 != .evaluate })
  func anAction_readsExactlyTheFieldsItLists(action: Action) throws {
    let full = try Self.complete.command(for: action)
    let listed = Dictionary(action.fields.map { ($0.field, $0.required) }, uniquingKeysWith: { $0 || $1 })
    for field in ActionField.allCases {
      let input = Self.without(field)
      switch listed[field] {
      case true?:
        #expect(throws: ValidationError.self, "\(action) requires \(field)") { try input.command(for: action) }
        do {
          _ = try input.command(for: action)
        } catch {
          #expect(error.problems.first?.field == field.rawValue, "\(action): \(error.problems)")
        }
      case false?:
        #expect(throws: Never.self, "\(action): \(field) is optional") { try input.command(for: action) }
      case nil:
        #expect(try input.command(for: action) == full, "\(action) does not read \(field)")
      }
    }
    // The dry run that decides which forms to offer is complete for every action.
    #expect(throws: Never.self) { try ActionInput.sample(for: Fixtures.message()).command(for: action) }
  }

  /// A contact log without its time is refused, not filed as a plain note.
  @Test func aContactLog_needsItsTime() {
    var untimed = Self.complete
    untimed.contactedAt = nil
    #expect(throws: ValidationError.self) { try untimed.command(for: .note) }
  }

  @Test func dispatchSuggestion_rulesForTheChosenCategory_elseTheClassifiersCategory() {
    let construction = Category(id: UUID(), code: "CX", name: "城乡建设")
    let nested = Category(id: UUID(), code: "ZZ-01", name: "城乡建设", parentID: UUID())
    let education = Category(id: UUID(), code: "JY", name: "教育文体")
    let categories = [construction.id: construction, nested.id: nested, education.id: education]
    let (housing, schools) = (UUID(), UUID())
    let rules = [
      RoutingRule(categoryID: construction.id, regionCode: nil, unitID: housing),
      RoutingRule(categoryID: education.id, regionCode: nil, unitID: schools),
    ]
    let region = RegionPath(codes: ["500101", "500000"])
    let prediction = CategorySuggestion(
      label: "城乡建设", confidence: 0.93, top: [.init(label: "城乡建设", confidence: 0.93)], reasons: [])

    // The author chose no category: the classifier's label names the first-level category.
    let unchosen = DispatchSuggestion.decide(
      category: nil, region: region, prediction: prediction, rules: rules, categories: categories)
    #expect(unchosen.classifier?.categoryID == construction.id)
    #expect(unchosen.classifier?.unitID == housing)
    #expect(unchosen.unitID == housing)

    // The author chose one: its routing rule decides, and the classifier is only shown.
    let chosen = DispatchSuggestion.decide(
      category: education.id, region: region, prediction: prediction, rules: rules, categories: categories)
    #expect(chosen.unitID == schools)
    #expect(chosen.classifier?.unitID == housing)

    // A chosen category without a rule is left to the dispatcher, whatever the classifier said.
    let unruled = Category(id: UUID(), code: "QT", name: "其他")
    var withOther = categories
    withOther[unruled.id] = unruled
    #expect(
      DispatchSuggestion.decide(
        category: unruled.id, region: region, prediction: prediction, rules: rules, categories: withOther
      ).unitID == nil)

    // A label the platform has no category for suggests nothing.
    var unknown = prediction
    unknown.label = "无此类别"
    let none = DispatchSuggestion.decide(
      category: nil, region: region, prediction: unknown, rules: rules, categories: categories)
    #expect(none.unitID == nil && none.classifier?.categoryID == nil)

    // 智能分派 only when configured, sure enough and not yet assigned.
    let received = Fixtures.message()
    let suggestion = unchosen.classifier
    #expect(DispatchSuggestion.automaticUnit(for: suggestion, of: received, threshold: nil) == nil)
    #expect(DispatchSuggestion.automaticUnit(for: suggestion, of: received, threshold: 0.95) == nil)
    #expect(DispatchSuggestion.automaticUnit(for: suggestion, of: received, threshold: 0.9) == housing)
    #expect(
      DispatchSuggestion.automaticUnit(for: suggestion, of: Fixtures.message(status: .assigned), threshold: 0.9)
        == nil)
  }

  /// The public projection has no field for contact details, so no public path can carry them.
  @Test func publicCase_hasNoPlaceForContactDetails() {
    var message = Fixtures.message()
    message.contact = Contact(name: "顾秀英女士", phone: "13912345678", email: "gu@example.cn")
    message.body = "请回电 13912345678。"
    message.sourceRegion = "重庆市"
    let shown = PublicCase.of(message, nameStyle: .address)
    let labels = Self.labels(of: shown)
    for forbidden in ["contact", "phone", "email", "sourceRegion", "publicTitle", "publicBody"] {
      #expect(!labels.contains(forbidden), "PublicCase has \(forbidden)")
    }
    let dump = String(reflecting: shown)
    for secret in ["13912345678", "顾秀英", "gu@example.cn", "重庆市"] {
      #expect(!dump.contains(secret), "\(secret) in \(dump)")
    }
    #expect(shown.author == "顾女士")
    #expect(shown.body.contains("139****5678"))
    #expect(PublicCase.of(message, nameStyle: .stars).author == "顾***")
  }

  /// Every stored property's name, at any depth.
  static func labels(of value: Any) -> Set<String> {
    var result: Set<String> = []
    for child in Mirror(reflecting: value).children {
      if let label = child.label { result.insert(label) }
      result.formUnion(labels(of: child.value))
    }
    return result
  }

  @Test func staffAccess_oneAnswerPerRoleAndPlace() {
    let unit = UUID()
    func scope(_ place: StaffPlace, _ role: Role) -> StaffScope {
      StaffAccess.scope(of: place, for: Actor(role: role, unitID: role.belongsToUnit ? unit : nil, id: "a"))
    }
    // A unit's leader reads the unit's inbox, as its handlers and reviewers do.
    for role in [Role.handler, .reviewer, .leader] { #expect(scope(.inbox, role) == .unit(unit)) }
    #expect(scope(.inbox, .dispatcher) == .none)
    #expect(scope(.pool, .dispatcher) == .unit(unit))
    #expect(scope(.pool, .supervisor) == .all)
    #expect(scope(.pool, .handler) == .none)
    #expect(scope(.moderation, .dispatcher) == .unit(unit))
    #expect(scope(.administration, .admin) == .all)
    // The statistics' cases: a unit its own, supervisors and administrators every unit's.
    for role in [Role.handler, .reviewer, .leader] { #expect(scope(.statistics, role) == .unit(unit)) }
    #expect(scope(.statistics, .supervisor) == .all && scope(.statistics, .admin) == .all)
    #expect(scope(.statistics, .dispatcher) == .none)
    for role in Role.allCases where role != .admin { #expect(scope(.administration, role) == .none) }
    for place in StaffPlace.allCases {
      #expect(scope(place, .citizen) == .none)
      #expect(scope(place, .system) == .none)
    }
    // A unit role without its unit opens nothing of a unit's.
    #expect(StaffAccess.scope(of: .inbox, for: Actor(role: .handler, unitID: nil, id: "a")) == .none)
    // Each role's navigation lists only what it may open, and starts somewhere.
    for role in Role.allCases where ![.citizen, .system].contains(role) {
      #expect(!StaffAccess.places(for: role).isEmpty, "\(role)")
      #expect(StaffAccess.places(for: role).allSatisfy { scope($0, role) != .none })
    }
  }

  @Test func passwordPolicy_isTheAccountRule() throws {
    #expect(PasswordPolicy.problem(with: String(repeating: "a", count: PasswordPolicy.minimumLength)) == nil)
    let short = String(repeating: "a", count: PasswordPolicy.minimumLength - 1)
    #expect(PasswordPolicy.problem(with: short) != nil)
    #expect(throws: ValidationError.self) {
      try StaffAccount.validate(username: "zjw.handler", role: .handler, unitID: UUID(), password: short)
    }
  }
}
