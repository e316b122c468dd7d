import Foundation
import MinshengCore
import Testing

/// 补充问题 (Open311 attributes): what an administrator writes, read back the same; answers checked by
/// datatype, every problem named `attribute[CODE]` at once.
@Suite struct ServiceQuestionsTests {
  static let lines = """
    KIND | singlevaluelist | 必填 | 问题属于哪一类 | light=路灯不亮; road=道路破损；cover=井盖缺失
    POLE | string | optional | 灯杆编号

    COUNT | number | required | 有几处
    SINCE | datetime | 选填 | 从什么时候开始
    WHEN | multivaluelist | optional | 什么时段 | am=上午; pm=下午
    NOTE | text | optional | 其他情况
    """

  @Test func anAdministratorsLines_readBackTheSame() throws {
    let questions = try ServiceQuestions.parse(Self.lines)
    #expect(questions.map(\.code) == ["KIND", "POLE", "COUNT", "SINCE", "WHEN", "NOTE"])
    #expect(questions.map(\.required) == [true, false, true, false, false, false])
    #expect(questions[0].choices.map(\.key) == ["light", "road", "cover"] && questions[0].choices[2].name == "井盖缺失")
    #expect(try ServiceQuestions.parse(ServiceQuestions.lines(questions)) == questions)
    #expect(try ServiceQuestions.parse("  \n") == [])
  }

  @Test func wrongLines_areRefusedWithTheirNumbers() {
    let cases: [(String, String)] = [
      ("A | string | optional", "error_question_line"),
      ("长 | string | optional | 问", "error_question_code"),
      ("A | date | optional | 问", "error_question_datatype"),
      ("A | string | maybe | 问", "error_question_required"),
      ("A | singlevaluelist | optional | 问", "error_question_choices"),
      ("A | string | optional | 问 | a=b", "error_question_choices"),
      ("A | singlevaluelist | optional | 问 | a=b; a=c", "error_question_choices"),
      ("A | string | optional | 问\nA | text | optional | 又问", "error_question_duplicate"),
    ]
    for (text, key) in cases {
      let error = #expect(throws: ValidationError.self) { try ServiceQuestions.parse(text) }
      guard case .invalid(let reason)? = error?.problems.first?.reason else {
        Issue.record("\(text): \(String(describing: error))")
        continue
      }
      #expect(reason.key == key, "\(text)")
      #expect(error?.problems.first?.field == "questions")
    }
    let many = (1...21).map { "Q\($0) | string | optional | 问题 \($0)" }.joined(separator: "\n")
    #expect(throws: ValidationError.self) { try ServiceQuestions.parse(many) }
  }

  @Test func answers_areCheckedByDatatype_andEveryProblemIsNamed() throws {
    let questions = try ServiceQuestions.parse(Self.lines)
    let answers = try ServiceQuestions.answers(
      to: questions,
      given: [
        "KIND": [" light "], "COUNT": ["3"], "SINCE": ["2026-11-01T08:30:00+08:00"], "WHEN": ["am", "pm", "am"],
        "UNASKED": ["x"], "POLE": [""],
      ])
    #expect(answers.map(\.code) == ["KIND", "COUNT", "SINCE", "WHEN"])
    #expect(answers[0].values == ["light"] && answers[0].shown == "路灯不亮" && answers[0].question == "问题属于哪一类")
    #expect(answers[3].values == ["am", "pm"] && answers[3].shown == "上午、下午")
    #expect(answers[1].shown == "3")

    let error = #expect(throws: ValidationError.self) {
      try ServiceQuestions.answers(
        to: questions,
        given: [
          "KIND": ["light", "road"], "SINCE": ["yesterday"], "WHEN": ["night"],
          "POLE": [String(repeating: "编", count: 201)],
        ])
    }
    let fields = Set(error?.problems.map(\.field) ?? [])
    #expect(
      fields == ["attribute[KIND]", "attribute[COUNT]", "attribute[SINCE]", "attribute[WHEN]", "attribute[POLE]"])
    #expect(error?.problems.first { $0.field == "attribute[COUNT]" }?.reason == .missing)
    #expect(throws: ValidationError.self) {
      try ServiceQuestions.answers(to: questions, given: ["KIND": ["light"], "COUNT": ["many"]])
    }
    #expect(throws: ValidationError.self) {
      try ServiceQuestions.answers(to: questions, given: ["KIND": ["light"], "COUNT": ["inf"]])
    }
    // No questions: nothing is asked, nothing kept.
    #expect(try ServiceQuestions.answers(to: [], given: ["KIND": ["light"]]) == [])
  }
}
