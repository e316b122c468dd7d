import Foundation
import MinshengCore

/// Fixed times and domain-worded values for tests.
public enum Fixtures {
  /// Wednesday 2026-03-04 10:00 in China (02:00 UTC): an ordinary working day.
  public static let now = Date(timeIntervalSince1970: 1_772_589_600)

  /// The instant `hour`:`minute` China time on `date` (YYYY-MM-DD).
  public static func at(_ date: String, _ hour: Int = 10, _ minute: Int = 0) -> Date {
    guard let day = LocalDate(date) else { preconditionFailure("bad fixture date \(date)") }
    return WorkingCalendar().start(of: day).addingTimeInterval(Double(hour * 3600 + minute * 60))
  }

  /// The shipped calendar and SLA rules.
  public static let rules: CaseRules = {
    do { return try CaseRules.bundled() } catch { preconditionFailure("bundled rules do not load: \(error)") }
  }()

  public static let dispatchOffice = UUID(uuidString: "00000000-0000-0000-0000-00000000D001")!
  public static let housingUnit = UUID(uuidString: "00000000-0000-0000-0000-00000000A001")!
  public static let marketUnit = UUID(uuidString: "00000000-0000-0000-0000-00000000A002")!
  public static let educationUnit = UUID(uuidString: "00000000-0000-0000-0000-00000000A003")!

  /// Someone acting in `role`, in the unit that the role needs for the fixture message.
  public static func actor(_ role: Role, unit: UUID? = nil) -> Actor {
    let defaultUnit: UUID? =
      switch role {
      case .dispatcher: dispatchOffice
      case .handler, .reviewer, .leader: housingUnit
      case .citizen, .supervisor, .admin, .system: nil
      }
    return Actor(role: role, unitID: unit ?? defaultUnit, id: "\(role.rawValue)-1")
  }

  /// A complaint about night construction noise, in `status`, dispatched by `dispatchOffice` and,
  /// once assigned, led by `housingUnit` with `marketUnit` assisting.
  public static func message(status: Status = .received, urgent: Bool = false, needsReview: Bool = false) -> Message {
    let assigned = ![.received].contains(status)
    return Message(
      id: UUID(uuidString: "00000000-0000-0000-0000-0000000000E1")!,
      serial: Serial(year: 2026, number: 123), type: .complaint, title: "夜间施工噪音扰民",
      body: "小区旁工地每天夜里十一点后仍在施工，噪音很大，影响休息。", channel: .web,
      contact: Contact(name: "顾女士", phone: "13800138000"), urgent: urgent, status: status,
      dispatchingUnitID: dispatchOffice, leadUnitID: assigned ? housingUnit : nil,
      assistingUnitIDs: assigned ? [marketUnit] : [], replyNeedsReview: needsReview,
      acceptanceDue: assigned ? at("2026-03-11") : nil,
      replyDue: [.accepted, .extensionRequested, .reviewing].contains(status) ? at("2026-03-25") : nil,
      createdAt: at("2026-03-02", 21, 30))
  }

  /// A sample command for each action, valid for the fixture message.
  public static func command(for action: Action) -> Command {
    switch action {
    case .assign: .assign(lead: housingUnit, assisting: [marketUnit], instruction: "请尽快核实处理")
    case .accept: .accept()
    case .returnToDispatcher: .returnToDispatcher(reason: "不属于本单位职责，建议转市场监管局", code: .notOurs)
    case .reassign: .reassign(lead: educationUnit, instruction: "请教育委员会办理")
    case .rejectReturn: .rejectReturn(reason: "经核实属于本单位职责")
    case .transfer: .transfer(lead: educationUnit, reason: "涉及校园周边，转教育委员会")
    case .requestExtension: .requestExtension(workingDays: 5, reason: "需多部门现场核查")
    case .approveExtension: .approveExtension(workingDays: 5)
    case .denyExtension: .denyExtension(reason: "事项简单，不予延期")
    case .reply: .reply(body: "经核查，工地已停止夜间施工，并已约谈施工单位。")
    case .approveReply: .approveReply()
    case .sendBackReply: .sendBackReply(comment: "请补充处理结果")
    case .evaluate: .evaluate(Evaluation(resolution: 5, attitude: 5, speed: 4, comment: "处理及时"))
    case .grantReopen: .grantReopen()
    case .declineReopen: .declineReopen(reason: "已依法答复，诉求超出政策范围")
    case .close: .close(reason: "已答复满 7 日未评价")
    case .markInvalid: .markInvalid(reason: "内容与政务无关")
    case .merge: .merge(into: UUID(uuidString: "00000000-0000-0000-0000-0000000000F1")!)
    case .setUrgent: .setUrgent(true, reason: "涉及人身安全")
    case .remind: .remind(note: "请抓紧办理")
    case .supervise: .supervise(note: "已超期，请说明原因")
    case .answerSupervision: .answerSupervision(body: "已于当日约谈施工单位，夜间施工已停止，下周一前答复留言人。")
    case .contribute: .contribute(text: "市场监管局已对工地周边流动摊贩进行清理")
    case .note: .note(text: "已电话联系留言人")
    case .instruct: .instruct(text: "请住建委牵头，一周内拿出整改方案")
    case .answerDirectly: .answerDirectly(body: "您好，小区噪音问题可拨打 12345 或向街道反映，已为您登记。")
    case .withdraw: .withdraw(reason: "问题已自行解决")
    }
  }

  /// The actor that may take `action` in the fixture: assisting-unit actions come from `marketUnit`.
  public static func actor(_ role: Role, for action: Action) -> Actor {
    if action == .contribute, role == .handler || role == .reviewer { return actor(role, unit: marketUnit) }
    return actor(role)
  }

  /// A valid new message from a citizen, its number proved (as the write form's code proves it).
  public static func newMessage(
    title: String = "夜间施工噪音扰民", type: MessageType = .complaint, leader: UUID? = nil, region: UUID? = nil,
    category: UUID? = nil, urgent: Bool = false
  ) -> NewMessage {
    NewMessage(
      type: type, title: title, body: "小区旁工地每天夜里十一点后仍在施工，噪音很大，影响休息，请相关部门处理。",
      leaderID: leader, regionID: region, categoryID: category,
      location: Location(address: "示范市中心区滨江路 18 号"),
      contact: Contact(name: "顾女士", phone: "13800138000"), urgent: urgent, phoneVerified: true)
  }

  /// A suggestion (人民建议) to a campaign (the general one without), its proposal holding a number to mask.
  public static func newSuggestion(
    _ title: String, campaign: UUID? = nil, phone: String = "13800138000", leader: UUID? = nil
  ) -> NewMessage {
    var new = newMessage(title: title, type: .suggestion, leader: leader)
    new.contact.phone = phone
    new.proposal = ProposalDetails(
      campaignID: campaign, proposal: "在老旧小区加装电梯时统一公示费用分摊办法，联系人电话 13912345678。",
      benefit: "减少邻里纠纷，加快加装进度。")
    return new
  }
}
