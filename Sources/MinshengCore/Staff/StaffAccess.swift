import Foundation

/// 工作台: the staff's places — a queue, a page or a group of API calls — each open to some roles.
public enum StaffPlace: String, Sendable, CaseIterable {
  /// 交办池: what waits for a dispatching office.
  case pool
  /// 办件箱: a unit's cases.
  case inbox
  /// 督办台: overdue and due cases across units.
  case supervision
  /// 发布审核: public messages waiting for a moderator.
  case moderation
  /// 来电来信登记: messages taken by phone or letter.
  case intake
  /// 系统管理: reference data, accounts, rules, banned words and the knowledge base.
  case administration
  /// 知识库: reading approved answers and reply templates while writing a reply.
  case knowledge
  /// 统计看板: the KPIs with the cases behind each figure — a unit its own, supervisors and
  /// administrators every unit's.
  case statistics
  /// 建议评奖: award rounds of the suggestions programme — supervisors score, administrators open
  /// and publish (`ProposalRules`).
  case awards
}

/// How much of a place a staff member sees: everything, one unit's part, or nothing.
public enum StaffScope: Sendable, Equatable {
  case all
  case unit(UUID)
  case none

  /// The unit the view is narrowed to; nil for everything (and for nothing).
  public var unitID: UUID? {
    if case .unit(let id) = self { return id }
    return nil
  }
}

/// 工作台权限: which places each role may open, and how much of each it sees. The web pages and the
/// API ask the same function, so a door cannot admit someone another door refuses.
public enum StaffAccess {
  /// The scope of `place` for `actor`: `.none` refuses.
  public static func scope(of place: StaffPlace, for actor: Actor) -> StaffScope {
    let own = actor.unitID.map(StaffScope.unit) ?? .none
    switch (place, actor.role) {
    case (.pool, .dispatcher), (.moderation, .dispatcher), (.intake, .dispatcher): return own
    case (.pool, .supervisor), (.pool, .admin), (.moderation, .admin), (.intake, .admin): return .all
    case (.inbox, .handler), (.inbox, .reviewer), (.inbox, .leader): return own
    case (.supervision, .supervisor), (.supervision, .admin): return .all
    case (.administration, .admin): return .all
    case (.statistics, .handler), (.statistics, .reviewer), (.statistics, .leader): return own
    case (.statistics, .supervisor), (.statistics, .admin): return .all
    case (.awards, .supervisor), (.awards, .admin): return .all
    case (.knowledge, .dispatcher), (.knowledge, .handler), (.knowledge, .reviewer), (.knowledge, .leader),
      (.knowledge, .supervisor), (.knowledge, .admin):
      return .all
    default: return .none
    }
  }

  /// Whether `actor` may open `place` at all.
  public static func mayOpen(_ place: StaffPlace, _ actor: Actor) -> Bool {
    scope(of: place, for: actor) != .none
  }

  /// The places a role's navigation lists, its own work first; the first is where the role starts.
  public static func places(for role: Role) -> [StaffPlace] {
    let order: [StaffPlace] =
      role == .supervisor
      ? [.supervision, .statistics, .pool, .awards]
      : [.pool, .inbox, .intake, .moderation, .supervision, .statistics, .administration, .awards]
    let probe = Actor(role: role, unitID: role.belongsToUnit ? UUID() : nil, id: "-")
    return order.filter { mayOpen($0, probe) }
  }
}

/// 查看权限: which staff may read a message's whole case file (contact details, internal notes):
/// its dispatching office, its lead and assisting units, supervisors and administrators.
public enum CaseAccess {
  /// Which messages a staff member may read, as a condition a store can put in a query.
  public enum ReadScope: Sendable, Equatable {
    case everything
    /// Those the office dispatches.
    case dispatchedBy(UUID)
    /// Those the unit leads or assists.
    case workedOnBy(UUID)
    case nothing
  }

  public static func readScope(of actor: Actor) -> ReadScope {
    switch actor.role {
    case .supervisor, .admin: .everything
    case .dispatcher: actor.unitID.map(ReadScope.dispatchedBy) ?? .nothing
    case .handler, .reviewer, .leader: actor.unitID.map(ReadScope.workedOnBy) ?? .nothing
    case .citizen, .system: .nothing
    }
  }

  public static func mayRead(_ actor: Actor, _ message: Message) -> Bool {
    switch readScope(of: actor) {
    case .everything: true
    case .dispatchedBy(let office): office == message.dispatchingUnitID
    case .workedOnBy(let unit): unit == message.leadUnitID || message.assistingUnitIDs.contains(unit)
    case .nothing: false
    }
  }

  /// What a staff member sees of another case named on one they work on (a near-duplicate): the title
  /// when they may read that case, the public's masked title when it is public, else nothing.
  public static func title(of other: Message, shownTo actor: Actor) -> String? {
    if mayRead(actor, other) { return other.title }
    if other.isShownPublicly { return PrivacyMask.mask(other.titleForPublic) }
    return nil
  }

  /// Who decides for the dispatching office (publication, duplicates): its dispatchers, and admins.
  public static func mayDispatch(_ actor: Actor, _ message: Message) -> Bool {
    switch actor.role {
    case .admin: true
    case .dispatcher: actor.unitID != nil && actor.unitID == message.dispatchingUnitID
    default: false
    }
  }
}
