import Foundation
import Testing

@testable import MinshengCore

/// The knowledge entries a case's reply is likely to draw on come first (#22).
@Suite struct KnowledgeRelevanceTests {
  let noise = UUID()
  let roads = UUID()

  @Test func theEntryAboutTheCase_comesFirst_whateverItsPlaceInTheList() {
    let entries = [
      KnowledgeRelevance.Text(title: "噪音扰民答复模板", body: "夜间施工须取得许可，我们已通知城管执法。", categoryID: noise),
      KnowledgeRelevance.Text(title: "办理答复通用模板", body: "您好！您反映的问题已收悉，我们将认真办理。", categoryID: nil),
      KnowledgeRelevance.Text(title: "路灯不亮的处理", body: "路灯由市政设施管理处维护，报修后三个工作日内修复。", categoryID: roads),
    ]
    let lamp = KnowledgeRelevance.Text(title: "小区门口路灯不亮", body: "路灯坏了一个月，晚上出行不便。", categoryID: roads)
    #expect(KnowledgeRelevance.order(entries, for: lamp).first == 2)
    let works = KnowledgeRelevance.Text(title: "工地夜间施工噪音", body: "每晚十一点后仍在施工。", categoryID: noise)
    #expect(KnowledgeRelevance.order(entries, for: works).first == 0)
  }

  @Test func withNothingInCommon_theGivenOrderStands() {
    let entries = (0..<4).map { KnowledgeRelevance.Text(title: "条目\($0)", body: "", categoryID: nil) }
    let other = KnowledgeRelevance.Text(title: "完全无关", body: "", categoryID: nil)
    #expect(KnowledgeRelevance.order(entries, for: other) == [0, 1, 2, 3])
  }

  @Test func pairs_breakAtPunctuationAndSpaces() {
    #expect(KnowledgeRelevance.pairs(of: "路灯，不亮 A1") == ["路灯", "不亮", "a1"])
  }
}
