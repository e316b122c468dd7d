import Foundation
import Testing

@testable import MinshengServer

/// A webhook delivery's signature is what a receiver computes with any HMAC library.
@Suite struct WebhookSignatureTests {
  @Test func theSignature_isHMACSHA256OfTheTimestampAndTheBody() {
    let body = #"{"event":"reply"}"#
    #expect(
      WebhookSignature.sign(body: body, timestamp: "1700000000", secret: "whsec_test")
        == "893190c0bef43c9d942cf1bfc3644c796fbf0c122a712a6673beb1acfb1171fb")
    #expect(WebhookSignature.event(of: body) == "reply" && WebhookSignature.event(of: "not json") == "")
  }
}
