import Testing

@testable import MinshengText

@Suite struct DuplicatesTests {
  static let original = (
    "小区旁工地夜间施工噪音扰民",
    "我们是幸福里小区的居民，小区东侧工地每天晚上十一点以后还在打桩施工，噪音很大，老人孩子都睡不好。多次向工地反映无果，希望有关部门核查夜间施工许可，督促整改。"
  )

  @Test func anEditedCopy_isFound_andADifferentMessageIsNot() {
    var index = DuplicateIndex(expected: 16)
    index.add(MinHashSignature(title: Self.original.0, body: Self.original.1), key: 1)
    index.add(
      MinHashSignature(
        title: "学区划分不合理", body: "孩子今年上小学，离家最近的学校不能就读，学区划分不合理，请教育局重新研究。"), key: 2)
    index.add(
      MinHashSignature(title: "路灯不亮", body: "幸福里小区门口的路灯坏了一个多月，晚上很黑，居民出行不安全，请尽快维修。"), key: 3)
    #expect(index.count == 3)

    // Re-typed by a hotline operator: a sentence dropped, a phone number and a polite closing added.
    let copy = MinHashSignature(
      title: "反映小区旁工地夜间施工噪音扰民",
      body: "我们是幸福里小区的居民，小区东侧工地每天晚上十一点以后还在打桩施工，噪音很大，老人孩子都睡不好。希望有关部门核查夜间施工许可，督促整改。我的电话13812345678，请尽快处理。"
    )
    let found = index.candidates(of: copy)
    #expect(found.map(\.key) == [1])
    #expect(found[0].similarity >= DuplicateIndex.threshold && found[0].similarity < 1)

    let unrelated = MinHashSignature(title: "医保报销咨询", body: "请问异地就医的医保报销需要准备哪些材料，办理流程是怎样的？")
    #expect(index.candidates(of: unrelated).isEmpty)
  }

  @Test func signatures_areDeterministic_andEstimateSimilarity() {
    let a = MinHashSignature(title: Self.original.0, body: Self.original.1)
    #expect(a == MinHashSignature(title: Self.original.0, body: Self.original.1))
    #expect(a.similarity(to: a) == 1)
    // Full-width digits and spacing do not change the signature: the text is normalised first.
    #expect(
      MinHashSignature(title: "路灯　不亮", body: "门口１２号路灯坏了") == MinHashSignature(title: "路灯不亮", body: "门口12号路灯坏了"))
    let empty = MinHashSignature(title: "", body: "")
    #expect(empty.values.allSatisfy { $0 == .max })
  }

  @Test func candidates_areRankedAndLimited() {
    var index = DuplicateIndex(expected: 16)
    for key in 0..<5 {
      index.add(
        MinHashSignature(title: Self.original.0, body: Self.original.1 + String(repeating: "。", count: key)),
        key: Int32(key))
    }
    let found = index.candidates(of: MinHashSignature(title: Self.original.0, body: Self.original.1), limit: 3)
    #expect(found.count == 3)
    #expect(found.map(\.similarity) == found.map(\.similarity).sorted(by: >))
  }
}
