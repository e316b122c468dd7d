import Foundation
import Logging
import MinshengCore
import MinshengStore

/// Everything Minsheng reads from the environment, read once at start into typed values.
///
/// Nothing else reads the environment. When anything is wrong, every bad variable is listed at
/// once, with secrets redacted. `.env.example` documents each key.
public struct Configuration: Sendable {
  public var database: DatabaseLocation
  public var logLevel: Logger.Level
  /// Extra holiday files (one JSON per year) loaded after the shipped ones.
  public var calendarFiles: [URL]
  /// An SLA rules file replacing the shipped defaults.
  public var slaFile: URL?
  /// The category classifier's model file (`minsheng classify train`); nil: no suggestions.
  public var classifierModel: URL?
  /// The address citizens and staff reach this service at (links, and `Secure` cookies when https).
  public var baseURL: URL?
  /// How authors' names appear on public pages (`MINSHENG_PUBLIC_NAME_STYLE`: `address` or `stars`).
  public var publicNameStyle: PrivacyMask.NameStyle = .address

  /// Problems found while reading the environment.
  public struct Problems: Error, CustomStringConvertible, Sendable {
    public var lines: [String]
    public var description: String {
      (["配置有误，未启动："] + lines.map { "  - \($0)" }).joined(separator: "\n")
    }
  }

  /// Reads `DATABASE_URL`, `BASE_URL`, `LOG_LEVEL`, `MINSHENG_CALENDAR_FILES` (paths separated by
  /// `:`) and `MINSHENG_SLA_FILE`.
  public static func read(
    from environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(Problems)
    -> Configuration
  {
    var problems: [String] = []
    var database = DatabaseLocation.sqlite(path: "minsheng.sqlite")
    do {
      database = try DatabaseLocation.parse(environment["DATABASE_URL"])
    } catch {
      problems.append("DATABASE_URL: \(error.reason)")
    }
    var logLevel = Logger.Level.info
    if let value = environment["LOG_LEVEL"], !value.isEmpty {
      if let level = Logger.Level(rawValue: value.lowercased()) {
        logLevel = level
      } else {
        problems.append("LOG_LEVEL: 须为 trace, debug, info, notice, warning, error, critical 之一，实为 \(value)")
      }
    }
    var calendarFiles: [URL] = []
    for path in (environment["MINSHENG_CALENDAR_FILES"] ?? "").split(separator: ":").map(String.init) {
      if FileManager.default.isReadableFile(atPath: path) {
        calendarFiles.append(URL(fileURLWithPath: path))
      } else {
        problems.append("MINSHENG_CALENDAR_FILES: 无法读取 \(path)")
      }
    }
    var slaFile: URL?
    if let path = environment["MINSHENG_SLA_FILE"], !path.isEmpty {
      if FileManager.default.isReadableFile(atPath: path) {
        slaFile = URL(fileURLWithPath: path)
      } else {
        problems.append("MINSHENG_SLA_FILE: 无法读取 \(path)")
      }
    }
    var baseURL: URL?
    if let value = environment["BASE_URL"], !value.isEmpty {
      if let url = URL(string: value), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false {
        baseURL = url
      } else {
        problems.append("BASE_URL: 须为 http:// 或 https:// 开头的完整地址，实为 \(value)")
      }
    }
    var nameStyle = PrivacyMask.NameStyle.address
    if let value = environment["MINSHENG_PUBLIC_NAME_STYLE"], !value.isEmpty {
      if let style = PrivacyMask.NameStyle(rawValue: value) {
        nameStyle = style
      } else {
        problems.append("MINSHENG_PUBLIC_NAME_STYLE: 须为 address（顾女士）或 stars（顾***），实为 \(value)")
      }
    }
    guard problems.isEmpty else { throw Problems(lines: problems) }
    // Not checked here: a model that cannot be loaded is logged at start, and intake goes on without it.
    let model = environment["MINSHENG_CLASSIFIER_MODEL"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
    return Configuration(
      database: database, logLevel: logLevel, calendarFiles: calendarFiles, slaFile: slaFile, classifierModel: model,
      baseURL: baseURL, publicNameStyle: nameStyle)
  }

  /// The calendar and SLA rules: the shipped ones plus the configured files.
  public func caseRules() throws -> CaseRules {
    var rules = try CaseRules.bundled()
    for file in calendarFiles {
      try rules.calendar.add(json: Data(contentsOf: file))
    }
    if let slaFile {
      rules.sla = try JSONDecoder().decode(SLAPolicySet.self, from: Data(contentsOf: slaFile))
    }
    return rules
  }

  /// A logger at the configured level.
  public func logger(label: String = "minsheng") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = logLevel
    return logger
  }
}
