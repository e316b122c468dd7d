import Testing

@testable import MinshengText

@Suite struct TopicsTests {
  static let noise = [
    ("幸福里工地夜间施工噪音", "幸福里小区旁工地夜间施工噪音扰民，晚上十一点后还在打桩。"),
    ("夜间施工噪音扰民", "幸福里小区东侧工地夜间施工噪音很大，打桩声音吵得睡不着。"),
    ("工地夜间打桩噪音", "幸福里工地每天夜间打桩施工，噪音扰民，请查处夜间施工。"),
    ("投诉夜间施工噪音", "幸福里小区附近工地夜间施工，噪音扰民严重，希望停止夜间打桩。"),
  ]
  static let school = [
    ("学区划分不合理", "实验小学学区划分不合理，孩子入学要跨区，请教育局调整学区划分。"),
    ("小学学区划分问题", "今年实验小学学区划分调整后，孩子入学困难，学区划分不合理。"),
    ("反映学区划分", "实验小学学区划分把我们小区划出去了，孩子入学很远，请重新划分学区。"),
  ]
  static let others = [
    ("医保报销咨询", "请问异地就医医保报销需要哪些材料？"),
    ("路灯坏了", "人民路的路灯坏了一个月，晚上很黑。"),
  ]

  static func messages(_ list: [(String, String)], likes: Int? = nil) -> [TopicMessage] {
    list.map { TopicMessage(title: $0.0, body: $0.1, likes: likes) }
  }

  @Test func messagesAboutTheSameThing_formATopic_labelledByItsTerms() {
    let current =
      Self.messages(Self.noise, likes: 3) + Self.messages(Self.school, likes: 1) + Self.messages(Self.others)
    let previous = Self.messages(Array(Self.noise.prefix(2))) + Self.messages(Self.others)
    let topics = TopicFinder().topics(current: current, previous: previous)
    #expect(topics.count == 2, "\(topics.map(\.label))")
    let noise = topics[0]
    #expect(noise.size == 4)
    #expect(noise.previousSize == 2)
    #expect(noise.growth == 1)
    #expect(noise.likes == 12)
    #expect(noise.label.contains("噪音") || noise.label.contains("夜间施工") || noise.label.contains("打桩"), "\(noise.label)")
    #expect(noise.terms.count <= 3 && !noise.terms.isEmpty)
    #expect(noise.terms.allSatisfy(TopicFinder.isTerm))
    let school = topics[1]
    #expect(school.size == 3)
    #expect(school.previousSize == 0 && school.growth == nil)
    #expect(school.label.contains("学区") || school.label.contains("划分"), "\(school.label)")
    #expect(school.titles.count == 3)
  }

  @Test func aPeriodWithoutRepeats_hasNoTopics_andTheResultIsStable() {
    #expect(TopicFinder().topics(current: Self.messages(Self.others)).isEmpty)
    #expect(TopicFinder().topics(current: []).isEmpty)
    let current = Self.messages(Self.noise + Self.school)
    #expect(TopicFinder().topics(current: current) == TopicFinder().topics(current: current))
  }
}
