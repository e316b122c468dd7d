import Foundation
import MinshengCore

// The administration pages: each section is a few tables (a row each, with its forms) and the forms
// that add a row, all described here and drawn by one template (staff/admin, staff/admin-form).

struct AdminContent: Encodable, Sendable {
  var heading: String
  var links: [NavLink]
  var intro: String
  var tables: [AdminTable]
  var forms: [AdminForm]
}

struct AdminTable: Encodable, Sendable {
  var id: String
  var title: String
  var headers: [String]
  var rows: [AdminRow]
  var hasForms: Bool

  init(id: String, title: String, headers: [String], rows: [AdminRow]) {
    (self.id, self.title, self.headers, self.rows) = (id, title, headers, rows)
    hasForms = rows.contains { !$0.forms.isEmpty }
  }
}

struct AdminRow: Encodable, Sendable {
  var id: String
  var cells: [String]
  var forms: [AdminForm]
}

struct AdminForm: Encodable, Sendable {
  var id: String
  var title: String
  var action: String
  /// Whether the form adds a row (its values come back after a refusal).
  var isAdd = false
  var submit: String
  var intro: String = ""
  var multipart = false
  var danger = false
  var fields: [AdminField]
  /// Shown open: the row's form the server just refused.
  var open = false

  /// The form with the values that were sent (after a refused change), passwords excepted, when it
  /// is the form that sent them (`_form`; an add form when a request does not say).
  func prefilled(_ values: [String: String]) -> AdminForm {
    guard !values.isEmpty, values["_form"].map({ $0 == id }) ?? isAdd else { return self }
    var form = self
    form.open = true
    form.fields = fields.map { field in
      var field = field
      guard field.kind != "password", field.kind != "file" else { return field }
      let value = values[field.name] ?? ""
      switch field.kind {
      case "checkbox": field.checked = value == "yes"
      case "select":
        field.options = field.options.map { Option(value: $0.value, label: $0.label, selected: $0.value == value) }
        // A value sent that the list does not hold (a region since removed, a crafted request) stays
        // chosen, so that sending the form again does not quietly pick the first option instead.
        if !value.isEmpty, !field.options.contains(where: { $0.value == value }) {
          field.options.append(Option(value: value, label: value, selected: true))
        }
      default: field.value = value
      }
      return field
    }
    return form
  }
}

struct AdminField: Encodable, Sendable {
  var name: String
  var label: String
  var kind: String
  var value = ""
  var required = false
  var maxlength = 100
  var rows = 4
  var checked = false
  var options: [Option] = []
  var hint = ""

  static func text(
    _ name: String, _ label: String, _ value: String, required: Bool = false, maxlength: Int, hint: String = ""
  ) -> AdminField {
    AdminField(
      name: name, label: label, kind: "text", value: value, required: required, maxlength: maxlength, hint: hint)
  }

  static func textarea(
    _ name: String, _ label: String, _ value: String, required: Bool, maxlength: Int, rows: Int
  ) -> AdminField {
    AdminField(
      name: name, label: label, kind: "textarea", value: value, required: required, maxlength: maxlength, rows: rows)
  }

  static func select(
    _ name: String, _ label: String, _ options: [Option], required: Bool = false, hint: String = ""
  ) -> AdminField {
    AdminField(name: name, label: label, kind: "select", required: required, options: options, hint: hint)
  }

  static func checkbox(_ name: String, _ label: String, checked: Bool) -> AdminField {
    AdminField(name: name, label: label, kind: "checkbox", checked: checked)
  }

  static func password(_ name: String, _ label: String) -> AdminField {
    AdminField(name: name, label: label, kind: "password", required: true, maxlength: 128)
  }

  /// A value the form carries back unseen (which row, which version of the rules).
  static func hidden(_ name: String, _ value: String) -> AdminField {
    AdminField(name: name, label: "", kind: "hidden", value: value)
  }

  /// A whole number (the browser offers a numeric keyboard on a phone).
  static func number(
    _ name: String, _ label: String, _ value: String, required: Bool = false, hint: String = ""
  ) -> AdminField {
    AdminField(name: name, label: label, kind: "number", value: value, required: required, maxlength: 6, hint: hint)
  }

  /// A day (YYYY-MM-DD), picked from a calendar in the browser.
  static func date(_ name: String, _ label: String, required: Bool = false) -> AdminField {
    AdminField(name: name, label: label, kind: "date", required: required, maxlength: 10)
  }

  static func file(_ name: String, _ label: String) -> AdminField {
    AdminField(name: name, label: label, kind: "file", required: true)
  }
}
