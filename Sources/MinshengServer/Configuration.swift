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
  /// PostgreSQL streaming replicas of `database` for the public's reads (`DATABASE_READ_URLS`,
  /// separated by commas); empty: the primary answers everything.
  public var readReplicas: [String] = []
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
  /// Moderation before publication and the rate limits of citizens' intake.
  public var intakePolicy = Configuration.defaultPolicy
  /// How the write form checks the author's mobile number, and where addresses come from.
  public var citizenIntake = CitizenIntake()
  /// 催办、督办、自动办结: the shipped schedule or `MINSHENG_SUPERVISION_FILE`.
  public var supervisionSchedule = SupervisionSchedule()
  /// Seconds between runs of the scheduled jobs inside `serve` (`MINSHENG_JOBS_INTERVAL`); 0: off.
  public var jobsInterval = 60
  /// PostgreSQL only: connections to the primary this instance keeps at most
  /// (`MINSHENG_DB_CONNECTIONS`), half of them for shared write transactions.
  public var databaseConnections = 8
  /// PostgreSQL only: milliseconds between this instance's rounds of sealing the audit chain
  /// (`MINSHENG_SEAL_INTERVAL`); 0: this instance leaves sealing to the others.
  public var sealInterval = 200
  /// PostgreSQL only: how many events one round of sealing links at most (`MINSHENG_SEAL_ROUND`).
  public var sealRound = 5_000
  /// 智能分派: assign at intake when the classifier's confidence reaches this (`MINSHENG_AUTO_ASSIGN_CONFIDENCE`);
  /// nil (the default): never.
  public var autoAssignConfidence: Double?
  /// Searches, the overdue list and `/metrics` per network address (`MINSHENG_RATE_LIMIT_SEARCH`).
  public var searchLimit: RateLimit? = RateLimit(count: 60, window: 60)
  /// SQLite's memory for pages (`MINSHENG_SQLITE_MAP_MB`, `MINSHENG_SQLITE_CACHE_MB`; see `SQLiteMemory`).
  public var sqliteMemory = SQLiteMemory.bounded
  /// The directory with `Resources/` and `Public/` (`MINSHENG_HOME`); nil: found by `ServerHome`.
  public var home: String?
  /// Where staff notices are mailed (`MINSHENG_SMTP_URL`); nil writes them to the log.
  var smtp: SMTPMailer?
  /// The SMS gateway (`MINSHENG_SMS_GATEWAY_URL`, `MINSHENG_SMS_GATEWAY_TOKEN`); nil writes texts to the log.
  var smsGateway: HTTPSMSSender.Gateway?

  /// Problems found while reading the environment.
  public struct Problems: Error, CustomStringConvertible, Sendable {
    public var lines: [String]
    public var description: String {
      ([say("config_problems")] + lines.map { "  - \($0)" }).joined(separator: "\n")
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
    var readReplicas: [String] = []
    for text in (environment["DATABASE_READ_URLS"] ?? "").split(separator: ",").map({
      $0.trimmingCharacters(in: .whitespaces)
    }) where !text.isEmpty {
      if !database.isPostgres {
        problems.append("DATABASE_READ_URLS: " + say("config_replicas_need_postgres"))
        break
      }
      if case .postgres(let url)? = try? DatabaseLocation.parse(text) {
        readReplicas.append(url)
      } else {
        problems.append(
          "DATABASE_READ_URLS: "
            + say("config_replica_url", ["value": .plain(DatabaseLocation.postgres(url: text).description)]))
      }
    }
    var logLevel = Logger.Level.info
    if let value = environment["LOG_LEVEL"], !value.isEmpty {
      if let level = Logger.Level(rawValue: value.lowercased()) {
        logLevel = level
      } else {
        problems.append("LOG_LEVEL: " + say("config_log_level", ["value": .plain(value)]))
      }
    }
    var calendarFiles: [URL] = []
    for path in (environment["MINSHENG_CALENDAR_FILES"] ?? "").split(separator: ":").map(String.init) {
      if FileManager.default.isReadableFile(atPath: path) {
        calendarFiles.append(URL(fileURLWithPath: path))
      } else {
        problems.append("MINSHENG_CALENDAR_FILES: " + say("cli_unreadable", ["path": .plain(path)]))
      }
    }
    var slaFile: URL?
    if let path = environment["MINSHENG_SLA_FILE"], !path.isEmpty {
      if FileManager.default.isReadableFile(atPath: path) {
        slaFile = URL(fileURLWithPath: path)
      } else {
        problems.append("MINSHENG_SLA_FILE: " + say("cli_unreadable", ["path": .plain(path)]))
      }
    }
    var baseURL: URL?
    if let value = environment["BASE_URL"], !value.isEmpty {
      if let url = URL(string: value), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false {
        baseURL = url
      } else {
        problems.append("BASE_URL: " + say("config_url", ["value": .plain(value)]))
      }
    }
    var nameStyle = PrivacyMask.NameStyle.address
    if let value = environment["MINSHENG_PUBLIC_NAME_STYLE"], !value.isEmpty {
      if let style = PrivacyMask.NameStyle(rawValue: value) {
        nameStyle = style
      } else {
        problems.append("MINSHENG_PUBLIC_NAME_STYLE: " + say("config_name_style", ["value": .plain(value)]))
      }
    }
    var policy = Configuration.defaultPolicy
    func onOff(_ key: String, default value: Bool) -> Bool {
      guard let text = environment[key], !text.isEmpty else { return value }
      switch text.lowercased() {
      case "on", "true", "1", "yes": return true
      case "off", "false", "0", "no": return false
      default:
        problems.append("\(key): " + say("config_on_off", ["value": .plain(text)]))
        return value
      }
    }
    func limit(_ key: String, default value: RateLimit?) -> RateLimit? {
      guard let text = environment[key], !text.isEmpty else { return value }
      if text.lowercased() == "off" { return nil }
      if let limit = RateLimit(text) { return limit }
      problems.append("\(key): " + say("config_rate_limit", ["value": .plain(text)]))
      return value
    }
    policy.moderation = onOff("MINSHENG_MODERATION", default: true)
    if let code = environment["MINSHENG_DEFAULT_OFFICE"], !code.isEmpty { policy.defaultOffice = code }
    policy.perPhone = limit("MINSHENG_RATE_LIMIT_PHONE", default: policy.perPhone)
    policy.perAddress = limit("MINSHENG_RATE_LIMIT_ADDRESS", default: policy.perAddress)
    policy.perAPIKey = limit("MINSHENG_RATE_LIMIT_API_KEY", default: policy.perAPIKey)
    policy.codesPerNumber = limit("MINSHENG_SMS_LIMIT_PHONE", default: policy.codesPerNumber)
    policy.codesPerAddress = limit("MINSHENG_SMS_LIMIT_ADDRESS", default: policy.codesPerAddress)
    policy.codesOverall = limit("MINSHENG_SMS_LIMIT_TOTAL", default: policy.codesOverall)
    let searchLimit = limit("MINSHENG_RATE_LIMIT_SEARCH", default: RateLimit(count: 60, window: 60))
    var intake = CitizenIntake()
    intake.verifyPhone = onOff("MINSHENG_VERIFY_PHONE", default: true)
    if onOff("MINSHENG_TRUST_X_FORWARDED_FOR", default: false) { intake.proxies = .localNetworks }
    if let text = environment["MINSHENG_TRUSTED_PROXIES"], !text.isEmpty {
      do {
        intake.proxies = try TrustedProxies(text)
      } catch {
        problems.append("MINSHENG_TRUSTED_PROXIES: \(error.problems.first?.message ?? say("config_malformed"))")
      }
    }
    if let path = environment["MINSHENG_IP_REGIONS"], !path.isEmpty {
      if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
        do {
          intake.regions = try IPRegionTable(csv: text)
        } catch {
          problems.append("MINSHENG_IP_REGIONS: \(error.problems.first?.message ?? say("config_malformed"))")
        }
      } else {
        problems.append("MINSHENG_IP_REGIONS: " + say("cli_unreadable", ["path": .plain(path)]))
      }
    }
    var schedule = SupervisionSchedule()
    do {
      schedule = try SupervisionSchedule.bundledDefault()
    } catch {
      problems.append(say("config_bundled_supervision"))
    }
    if let path = environment["MINSHENG_SUPERVISION_FILE"], !path.isEmpty {
      if let data = FileManager.default.contents(atPath: path),
        let decoded = try? JSONDecoder().decode(SupervisionSchedule.self, from: data)
      {
        schedule = decoded
      } else {
        problems.append("MINSHENG_SUPERVISION_FILE: " + say("config_unreadable_or_malformed", ["path": .plain(path)]))
      }
    }
    var jobsInterval = 60
    if let text = environment["MINSHENG_JOBS_INTERVAL"], !text.isEmpty {
      if let value = Int(text), value >= 0 {
        jobsInterval = value
      } else {
        problems.append("MINSHENG_JOBS_INTERVAL: " + say("config_seconds", ["value": .plain(text)]))
      }
    }
    /// A whole number from `range` (`key` unset or empty: `fallback`); anything else is a problem.
    func wholeNumber(_ key: String, _ fallback: Int, in range: ClosedRange<Int>) -> Int {
      guard let text = environment[key], !text.isEmpty else { return fallback }
      if let value = Int(text), range.contains(value) { return value }
      problems.append(
        "\(key): "
          + say(
            "config_whole_number",
            ["min": .number(range.lowerBound), "max": .number(range.upperBound), "value": .plain(text)]))
      return fallback
    }
    let databaseConnections = wholeNumber("MINSHENG_DB_CONNECTIONS", 8, in: 2...200)
    let sealInterval = wholeNumber("MINSHENG_SEAL_INTERVAL", 200, in: 0...60_000)
    let sealRound = wholeNumber("MINSHENG_SEAL_ROUND", 5_000, in: 1...100_000)
    var sqliteMemory = SQLiteMemory.bounded
    func megabytes(_ key: String, in range: ClosedRange<Int>) -> Int? {
      guard let text = environment[key], !text.isEmpty else { return nil }
      if let value = Int(text), range.contains(value) { return value }
      problems.append(
        "\(key): "
          + say(
            "config_megabytes",
            ["value": .plain(text), "min": .plain("\(range.lowerBound)"), "max": .plain("\(range.upperBound)")]))
      return nil
    }
    if let value = megabytes("MINSHENG_SQLITE_MAP_MB", in: 0...65536) { sqliteMemory.mapBytes = value << 20 }
    if let value = megabytes("MINSHENG_SQLITE_CACHE_MB", in: 1...4096) { sqliteMemory.cacheKiB = value << 10 }
    var autoAssign: Double?
    if let text = environment["MINSHENG_AUTO_ASSIGN_CONFIDENCE"], !text.isEmpty, text.lowercased() != "off" {
      if let value = Double(text), value > 0, value <= 1 {
        autoAssign = value
      } else {
        problems.append("MINSHENG_AUTO_ASSIGN_CONFIDENCE: " + say("config_confidence", ["value": .plain(text)]))
      }
    }
    var smtp: SMTPMailer?
    if let text = environment["MINSHENG_SMTP_URL"], !text.isEmpty {
      switch SMTPMailer.parse(text) {
      case .success(let mailer): smtp = mailer
      case .failure(let failure): problems.append(failure.description)
      }
    }
    var smsGateway: HTTPSMSSender.Gateway?
    if let text = environment["MINSHENG_SMS_GATEWAY_URL"], !text.isEmpty {
      if let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false {
        let token = environment["MINSHENG_SMS_GATEWAY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        smsGateway = HTTPSMSSender.Gateway(url: text, token: token)
      } else {
        problems.append("MINSHENG_SMS_GATEWAY_URL: " + say("config_url", ["value": .plain(text)]))
      }
    }
    // One-time codes written to the log are for development: a site served over https must name its
    // SMS gateway, unless its operator says the log is meant (MINSHENG_SMS_LOG_OK=1).
    if smsGateway == nil, baseURL?.scheme == "https", environment["MINSHENG_SMS_LOG_OK"] != "1" {
      problems.append("MINSHENG_SMS_GATEWAY_URL: " + say("config_sms_log_https"))
    }
    guard problems.isEmpty else { throw Problems(lines: problems) }
    // Not checked here: a model that cannot be loaded is logged at start, and intake goes on without it.
    let model = environment["MINSHENG_CLASSIFIER_MODEL"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
    return Configuration(
      database: database, readReplicas: readReplicas, logLevel: logLevel, calendarFiles: calendarFiles,
      slaFile: slaFile, classifierModel: model,
      baseURL: baseURL, publicNameStyle: nameStyle, intakePolicy: policy, citizenIntake: intake,
      supervisionSchedule: schedule, jobsInterval: jobsInterval, databaseConnections: databaseConnections,
      sealInterval: sealInterval, sealRound: sealRound, autoAssignConfidence: autoAssign,
      searchLimit: searchLimit, sqliteMemory: sqliteMemory,
      home: environment["MINSHENG_HOME"].flatMap { $0.isEmpty ? nil : $0 }, smtp: smtp,
      smsGateway: smsGateway)
  }

  /// Moderation on, 10 messages a day per mobile number, 30 an hour per network address, 600 an hour
  /// per partner's API key.
  public static let defaultPolicy = IntakePolicy(
    moderation: true, perPhone: RateLimit(count: 10, window: 86_400), perAddress: RateLimit(count: 30, window: 3_600),
    perAPIKey: RateLimit(count: 600, window: 3_600),
    codesPerNumber: RateLimit(count: 5, window: 3_600), codesPerAddress: RateLimit(count: 10, window: 3_600),
    codesOverall: RateLimit(count: 1_000, window: 3_600))

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

/// How the citizens' pages take messages: whether the mobile number is verified by a one-time code,
/// which proxies' `X-Forwarded-For` is believed, and the table that turns an address into the region
/// kept with the message.
public struct CitizenIntake: Sendable {
  public var verifyPhone: Bool
  public var proxies: TrustedProxies
  public var regions: IPRegionTable

  /// `trustForwardedFor` trusts proxies on the local machine and private networks.
  public init(verifyPhone: Bool = false, trustForwardedFor: Bool = false, regions: IPRegionTable = IPRegionTable()) {
    self.init(verifyPhone: verifyPhone, proxies: trustForwardedFor ? .localNetworks : .none, regions: regions)
  }

  public init(verifyPhone: Bool, proxies: TrustedProxies, regions: IPRegionTable = IPRegionTable()) {
    self.verifyPhone = verifyPhone
    self.proxies = proxies
    self.regions = regions
  }
}
