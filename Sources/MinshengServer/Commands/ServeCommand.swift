import ArgumentParser
import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// `minsheng serve`: the HTTP service.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract:
      "Start the HTTP service (SQLite: migrates automatically; PostgreSQL: refuses while migrations are pending).")

  @ArgumentParser.Option(name: [.customShort("H"), .long], help: "Address to listen on.")
  var hostname = "127.0.0.1"

  @ArgumentParser.Option(name: .shortAndLong, help: "Port to listen on.")
  var port = 8080

  @ArgumentParser.Flag(help: "Load the demonstration first when the database is empty (see `minsheng demo`).")
  var demo = false

  func run() async throws {
    let configuration: Configuration
    do {
      configuration = try Configuration.read()
    } catch {
      FileHandle.standardError.write(Data((error.description + "\n").utf8))
      throw ExitCode(78)
    }
    let logger = configuration.logger()
    let home: String
    switch ServerHome.locate(home: configuration.home) {
    case .success(let found): home = found
    case .failure(let missing):
      FileHandle.standardError.write(Data((say("cli_not_started", ["reason": .plain(missing.message)]) + "\n").utf8))
      throw ExitCode(78)
    }
    let database = try await StoreDatabase.open(
      configuration.database, logger: configuration.logger(label: "minsheng.store"),
      maxConnections: configuration.databaseConnections, sqliteMemory: configuration.sqliteMemory,
      readReplicas: configuration.readReplicas)
    let pending: [String]
    do {
      pending = try await database.pendingMigrations()
    } catch {
      await database.close()
      throw error
    }
    if !pending.isEmpty, configuration.database.isPostgres {
      FileHandle.standardError.write(
        Data(
          (say(
            "cli_pending_migrations_serve",
            ["count": .number(pending.count), "names": .plain(pending.joined(separator: ", "))]) + "\n").utf8))
      await database.close()
      throw ExitCode(1)
    }
    do {
      if !pending.isEmpty {
        logger.info("applying \(pending.count) migrations to \(configuration.database)")
        try await database.migrate()
      }
      let store = Store(
        database: database, rules: try configuration.caseRules(), policy: configuration.intakePolicy,
        publicNameStyle: configuration.publicNameStyle, seals: configuration.sealInterval > 0)
      // Calendars and SLA rules uploaded by administrators apply over the files.
      for skipped in try await store.reloadRules() { logger.warning("rules: skipped \(skipped)") }
      if demo {
        if try await store.regions().isEmpty {
          logger.notice("loading the demonstration (1000 messages) …")
          let demoStore = Store(database: database, rules: store.rules, ids: SeededIdentifiers(seed: 2023))
          let summary = try await Demo.load(into: demoStore, messages: 1_000, seed: 2023, now: Date())
          logger.notice("demonstration loaded: \(summary.messages) messages")
          // Written straight away: a buffered print would only show up when the server exits.
          var text = say("cli_accounts_once") + "\n"
          for account in summary.accounts { text += account.line + "\n" }
          FileHandle.standardOutput.write(Data(text.utf8))
        } else {
          logger.notice("the database already has data; --demo left it as it is")
        }
      }
      let app = try await Application.make(
        Environment(
          name: "production", arguments: ["minsheng", "serve", "--hostname", hostname, "--port", String(port)]))
      app.logger = logger
      // Templates, the OpenAPI document and Public/ are read from the home, wherever the server
      // was started.
      app.directory = DirectoryConfiguration(workingDirectory: home)
      let classifiers = ClassifierHolder(
        loadClassifier(at: configuration.classifierModel, logger: logger),
        modified: ClassifierHolder.modified(configuration.classifierModel))
      let modelFile = configuration.classifierModel
      configure(
        app, store: store, baseURL: configuration.baseURL,
        intake: configuration.citizenIntake, autoAssignConfidence: configuration.autoAssignConfidence,
        classifierHolder: classifiers, supervision: configuration.supervisionSchedule,
        searchLimit: configuration.searchLimit, prepareBoard: true)
      // New messages are checked for near-duplicates and the outbox is sent once a second; until a
      // gateway is configured, SMS and staff notices go to the log. The scheduled jobs run every
      // `MINSHENG_JOBS_INTERVAL` seconds under a database lease, so with several instances one runs
      // them at a time; and the classifier is reloaded when its model file changed (a retraining).
      let holder = JobsCommand.holderName()
      let schedule = configuration.supervisionSchedule
      let interval = configuration.jobsInterval
      // The outbox has its own loop, so that a one-time code is not kept waiting behind a long job run.
      let delivery = Task {
        let senders = Senders.configured(configuration, store: store, client: app.client, logger: logger)
        while !Task.isCancelled {
          do {
            try await store.deliverOutbox(using: senders, at: Date())
          } catch {
            logger.warning("outbox: \(String(describing: error))")
          }
          try? await Task.sleep(for: .seconds(1))
        }
      }
      // On PostgreSQL, events are sealed into the global audit chain a moment after they commit (see
      // `PostgresChain`); one instance seals at a time, the others find the head taken and wait for
      // the next moment. `MINSHENG_SEAL_INTERVAL=0` leaves sealing to other instances.
      // On PostgreSQL, public reads of one message skip the database while it does not change.
      store.database.listenForChanges()
      let (sealInterval, sealRound) = (configuration.sealInterval, configuration.sealRound)
      let sealer = Task {
        guard store.database.location.isPostgres, sealInterval > 0 else { return }
        while !Task.isCancelled {
          var full = false
          do {
            full = try await store.sealEvents(limit: sealRound) == sealRound
          } catch {
            logger.warning("audit sealing: \(String(describing: error))")
          }
          if !full { try? await Task.sleep(for: .milliseconds(sealInterval)) }
        }
      }
      let background = Task {
        var lastJobs = ContinuousClock.now - .seconds(interval)
        var lastRules = ContinuousClock.now
        while !Task.isCancelled {
          // Another instance's administrator may have uploaded a calendar or SLA rules.
          if ContinuousClock.now - lastRules >= .seconds(10) {
            lastRules = ContinuousClock.now
            do {
              try await store.reloadRules()
            } catch {
              logger.warning("rules: \(String(describing: error))")
            }
          }
          do {
            try await store.indexPendingDuplicates()
          } catch {
            logger.warning("duplicates: \(String(describing: error))")
          }
          do {
            try await store.indexPendingSearch()
          } catch {
            logger.warning("search: \(String(describing: error))")
          }
          do {
            try await store.refreshRollups()
            try await store.refreshStatistics()
          } catch {
            logger.warning("rollups: \(String(describing: error))")
          }
          do {
            try await store.dispatchWebhooks(at: Date())
          } catch {
            logger.warning("webhooks: \(String(describing: error))")
          }
          if interval > 0, ContinuousClock.now - lastJobs >= .seconds(interval) {
            lastJobs = ContinuousClock.now
            if let modelFile { classifiers.reloadIfChanged(from: modelFile, logger: logger) }
            do {
              let report = try await store.runScheduledJobs(schedule: schedule, holder: holder, at: Date())
              if report.reminded + report.noticed + report.closed > 0 { logger.notice("jobs: \(report)") }
            } catch {
              logger.warning("jobs: \(String(describing: error))")
            }
          }
          try? await Task.sleep(for: .seconds(1))
        }
      }
      do {
        // Vapor's serve command handles SIGINT and SIGTERM: it stops accepting, finishes the requests
        // in flight and returns. The store's database is closed only after that.
        try await app.execute()
      } catch {
        try? await app.asyncShutdown()
        delivery.cancel()
        background.cancel()
        sealer.cancel()
        await delivery.value
        await background.value
        await sealer.value
        throw error
      }
      try await app.asyncShutdown()
      delivery.cancel()
      background.cancel()
      sealer.cancel()
      await delivery.value
      await background.value
      await sealer.value
    } catch {
      await database.close()
      throw error
    }
    await database.close()
  }
}
