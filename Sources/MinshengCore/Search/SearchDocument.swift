import Foundation

/// 检索文档: what the index holds of one message. The public document is the text the public reads
/// (the moderator's redaction, masked, and the published replies, masked), and only for a message
/// shown publicly, so no query can reach a masked number or a private message through it. The staff
/// document is the whole case as staff read it, with the author's name, number and the serial, so
/// that an operator finds a caller's earlier messages.
public struct SearchDocument: Sendable, Equatable {
  /// A field of the document, weighed in ranking: the title most, then the people named (staff
  /// only), then the body, then the replies.
  public enum Field: Int, Sendable, CaseIterable {
    case title, body, replies, people

    /// PostgreSQL's weight letter for the field (`ts_rank` weighs A, B, C, D).
    var weight: String {
      switch self {
      case .title, .people: "A"
      case .body: "B"
      case .replies: "C"
      }
    }
  }

  public var title: [String]
  public var body: [String]
  public var replies: [String]
  public var people: [String]

  public init(title: String, body: String, replies: [String], people: [String] = []) {
    self.title = SearchTerms.of(title)
    self.body = SearchTerms.of(body)
    // Terms of different replies are kept apart by an empty position, as words of different fields
    // are, so that a phrase never spans two texts.
    self.replies = replies.map(SearchTerms.of).joined(separator: [""]).map { $0 }
    self.people = people.map(SearchTerms.of).joined(separator: [""]).map { $0 }
  }

  /// The public's document of a message, nil when the public may not read it.
  public static func forPublic(_ message: Message, publishedReplies: [String]) -> SearchDocument? {
    guard message.isShownPublicly, message.mergedIntoID == nil else { return nil }
    return SearchDocument(
      title: PrivacyMask.mask(message.titleForPublic),
      body: PrivacyMask.mask(message.bodyForPublic) + " " + (message.addressForPublic.map(PrivacyMask.mask) ?? ""),
      replies: publishedReplies.map(PrivacyMask.mask))
  }

  /// The staff's document of a message: the original text, every reply written, the author's name
  /// and number and the serial.
  public static func forStaff(_ message: Message, replies: [String]) -> SearchDocument {
    forStaffWithoutSerial(message, replies: replies).naming(message.serial.description)
  }

  /// The staff's document before the message has its serial (`naming` adds it): a bulk load cuts the
  /// text while the batch before is being written.
  public static func forStaffWithoutSerial(_ message: Message, replies: [String]) -> SearchDocument {
    SearchDocument(
      title: message.title, body: message.body + " " + (message.location?.address ?? ""), replies: replies,
      people: [message.contact.name, message.contact.phone])
  }

  /// The document with one more text among the people named, after the others.
  public func naming(_ text: String) -> SearchDocument {
    var document = self
    document.people += [""] + SearchTerms.of(text)
    return document
  }

  /// Each field's terms joined by spaces: the columns of SQLite's FTS5 table, whose `ascii`
  /// tokenizer splits them at the spaces again (every term is letters, digits or Han characters).
  /// The gap between two texts of a field is a `·`, a term no query has.
  public func column(_ field: Field) -> String {
    terms(field).map { $0.isEmpty ? "·" : $0 }.joined(separator: " ")
  }

  /// The document as PostgreSQL's `tsvector` text, each term with its positions and its field's
  /// weight: fields are numbered on from each other with a gap, so a phrase never spans two.
  public var tsvector: String {
    var positions: [String: [String]] = [:]
    var order: [String] = []
    var next = 1
    for field in Field.allCases {
      for term in terms(field) {
        defer { next += 1 }
        guard !term.isEmpty else { continue }
        // PostgreSQL keeps positions up to 16383 and 256 of them per term.
        let position = min(next, 16_383)
        if positions[term] == nil { order.append(term) }
        if positions[term, default: []].count < 255 {
          positions[term, default: []].append("\(position)\(field.weight)")
        }
      }
      next += 2
    }
    return order.map { SearchVector.quoted($0) + ":" + positions[$0, default: []].joined(separator: ",") }
      .joined(separator: " ")
  }

  func terms(_ field: Field) -> [String] {
    switch field {
    case .title: title
    case .body: body
    case .replies: replies
    case .people: people
    }
  }
}

/// The text forms PostgreSQL's `tsvector` and `tsquery` read.
public enum SearchVector {
  /// A term quoted for `tsvector` or `tsquery` text, its quotes and backslashes escaped.
  public static func quoted(_ term: String) -> String {
    "'" + term.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
  }
}
