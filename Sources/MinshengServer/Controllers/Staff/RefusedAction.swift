import MinshengCore

/// An action form the server refused: shown again open, as it was typed, each error beside its field
/// (`aria-invalid`) and in the summary at the top, linked to that field.
struct RefusedAction: Sendable {
  var action: Action
  var form: CaseController.ActionFields
  /// Each problem with the field it concerns, as errors name fields ("" when no one field is at fault).
  var problems: [(field: String, text: String)]

  /// The form's fields as typed, and the errors of those the form has.
  var typed: TypedAction {
    var typed = TypedAction()
    typed.instruction = form.instruction ?? ""
    typed.reason = form.reason ?? ""
    typed.note = form.note ?? ""
    typed.workingDays = form.working_days ?? ""
    typed.body = form.body ?? ""
    typed.comment = form.comment ?? ""
    typed.into = form.into_serial ?? ""
    typed.contactedAt = form.contacted_at ?? ""
    typed.returnCode = form.return_code ?? ""
    for problem in problems {
      if let suffix = TypedAction.Problems.suffix(of: problem.field) { typed.problems.set(suffix, problem.text) }
    }
    return typed
  }

  /// The summary: one line per problem, linked to its field where the form has one.
  func summary(_ language: Language) -> [ErrorLine] {
    problems.map { problem in
      guard !problem.field.isEmpty else { return ErrorLine(text: problem.text) }
      let text = CaseController.label(problem.field, language) + language.text("field_separator") + problem.text
      guard let suffix = TypedAction.Problems.suffix(of: problem.field) else { return ErrorLine(text: text) }
      return ErrorLine(text: text, href: "#\(action.rawValue)-\(suffix)")
    }
  }
}
