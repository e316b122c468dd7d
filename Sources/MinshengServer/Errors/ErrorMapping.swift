import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// 错误映射: every error as one answer — its status, a stable code, a text for the reader, the fields
/// at fault — decided here once for the JSON API and for every page and form.
///
/// Client errors keep their 4xx. Anything else is an internal failure: 500, with an incident id that
/// the log line and the answer both carry, and nothing internal in the answer.
struct MappedError: Sendable {
  struct Field: Sendable {
    var field: String
    var text: LocalizedText
  }

  var status: HTTPResponseStatus
  var code: String
  var text: LocalizedText
  var fields: [Field] = []
  /// Headers the answer must carry (`Retry-After`, `WWW-Authenticate`).
  var headers: [(String, String)] = []
  /// The incident id of an internal failure.
  var incident: String?

  /// The text and each field's text in a language, as a form lists them (`标题：必填`).
  func messages(in language: Language, label: (String) -> String) -> [String] {
    fields.isEmpty
      ? [language.text(text)]
      : fields.map { label($0.field) + language.text("field_separator") + language.text($0.text) }
  }

  static func of(_ error: any Error, at now: Date = Date()) -> MappedError {
    switch error {
    case let error as ValidationError:
      return MappedError(
        status: .unprocessableEntity, code: "validation", text: LocalizedText("error_validation"),
        fields: error.problems.map { Field(field: $0.field, text: $0.text) })
    case let error as WorkflowError:
      return workflow(error)
    case let error as StoreError:
      return store(error, at: now)
    case let error as PhoneCodeError:
      if case .tooSoon(let seconds) = error {
        return MappedError(
          status: .tooManyRequests, code: "phone_code", text: error.text,
          fields: [Field(field: "code", text: error.text)],
          headers: [("Retry-After", String(max(1, seconds)))])
      }
      return MappedError(
        status: .unprocessableEntity, code: "phone_code", text: error.text,
        fields: [Field(field: error == .notMobile ? "phone" : "code", text: error.text)])
    case let error as PageError:
      return MappedError(status: error.status, code: error.code, text: error.text)
    case let error as DecodingError:
      // A well-formed request whose value at a field is of the right type but not a valid one (a date
      // or an id that does not parse) is refused like any other invalid value: 422 with the field.
      if case .dataCorrupted(let context) = error, !context.codingPath.isEmpty {
        return MappedError(
          status: .unprocessableEntity, code: "validation", text: LocalizedText("error_validation"),
          fields: [decoding(error)])
      }
      return MappedError(
        status: .badRequest, code: "bad_request", text: LocalizedText("error_bad_request"), fields: [decoding(error)])
    case let error as any AbortError:
      return abort(error)
    case let error where DatabaseOutage.isOutage(error):
      // The database is down or restarting: try again shortly; nothing was done.
      return MappedError(
        status: .serviceUnavailable, code: "unavailable", text: LocalizedText("error_unavailable"),
        headers: [("Retry-After", "5")])
    default:
      return internalFailure()
    }
  }

  private static func workflow(_ error: WorkflowError) -> MappedError {
    switch error {
    case .notYourUnit: MappedError(status: .forbidden, code: "forbidden", text: error.text)
    case .notAllowed: MappedError(status: .conflict, code: "not_allowed", text: error.text)
    case .reasonRequired(let action):
      MappedError(
        status: .unprocessableEntity, code: "validation", text: error.text,
        fields: [
          Field(field: "note", text: LocalizedText("error_workflow_field_required", ["action": .key(action.nameKey)]))
        ])
    case .invalidParameter(_, let field, let detail):
      MappedError(
        status: .unprocessableEntity, code: "validation", text: error.text,
        fields: field.map { [Field(field: $0.rawValue, text: detail)] } ?? [])
    }
  }

  private static func store(_ error: StoreError, at now: Date) -> MappedError {
    switch error {
    case .notFound: return MappedError(status: .notFound, code: "not_found", text: error.text)
    case .conflict: return MappedError(status: .conflict, code: "conflict", text: error.text)
    case .duplicate: return MappedError(status: .conflict, code: "duplicate", text: error.text)
    case .unavailable:
      return MappedError(
        status: .serviceUnavailable, code: "unavailable", text: error.text, headers: [("Retry-After", "5")])
    case .forbidden: return MappedError(status: .forbidden, code: "forbidden", text: error.text)
    case .alreadyDone: return MappedError(status: .conflict, code: "already_done", text: error.text)
    case .rateLimited(_, _, let retryAfter):
      let seconds = max(1, Int(retryAfter.timeIntervalSince(now).rounded(.up)))
      return MappedError(
        status: .tooManyRequests, code: "rate_limited", text: error.text, headers: [("Retry-After", String(seconds))])
    case .internal: return internalFailure()
    }
  }

  private static func abort(_ error: any AbortError) -> MappedError {
    let key: String =
      switch error.status {
      case .payloadTooLarge: "error_too_large"
      case .notFound: "error_page_not_found"
      case .unauthorized: "error_login_first"
      case .forbidden: "error_forbidden"
      case .unsupportedMediaType: "error_json_only"
      case .methodNotAllowed: "error_method"
      case .tooManyRequests: "error_too_many"
      default: "error_bad_request"
      }
    let internalStatus = error.status.code >= 500
    if internalStatus { return internalFailure() }
    return MappedError(
      status: error.status, code: "http_\(error.status.code)", text: LocalizedText(key),
      headers: error.headers.filter { $0.name.lowercased() != "content-type" }.map { ($0.name, $0.value) })
  }

  /// An internal failure: the incident id ties the answer to the log line.
  static func internalFailure() -> MappedError {
    let incident = String(UUID().uuidString.prefix(8)).lowercased()
    return MappedError(
      status: .internalServerError, code: "internal",
      text: LocalizedText("error_internal_incident", ["incident": .plain(incident)]), incident: incident)
  }

  private static func decoding(_ error: DecodingError) -> Field {
    func path(_ context: DecodingError.Context, extra: (any CodingKey)? = nil) -> String {
      let keys = context.codingPath + (extra.map { [$0] } ?? [])
      let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
      return text.isEmpty ? "body" : text.replacingOccurrences(of: ".[", with: "[")
    }
    switch error {
    case .keyNotFound(let key, let context):
      return Field(field: path(context, extra: key), text: LocalizedText("error_missing"))
    case .valueNotFound(_, let context): return Field(field: path(context), text: LocalizedText("error_missing"))
    case .typeMismatch(_, let context): return Field(field: path(context), text: LocalizedText("error_wrong_type"))
    case .dataCorrupted(let context):
      return Field(
        field: path(context),
        text: LocalizedText(context.codingPath.isEmpty ? "error_not_json" : "error_bad_value"))
    @unknown default: return Field(field: "body", text: LocalizedText("error_unreadable"))
    }
  }
}

/// A refusal a page or handler makes itself: a status and a catalogue text.
struct PageError: Error, Sendable {
  var status: HTTPResponseStatus
  var code: String
  var text: LocalizedText

  init(
    _ status: HTTPResponseStatus, _ key: String, code: String? = nil,
    _ arguments: [String: LocalizedText.Argument] = [:]
  ) {
    self.status = status
    self.code = code ?? (status == .forbidden ? "forbidden" : status == .notFound ? "not_found" : "http_\(status.code)")
    self.text = LocalizedText(key, arguments)
  }

  /// The form's token is missing or wrong.
  static let staleForm = PageError(.forbidden, "error_stale_form")
  /// The staff member may not open this place.
  static func notAllowed(_ place: StaffPlace) -> PageError { PageError(.forbidden, "error_place_" + place.rawValue) }
}
