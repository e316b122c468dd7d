import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// Turns every error into an answer through `MappedError`: JSON under `/api/` and the service paths,
/// a page everywhere else. An internal failure is logged with its incident id, and the answer shows
/// only that id.
struct ErrorMiddleware: AsyncMiddleware {
  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    do {
      return try await next.respond(to: request)
    } catch {
      let mapped = MappedError.of(error)
      if let incident = mapped.incident {
        request.logger.error("incident \(incident): \(String(reflecting: error))")
      }
      let response = Response(status: mapped.status)
      for (name, value) in mapped.headers { response.headers.replaceOrAdd(name: name, value: value) }
      if Self.wantsPage(request) {
        response.headers.contentType = .html
        response.body = .init(string: Self.errorPage(mapped, language: request.pageLanguage))
        PageRenderer.addSecurityHeaders(to: response)
        return response
      }
      try response.content.encode(ErrorResponse(mapped), as: .json)
      return response
    }
  }

  /// Pages (anything outside `/api/` and the service endpoints) get their errors as a page.
  static func wantsPage(_ request: Request) -> Bool {
    let path = request.url.path
    return !path.hasPrefix("/api/") && ![SiteURL.metrics, .healthz, .ping].map(\.path).contains(path)
  }

  /// A plain error page in the site's style, in the reader's language; the message is escaped.
  static func errorPage(_ error: MappedError, language: Language) -> String {
    let title = language.text(error.status == .notFound ? "not_found_title" : "error_title")
    return """
      <!DOCTYPE html>
      <html lang="\(language.htmlTag)"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(htmlEscaped(title)) · \(htmlEscaped(language.text("site")))</title><link rel="stylesheet" href="/css/site.css"></head>
      <body><main id="main" class="page narrow"><h1>\(htmlEscaped(title))</h1>
      <p class="notice" role="alert">\(htmlEscaped(language.text(error.text)))</p>
      <p><a href="\(SiteURL.home.path)">\(htmlEscaped(language.text("back_home")))</a></p></main></body></html>
      """
  }
}

extension ErrorResponse {
  /// The JSON of an error, in the platform's own language.
  init(_ error: MappedError) {
    self.init(
      error: error.code, message: error.text.chinese,
      fields: error.fields.isEmpty ? nil : error.fields.map { Field(field: $0.field, message: $0.text.chinese) },
      incident: error.incident)
  }
}

/// Text safe to place in HTML, also inside quoted attributes.
func htmlEscaped(_ text: String) -> String {
  var result = ""
  result.reserveCapacity(text.utf8.count)
  for character in text {
    switch character {
    case "&": result += "&amp;"
    case "<": result += "&lt;"
    case ">": result += "&gt;"
    case "\"": result += "&quot;"
    case "'": result += "&#39;"
    default: result.append(character)
    }
  }
  return result
}

/// Text for XML (Open311 documents, workbooks): markup escaped, and the characters XML 1.0 cannot hold
/// (controls other than tab and line ends, U+FFFE, U+FFFF) left out.
func xmlEscaped(_ text: String) -> String {
  var out = ""
  out.reserveCapacity(text.utf8.count)
  for scalar in text.unicodeScalars {
    switch scalar {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
    case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out
}
