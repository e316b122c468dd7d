import ArgumentParser
import Foundation
import MinshengCore
import MinshengStore
import MinshengText

/// `minsheng topics --since DATE --until DATE`: the hot topics of a period, from the platform's
/// messages or from a CSV file.
struct TopicsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "topics",
    abstract: "Group the messages of a period into topics: label, size, growth against the period before, likes.",
    discussion: """
      Dates are days in China time (YYYY-MM-DD), both included. The previous period is as long and ends \
      the day before --since. Without --csv the messages come from the configured database; with --csv \
      from a file with title, body and time columns (time starting YYYY-MM-DD) and optionally likes.
      """)

  @ArgumentParser.Option(help: "First day of the period (YYYY-MM-DD).") var since: String
  @ArgumentParser.Option(help: "Last day of the period (YYYY-MM-DD).") var until: String
  @ArgumentParser.Option(help: "Read the messages from this CSV file instead of the database.") var csv: String?
  @ArgumentParser.Option(help: "How many topics to print.") var limit: Int = 20
  @ArgumentParser.Option(help: "The fewest messages a topic has.") var minSize: Int = 2

  func validate() throws {
    guard let first = LocalDate(since), let last = LocalDate(until) else {
      throw ValidationError(say("cli_dates"))
    }
    guard first <= last else { throw ValidationError(say("cli_since_after_until")) }
    guard (1...200).contains(limit), minSize >= 1 else {
      throw ValidationError(say("cli_topics_limits"))
    }
  }

  func run() async throws {
    guard let first = LocalDate(since), let last = LocalDate(until) else { throw ExitCode(2) }
    let days = last.ordinal - first.ordinal + 1
    let previousFirst = first.adding(days: -days)
    let (current, previous): ([TopicMessage], [TopicMessage])
    if let csv {
      (current, previous) = try Self.fromCSV(csv, first: first, last: last, previousFirst: previousFirst)
    } else {
      (current, previous) = try await withConfiguredStore { store, _ in
        let calendar = store.rules.calendar
        let now = try await Self.fromStore(
          store, from: calendar.start(of: first), before: calendar.start(of: last.adding(days: 1)))
        let before = try await Self.fromStore(
          store, from: calendar.start(of: previousFirst), before: calendar.start(of: first))
        return (now, before)
      }
    }
    let topics = TopicFinder(minimumSize: minSize).topics(current: current, previous: previous, limit: limit)
    print(
      say(
        "cli_topics_summary",
        [
          "since": .plain(since), "until": .plain(until), "current": .number(current.count),
          "previousFirst": .plain("\(previousFirst)"), "days": .number(days), "previous": .number(previous.count),
          "topics": .number(topics.count),
        ]))
    for (rank, topic) in topics.enumerated() {
      let growth = topic.growth.map { String(format: "%+.0f%%", $0 * 100) } ?? say("cli_topic_new")
      let likes = topic.likes.map { say("cli_topic_likes", ["likes": .number($0)]) } ?? ""
      print(
        say(
          "cli_topic_line",
          [
            "rank": .number(rank + 1), "label": .plain(topic.label), "size": .number(topic.size),
            "previous": .number(topic.previousSize), "growth": .plain(growth), "likes": .plain(likes),
          ]))
      for title in topic.titles { print("   - \(title)") }
    }
  }

  static func fromCSV(
    _ path: String, first: LocalDate, last: LocalDate, previousFirst: LocalDate
  ) throws -> (
    [TopicMessage], [TopicMessage]
  ) {
    var current: [TopicMessage] = []
    var previous: [TopicMessage] = []
    try CSVFile.forEachRecord(path, required: ["time", "title", "body"]) { record in
      guard let day = record["time"].flatMap({ LocalDate(String($0.prefix(10))) }) else { return }
      let message = TopicMessage(
        title: record["title"] ?? "", body: record["body"] ?? "", likes: record["likes"].flatMap { Int($0) })
      if day >= first && day <= last {
        current.append(message)
      } else if day >= previousFirst && day < first {
        previous.append(message)
      }
    }
    return (current, previous)
  }

  static func fromStore(_ store: Store, from: Date, before: Date) async throws -> [TopicMessage] {
    try await store.texts(createdFrom: from, before: before).map { TopicMessage(title: $0.title, body: $0.body) }
  }
}
