import Crypto
import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// Webhook deliveries from the outbox: each `POST`ed as JSON to the webhook's URL with
/// `X-Minsheng-Event`, `X-Minsheng-Timestamp` (Unix seconds) and `X-Minsheng-Signature: sha256=…`, the
/// HMAC-SHA256 of `timestamp.body` under the webhook's secret, so that the receiver can check who sent
/// it and refuse a replay. A status other than 2xx, or no answer within 10 seconds, is a failure that
/// the outbox retries (`OutboxRetry`). A delivery to a webhook removed meanwhile is dropped.
struct WebhookSender: OutboxSender {
  let store: Store
  let client: any Client
  let logger: Logger
  var channel: String { "webhook" }

  func send(to recipient: String, body: String) async throws {
    guard recipient.hasPrefix("webhook:"), let id = UUID(uuidString: String(recipient.dropFirst("webhook:".count))),
      let target = try await store.webhookTarget(id)
    else {
      logger.info("webhook \(recipient): removed; delivery dropped")
      return
    }
    let timestamp = String(Int(Date().timeIntervalSince1970))
    var headers = HTTPHeaders()
    headers.contentType = .json
    headers.add(name: "X-Minsheng-Event", value: WebhookSignature.event(of: body))
    headers.add(name: "X-Minsheng-Timestamp", value: timestamp)
    headers.add(
      name: "X-Minsheng-Signature",
      value: "sha256=" + WebhookSignature.sign(body: body, timestamp: timestamp, secret: target.secret))
    var request = ClientRequest(method: .POST, url: URI(string: target.url), headers: headers)
    request.body = ByteBuffer(string: body)
    request.timeout = .seconds(10)
    let response = try await client.send(request)
    guard (200..<300).contains(response.status.code) else {
      throw WebhookRefused(status: Int(response.status.code))
    }
  }
}

/// A receiver's answer other than 2xx.
struct WebhookRefused: Error, CustomStringConvertible {
  var status: Int
  var description: String { "HTTP \(status)" }
}

enum WebhookSignature {
  /// Lower-case hex HMAC-SHA256 of `timestamp.body` under `secret`.
  static func sign(body: String, timestamp: String, secret: String) -> String {
    let code = HMAC<SHA256>.authenticationCode(
      for: Data((timestamp + "." + body).utf8), using: SymmetricKey(data: Data(secret.utf8)))
    return code.map { String(format: "%02x", $0) }.joined()
  }

  /// The event kind a delivery's body names.
  static func event(of body: String) -> String {
    struct Named: Decodable { var event: String }
    return (try? JSONDecoder().decode(Named.self, from: Data(body.utf8)).event) ?? ""
  }
}
