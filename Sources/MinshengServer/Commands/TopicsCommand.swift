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
      throw ValidationError("--since 与 --until 须为 YYYY-MM-DD 格式的日期")
    }
    guard first <= last else { throw ValidationError("--since 不能晚于 --until") }
    guard (1...200).contains(limit), minSize >= 1 else {
      throw ValidationError("--limit 须在 1 到 200 之间，--min-size 至少为 1")
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
      "\(since) 至 \(until)：\(current.count) 条留言，上一期（\(previousFirst) 起 \(days) 天）\(previous.count) 条；\(topics.count) 个热点"
    )
    for (rank, topic) in topics.enumerated() {
      let growth = topic.growth.map { String(format: "%+.0f%%", $0 * 100) } ?? "新"
      let likes = topic.likes.map { "，点赞 \($0)" } ?? ""
      print("\(rank + 1). \(topic.label)：\(topic.size) 条（上一期 \(topic.previousSize)，\(growth)\(likes)）")
      for title in topic.titles { print("   - \(title)") }
    }
  }

  static func fromCSV(
    _ path: String, first: LocalDate, last: LocalDate, previousFirst: LocalDate
  ) throws -> (
    [TopicMessage], [TopicMessage]
  ) {
    guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("无法读取 \(path)") }
    var current: [TopicMessage] = []
    var previous: [TopicMessage] = []
    for record in try CSV.records(String(decoding: data, as: UTF8.self)) {
      guard let day = record["time"].flatMap({ LocalDate(String($0.prefix(10))) }) else { continue }
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
