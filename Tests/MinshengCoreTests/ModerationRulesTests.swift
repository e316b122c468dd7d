import Foundation
import MinshengCore
import Testing

@Suite struct ModerationRulesTests {
  let words = BannedWordList([
    BannedWord(id: UUID(), word: "笨蛋", severity: .block), BannedWord(id: UUID(), word: "BAD", severity: .review),
  ])

  @Test func bannedWords_areFound_throughSpacesPunctuationWidthAndCase() {
    #expect(words.matches(in: ["你们这些笨 蛋"]).map(\.word) == ["笨蛋"])
    #expect(words.matches(in: ["笨，蛋！"]).map(\.word) == ["笨蛋"])
    #expect(words.matches(in: ["ｂａｄ service"]).map(\.word) == ["BAD"])
    #expect(words.matches(in: ["标题", "b-a-d 笨蛋"]).map(\.word) == ["笨蛋", "BAD"])
    #expect(words.matches(in: ["工地夜间施工"]).isEmpty)
    #expect(BannedWordList([]).matches(in: ["笨蛋"]).isEmpty)
  }

  @Test func bannedWords_mustHaveALetter_andAtMostTwentyCharacters() {
    #expect(throws: ValidationError.self) { try BannedWordList.validate(word: " ，。 ") }
    #expect(throws: ValidationError.self) { try BannedWordList.validate(word: String(repeating: "字", count: 21)) }
    #expect(throws: Never.self) { try BannedWordList.validate(word: "拆迁") }
  }

  @Test func rateLimits_parse_andWindowsAreTheSameOnEveryInstance() throws {
    #expect(RateLimit("5/day") == RateLimit(count: 5, window: 86_400))
    #expect(RateLimit(" 20 / hour ") == RateLimit(count: 20, window: 3_600))
    #expect(RateLimit("1/minute")?.description == "1/minute")
    for bad in ["", "0/day", "-1/day", "5/week", "five/day", "5"] { #expect(RateLimit(bad) == nil, "\(bad)") }
    let hour = try #require(RateLimit("3/hour"))
    let at = Date(timeIntervalSince1970: 1_772_589_600 + 1_234)
    #expect(hour.windowStart(at: at) == Date(timeIntervalSince1970: 1_772_589_600))
    #expect(hour.windowEnd(at: at) == Date(timeIntervalSince1970: 1_772_589_600 + 3_600))
    #expect(hour.windowText.chinese == "每小时")
  }

  @Test func ipRegions_longestPrefixWins_privateAndLoopbackNamedWithoutATable() throws {
    let table = try IPRegionTable(
      csv: """
        # prefix,region
        203.0.113.0/24,示范市
        203.0.113.128/25,示范市中心区
        2001:db8::/32,示范市（IPv6）
        """)
    #expect(table.region(of: "203.0.113.7") == "示范市")
    #expect(table.region(of: "203.0.113.200") == "示范市中心区")
    #expect(table.region(of: "::ffff:203.0.113.9") == "示范市")
    #expect(table.region(of: "2001:db8:1::5") == "示范市（IPv6）")
    #expect(table.region(of: "198.51.100.1") == "未知")
    #expect(table.region(of: "127.0.0.1") == "本机")
    #expect(table.region(of: "::1") == "本机")
    #expect(table.region(of: "192.168.1.20") == "内网")
    #expect(table.region(of: "172.20.0.1") == "内网")
    #expect(table.region(of: "fd00::1") == "内网")
    #expect(table.region(of: "not an address") == "未知")
    #expect(throws: ValidationError.self) { try IPRegionTable(csv: "203.0.113.0/33,太长") }
    #expect(throws: ValidationError.self) { try IPRegionTable(csv: "203.0.113.0,没有前缀") }
  }

  @Test func mobileNumbers_areNormalised_andOnlyMobilesQualify() {
    #expect(PhoneNumber.mobile("13800138000") == "13800138000")
    #expect(PhoneNumber.mobile("+86 138-0013-8000") == "13800138000")
    #expect(PhoneNumber.mobile("86 13800138000") == "13800138000")
    #expect(PhoneNumber.mobile("023-12345678") == nil)
    #expect(PhoneNumber.mobile("12800138000") == nil)
    #expect(PhoneNumber.mobile("1380013800") == nil)
  }

  @Test func moderators_areTheDispatchingOffice_andAdmins() {
    let office = UUID()
    let message = Message(
      id: UUID(), serial: Serial(year: 2026, number: 1), type: .complaint, title: "幸福小区施工", body: "原文",
      contact: Contact(name: "顾女士", phone: "13800138000"), dispatchingUnitID: office, createdAt: Date())
    #expect(Moderation.mayModerate(Actor(role: .dispatcher, unitID: office, id: "a"), message))
    #expect(!Moderation.mayModerate(Actor(role: .dispatcher, unitID: UUID(), id: "b"), message))
    #expect(!Moderation.mayModerate(Actor(role: .handler, unitID: office, id: "c"), message))
    #expect(!Moderation.mayModerate(Actor(role: .supervisor, id: "d"), message))
    #expect(Moderation.mayModerate(Actor(role: .admin, id: "e"), message))
    #expect(StaffAccess.scope(of: .moderation, for: Actor(role: .dispatcher, unitID: office, id: "a")) == .unit(office))
    #expect(StaffAccess.scope(of: .moderation, for: Actor(role: .handler, unitID: office, id: "c")) == .none)
  }

  @Test func redaction_keepsTheOriginalWhenUnchanged_andChecksLengths() throws {
    let message = Message(
      id: UUID(), serial: Serial(year: 2026, number: 1), type: .complaint, title: "幸福小区施工", body: "原文",
      contact: Contact(name: "顾女士", phone: "13800138000"), createdAt: Date())
    #expect(try Moderation.redaction(title: "  ", body: "原文", of: message) == (nil, nil, nil))
    #expect(try Moderation.redaction(title: "某小区施工", body: nil, of: message) == ("某小区施工", nil, nil))
    var located = message
    located.location = Location(address: "幸福小区 3 栋 2 单元 501")
    #expect(try Moderation.redaction(title: nil, body: nil, address: "幸福小区", of: located) == (nil, nil, "幸福小区"))
    #expect(
      try Moderation.redaction(title: nil, body: nil, address: "幸福小区", hideAddress: true, of: located) == (nil, nil, "")
    )
    #expect(located.addressForPublic == "幸福小区 3 栋 2 单元 501")
    located.publicAddress = ""
    #expect(located.addressForPublic == nil)
    #expect(PublicCase.of(located, nameStyle: .address).address == nil)
    #expect(throws: ValidationError.self) {
      try Moderation.redaction(title: String(repeating: "长", count: 101), body: nil, of: message)
    }
    #expect(!message.isShownPublicly == false)
    var pending = message
    pending.publication = .pending
    #expect(!pending.isShownPublicly)
    pending.publicTitle = "某小区施工"
    #expect(pending.titleForPublic == "某小区施工")
  }
}

@Suite struct ScheduleTests {
  @Test func theShippedSchedule_loads() throws {
    let schedule = try SupervisionSchedule.bundledDefault()
    #expect(schedule.remindWithinHours == 24)
    #expect(schedule.autoCloseAfterDays == 7)
  }

  @Test func jobs_areDecidedFromTheRunningDeadline() throws {
    let calendar = try WorkingCalendar.bundledChina()
    let schedule = SupervisionSchedule()
    let due = Date(timeIntervalSince1970: 1_773_000_000)
    var message = Message(
      id: UUID(), serial: Serial(year: 2026, number: 7), type: .complaint, title: "t", body: "b",
      contact: Contact(name: "顾女士", phone: "13800138000"), status: .assigned, leadUnitID: UUID(), acceptanceDue: due,
      createdAt: due.addingTimeInterval(-7 * 86_400))
    #expect(
      Jobs.due(message, repliedAt: nil, schedule: schedule, calendar: calendar, at: due.addingTimeInterval(-30 * 3_600))
        == nil)
    #expect(
      Jobs.due(message, repliedAt: nil, schedule: schedule, calendar: calendar, at: due.addingTimeInterval(-3_600))
        == .remind(deadline: due, phase: .acceptance))
    #expect(
      Jobs.due(message, repliedAt: nil, schedule: schedule, calendar: calendar, at: due.addingTimeInterval(3_600))
        == nil)
    #expect(
      Jobs.due(message, repliedAt: nil, schedule: schedule, calendar: calendar, at: due.addingTimeInterval(24 * 3_600))
        == .supervise(deadline: due, phase: .acceptance))
    message.status = .replied
    let replied = due
    #expect(
      Jobs.due(
        message, repliedAt: replied, schedule: schedule, calendar: calendar, at: due.addingTimeInterval(6 * 86_400))
        == nil)
    #expect(
      Jobs.due(
        message, repliedAt: replied, schedule: schedule, calendar: calendar, at: due.addingTimeInterval(7 * 86_400))
        == .autoClose(repliedAt: replied))
    #expect(
      DueJob.remind(deadline: due, phase: .reply).key
        != DueJob.remind(deadline: due.addingTimeInterval(86_400), phase: .reply).key)
  }
}
