/// What an action's form holds when the server refused it: the fields as typed and, per field, why
/// it was refused (each empty when there is nothing to say). A new form holds the defaults.
struct TypedAction: Encodable, Sendable {
  var instruction = ""
  var reason = ""
  var note = ""
  var workingDays = "5"
  var body = ""
  var comment = ""
  var into = ""
  var contactedAt = ""
  var returnCode = ""
  var problems = Problems()

  /// One text per field, named as the field's id ends (`{action}-days` …).
  struct Problems: Encodable, Sendable {
    var lead = ""
    var assist = ""
    var instruction = ""
    var reason = ""
    var note = ""
    var days = ""
    var body = ""
    var comment = ""
    var into = ""
    var contact = ""
    var at = ""
    var code = ""
    var photos = ""

    /// The part of the field's id after the action, for a field name as errors give it; nil when the
    /// form has no such field.
    static func suffix(of field: String) -> String? {
      switch field {
      case "lead_unit": "lead"
      case "assisting_units": "assist"
      case "working_days": "days"
      case "contact_kind": "contact"
      case "contact", "contacted_at": "at"
      case "return_code": "code"
      case let field where field.hasPrefix("images"): "photos"
      case "instruction", "reason", "note", "body", "comment", "into": field
      default: nil
      }
    }

    mutating func set(_ suffix: String, _ text: String) {
      switch suffix {
      case "lead": lead = text
      case "assist": assist = text
      case "instruction": instruction = text
      case "reason": reason = text
      case "note": note = text
      case "days": days = text
      case "body": body = text
      case "comment": comment = text
      case "into": into = text
      case "contact": contact = text
      case "at": at = text
      case "code": code = text
      case "photos": photos = text
      default: break
      }
    }
  }
}
