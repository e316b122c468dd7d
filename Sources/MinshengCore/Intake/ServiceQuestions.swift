import Foundation

/// 补充问题: what a category asks beyond the text (Open311's service attributes) — the pole number of
/// a street light, whether water is still leaking. A partner's request answers them; staff read the
/// answers on the case. They are never public: an answer may say where someone lives.
public struct ServiceQuestion: Sendable, Equatable, Codable {
  /// Open311's datatypes.
  public enum DataType: String, Sendable, Codable, CaseIterable {
    case string, number, datetime, text, singlevaluelist, multivaluelist

    public var isList: Bool { self == .singlevaluelist || self == .multivaluelist }
  }

  /// One allowed answer of a list: the key sent, the name shown.
  public struct Choice: Sendable, Equatable, Codable {
    public var key: String
    public var name: String

    public init(key: String, name: String) {
      self.key = key
      self.name = name
    }
  }

  /// The attribute's code: letters, digits, `_` and `-`, at most 40.
  public var code: String
  public var datatype: DataType
  public var required: Bool
  /// The question as asked.
  public var question: String
  public var choices: [Choice]

  public init(code: String, datatype: DataType, required: Bool, question: String, choices: [Choice] = []) {
    self.code = code
    self.datatype = datatype
    self.required = required
    self.question = question
    self.choices = choices
  }

  /// Longest answer of `string`, and of `text`, in characters.
  public static let maxStringLength = 200
  public static let maxTextLength = 2_000
}

/// An answer as stored on the message: the question as it was asked then, and the values (a list's
/// keys, with their names).
public struct ServiceAnswer: Sendable, Equatable, Codable {
  public var code: String
  public var question: String
  public var values: [String]
  /// The names of a list's values, in the same order; empty for other datatypes.
  public var names: [String]

  public init(code: String, question: String, values: [String], names: [String] = []) {
    self.code = code
    self.question = question
    self.values = values
    self.names = names
  }

  /// The answer as staff read it.
  public var shown: String {
    (names.isEmpty ? values : names).joined(separator: LocalizedText("list_separator").chinese)
  }
}

public enum ServiceQuestions {
  /// The answers to `questions` from what was sent (code → values), in the questions' order: every
  /// required one answered, each answer of its datatype; what no question asks is left out. Every
  /// problem is reported at once, each named `attribute[CODE]`.
  public static func answers(
    to questions: [ServiceQuestion], given: [String: [String]]
  ) throws(ValidationError) -> [ServiceAnswer] {
    var answers: [ServiceAnswer] = []
    var problems: [ValidationError.Problem] = []
    for question in questions {
      let field = "attribute[\(question.code)]"
      let values = (given[question.code] ?? []).map(\.trimmedOfWhitespace).filter { !$0.isEmpty }
      guard !values.isEmpty else {
        if question.required { problems.append(.init(field: field, reason: .missing)) }
        continue
      }
      var names: [String] = []
      var problem: ValidationError.Reason?
      switch question.datatype {
      case .string, .text:
        let limit = question.datatype == .string ? ServiceQuestion.maxStringLength : ServiceQuestion.maxTextLength
        if values.count > 1 { problem = .invalid(LocalizedText("error_attribute_one")) }
        if !values[0].hasAtMost(limit) { problem = .tooLong(max: limit) }
      case .number:
        if values.count > 1 || Double(values[0]).map({ !$0.isFinite }) ?? true {
          problem = .invalid(LocalizedText("error_attribute_number"))
        }
      case .datetime:
        if values.count > 1 || ISO8601DateFormatter().date(from: values[0]) == nil {
          problem = .invalid(LocalizedText("error_attribute_datetime"))
        }
      case .singlevaluelist, .multivaluelist:
        if question.datatype == .singlevaluelist, values.count > 1 {
          problem = .invalid(LocalizedText("error_attribute_one"))
        }
        for value in values {
          guard let choice = question.choices.first(where: { $0.key == value }) else {
            problem = .invalid(LocalizedText("error_attribute_choice", ["value": .plain(value)]))
            break
          }
          if !names.contains(choice.name) { names.append(choice.name) }
        }
      }
      if let problem {
        problems.append(.init(field: field, reason: problem))
        continue
      }
      var kept: [String] = []
      for value in values where !kept.contains(value) { kept.append(value) }
      answers.append(ServiceAnswer(code: question.code, question: question.question, values: kept, names: names))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return answers
  }

  // MARK: - As an administrator writes them

  /// The questions from an administrator's lines, one question to a line:
  /// `CODE | datatype | required or optional | question | key=name; key=name` (the choices only for a
  /// list; `必填` and `选填` may stand for required and optional). Blank lines are skipped; each wrong
  /// line is reported with its number.
  public static func parse(_ text: String) throws(ValidationError) -> [ServiceQuestion] {
    var questions: [ServiceQuestion] = []
    var problems: [ValidationError.Problem] = []
    for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      let line = String(raw).trimmedOfWhitespace
      guard !line.isEmpty else { continue }
      func refuse(_ key: String) {
        problems.append(
          .init(
            field: "questions",
            reason: .invalid(LocalizedText(key, ["line": .number(index + 1), "text": .plain(line)]))))
      }
      let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmedOfWhitespace }
      guard parts.count >= 4, parts.count <= 5 else {
        refuse("error_question_line")
        continue
      }
      let code = parts[0]
      guard (1...40).contains(code.count),
        code.unicodeScalars.allSatisfy({
          CharacterSet.alphanumerics.contains($0) && $0.isASCII || "_-".unicodeScalars.contains($0)
        })
      else {
        refuse("error_question_code")
        continue
      }
      guard let datatype = ServiceQuestion.DataType(rawValue: parts[1].lowercased()) else {
        refuse("error_question_datatype")
        continue
      }
      let required: Bool
      switch parts[2].lowercased() {
      case "required", LocalizedText("question_required").chinese, "true": required = true
      case "optional", LocalizedText("question_optional").chinese, "false", "": required = false
      default:
        refuse("error_question_required")
        continue
      }
      let question = parts[3]
      guard (1...200).contains(question.count) else {
        refuse("error_question_text")
        continue
      }
      var choices: [ServiceQuestion.Choice] = []
      for item in (parts.count == 5 ? parts[4] : "").split(whereSeparator: { $0 == ";" || $0 == "\u{FF1B}" }) {
        let pair = item.split(separator: "=", maxSplits: 1).map { String($0).trimmedOfWhitespace }
        guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty, !choices.contains(where: { $0.key == pair[0] })
        else {
          choices = []
          break
        }
        choices.append(.init(key: pair[0], name: pair[1]))
      }
      guard datatype.isList ? !choices.isEmpty : (parts.count == 4 || parts[4].isEmpty) else {
        refuse("error_question_choices")
        continue
      }
      guard !questions.contains(where: { $0.code == code }) else {
        refuse("error_question_duplicate")
        continue
      }
      questions.append(
        ServiceQuestion(code: code, datatype: datatype, required: required, question: question, choices: choices))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    guard questions.count <= 20 else {
      throw ValidationError(field: "questions", reason: .invalid(LocalizedText("error_question_count")))
    }
    return questions
  }

  /// The questions as lines that `parse` reads back.
  public static func lines(_ questions: [ServiceQuestion]) -> String {
    questions.map { question in
      var parts = [
        question.code, question.datatype.rawValue, question.required ? "required" : "optional", question.question,
      ]
      if question.datatype.isList {
        parts.append(question.choices.map { "\($0.key)=\($0.name)" }.joined(separator: "; "))
      }
      return parts.joined(separator: " | ")
    }.joined(separator: "\n")
  }
}
