import CSV
import Foundation
import MinshengCore

/// One record of a file being imported: where it starts (line), its fields by column name, and the
/// images that came with it (a letter's attachments).
struct SourceRecord: Sendable {
  var line: Int
  var fields: [String: String]
  var images: [Data] = []
}

/// Reads a file's records one at a time, never holding the file whole.
protocol RecordReader {
  /// The columns every record has (a CSV file's header); nil when records name their own fields.
  var columns: [String]? { get }
  /// How far through the file the reader is, from 0 to 1.
  var fraction: Double { get }
  mutating func next() throws(ImportFileError) -> SourceRecord?
}

/// A file that cannot be read as its kind, with the line where reading stopped.
struct ImportFileError: Error, Sendable, CustomStringConvertible {
  var file: String
  var line: Int?
  var reason: String

  var description: String {
    say(
      "cli_import_file_error",
      ["file": .plain(file), "line": .plain(line.map(String.init) ?? "–"), "reason": .plain(reason)])
  }
}

/// A CSV file with a header row (RFC 4180, UTF-8 with or without a byte-order mark) through
/// yaslab/CSV.swift. A record's line is the line it starts on, counting the line breaks inside
/// quoted fields.
struct CSVRecordReader: RecordReader {
  let name: String
  private let reader: CSVReader?
  let columns: [String]?
  private var line = 2
  private let totalLines: Int

  /// With `countingLines`, the file's lines are counted first (one fast read), so that `fraction`
  /// says how far the reader is; without, `fraction` is not meaningful.
  init(path: String, countingLines: Bool = false) throws(ImportFileError) {
    guard let stream = InputStream(fileAtPath: path) else {
      throw ImportFileError(file: path, line: nil, reason: say("cli_unreadable", ["path": .plain(path)]))
    }
    try self.init(name: path, totalLines: countingLines ? LineCount.of(path) : 1) {
      try CSVReader(stream: stream, hasHeaderRow: true)
    }
  }

  /// The same for CSV text (tests and small inputs).
  init(text: String, name: String) throws(ImportFileError) {
    try self.init(name: name, totalLines: text.reduce(1) { $0 + ($1.isNewline ? 1 : 0) }) {
      try CSVReader(string: text, hasHeaderRow: true)
    }
  }

  private init(name: String, totalLines: Int, open: () throws -> CSVReader) throws(ImportFileError) {
    self.name = name
    do {
      reader = try open()
    } catch CSVError.cannotReadHeaderRow {
      reader = nil  // an empty file
    } catch {
      throw ImportFileError(
        file: name, line: 1, reason: say("cli_csv_not_utf8", ["reason": .plain(String(describing: error))]))
    }
    columns = reader?.headerRow?.map { $0.trimmingCharacters(in: CharacterSet.whitespaces.union(["\u{FEFF}"])) }
    self.totalLines = max(1, totalLines)
  }

  var fraction: Double { min(1, Double(line) / Double(totalLines)) }

  mutating func next() throws(ImportFileError) -> SourceRecord? {
    guard let reader, let columns else { return nil }
    while let row = reader.next() {
      let start = line
      line += 1 + row.reduce(0) { $0 + $1.reduce(0) { $0 + ($1.isNewline ? 1 : 0) } }
      if row.count == 1, row[0].isEmpty { continue }  // a blank line
      guard row.count <= columns.count else {
        throw ImportFileError(
          file: name, line: start,
          reason: say("cli_import_fields", ["fields": .number(row.count), "columns": .number(columns.count)]))
      }
      var fields: [String: String] = [:]
      for (index, column) in columns.enumerated() where index < row.count { fields[column] = row[index] }
      return SourceRecord(line: start, fields: fields)
    }
    // On Linux a file stream's last read fails with `cannotReadFile` after the last record: the end.
    if let error = reader.error, !Self.isEndOfFile(error) {
      throw ImportFileError(
        file: name, line: line, reason: say("cli_csv_not_utf8", ["reason": .plain(String(describing: error))]))
    }
    return nil
  }

  private static func isEndOfFile(_ error: any Error) -> Bool {
    if case CSVError.cannotReadFile = error { return true }
    return false
  }
}

/// A JSON file of records: an array of objects, or one object to a line (JSON Lines), read object by
/// object. A field's value is kept as text (a number as written, true/false; null as absent).
struct JSONRecordReader: RecordReader {
  let name: String
  private var bytes: ChunkedBytes
  let columns: [String]? = nil
  private var line = 1
  private var inArray: Bool?

  init(path: String) throws(ImportFileError) {
    name = path
    bytes = try ChunkedBytes(path: path)
  }

  var fraction: Double { bytes.fraction }

  mutating func next() throws(ImportFileError) -> SourceRecord? {
    // Skip to the next object: white space, the array's `[`, commas between elements.
    while let byte = bytes.peek() {
      switch byte {
      case UInt8(ascii: "\n"): line += 1
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: ","): break
      case UInt8(ascii: "[") where inArray == nil: inArray = true
      case UInt8(ascii: "]") where inArray == true: inArray = false
      case UInt8(ascii: "{"):
        if inArray == nil { inArray = false }
        return try object()
      case 0xEF, 0xBB,
        0xBF where inArray == nil:
        break  // a byte-order mark
      default: throw failure(say("cli_import_json_object"))
      }
      bytes.advance()
    }
    return nil
  }

  /// Reads one object from its `{`, tracking strings so that braces inside them do not count.
  private mutating func object() throws(ImportFileError) -> SourceRecord {
    let start = line
    var text: [UInt8] = []
    var depth = 0
    var inString = false
    var escaped = false
    while let byte = bytes.peek() {
      bytes.advance()
      text.append(byte)
      if byte == UInt8(ascii: "\n") { line += 1 }
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
      default: break
      }
      if depth == 0 { break }
      guard text.count <= 1_000_000 else { throw failure(say("cli_import_json_large")) }
    }
    guard depth == 0, let object = try? JSONDecoder().decode([String: JSONField].self, from: Data(text)) else {
      throw failure(say("cli_import_json_object"), at: start)
    }
    let fields = object.compactMapValues(\.text)
    return SourceRecord(line: start, fields: fields)
  }

  private func failure(_ reason: String, at line: Int? = nil) -> ImportFileError {
    ImportFileError(file: name, line: line ?? self.line, reason: reason)
  }
}

/// A field of a JSON record as text: a string as it is, a number as JSON writes it, true or false;
/// null, an array or an object as absent.
private struct JSONField: Decodable {
  var text: String?

  init(from decoder: any Decoder) throws {
    let value = try decoder.singleValueContainer()
    if value.decodeNil() {
      text = nil
    } else if let bool = try? value.decode(Bool.self) {
      text = bool ? "true" : "false"
    } else if let string = try? value.decode(String.self) {
      text = string
    } else if let integer = try? value.decode(Int64.self) {
      text = String(integer)
    } else if let number = try? value.decode(Double.self) {
      text = String(number)
    } else {
      text = nil
    }
  }
}

/// A file's bytes read 64 KiB at a time.
struct ChunkedBytes {
  private let handle: FileHandle
  private let size: Int
  private var chunk: [UInt8] = []
  private var index = 0
  private(set) var offset = 0

  init(path: String) throws(ImportFileError) {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw ImportFileError(file: path, line: nil, reason: say("cli_unreadable", ["path": .plain(path)]))
    }
    self.handle = handle
    size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
  }

  var fraction: Double { size == 0 ? 1 : min(1, Double(offset) / Double(size)) }

  mutating func peek() -> UInt8? {
    if index == chunk.count {
      chunk = [UInt8]((try? handle.read(upToCount: 65_536)) ?? Data())
      index = 0
      if chunk.isEmpty { return nil }
    }
    return chunk[index]
  }

  mutating func advance() {
    index += 1
    offset += 1
  }

  /// The next line without its line break (LF or CRLF); nil at the end.
  mutating func line() -> [UInt8]? {
    guard peek() != nil else { return nil }
    var line: [UInt8] = []
    while let byte = peek() {
      advance()
      if byte == UInt8(ascii: "\n") { break }
      line.append(byte)
    }
    if line.last == UInt8(ascii: "\r") { line.removeLast() }
    return line
  }
}

/// How many lines a file has (its line feeds, and one more when the last line has none), counted in
/// large reads, so a progress bar can say how far an import is.
enum LineCount {
  static func of(_ path: String) -> Int {
    guard let handle = FileHandle(forReadingAtPath: path) else { return 0 }
    defer { try? handle.close() }
    var lines = 0
    var last: UInt8 = UInt8(ascii: "\n")
    while let data = try? handle.read(upToCount: 1 << 20), !data.isEmpty {
      data.withUnsafeBytes { raw in
        for byte in raw where byte == UInt8(ascii: "\n") { lines += 1 }
      }
      last = data.last ?? last
    }
    return lines + (last == UInt8(ascii: "\n") ? 0 : 1)
  }
}
