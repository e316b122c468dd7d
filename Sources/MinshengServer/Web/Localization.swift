import Foundation
import MinshengCore

/// The language of the public pages: Chinese first, English on request (`/lang/en`).
enum PageLanguage: String, Sendable, CaseIterable {
  case zh
  case en

  /// The `lang` attribute of the page.
  var htmlTag: String { self == .zh ? "zh-CN" : "en" }

  /// The other language, for the switch in the header.
  var other: PageLanguage { self == .zh ? .en : .zh }

  /// The interface texts of this language, by key.
  var texts: [String: String] { self == .zh ? PageTexts.chinese : PageTexts.english }

  /// One interface text.
  func text(_ key: String) -> String { texts[key] ?? PageTexts.chinese[key] ?? key }

  /// A status as citizens read it.
  func status(_ status: Status) -> String {
    guard self == .en else { return status.chinese }
    switch status {
    case .received: return "Awaiting dispatch"
    case .assigned: return "Awaiting acceptance"
    case .accepted: return "Being handled"
    case .extensionRequested: return "Extension requested"
    case .reviewing: return "Reply under review"
    case .returned: return "Returned for re-dispatch"
    case .replied: return "Replied"
    case .reopenRequested: return "Reopen requested"
    case .closed: return "Closed"
    }
  }

  /// A message type as the write form offers it.
  func type(_ type: MessageType) -> String {
    switch (self, type) {
    case (.zh, .complaint): return "投诉"
    case (.zh, .help): return "求助"
    case (.zh, .consultation): return "咨询"
    case (.zh, .suggestion): return "建言"
    case (.zh, .thanks): return "感谢"
    case (.en, .complaint): return "Complaint"
    case (.en, .help): return "Request for help"
    case (.en, .consultation): return "Question"
    case (.en, .suggestion): return "Suggestion"
    case (.en, .thanks): return "Thanks"
    }
  }

  /// A satisfaction level.
  func level(_ level: SatisfactionLevel) -> String {
    guard self == .en else { return level.chinese }
    switch level {
    case .verySatisfied: return "Very satisfied"
    case .satisfied: return "Satisfied"
    case .basicallySatisfied: return "Fairly satisfied"
    case .unsatisfied: return "Unsatisfied"
    case .veryUnsatisfied: return "Very unsatisfied"
    }
  }

  /// How long is left on a running deadline, or how far past it: 还剩 3 个工作日, 已超期 2 天.
  func timeLeft(_ deadline: DeadlineStatus) -> String? {
    guard deadline.phase != .none, deadline.due != nil else { return nil }
    if deadline.isOverdue {
      let days = max(deadline.daysOverdue, 1)
      return self == .zh ? "已超期 \(days) 天" : "\(days) day\(days == 1 ? "" : "s") overdue"
    }
    if deadline.workingDaysLeft <= 0 { return self == .zh ? "今天到期" : "Due today" }
    let days = deadline.workingDaysLeft
    return self == .zh ? "还剩 \(days) 个工作日" : "\(days) working day\(days == 1 ? "" : "s") left"
  }

  /// A date and time in Beijing time: 2026年12月1日 14:30 / 2026-12-01 14:30.
  func dateTime(_ date: Date) -> String { dateTime(BeijingTime(date)) }

  private func dateTime(_ t: BeijingTime) -> String {
    let time = Self.twoDigits(t.hour) + ":" + Self.twoDigits(t.minute)
    return self == .zh
      ? "\(t.year)年\(t.month)月\(t.day)日 " + time
      : "\(t.year)-" + Self.twoDigits(t.month) + "-" + Self.twoDigits(t.day) + " " + time
  }

  /// A deadline: one at midnight is the end of the day before (2026年12月22日), others with the time.
  func deadline(_ due: Date) -> String {
    let t = BeijingTime(due)
    if t.hour == 0, t.minute == 0, t.second == 0 { return date(due.addingTimeInterval(-1)) }
    return dateTime(t)
  }

  /// A date in Beijing time: 2026年12月1日 / 2026-12-01.
  func date(_ date: Date) -> String {
    let t = BeijingTime(date)
    return self == .zh
      ? "\(t.year)年\(t.month)月\(t.day)日" : "\(t.year)-" + Self.twoDigits(t.month) + "-" + Self.twoDigits(t.day)
  }

  private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }

  /// Hours as the figures show them: 36 小时, 2.5 天.
  func duration(hours: Double?) -> String {
    guard let hours else { return "—" }
    if hours < 48 {
      let value = Int(hours.rounded())
      return self == .zh ? "\(value) 小时" : "\(value) h"
    }
    let days = (hours / 24 * 10).rounded() / 10
    return self == .zh ? "\(days.formatted(.number)) 天" : "\(days.formatted(.number)) days"
  }

  /// A share as a percentage, or a dash when there is nothing to count.
  func percent(_ value: Double?) -> String {
    guard let value else { return "—" }
    return "\(Int((value * 100).rounded()))%"
  }

  /// Beijing time as Foundation computes it (from the time-zone database).
  static let beijing: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3_600)!
    return calendar
  }()
}

/// The interface texts. Both tables have the same keys (a test checks it).
enum PageTexts {
  static let chinese: [String: String] = [
    "site": "民生之声", "tagline": "件件有着落，事事有回音", "nav_home": "首页", "nav_write": "我要留言",
    "nav_list": "留言查询", "nav_track": "办理进度", "switch": "English", "skip": "跳到正文",
    "search_label": "搜索留言和答复", "search_button": "搜索", "search_placeholder": "例如：噪音、停车、学位",
    "boards": "领导留言板", "this_year": "今年留言", "reply_rate": "答复率", "median_reply": "答复用时（中位数）",
    "satisfaction": "满意率", "latest_replied": "最新答复", "write_to": "给TA留言", "more": "更多留言",
    "list_title": "留言查询", "filter": "筛选", "all": "全部", "region": "地区", "board": "留言板",
    "unit": "办理单位", "type": "类型", "category": "领域", "status": "状态", "from": "起始日期", "to": "截止日期",
    "apply": "查询", "no_results": "没有找到符合条件的留言。", "next_page": "下一页", "results_for": "搜索结果：",
    "serial": "编号", "received_at": "留言时间", "timeline": "办理过程", "reply": "答复", "replied_by": "答复单位",
    "evaluation": "网友评价", "resolution": "解决程度", "attitude": "办理态度", "speed": "办理速度",
    "thanks_letter": "感谢信", "merged_note": "另有 %d 位网友反映了同一问题", "merged_into": "此留言已与同类留言合并办理：",
    "images": "图片", "author": "留言人", "lead_unit": "办理单位", "no_reply_yet": "尚未答复。",
    "write_title": "我要留言", "write_intro": "请如实填写。留言经审核后公开，联系方式不会公开。",
    "choose_board": "写给", "by_region": "不确定写给谁？按地区由系统分派", "choose_region": "所在地区",
    "choose_type": "留言类型", "choose_category": "问题领域", "not_sure": "不确定", "title": "标题",
    "body": "内容", "body_hint": "请写明时间、地点和具体问题，最多 2000 字。", "chars": "字", "address": "地址（可选）", "address_label": "地址",
    "address_hint": "例如：示范区某某路 18 号附近", "photos": "图片（可选，最多 3 张，JPEG/PNG/WebP，每张不超过 5 MB）",
    "visibility": "是否公开", "public_yes": "公开（隐去联系方式）", "public_no": "不公开，仅办理单位可见",
    "contact": "联系方式（不公开）", "name": "姓名或称呼", "name_hint": "例如：顾女士", "mobile": "手机号码",
    "consent": "我确认所填内容真实，同意办理单位为办理本留言使用我的联系方式。", "submit": "提交留言",
    "errors": "请修改以下内容：", "written_title": "留言已提交", "written_serial": "留言编号",
    "written_code": "查询码", "written_code_hint": "请记下查询码，凭它查看办理进度、评价和写感谢信。查询码只显示这一次。",
    "written_promise": "受理期限", "written_promise_text": "交办后%@内签收受理；如今天交办，最迟 %@。",
    "track_title": "办理进度", "track_intro": "输入留言时得到的查询码。", "track_code": "查询码", "track_button": "查询",
    "track_forget": "退出查询", "deadline": "当前期限", "evaluate_title": "评价答复",
    "evaluate_intro": "1 分最差，5 分最好。评价为不满意时将申请重新办理。", "comment": "意见（可选）",
    "evaluate_button": "提交评价", "thanks_title": "写感谢信", "thanks_body": "感谢信内容", "thanks_sign": "署名",
    "thanks_button": "发送感谢信", "private_note": "这条留言不公开，只有您和办理单位能看到。", "received": "收到",
    "replied": "已答复", "thanks_count": "感谢信", "unit_messages": "办理的留言", "board_messages": "收到的留言",
    "figures_year": "%d 年数据", "not_found_title": "未找到", "error_title": "出错了", "back_home": "返回首页",
    "footer": "民生之声 · 开源的群众留言办理平台 · 联系方式一律不公开", "view_all": "查看全部",
    "code": "短信验证码", "send_code": "获取验证码", "code_hint": "验证码发送到上面的手机号码，10 分钟内有效。",
    "code_sent": "验证码已发送至 %@，10 分钟内有效。", "code_images_again": "如已选择图片，请重新选择。",
    "phone_verified": "手机号已验证：%@", "pending_note": "您的留言将在审核后公开显示；审核期间照常交办办理。",
    "publication": "公开状态", "publication_pending": "待审核，审核通过后公开", "publication_published": "已公开",
    "publication_withheld": "不予公开（照常办理）", "nav_account": "我的留言", "account_title": "我的留言",
    "account_intro": "用手机号码和短信验证码登录，查看您用这个号码写的全部留言，包括不公开的留言。",
    "login": "登录", "logout": "退出登录", "account_empty": "这个号码还没有留言。", "account_phone": "当前号码：%@",
    "open_case": "查看办理进度", "suggested": "系统建议领域：", "use_suggestion": "采用",
    "overdue_title": "督办公开", "overdue_intro": "以下留言在督办通知发出 %d 个工作日后仍未办理完毕，予以公开。",
    "overdue_none": "目前没有督办后仍超期的留言。", "overdue_unit": "办理单位", "overdue_noticed": "督办于",
    "nav_overdue": "督办公开",
  ]

  static let english: [String: String] = [
    "site": "Minsheng", "tagline": "Every message answered, every case accounted for", "nav_home": "Home",
    "nav_write": "Write a message", "nav_list": "Browse", "nav_track": "Track", "switch": "中文",
    "skip": "Skip to content", "search_label": "Search messages and replies", "search_button": "Search",
    "search_placeholder": "e.g. noise, parking, school places", "boards": "Leaders' boards",
    "this_year": "Messages this year", "reply_rate": "Reply rate", "median_reply": "Median time to reply",
    "satisfaction": "Satisfaction", "latest_replied": "Latest replies", "write_to": "Write", "more": "More messages",
    "list_title": "Messages", "filter": "Filter", "all": "All", "region": "Region", "board": "Board", "unit": "Unit",
    "type": "Type", "category": "Area", "status": "Status", "from": "From", "to": "Until", "apply": "Apply",
    "no_results": "No messages match.", "next_page": "Next page", "results_for": "Results for: ", "serial": "No.",
    "received_at": "Written", "timeline": "How it was handled", "reply": "Reply", "replied_by": "Replied by",
    "evaluation": "Author's evaluation", "resolution": "Resolution", "attitude": "Attitude", "speed": "Speed",
    "thanks_letter": "Thanks letter", "merged_note": "%d other people reported the same problem",
    "merged_into": "Handled together with: ", "images": "Images", "author": "Author", "lead_unit": "Unit",
    "no_reply_yet": "No reply yet.", "write_title": "Write a message",
    "write_intro": "Messages are published after moderation. Contact details are never published.",
    "choose_board": "To", "by_region": "Not sure? Let the region decide", "choose_region": "Region",
    "choose_type": "Type", "choose_category": "Area", "not_sure": "Not sure", "title": "Title", "body": "Message",
    "body_hint": "Say when, where and what; at most 2,000 characters.", "chars": "characters",
    "address": "Address (optional)", "address_label": "Address", "address_hint": "e.g. near 18 Example Road",
    "photos": "Images (optional, up to 3, JPEG/PNG/WebP, 5 MB each)", "visibility": "Publish",
    "public_yes": "Public (contact details hidden)", "public_no": "Private, for the handling units only",
    "contact": "Contact (never published)", "name": "Name or form of address", "name_hint": "e.g. Ms Gu",
    "mobile": "Mobile number",
    "consent": "The above is true; the units handling this message may use my contact details to do so.",
    "submit": "Send", "errors": "Please correct the following:", "written_title": "Message received",
    "written_serial": "Message number", "written_code": "Tracking code",
    "written_code_hint": "Keep this code: it lets you follow, evaluate and thank. It is shown only once.",
    "written_promise": "Acceptance deadline",
    "written_promise_text": "Accepted within %@ of dispatch; by %@ at the latest if dispatched today.",
    "track_title": "Track a message",
    "track_intro": "Enter the tracking code you were given.", "track_code": "Tracking code", "track_button": "Track",
    "track_forget": "Stop tracking", "deadline": "Current deadline", "evaluate_title": "Evaluate the reply",
    "evaluate_intro": "1 is worst, 5 is best. An unsatisfied evaluation asks for the case to be reopened.",
    "comment": "Comment (optional)", "evaluate_button": "Send evaluation", "thanks_title": "Write a thanks letter",
    "thanks_body": "Your letter", "thanks_sign": "Signed", "thanks_button": "Send thanks letter",
    "private_note": "This message is private: only you and the handling units see it.", "received": "Received",
    "replied": "Replied", "thanks_count": "Thanks letters", "unit_messages": "Messages handled",
    "board_messages": "Messages received", "figures_year": "Figures for %d", "not_found_title": "Not found",
    "error_title": "Something went wrong", "back_home": "Back to the home page",
    "footer": "Minsheng · open-source platform for citizens' messages · contact details are never published",
    "view_all": "View all",
    "code": "SMS code", "send_code": "Send code",
    "code_hint": "The code goes to the mobile number above and is valid for 10 minutes.",
    "code_sent": "A code was sent to %@; it is valid for 10 minutes.",
    "code_images_again": " If you chose images, choose them again.",
    "phone_verified": "Mobile number verified: %@",
    "pending_note": "Your message will be published after moderation; it is dispatched and handled meanwhile.",
    "publication": "Publication", "publication_pending": "Waiting for moderation", "publication_published": "Published",
    "publication_withheld": "Not published (still handled)", "nav_account": "My messages",
    "account_title": "My messages",
    "account_intro":
      "Log in with your mobile number and an SMS code to see every message you wrote with it, private ones included.",
    "login": "Log in", "logout": "Log out", "account_empty": "No messages were written with this number.",
    "account_phone": "Number: %@", "open_case": "Track", "suggested": "Suggested area: ", "use_suggestion": "Use",
    "overdue_title": "Still overdue after a notice",
    "overdue_intro": "These messages are still not handled %d working days after a formal supervision notice.",
    "overdue_none": "No message is overdue after a notice.", "overdue_unit": "Unit", "overdue_noticed": "Notice sent",
    "nav_overdue": "Overdue after notice",
  ]
}

/// A moment on the clock in Beijing. Since China's last daylight-saving summer (1991) that is UTC+8
/// all year, which is plain arithmetic; earlier moments ask the time-zone database. Queue pages show
/// a few hundred dates each, and Foundation's calendar was a twentieth of their time.
struct BeijingTime: Equatable {
  var year: Int
  var month: Int
  var day: Int
  var hour: Int
  var minute: Int
  var second: Int

  /// 1992-01-01 00:00 in Beijing, after which the offset never changed.
  static let fixedOffsetSince: Double = 694_195_200

  init(_ date: Date) {
    let seconds = date.timeIntervalSince1970
    guard seconds >= Self.fixedOffsetSince, seconds < 1e12 else {
      let parts = PageLanguage.beijing.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
      (year, month, day) = (parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
      (hour, minute, second) = (parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
      return
    }
    let local = Int((seconds + 8 * 3_600).rounded(.down))
    let days = local / 86_400
    let time = local % 86_400
    (hour, minute, second) = (time / 3_600, time % 3_600 / 60, time % 60)
    // Days since 1970-01-01 to the civil date (H. Hinnant's algorithm, for days ≥ 0).
    let z = days + 719_468
    let era = z / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthIndex = (5 * dayOfYear + 2) / 153
    day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
    month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
    year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  }
}
