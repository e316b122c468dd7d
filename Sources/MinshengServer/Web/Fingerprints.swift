import MinshengCore
import MinshengText

extension Fingerprint {
  /// The MinHash fingerprint of a message's title and body, as intake stores it for 并单候选.
  static func of(title: String, body: String) -> Fingerprint {
    let signature = MinHashSignature(title: title, body: body)
    return Fingerprint(values: signature.values, bandKeys: signature.bandKeys)
  }
}
