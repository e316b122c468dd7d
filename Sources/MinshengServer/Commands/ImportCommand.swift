import ArgumentParser
import Foundation
import MinshengCore
import MinshengStore

/// `minsheng import --channel hotline 工单.csv`: 渠道导入, every channel into one loop.
struct ImportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract:
      "Import another channel's records: 12345 work orders, mailbox letters, social-media comments, another board.",
    discussion: """
      Files: .csv (a header row), .xlsx (the first sheet, a header row), .json (an array of objects, or one object to a line), .eml (one letter; a \
      folder of them may be named), .mbox. Default columns — hotline: external_id, received_at, caller_name, \
      caller_phone, title, body, category, address; mailbox: read from the letters; social: external_id, author, \
      time, text, link; board: external_id, received_at, name, phone, title, body, category, status, reply, \
      replied_at, unit. --map renames them. Importing a file again adds nothing. See docs/channels.md.
      """)

  @ArgumentParser.Option(help: "hotline, mailbox, social or board.") var channel: String
  @ArgumentParser.Option(help: "The file's columns, as field=column,… (docs/channels.md has a 12345 example).")
  var map = ""
  @ArgumentParser.Option(
    help: "A name for the source system, when one channel has several (for example 12345-fengjie).")
  var source: String?
  @ArgumentParser.Option(help: "Where to write refused records (default: the first file's name + .rejects.csv).")
  var rejects: String?
  @ArgumentParser.Option(help: "Records to a transaction.") var batchSize = 1_000
  @ArgumentParser.Flag(help: "No progress bar.") var quiet = false
  @ArgumentParser.Argument(help: "The files (or, for mailbox, folders of .eml files).") var files: [String]

  func validate() throws {
    guard let channel = ImportChannel(rawValue: channel) else {
      throw ValidationError(say("cli_import_channel", ["channels": .plain("hotline, mailbox, social, board")]))
    }
    do {
      _ = try ColumnMap(parsing: map, for: channel)
    } catch {
      throw ValidationError(error.text.chinese)
    }
    guard !files.isEmpty else { throw ValidationError(say("cli_import_no_files")) }
    guard (1...10_000).contains(batchSize) else { throw ValidationError(say("cli_import_batch")) }
    if let source, source.isEmpty || source.count > 60 { throw ValidationError(say("cli_import_source")) }
  }

  func run() async throws {
    guard let channel = ImportChannel(rawValue: channel), let columns = try? ColumnMap(parsing: map, for: channel)
    else { throw ExitCode(2) }
    let inputs = try ImportInputs.expand(files, channel: channel)
    let rejectsPath = rejects ?? (files[0] as NSString).lastPathComponent + ".rejects.csv"
    let (source, batchSize, quiet) = (self.source, self.batchSize, self.quiet)
    let started = Date()
    let (report, rejectsWritten) = try await withConfiguredStore { store, configuration in
      let rejectsFile = RejectsFile(path: rejectsPath)
      var importer = try await ChannelImporter(
        store: store, channel: channel, source: source, map: columns,
        classifier: loadClassifier(
          at: configuration.classifierModel, logger: configuration.logger(label: "minsheng.import")),
        batchSize: batchSize, now: Date(), onReject: rejectsFile.write)
      let progress = ImportProgress(enabled: !quiet && isatty(STDERR_FILENO) == 1, files: inputs.count)
      for (index, input) in inputs.enumerated() {
        var reader = try input.reader()
        try importer.check(columns: reader.columns, file: input.path)
        while let record = try reader.next() {
          try await importer.add(record, file: input.path)
          progress.update(file: index, fraction: reader.fraction, report: importer.report)
        }
      }
      let report = try await importer.finish()
      progress.finish(report)
      return (report, rejectsFile.close())
    }
    let seconds = max(0.001, Date().timeIntervalSince(started))
    print(
      say(
        "cli_import_done",
        [
          "read": .number(report.read), "added": .number(report.added), "already": .number(report.alreadyImported),
          "rejected": .number(report.rejected), "seconds": .plain(String(format: "%.1f", seconds)),
          "rate": .number(Int((Double(report.read) / seconds).rounded())),
        ]))
    if report.alreadyImported > 0, report.added == 0 { print(say("cli_import_nothing_new")) }
    if report.unknownCategory > 0 {
      print(say("cli_import_unknown_categories", ["count": .number(report.unknownCategory)]))
    }
    if report.unknownRegion > 0 { print(say("cli_import_unknown_regions", ["count": .number(report.unknownRegion)])) }
    if rejectsWritten { print(say("cli_import_rejects", ["path": .plain(rejectsPath)])) }
    if report.rejected > 0 { throw ExitCode(3) }
  }
}

/// The files an import reads, each with its kind.
struct ImportInputs {
  enum Kind { case csv, xlsx, json, eml, mbox }

  var path: String
  var kind: Kind

  func reader() throws(ImportFileError) -> any RecordReader {
    switch kind {
    case .csv: try CSVRecordReader(path: path, countingLines: true)
    case .xlsx: try XLSXRecordReader(path: path)
    case .json: try JSONRecordReader(path: path)
    case .eml: try MailRecordReader(path: path, mbox: false)
    case .mbox: try MailRecordReader(path: path, mbox: true)
    }
  }

  /// The files named, a folder as its `.eml` files in name order; each file's kind from its name
  /// (a mailbox file without a known ending is an mbox).
  static func expand(_ paths: [String], channel: ImportChannel) throws -> [ImportInputs] {
    var inputs: [ImportInputs] = []
    for path in paths {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
        throw ValidationError(say("cli_unreadable", ["path": .plain(path)]))
      }
      if isFolder.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names.sorted() where name.lowercased().hasSuffix(".eml") {
          inputs.append(ImportInputs(path: (path as NSString).appendingPathComponent(name), kind: .eml))
        }
        continue
      }
      let ending = (path as NSString).pathExtension.lowercased()
      let kind: Kind? =
        switch ending {
        case "csv", "txt": channel == .mailbox ? nil : .csv
        case "xlsx": channel == .mailbox ? nil : .xlsx
        case "json", "jsonl", "ndjson": channel == .mailbox ? nil : .json
        case "eml": .eml
        case "mbox": .mbox
        default: channel == .mailbox ? .mbox : nil
        }
      guard let kind else {
        throw ValidationError(say("cli_import_kind", ["path": .plain(path)]))
      }
      inputs.append(ImportInputs(path: path, kind: kind))
    }
    return inputs
  }
}

/// The rejects file (CSV: file, line, external_id, reason), made when the first record is refused.
final class RejectsFile: @unchecked Sendable {
  private let path: String
  private var handle: FileHandle?
  private let lock = NSLock()

  init(path: String) { self.path = path }

  func write(_ reject: ImportReject) {
    lock.withLock {
      if handle == nil {
        _ = FileManager.default.createFile(atPath: path, contents: Data("file,line,external_id,reason\r\n".utf8))
        handle = FileHandle(forWritingAtPath: path)
        _ = try? handle?.seekToEnd()
      }
      let row = [reject.file, String(reject.line), reject.externalID, reject.reason].map(CSVFile.quoted)
      try? handle?.write(contentsOf: Data((row.joined(separator: ",") + "\r\n").utf8))
    }
  }

  /// Closes the file; true when one was written.
  func close() -> Bool {
    lock.withLock {
      defer { try? handle?.close() }
      return handle != nil
    }
  }
}
