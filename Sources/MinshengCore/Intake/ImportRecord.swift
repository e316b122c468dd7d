import Foundation

/// 渠道导入: the channels whose records `minsheng import` takes in, each with the fields a record of
/// it may have. A file's columns are named by the fields, or mapped onto them (`ColumnMap`).
public enum ImportChannel: String, Sendable, CaseIterable {
  /// 12345 work orders (工单), as CSV or XLSX.
  case hotline
  /// Letters to the county head's mailbox, as `.eml` files or an `mbox`.
  case mailbox
  /// Comments on an official account's posts, as JSON or CSV.
  case social
  /// Another board's export, with replies and status (a migration from an older platform).
  case board

  /// The channel its messages keep.
  public var channel: Channel {
    switch self {
    case .hotline: .hotline
    case .mailbox: .mailbox
    case .social: .social
    case .board: .imported
    }
  }

  /// The columns a file has when no mapping is given, in the documented order.
  public var defaultColumns: [ImportField] {
    switch self {
    case .hotline: [.externalID, .receivedAt, .callerName, .callerPhone, .title, .body, .category, .address]
    case .mailbox: [.externalID, .receivedAt, .name, .email, .title, .body]
    case .social: [.externalID, .author, .time, .text, .link]
    case .board:
      [.externalID, .receivedAt, .name, .phone, .title, .body, .category, .status, .reply, .repliedAt, .unit]
    }
  }

  /// Every field a record of the channel may carry; the default columns and the optional ones.
  public var fields: [ImportField] {
    let optional: [ImportField] =
      switch self {
      case .hotline: [.type, .region, .latitude, .longitude, .unit, .reply, .email]
      case .mailbox: [.phone, .type, .category, .region, .address]
      case .social: [.title, .category, .region, .address]
      case .board: [.type, .region, .address, .latitude, .longitude, .email, .isPublic]
      }
    return defaultColumns + optional
  }

  /// The fields every record must have.
  public var required: [ImportField] {
    switch self {
    case .hotline: [.externalID, .receivedAt, .callerPhone, .body]
    case .mailbox: [.receivedAt, .body]
    case .social: [.author, .time, .text]
    case .board: [.externalID, .receivedAt, .body]
    }
  }
}

/// A field of an imported record.
public enum ImportField: String, Sendable, CaseIterable {
  case externalID = "external_id"
  case receivedAt = "received_at"
  case callerName = "caller_name"
  case callerPhone = "caller_phone"
  case author, time, text, link
  case name, phone, email, title, body, type, category, region, address, latitude, longitude
  case status, reply, unit
  case repliedAt = "replied_at"
  case isPublic = "public"
}

/// `--map field=column,…`: which column of a file holds each field; fields not named keep their
/// own names as columns.
public struct ColumnMap: Sendable, Equatable {
  public private(set) var columns: [ImportField: String] = [:]

  public init() {}

  /// Reads `external_id=工单编号,received_at=来电时间`; an unknown field, a field the channel does not
  /// take, or a field named twice is refused, naming it.
  public init(parsing text: String, for channel: ImportChannel) throws(ImportRejection) {
    for pair in text.split(separator: ",") where !String(pair).trimmedOfWhitespace.isEmpty {
      let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmedOfWhitespace }
      guard parts.count == 2, !parts[1].isEmpty else { throw .badMapping(String(pair)) }
      guard let field = ImportField(rawValue: parts[0]), channel.fields.contains(field) else {
        throw .unknownField(parts[0], channel: channel)
      }
      guard columns[field] == nil else { throw .badMapping(String(pair)) }
      columns[field] = parts[1]
    }
  }

  /// The column that holds a field.
  public func column(for field: ImportField) -> String { columns[field] ?? field.rawValue }

  /// The record's fields, by field, from a row by column name; empty fields are left out.
  public func fields(of row: [String: String], for channel: ImportChannel) -> [ImportField: String] {
    var fields: [ImportField: String] = [:]
    for field in channel.fields {
      if let value = row[column(for: field)]?.trimmedOfWhitespace, !value.isEmpty { fields[field] = value }
    }
    return fields
  }
}

/// Why a record (or a mapping) was refused, in words for the rejects file.
public enum ImportRejection: Error, Sendable, Equatable {
  case missing(ImportField)
  case badTime(String)
  case future(String)
  case badNumber(ImportField, String)
  case badStatus(String)
  case badPublic(String)
  case unknownField(String, channel: ImportChannel)
  case badMapping(String)
  case unknownUnit(String)
  case invalid(ValidationError)

  /// The reason as a catalogue text.
  public var text: LocalizedText {
    switch self {
    case .missing(let field): LocalizedText("import_missing", ["field": .plain(field.rawValue)])
    case .badTime(let text): LocalizedText("import_bad_time", ["value": .plain(text)])
    case .future(let text): LocalizedText("import_future", ["value": .plain(text)])
    case .badNumber(let field, let text):
      LocalizedText("import_bad_number", ["field": .plain(field.rawValue), "value": .plain(text)])
    case .badStatus(let text):
      LocalizedText("import_bad_status", ["value": .plain(text), "known": .plain(ImportedStatus.known)])
    case .badPublic(let text): LocalizedText("import_bad_public", ["value": .plain(text)])
    case .unknownField(let field, let channel):
      LocalizedText(
        "import_unknown_field",
        [
          "field": .plain(field), "channel": .plain(channel.rawValue),
          "fields": .plain(channel.fields.map(\.rawValue).joined(separator: ", ")),
        ])
    case .badMapping(let text): LocalizedText("import_bad_mapping", ["value": .plain(text)])
    case .unknownUnit(let text): LocalizedText("import_unknown_unit", ["value": .plain(text)])
    case .invalid(let error):
      LocalizedText(
        "import_invalid",
        ["problems": .plain(error.problems.map { "\($0.field): \($0.message)" }.joined(separator: "；"))])
    }
  }
}

/// A record read from a channel's file, checked, with its references still as the file names them
/// (a category, region or unit by code or name); `ImportReferences` resolves them.
public struct ImportedRecord: Sendable, Equatable {
  /// Its id at the source; nil when the record has none (`identity` then stands for it).
  public var externalID: String?
  /// The author, time and text the record was read from, joined: what knows a record without an id.
  public var identity: String
  public var receivedAt: Date
  public var message: NewMessage
  public var category: String?
  public var region: String?
  public var unit: String?
  public var status: ImportedStatus?
  public var reply: String?
  public var repliedAt: Date?
  public var link: String?

  /// Reads a record of `channel` from its fields. A record without an external id (a social comment
  /// known by its link only, a letter without a Message-ID) is known by its link, or else by its
  /// `identity` (the importer stores a digest of it), so a second import still finds it.
  public static func read(
    _ fields: [ImportField: String], channel: ImportChannel, calendar: WorkingCalendar, now: Date
  ) throws(ImportRejection) -> ImportedRecord {
    for field in channel.required where fields[field] == nil { throw .missing(field) }
    let timeText = fields[.receivedAt] ?? fields[.time] ?? ""
    guard let received = ImportTime.parse(timeText, calendar: calendar) else { throw .badTime(timeText) }
    // A clock a little ahead at the source is not a record from the future.
    guard received <= now.addingTimeInterval(86_400) else { throw .future(timeText) }
    let body = fields[.body] ?? fields[.text] ?? ""
    let name = fields[.callerName] ?? fields[.name] ?? fields[.author]
    let phone = fields[.callerPhone] ?? fields[.phone] ?? ""
    var location: Location?
    if fields[.address] != nil || fields[.latitude] != nil || fields[.longitude] != nil {
      location = Location(
        address: fields[.address], latitude: try number(fields, .latitude), longitude: try number(fields, .longitude))
    }
    var isPublic = true
    if let text = fields[.isPublic] {
      guard let flag = ImportedStatus.flag(text) else { throw .badPublic(text) }
      isPublic = flag
    }
    let message = NewMessage(
      type: MessageType.named(fields[.type] ?? "") ?? .complaint, title: fields[.title] ?? Self.title(from: body),
      body: body, channel: channel.channel, location: location,
      contact: Contact(name: name ?? LocalizedText("import_unnamed").chinese, phone: phone, email: fields[.email]),
      isPublic: isPublic,
      // An operator who took the call from the number proved it.
      phoneVerified: channel == .hotline && PhoneNumber.mobile(phone) != nil)
    var status: ImportedStatus?
    if let text = fields[.status] {
      guard let known = ImportedStatus(named: text) else { throw .badStatus(text) }
      status = known
    }
    var repliedAt: Date?
    if let text = fields[.repliedAt] {
      guard let date = ImportTime.parse(text, calendar: calendar) else { throw .badTime(text) }
      repliedAt = max(date, received)
    }
    return ImportedRecord(
      externalID: fields[.externalID] ?? fields[.link],
      identity: [name ?? "", timeText, body].joined(separator: "\u{1F}"), receivedAt: received, message: message,
      category: fields[.category],
      region: fields[.region], unit: fields[.unit], status: status, reply: fields[.reply], repliedAt: repliedAt,
      link: fields[.link])
  }

  private static func number(_ fields: [ImportField: String], _ field: ImportField) throws(ImportRejection) -> Double? {
    guard let text = fields[field] else { return nil }
    guard let value = Double(text), value.isFinite else { throw .badNumber(field, text) }
    return value
  }

  /// A title for a record that has none (a comment, a call): the body's first sentence, at most 30
  /// characters, with an ellipsis when it was cut.
  public static func title(from body: String) -> String {
    let firstLine = body.split(whereSeparator: \.isNewline).first.map(String.init) ?? body
    let stops: Set<Character> = ["。", "！", "？", "!", "?", "；", ";"]
    var sentence = String(firstLine.prefix { !stops.contains($0) }).trimmedOfWhitespace
    if sentence.isEmpty { sentence = firstLine.trimmedOfWhitespace }
    return sentence.count > 30 ? String(sentence.prefix(29)) + "…" : sentence
  }
}

extension MessageType {
  /// A type as an export names it: its code, or a word of `Data/import-vocabulary.json` (投诉, 建言 …).
  public static func named(_ text: String) -> MessageType? {
    let text = text.trimmedOfWhitespace
    let vocabulary = ImportVocabulary.bundled
    return MessageType(rawValue: text.lowercased())
      ?? vocabulary.key(of: text, in: vocabulary.types).flatMap(MessageType.init(rawValue:))
  }
}
