import ArgumentParser
import CSV
import Foundation
import MinshengCore

/// A CSV file with a header row (RFC 4180: quoted fields may hold commas, quotes and line breaks; a
/// UTF-8 byte-order mark is skipped), read one record at a time through yaslab/CSV.swift, so a file of
/// a million rows is never held whole. A record with more fields than the header is refused with
/// its number; missing trailing fields are empty.
enum CSVFile {
  /// Calls `body` with each record (column name → field) of the file at `path`, after checking that
  /// the header names every column in `required`.
  static func forEachRecord(
    _ path: String, required: [String] = [], _ body: (_ record: [String: String]) throws -> Void
  ) throws {
    guard let stream = InputStream(fileAtPath: path) else {
      throw ArgumentParser.ValidationError(say("cli_unreadable", ["path": .plain(path)]))
    }
    try forEachRecord(
      named: path, reader: try reader(named: path) { try CSVReader(stream: stream, hasHeaderRow: true) }, required, body
    )
  }

  /// The same for CSV text (tests and small inputs).
  static func forEachRecord(
    text: String, required: [String] = [], _ body: (_ record: [String: String]) throws -> Void
  ) throws {
    try forEachRecord(
      named: "CSV", reader: try reader(named: "CSV") { try CSVReader(string: text, hasHeaderRow: true) }, required, body
    )
  }

  private static func reader(named name: String, _ open: () throws -> CSVReader) throws -> CSVReader? {
    do {
      return try open()
    } catch CSVError.cannotReadHeaderRow {
      return nil  // an empty file: no records
    } catch CSVError.cannotOpenFile {
      throw ArgumentParser.ValidationError(say("cli_unreadable", ["path": .plain(name)]))
    }
  }

  private static func isEndOfFile(_ error: any Error) -> Bool {
    if case CSVError.cannotReadFile = error { return true }
    return false
  }

  private static func forEachRecord(
    named name: String, reader: CSVReader?, _ required: [String], _ body: ([String: String]) throws -> Void
  ) throws {
    guard let reader, let header = reader.headerRow else {
      if let column = required.first { throw missing(column, in: name) }
      return
    }
    let columns = header.map { $0.trimmingCharacters(in: CharacterSet.whitespaces.union(["\u{FEFF}"])) }
    for column in required where !columns.contains(column) { throw missing(column, in: name) }
    var number = 0
    while let row = reader.next() {
      number += 1
      if row.count == 1, row[0].isEmpty { continue }  // a blank line
      guard row.count <= columns.count else {
        throw ArgumentParser.ValidationError(
          say(
            "cli_csv_fields",
            [
              "file": .plain(name), "record": .number(number), "fields": .number(row.count),
              "columns": .number(columns.count),
            ]))
      }
      var record: [String: String] = [:]
      for (index, column) in columns.enumerated() { record[column] = index < row.count ? row[index] : "" }
      try body(record)
    }
    // On Linux a file stream reports bytes available at its end, so the reader's last read fails
    // with `cannotReadFile` after the last record: that is the end of the file, not an error.
    if let error = reader.error, !Self.isEndOfFile(error) {
      throw ArgumentParser.ValidationError(
        say("cli_csv_unreadable", ["file": .plain(name), "reason": .plain(String(describing: error))]))
    }
  }

  private static func missing(_ column: String, in name: String) -> ArgumentParser.ValidationError {
    ArgumentParser.ValidationError(say("cli_csv_column", ["file": .plain(name), "column": .plain(column)]))
  }
}
