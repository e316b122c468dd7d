import MinshengCore
import Testing

/// Which address a request came from behind proxies: the rightmost one that is not a trusted proxy.
@Suite struct TrustedProxiesTests {
  @Test func theClient_isTheRightmostUntrustedAddress() throws {
    let proxies = try TrustedProxies("10.0.0.0/8, 203.0.113.7, fd00::/8")
    // A spoofed first entry is passed over: the proxy appended the address it saw.
    #expect(proxies.client(peer: "10.0.0.2", forwardedFor: ["1.2.3.4, 198.51.100.9"]) == "198.51.100.9")
    // Two trusted proxies in a row, over two header lines.
    #expect(
      proxies.client(peer: "10.0.0.2", forwardedFor: ["198.51.100.9", "203.0.113.7, 10.1.1.1"]) == "198.51.100.9")
    // Not behind a trusted proxy: the header is ignored.
    #expect(proxies.client(peer: "198.51.100.20", forwardedFor: ["1.2.3.4"]) == "198.51.100.20")
    // Everything trusted: the leftmost.
    #expect(proxies.client(peer: "10.0.0.2", forwardedFor: ["10.0.0.9, 10.0.0.8"]) == "10.0.0.9")
    // Garbage ends the walk at the last good address.
    #expect(proxies.client(peer: "10.0.0.2", forwardedFor: ["198.51.100.9, unknown"]) == "10.0.0.2")
    #expect(proxies.client(peer: "fd00::1", forwardedFor: ["2001:db8::5"]) == "2001:db8::5")
    #expect(TrustedProxies.none.client(peer: "127.0.0.1", forwardedFor: ["1.2.3.4"]) == "127.0.0.1")
    #expect(TrustedProxies.localNetworks.client(peer: "127.0.0.1", forwardedFor: ["1.2.3.4, 192.168.1.1"]) == "1.2.3.4")
    #expect(throws: ValidationError.self) { try TrustedProxies("10.0.0.0/33") }
    #expect(throws: ValidationError.self) { try TrustedProxies("proxy.example") }
  }
}
