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

  /// A topic is named by words its members' titles actually contain, never by fragments cut across
  /// words ("售过期·市销售·期食品", #22); its examples carry the messages' identifiers for links.
  @Test func aTopicsLabel_isInItsTitles_andItsExamplesCarryTheirIDs() {
    // Titles that share no phrase of half of them: the label is the title holding most terms.
    let food = [
      ("超市售卖过期食品", "城南超市销售过期食品，货架上的酸奶过期三天仍在销售，请市场监管部门查处城南超市销售过期食品。"),
      ("某超市销售过期面包", "城南超市销售过期食品，买到的面包过期两天，请市场监管部门查处城南超市销售过期食品。"),
      ("投诉超市卖过期零食", "城南超市销售过期食品，零食包装上的日期早已过期，请市场监管部门查处城南超市销售过期食品。"),
      ("过期牛奶还在卖", "城南超市销售过期食品，牛奶过期一周还摆在货架上，请市场监管部门查处城南超市销售过期食品。"),
    ]
    let current =
      food.enumerated().map { TopicMessage(id: "m\($0.offset)", title: $0.element.0, body: $0.element.1) }
      + Self.messages(Self.others)
    let topics = TopicFinder().topics(current: current)
    guard let topic = topics.first else {
      Issue.record("no topic found")
      return
    }
    #expect(topic.size == 4)
    let titles = food.map(\.0)
    #expect(
      titles.contains { $0.contains(topic.label.replacingOccurrences(of: "…", with: "")) },
      "the label \(topic.label) is in a title")
    #expect(!topic.label.contains("·"))
    #expect(topic.examples.count == 3)
    for example in topic.examples {
      let index = example.id.flatMap { Int($0.dropFirst()) } ?? -1
      #expect(food.indices.contains(index) && food[index].0 == example.title, "\(example)")
    }
    // Shared phrases still name the topic when half the titles have one.
    let noise = TopicFinder().topics(current: Self.messages(Self.noise))[0]
    #expect(Self.noise.filter { $0.0.contains(noise.label) }.count >= 2, "\(noise.label)")
  }

  @Test func aPeriodWithoutRepeats_hasNoTopics_andTheResultIsStable() {
    #expect(TopicFinder().topics(current: Self.messages(Self.others)).isEmpty)
    #expect(TopicFinder().topics(current: []).isEmpty)
    let current = Self.messages(Self.noise + Self.school)
    #expect(TopicFinder().topics(current: current) == TopicFinder().topics(current: current))
  }
}
