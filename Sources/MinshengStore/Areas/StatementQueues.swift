import Foundation
import MinshengCore

/// `QueueStorage` over a statement runner: each queue walks one index in the order it shows and
/// reads only what a row shows (`CaseSummaryRecord`).
struct StatementQueues<Runner: StatementRunner>: QueueStorage {
  let runner: Runner

  /// SQLite's planner would rather walk an office's or a unit's whole queue by an index with more
  /// equal columns than the small partial indexes; where the runner says so, the statement names them.
  private func table(_ index: String) -> String {
    runner.indexHints ? "messages INDEXED BY \(index)" : "messages"
  }

  func cases(dispatchedBy office: UUID?, status: Status, limit: Int, offset: Int) async throws -> [CaseSummary] {
    let window = QueueWindowBounds(limit: limit, offset: offset)
    var records: [CaseSummaryRecord] = []
    var skip = window.offset
    for part in CaseQueue.poolParts(status) where records.count < window.limit {
      var rows =
        SQLFragment("FROM \(part.first ? table("messages_urgent_new") : "messages") WHERE ")
        + (part.condition.map { SQLFragment($0) } ?? SQLFragment("status = ?", [.text(status.rawValue)]))
      if let office { rows = rows + SQLFragment(" AND dispatching_unit_id = ?", [.uuid(office)]) }
      if part.first {
        // How many this part holds, to know how far into the next part the page starts.
        let total = try await runner.integer(SQLFragment("SELECT COUNT(*) AS n ") + rows)
        if skip >= total {
          skip -= total
          continue
        }
      }
      records += try await runner.all(
        SQLFragment("SELECT \(CaseSummaryRecord.columns) ") + rows
          + SQLFragment(
            " ORDER BY serial_year DESC, serial_number DESC LIMIT ? OFFSET ?",
            [.integer(Int64(window.limit - records.count)), .integer(Int64(skip))]),
        as: CaseSummaryRecord.self)
      skip = 0
    }
    return try records.map { try $0.core() }
  }

  func cases(ledBy unit: UUID, status: Status, limit: Int, offset: Int) async throws -> [CaseSummary] {
    let window = QueueWindowBounds(limit: limit, offset: offset)
    // Returned cases have their own small index by arrival (0035), used when the status is named
    // literally; the others are in a (lead unit, status, deadline) index, read in its order (equal
    // deadlines in arrival order: naming a second key would make SQLite sort the whole status).
    let returned = status == .returned
    let condition =
      returned ? SQLFragment(CaseQueue.returned) : SQLFragment("status = ?", [.text(status.rawValue)])
    let statement =
      SQLFragment(
        "SELECT \(CaseSummaryRecord.columns) FROM \(returned ? table("messages_lead_returned") : "messages") WHERE lead_unit_id = ? AND ",
        [.uuid(unit)]) + condition
      + SQLFragment(
        " ORDER BY \(CaseQueue.inboxColumn(status))\(runner.indexHints ? "" : ", serial_number") LIMIT ? OFFSET ?",
        [.integer(Int64(window.limit)), .integer(Int64(window.offset))])
    return try await runner.all(statement, as: CaseSummaryRecord.self).map { try $0.core() }
  }

  func cases(assistedBy unit: UUID, limit: Int, offset: Int) async throws -> [CaseSummary] {
    let window = QueueWindowBounds(limit: limit, offset: offset)
    let statement =
      SQLFragment(
        """
        SELECT \(CaseSummaryRecord.columns(of: "m.")) FROM messages m
        JOIN message_assisting_units a ON a.message_id = m.id WHERE a.unit_id = ? AND m.status IN (
        """, [.uuid(unit)]) + .list(CaseQueue.openStatuses.map(StoreValue.text))
      + SQLFragment(
        ") ORDER BY m.created_at DESC LIMIT ? OFFSET ?",
        [.integer(Int64(window.limit)), .integer(Int64(window.offset))])
    return try await runner.all(statement, as: CaseSummaryRecord.self).map { try $0.core() }
  }

  func assistedCount(by unit: UUID) async throws -> Int {
    try await runner.integer(
      SQLFragment(
        """
        SELECT COUNT(*) AS n FROM messages m JOIN message_assisting_units a ON a.message_id = m.id
        WHERE a.unit_id = ? AND m.status IN (
        """, [.uuid(unit)]) + .list(CaseQueue.openStatuses.map(StoreValue.text)) + SQLFragment(")"))
  }

  func casesDue(from: Date?, before: Date, leadUnit: UUID?, limit: Int, offset: Int) async throws -> [CaseSummary] {
    try await runner.due(
      CaseSummaryRecord.self, from: from, before: before, leadUnit: leadUnit, limit: limit, offset: offset
    )
    .map { try $0.core() }
  }

  func casesDueCount(from: Date?, before: Date, leadUnit: UUID?) async throws -> Int {
    var total = 0
    for status in DueQueue.statuses {
      total += try await runner.integer(
        SQLFragment("SELECT COUNT(*) AS n ") + DueQueue.rows(status, from: from, before: before, leadUnit: leadUnit))
    }
    return total
  }

  func caseCount(status: Status, dispatchingUnit: UUID?, leadUnit: UUID?) async throws -> Int {
    var conditions = [SQLFragment("status = ?", [.text(status.rawValue)])]
    if let dispatchingUnit { conditions.append(SQLFragment("dispatching_unit_id = ?", [.uuid(dispatchingUnit)])) }
    if let leadUnit { conditions.append(SQLFragment("lead_unit_id = ?", [.uuid(leadUnit)])) }
    return try await runner.integer(SQLFragment("SELECT COUNT(*) AS n FROM messages") + .where(conditions))
  }

  private func pendingModeration(_ office: UUID?) -> SQLFragment {
    SQLFragment(" FROM messages WHERE \(CaseQueue.pendingModeration) AND is_public = ?", [.bool(true)])
      + (office.map { SQLFragment(" AND dispatching_unit_id = ?", [.uuid($0)]) } ?? SQLFragment(""))
  }

  func moderationQueue(dispatchingUnit: UUID?, limit: Int) async throws -> [Message] {
    try await runner.messages(
      SQLFragment("SELECT *") + pendingModeration(dispatchingUnit)
        + SQLFragment(" ORDER BY created_at LIMIT ?", [.integer(Int64(max(1, min(limit, 200))))]))
  }

  func moderationBacklog(dispatchingUnit: UUID?) async throws -> Int {
    try await runner.integer(SQLFragment("SELECT COUNT(*) AS n") + pendingModeration(dispatchingUnit))
  }

  func firstContactResolution(
    from: Date, before: Date, dispatchingUnit: UUID?
  ) async throws
    -> FirstContactResolution
  {
    // The channel condition is written as the partial index has it, so both databases use the index,
    // which holds every column the count reads (0036).
    let period =
      SQLFragment(
        "\(CaseQueue.firstContactChannels) AND m.created_at >= ? AND m.created_at < ?", [.date(from), .date(before)])
      + (dispatchingUnit.map { SQLFragment(" AND m.dispatching_unit_id = ?", [.uuid($0)]) } ?? SQLFragment(""))
    let table = runner.indexHints ? "messages AS m INDEXED BY messages_first_contact" : "messages AS m"
    let received = try await runner.integer(SQLFragment("SELECT COUNT(*) AS n FROM \(table) WHERE ") + period)
    let resolved = try await runner.integer(
      SQLFragment(
        "SELECT COUNT(DISTINCT e.message_id) AS n FROM events e JOIN messages m ON m.id = e.message_id "
          + "WHERE e.action = 'answer_directly' AND ") + period)
    return FirstContactResolution(received: received, resolved: resolved)
  }

  func overdueCounts(at now: Date) async throws -> (acceptance: Int, reply: Int) {
    let acceptance = try await runner.integer(
      SQLFragment(
        "SELECT COUNT(*) AS n FROM messages WHERE status = ? AND acceptance_due <= ?",
        [.text(Status.assigned.rawValue), .date(now)]))
    let reply = try await runner.integer(
      SQLFragment("SELECT COUNT(*) AS n FROM messages WHERE status IN (")
        + .list([Status.accepted, .extensionRequested, .reviewing].map { .text($0.rawValue) })
        + SQLFragment(") AND reply_due <= ?", [.date(now)]))
    return (acceptance, reply)
  }

  func messages(matching filter: MessageFilter, limit: Int) async throws -> [Message] {
    try await runner.messages(ReadStatements.messages(matching: filter, limit: limit))
  }

  func handledMessagesWithCategory(limit: Int) async throws -> [(title: String, body: String, category: UUID)] {
    let closures = [Closure.resolved, .unevaluated, .closedByDispatcher, .reopenDeclined].map {
      StoreValue.text($0.rawValue)
    }
    let statement =
      SQLFragment(
        "SELECT title, body, category_id FROM messages WHERE status = ? AND closure IN (",
        [
          .text(Status.closed.rawValue)
        ]) + .list(closures)
      + SQLFragment(
        ") AND category_id IS NOT NULL ORDER BY created_at DESC LIMIT ?", [.integer(Int64(max(1, limit)))])
    return try await runner.all(statement, as: LabelledRow.self).map { ($0.title, $0.body, $0.category_id) }
  }

  /// In two steps: the sample's serials from the index by arrival time alone (which holds them), then
  /// the sample's rows by serial, so that a busy week's other rows are never read.
  func texts(
    createdFrom from: Date, before: Date, every stride: Int
  ) async throws -> [(id: UUID, title: String, body: String)] {
    let serials = try await runner.all(
      SQLFragment(
        """
        SELECT serial_year, serial_number FROM messages WHERE created_at >= ? AND created_at < ?
        AND serial_number % ? = 0
        """, [.date(from), .date(before), .integer(Int64(stride))]), as: SerialRow.self)
    var found: [TextRow] = []
    for (year, sampled) in Dictionary(grouping: serials, by: \.serial_year).sorted(by: { $0.key < $1.key }) {
      let numbers = sampled.map(\.serial_number)
      var rows: [TextRow] = []
      for start in Swift.stride(from: 0, to: numbers.count, by: 500) {
        let chunk = numbers[start..<min(start + 500, numbers.count)]
        rows += try await runner.all(
          SQLFragment(
            "SELECT id, title, body, serial_number FROM messages WHERE serial_year = ? AND serial_number IN (",
            [.integer(Int64(year))]) + .list(chunk.map { .integer(Int64($0)) }) + SQLFragment(")"),
          as: TextRow.self)
      }
      found += rows.sorted { $0.serial_number < $1.serial_number }
    }
    return found.map { ($0.id, $0.title, $0.body) }
  }

  func messageCount(createdFrom from: Date, before: Date) async throws -> Int {
    try await runner.integer(
      SQLFragment(
        "SELECT COUNT(*) AS n FROM messages WHERE created_at >= ? AND created_at < ?", [.date(from), .date(before)]))
  }
}

extension StatementRunner {
  /// 督办台 and the scheduled jobs: open cases whose running deadline falls in `[from, before)`, one
  /// indexed walk per status in deadline order, merged by deadline (then serial), so that only
  /// `offset + limit` rows are read however many cases are late.
  func due<Record: QueueRecord>(
    _ type: Record.Type, from: Date?, before: Date, leadUnit: UUID?, limit: Int, offset: Int
  ) async throws -> [Record] {
    let window = QueueWindowBounds(limit: limit, offset: offset, maximum: 2_000)
    var found: [(due: Date, record: Record)] = []
    for status in DueQueue.statuses {
      let statement =
        SQLFragment("SELECT \(Record.columns(of: "")) ")
        + DueQueue.rows(status, from: from, before: before, leadUnit: leadUnit)
        + SQLFragment(" ORDER BY \(DueQueue.column(for: status)) LIMIT ?", [.integer(Int64(window.end))])
      for record in try await all(statement, as: Record.self) {
        found.append((DueQueue.deadline(of: record, status: status), record))
      }
    }
    return DueQueue.page(found, window)
  }
}

extension DueQueue {
  /// `FROM messages WHERE …` for one status of the board.
  static func rows(_ status: Status, from: Date?, before: Date, leadUnit: UUID?) -> SQLFragment {
    let column = column(for: status)
    var conditions = [
      SQLFragment("status = ?", [.text(status.rawValue)]), SQLFragment("\(column) < ?", [.date(before)]),
    ]
    if let from { conditions.append(SQLFragment("\(column) >= ?", [.date(from)])) }
    if let leadUnit { conditions.append(SQLFragment("lead_unit_id = ?", [.uuid(leadUnit)])) }
    return SQLFragment("FROM messages") + .where(conditions)
  }
}

/// A handled message's text and category.
struct LabelledRow: Decodable, Sendable {
  var title: String
  var body: String
  var category_id: UUID
}

/// A message's serial.
struct SerialRow: Decodable, Sendable {
  var serial_year: Int
  var serial_number: Int
}

/// A message's title and body.
struct TextRow: Decodable, Sendable {
  var id: UUID
  var title: String
  var body: String
  var serial_number: Int
}
