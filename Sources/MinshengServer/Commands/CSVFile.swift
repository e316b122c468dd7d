import ArgumentParser
import Foundation
import MinshengCore

/// A CSV file with a header row, read one record at a time through `CSVRecordReader` (RFC 4180, UTF-8,
/// a byte-order mark skipped), so a file of a million rows is never held whole. A record with more
/// fields than the header is refused with its line; missing trailing fields are empty.
enum CSVFile {
  /// Calls `body` with each record (column name → field) of the file at `path`, after checking that
  /// the header names every column in `required`.
  static func forEachRecord(
    _ path: String, required: [String] = [], _ body: (_ record: [String: String]) throws -> Void
  ) throws {
    try forEachRecord(
      try opened { () throws(ImportFileError) in try CSVRecordReader(path: path) }, named: path, required, body)
  }

  /// The same for CSV text (tests and small inputs).
  static func forEachRecord(
    text: String, required: [String] = [], _ body: (_ record: [String: String]) throws -> Void
  ) throws {
    try forEachRecord(
      try opened { () throws(ImportFileError) in try CSVRecordReader(text: text, name: "CSV") }, named: "CSV", required,
      body)
  }

  private static func opened(_ open: () throws(ImportFileError) -> CSVRecordReader) throws -> CSVRecordReader {
    do {
      return try open()
    } catch {
      throw ArgumentParser.ValidationError(error.description)
    }
  }

  private static func forEachRecord(
    _ reader: CSVRecordReader, named name: String, _ required: [String], _ body: ([String: String]) throws -> Void
  ) throws {
    var reader = reader
    guard let columns = reader.columns else {
      if let column = required.first { throw missing(column, in: name) }
      return
    }
    for column in required where !columns.contains(column) { throw missing(column, in: name) }
    do {
      while let record = try reader.next() {
        var fields = record.fields
        for column in columns where fields[column] == nil { fields[column] = "" }
        try body(fields)
      }
    } catch let error as ImportFileError {
      throw ArgumentParser.ValidationError(error.description)
    }
  }

  /// A CSV field, quoted when it holds a comma, a quote or a line break.
  static func quoted(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  private static func missing(_ column: String, in name: String) -> ArgumentParser.ValidationError {
    ArgumentParser.ValidationError(say("cli_csv_column", ["file": .plain(name), "column": .plain(column)]))
  }
}
