import Foundation

/// 来源地区: the region a network address belongs to. Minsheng keeps only this region with a
/// message, never the address.
///
/// The table is data: lines of `prefix,region` (`1.2.3.0/24,重庆市`), IPv4 or IPv6, `#` for comments;
/// the longest matching prefix wins. Loopback and private addresses are named without a table.
public struct IPRegionTable: Sendable, Equatable {
  struct Entry: Sendable, Equatable {
    var bytes: [UInt8]
    var prefixLength: Int
    var region: String
  }

  private var entries: [Entry]

  public init() { entries = [] }

  /// Parses the table; throws naming the first bad line.
  public init(csv text: String) throws(ValidationError) {
    var entries: [Entry] = []
    for (index, raw) in text.split(whereSeparator: \.isNewline).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let parts = line.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      let prefix = parts.first?.split(separator: "/") ?? []
      guard parts.count == 2, !parts[1].isEmpty, prefix.count == 2, let bytes = Self.bytes(of: String(prefix[0])),
        let length = Int(prefix[1]), (0...(bytes.count * 8)).contains(length)
      else {
        throw ValidationError(
          field: "ip_regions",
          reason: .invalid(LocalizedText("error_ip_regions_line", ["line": .number(index + 1), "text": .plain(line)])))
      }
      entries.append(Entry(bytes: bytes, prefixLength: length, region: parts[1]))
    }
    self.entries = entries.sorted { $0.prefixLength > $1.prefixLength }
  }

  /// The region of an address: 本机 for loopback, 内网 for private ranges, the table's longest
  /// matching prefix, or 未知 (stored with the message in the platform's own language).
  public func region(of address: String) -> String {
    guard let bytes = Self.bytes(of: address) else { return Self.unknown }
    if bytes.count == 4 {
      if bytes[0] == 127 { return Self.loopback }
      if bytes[0] == 10 || (bytes[0] == 172 && (16...31).contains(bytes[1])) || (bytes[0] == 192 && bytes[1] == 168) {
        return Self.privateNetwork
      }
    } else {
      if bytes == [UInt8](repeating: 0, count: 15) + [1] { return Self.loopback }
      if bytes[0] & 0xfe == 0xfc { return Self.privateNetwork }
    }
    for entry in entries where entry.bytes.count == bytes.count && Self.matches(bytes, entry) {
      return entry.region
    }
    return Self.unknown
  }

  static let unknown = LocalizedText("region_unknown").chinese
  static let loopback = LocalizedText("region_loopback").chinese
  static let privateNetwork = LocalizedText("region_private").chinese

  static func matches(_ bytes: [UInt8], _ entry: Entry) -> Bool {
    var remaining = entry.prefixLength
    for (a, b) in zip(bytes, entry.bytes) {
      if remaining <= 0 { return true }
      let bits = min(8, remaining)
      let mask: UInt8 = bits == 8 ? 0xff : ~(0xff >> UInt8(bits))
      if a & mask != b & mask { return false }
      remaining -= bits
    }
    return true
  }

  /// The bytes of an IPv4 (4) or IPv6 (16) address in text; an IPv4-mapped IPv6 address gives 4.
  static func bytes(of text: String) -> [UInt8]? {
    let text = text.trimmingCharacters(in: .whitespaces)
    if text.contains(":") {
      if let dot = text.lastIndex(of: ":"), text[text.index(after: dot)...].contains("."),
        text.lowercased().hasPrefix("::ffff:")
      {
        return bytes(of: String(text[text.index(after: dot)...]))
      }
      let halves = text.components(separatedBy: "::")
      guard halves.count <= 2 else { return nil }
      func groups(_ part: String) -> [UInt16]? {
        if part.isEmpty { return [] }
        let values = part.split(separator: ":", omittingEmptySubsequences: false).map { UInt16($0, radix: 16) }
        guard values.allSatisfy({ $0 != nil }) else { return nil }
        return values.compactMap { $0 }
      }
      guard let head = groups(halves[0]), let tail = halves.count == 2 ? groups(halves[1]) : [] else { return nil }
      let missing = 8 - head.count - tail.count
      guard halves.count == 2 ? missing >= 1 : missing == 0 else { return nil }
      let all = head + [UInt16](repeating: 0, count: halves.count == 2 ? missing : 0) + tail
      return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    let values = parts.map { $0.count <= 3 && !$0.isEmpty ? UInt8($0) : nil }
    guard values.allSatisfy({ $0 != nil }) else { return nil }
    return values.compactMap { $0 }
  }
}

/// 来源地址: which address a request came from, when it passed through proxies.
///
/// The peer that connected is the client unless it is a trusted proxy. Behind trusted proxies the
/// `X-Forwarded-For` entries are read from the right (each proxy appends the address it saw), trusted
/// proxies are passed over, and the first other address is the client — as nginx's `real_ip` with
/// `real_ip_recursive on` does. The leftmost entry is never believed for what it says: anyone can
/// send it.
public struct TrustedProxies: Sendable, Equatable {
  struct Range: Sendable, Equatable {
    var bytes: [UInt8]
    var prefixLength: Int
  }

  private var ranges: [Range]

  /// No proxy is trusted: the peer is always the client.
  public static let none = TrustedProxies(ranges: [])

  /// Loopback and the private ranges (10/8, 172.16/12, 192.168/16, fc00::/7): a proxy on the same
  /// machine or network.
  public static let localNetworks = try! TrustedProxies(
    "127.0.0.0/8, ::1/128, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7")

  private init(ranges: [Range]) { self.ranges = ranges }

  /// Parses addresses and prefixes separated by commas (`10.0.0.0/8, 203.0.113.7`).
  public init(_ text: String) throws(ValidationError) {
    var ranges: [Range] = []
    for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
      let parts = item.split(separator: "/", maxSplits: 1)
      guard let bytes = IPRegionTable.bytes(of: String(parts[0])),
        let length = parts.count == 2 ? Int(parts[1]) : bytes.count * 8, (0...(bytes.count * 8)).contains(length)
      else {
        throw ValidationError(
          field: "trusted_proxies", reason: .invalid(LocalizedText("error_trusted_proxy", ["text": .plain(item)])))
      }
      ranges.append(Range(bytes: bytes, prefixLength: length))
    }
    self.ranges = ranges
  }

  /// Whether `address` is one of the trusted proxies.
  public func contains(_ address: String) -> Bool {
    guard let bytes = IPRegionTable.bytes(of: address) else { return false }
    return ranges.contains {
      $0.bytes.count == bytes.count
        && IPRegionTable.matches(bytes, .init(bytes: $0.bytes, prefixLength: $0.prefixLength, region: ""))
    }
  }

  /// The client's address: `peer`, or behind trusted proxies the rightmost untrusted address of the
  /// `X-Forwarded-For` header lines (in order). An entry that is not an address ends the walk there.
  public func client(peer: String?, forwardedFor lines: [String]) -> String? {
    guard let peer, contains(peer) else { return peer }
    let entries = lines.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
    var client = peer
    for entry in entries.reversed() {
      guard IPRegionTable.bytes(of: entry) != nil else { break }
      client = entry
      if !contains(entry) { break }
    }
    return client
  }
}
