import Foundation

// Records (MessageRecord, EventRecord …) to and from SQLite values, with the same representation
// as SQLiteNIO uses, so that rows written here and rows written through Fluent read back alike.

/// Encodes a flat record into its columns, in declaration order.
struct SQLiteRecordEncoder {
  func encode(_ record: some Encodable) throws -> [(column: String, value: SQLiteValue)] {
    let storage = ColumnStorage()
    try record.encode(to: ColumnEncoder(storage: storage))
    return storage.columns
  }

  final class ColumnStorage {
    var columns: [(column: String, value: SQLiteValue)] = []
  }

  struct ColumnEncoder: Encoder {
    let storage: ColumnStorage
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
      KeyedEncodingContainer(Columns<Key>(storage: storage))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { preconditionFailure("records are flat") }
    func singleValueContainer() -> any SingleValueEncodingContainer { preconditionFailure("records are flat") }
  }

  struct Columns<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: ColumnStorage
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { storage.columns.append((key.stringValue, .null)) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
      storage.columns.append((key.stringValue, try SQLiteRecordEncoder.value(of: value)))
    }

    // Every column is written, nil ones as NULL, so that a record type always has the same
    // columns in the same order (its INSERT statement is prepared once). The standard library's
    // default `encodeIfPresent` for these types would skip nil values instead.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
      guard let value else { return try encodeNil(forKey: key) }
      try encode(value, forKey: key)
    }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try present(value, key) }

    private mutating func present<T: Encodable>(_ value: T?, _ key: Key) throws {
      guard let value else { return try encodeNil(forKey: key) }
      try encode(value, forKey: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
      keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> { preconditionFailure("records are flat") }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
      preconditionFailure("records are flat")
    }
    mutating func superEncoder() -> any Encoder { preconditionFailure("records are flat") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { preconditionFailure("records are flat") }
  }

  static func value(of value: some Encodable) throws -> SQLiteValue {
    guard let value = value as? any SQLiteStorable else {
      throw EncodingError.invalidValue(
        value, .init(codingPath: [], debugDescription: "no SQLite representation for \(type(of: value))"))
    }
    return value.sqliteValue
  }
}

/// Decodes a flat record from a result row.
struct SQLiteRecordDecoder {
  func decode<T: Decodable>(_ type: T.Type, from row: SQLiteRow) throws -> T {
    try T(from: RowDecoder(row: row))
  }

  struct RowDecoder: Decoder {
    let row: SQLiteRow
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
      KeyedDecodingContainer(Columns<Key>(row: row))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
      throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "records are flat"))
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer {
      throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "records are flat"))
    }
  }

  struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: SQLiteRow
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { row.columns.names.compactMap(Key.init(stringValue:)) }

    func contains(_ key: Key) -> Bool { row[key.stringValue] != nil }

    func decodeNil(forKey key: Key) throws -> Bool { (row[key.stringValue] ?? .null) == .null }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
      guard let value = row[key.stringValue] else {
        throw DecodingError.keyNotFound(key, .init(codingPath: [key], debugDescription: "no such column"))
      }
      guard let decoded = SQLiteRecordDecoder.decode(type, from: value) else {
        throw DecodingError.typeMismatch(
          type, .init(codingPath: [key], debugDescription: "column \(key.stringValue) holds \(value)"))
      }
      return decoded
    }

    func nestedContainer<NestedKey: CodingKey>(
      keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
      throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "records are flat"))
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
      throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "records are flat"))
    }
    func superDecoder() throws -> any Decoder { RowDecoder(row: row) }
    func superDecoder(forKey key: Key) throws -> any Decoder { RowDecoder(row: row) }
  }

  static func decode<T>(_ type: T.Type, from value: SQLiteValue) -> T? {
    switch (type, value) {
    case (is String.Type, .text(let text)): return text as? T
    case (is UUID.Type, .text(let text)): return (Self.uuid(text) ?? UUID(uuidString: text)) as? T
    case (is Date.Type, .real(let seconds)): return date(seconds) as? T
    case (is Date.Type, .integer(let seconds)): return date(Double(seconds)) as? T
    case (is Bool.Type, .integer(let int)): return (int != 0) as? T
    case (is Int.Type, .integer(let int)): return Int(int) as? T
    case (is Int64.Type, .integer(let int)): return int as? T
    case (is Double.Type, .real(let double)): return double as? T
    case (is Double.Type, .integer(let int)): return Double(int) as? T
    case (is Data.Type, .blob(let data)): return data as? T
    case (is Data.Type, .text(let text)): return Data(text.utf8) as? T
    default: return nil
    }
  }

  /// Rounded to microseconds, as SQLiteNIO does, so that dates compare equal after a round trip.
  /// The canonical 36-character form (8-4-4-4-12 hex digits) parsed directly: Foundation's parser
  /// goes through `sscanf`, which was a twentieth of a staff page's time. Anything else is nil.
  static func uuid(_ text: String) -> UUID? {
    text.utf8.withContiguousStorageIfAvailable { bytes -> UUID? in
      guard bytes.count == 36 else { return nil }
      var high: UInt64 = 0
      var low: UInt64 = 0
      var digits = 0
      for (index, byte) in bytes.enumerated() {
        if index == 8 || index == 13 || index == 18 || index == 23 {
          guard byte == UInt8(ascii: "-") else { return nil }
          continue
        }
        guard let nibble = hex(byte) else { return nil }
        if digits < 16 { high = high << 4 | UInt64(nibble) } else { low = low << 4 | UInt64(nibble) }
        digits += 1
      }
      func byte(_ word: UInt64, _ position: Int) -> UInt8 { UInt8(truncatingIfNeeded: word >> (56 - 8 * position)) }
      return UUID(
        uuid: (
          byte(high, 0), byte(high, 1), byte(high, 2), byte(high, 3), byte(high, 4), byte(high, 5), byte(high, 6),
          byte(high, 7), byte(low, 0), byte(low, 1), byte(low, 2), byte(low, 3), byte(low, 4), byte(low, 5),
          byte(low, 6), byte(low, 7)
        ))
    } ?? nil
  }

  private static func hex(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  private static func date(_ secondsSince1970: Double) -> Date {
    let sinceReference = secondsSince1970 - Date.timeIntervalBetween1970AndReferenceDate
    return Date(timeIntervalSinceReferenceDate: (sinceReference * 1e6).rounded() / 1e6)
  }
}

/// A value with a column representation (one dynamic check per field instead of one per type).
protocol SQLiteStorable {
  var sqliteValue: SQLiteValue { get }
}

extension String: SQLiteStorable { var sqliteValue: SQLiteValue { .text(self) } }
extension UUID: SQLiteStorable { var sqliteValue: SQLiteValue { .text(uuidString) } }
extension Date: SQLiteStorable { var sqliteValue: SQLiteValue { .real(timeIntervalSince1970) } }
extension Bool: SQLiteStorable { var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) } }
extension Int: SQLiteStorable { var sqliteValue: SQLiteValue { .integer(Int64(self)) } }
extension Int64: SQLiteStorable { var sqliteValue: SQLiteValue { .integer(self) } }
extension Double: SQLiteStorable { var sqliteValue: SQLiteValue { .real(self) } }
extension Data: SQLiteStorable { var sqliteValue: SQLiteValue { .blob(self) } }
