import MinshengCore
import Vapor

/// The last check on every answer: no header value may hold a line break or any other control
/// character, whatever input it was built from. Such an answer is never sent (a header split by
/// CR LF would let a request plant cookies or headers of its choosing); the request is refused.
struct HeaderGuard: AsyncMiddleware {
  func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
    let response = try await next.respond(to: request)
    for (name, value) in response.headers where !Self.isSafe(name) || !Self.isSafe(value) {
      request.logger.warning("refused an answer with a control character in the header \(name.debugDescription)")
      throw PageError(.badRequest, "error_bad_request")
    }
    return response
  }

  /// Whether a header name or value is free of control characters (C0, DEL and C1).
  static func isSafe(_ text: String) -> Bool {
    !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
  }
}
