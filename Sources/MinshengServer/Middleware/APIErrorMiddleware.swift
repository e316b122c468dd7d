import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// Turns every error into a JSON answer with a public message; nothing internal reaches the client.
///
/// Validation → 422 naming each field; malformed JSON, wrong types, unknown enum values, missing
/// fields → 400 naming the field; workflow refusals → 403 (role or unit) or 409 (state);
/// conflicts → 409; unknown records → 404; Vapor's own aborts keep their status (413 for a body over
/// the limit); anything else → 500 with a generic message and the detail only in the log.
struct APIErrorMiddleware: AsyncMiddleware {
  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    do {
      return try await next.respond(to: request)
    } catch {
      let (status, body) = Self.describe(error)
      if status == .internalServerError {
        request.logger.error("unhandled error: \(String(reflecting: error))")
      }
      let response = Response(status: status)
      if let abort = error as? any AbortError {
        for (name, value) in abort.headers where name.lowercased() != "content-type" {
          response.headers.replaceOrAdd(name: name, value: value)
        }
      }
      if case .rateLimited(_, _, let retryAfter)? = error as? StoreError {
        let seconds = max(1, Int(retryAfter.timeIntervalSinceNow.rounded(.up)))
        response.headers.replaceOrAdd(name: .retryAfter, value: String(seconds))
      }
      if Self.wantsPage(request) {
        response.headers.contentType = .html
        response.body = .init(string: Self.errorPage(status: status, message: body.message))
        PageRenderer.addSecurityHeaders(to: response)
        return response
      }
      try response.content.encode(body, as: .json)
      return response
    }
  }

  /// Pages (anything outside `/api/` and the service endpoints) get their errors as a page.
  static func wantsPage(_ request: Request) -> Bool {
    let path = request.url.path
    return !path.hasPrefix("/api/") && !["/metrics", "/healthz", "/ping"].contains(path)
  }

  /// A plain error page in the site's style; the message is escaped.
  static func errorPage(status: HTTPResponseStatus, message: String) -> String {
    let text = htmlEscaped(message)
    let title = status == .notFound ? "未找到" : "出错了"
    return """
      <!DOCTYPE html>
      <html lang="zh-CN"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(title) · 民生之声</title><link rel="stylesheet" href="/css/site.css"></head>
      <body><main id="main" class="page narrow"><h1>\(title)</h1><p class="notice">\(text)</p>
      <p><a href="/">返回首页</a></p></main></body></html>
      """
  }

  static func describe(_ error: any Error) -> (HTTPResponseStatus, ErrorResponse) {
    switch error {
    case let error as ValidationError:
      return (
        .unprocessableEntity,
        ErrorResponse(
          error: "validation", message: "提交的内容有误",
          fields: error.problems.map { .init(field: $0.field, message: $0.message) })
      )
    case let error as WorkflowError:
      switch error {
      case .notYourUnit: return (.forbidden, ErrorResponse(error: "forbidden", message: error.message))
      case .notAllowed: return (.conflict, ErrorResponse(error: "not_allowed", message: error.message))
      case .reasonRequired(let action):
        return (
          .unprocessableEntity,
          ErrorResponse(
            error: "validation", message: error.message,
            fields: [.init(field: "note", message: "执行「\(action.chinese)」须填写")])
        )
      case .invalidParameter:
        return (.unprocessableEntity, ErrorResponse(error: "validation", message: error.message))
      }
    case let error as StoreError:
      switch error {
      case .notFound: return (.notFound, ErrorResponse(error: "not_found", message: error.message))
      case .conflict: return (.conflict, ErrorResponse(error: "conflict", message: error.message))
      case .duplicate: return (.conflict, ErrorResponse(error: "duplicate", message: error.message))
      case .unavailable: return (.serviceUnavailable, ErrorResponse(error: "unavailable", message: error.message))
      case .forbidden: return (.forbidden, ErrorResponse(error: "forbidden", message: error.message))
      case .rateLimited: return (.tooManyRequests, ErrorResponse(error: "rate_limited", message: error.message))
      }
    case let error as DecodingError:
      return (.badRequest, ErrorResponse(error: "bad_request", message: "请求格式有误", fields: [describe(error)]))
    case let error as any AbortError:
      // Our own refusals carry a Chinese reason; Vapor's carry English ones, replaced here.
      let ours = error.reason.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
      let fallback =
        switch error.status {
        case .payloadTooLarge: "请求内容过大"
        case .notFound: "未找到"
        case .unauthorized: "请先登录"
        case .unsupportedMediaType: "请以 JSON 提交"
        default: error.status.reasonPhrase
        }
      let message = ours ? error.reason : fallback
      return (error.status, ErrorResponse(error: "http_\(error.status.code)", message: message))
    default:
      return (.internalServerError, ErrorResponse(error: "internal", message: "服务器内部错误，请稍后再试"))
    }
  }

  private static func describe(_ error: DecodingError) -> ErrorResponse.Field {
    func path(_ context: DecodingError.Context, extra: (any CodingKey)? = nil) -> String {
      let keys = context.codingPath + (extra.map { [$0] } ?? [])
      let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
      return text.isEmpty ? "body" : text.replacingOccurrences(of: ".[", with: "[")
    }
    switch error {
    case .keyNotFound(let key, let context): return .init(field: path(context, extra: key), message: "必填")
    case .valueNotFound(_, let context): return .init(field: path(context), message: "必填")
    case .typeMismatch(_, let context): return .init(field: path(context), message: "类型不对")
    case .dataCorrupted(let context):
      return .init(field: path(context), message: context.codingPath.isEmpty ? "不是有效的 JSON（UTF-8）" : "取值无效")
    @unknown default: return .init(field: "body", message: "无法解析")
    }
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
