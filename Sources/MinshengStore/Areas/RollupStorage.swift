import Foundation
import MinshengCore

/// A block of serial numbers: `number / BlockRollup.size` within a year.
struct RollupBlock: Decodable, Sendable, Hashable {
  var year: Int
  var block: Int
}

/// A message of a block with what its figures need.
struct RollupMessageRow: Decodable, Sendable {
  /// 1 when the public list shows it, else 0.
  var shown: Int
  var leader: UUID?
  var unit: UUID?
  var status: String
  var closure: String?
  var created_at: Date
  var first_at: Date?
  var channel: String
  /// 1 when an office answered it directly (an `answer_directly` event), else 0.
  var direct: Int
}

/// An evaluation's level, or a thanks letter, with its message's board and lead unit.
struct RollupOwnedRow: Decodable, Sendable {
  var leader: UUID?
  var unit: UUID?
  var level: String?
}

/// The roll-ups' reads (on the primary) and their writes, one transaction at a time.
struct RollupStorage: Sendable {
  let runner: any StatementRunner
  let write: @Sendable ([SQLFragment]) async throws -> Void

  func lastSequence() async throws -> Int64 {
    Int64(try await runner.integer(RollupStatements.lastSequence))
  }

  func headSequence() async throws -> Int64 {
    Int64(try await runner.integer(RollupStatements.headSequence))
  }

  func touchedBlocks(after: Int64, upTo: Int64) async throws -> [RollupBlock] {
    try await runner.all(RollupStatements.touchedBlocks(after: after, upTo: upTo), as: RollupBlock.self)
  }

  func compute(_ block: RollupBlock) async throws -> BlockRollup {
    BlockRollup(
      messages: try await runner.all(RollupStatements.messages(block), as: RollupMessageRow.self),
      levels: try await runner.all(
        RollupStatements.owned(block, table: "evaluations", level: true), as: RollupOwnedRow.self),
      thanks: try await runner.all(
        RollupStatements.owned(block, table: "thanks_letters", level: false), as: RollupOwnedRow.self))
  }

  /// Every block's revision.
  func revisions() async throws -> [RollupBlock: Int64] {
    var revisions: [RollupBlock: Int64] = [:]
    for row in try await runner.all(RollupStatements.revisions, as: RevisionRow.self) {
      revisions[RollupBlock(year: row.year, block: row.block)] = row.revision
    }
    return revisions
  }

  /// The bodies of these blocks, 500 to a statement.
  func bodies(of blocks: [RollupBlock]) async throws -> [(block: RevisionRow, body: String)] {
    var found: [(block: RevisionRow, body: String)] = []
    var start = 0
    while start < blocks.count {
      let slice = Array(blocks[start..<min(start + 500, blocks.count)])
      start += slice.count
      for row in try await runner.all(RollupStatements.bodies(of: slice), as: BodyRevisionRow.self) {
        found.append((RevisionRow(year: row.year, block: row.block, revision: row.revision), row.body))
      }
    }
    return found
  }

  struct RevisionRow: Decodable, Sendable {
    var year: Int
    var block: Int
    var revision: Int64

    var place: RollupBlock { RollupBlock(year: year, block: block) }
  }

  private struct BodyRevisionRow: Decodable, Sendable {
    var year: Int
    var block: Int
    var revision: Int64
    var body: String
  }
}

/// The roll-ups' statements, the same on both databases.
enum RollupStatements {
  static let lastSequence = SQLFragment(
    "SELECT COALESCE(MAX(last_seq), 0) AS n FROM rollup_state WHERE name = 'blocks'")
  static let headSequence = SQLFragment("SELECT COALESCE(MAX(last_seq), 0) AS n FROM audit_head")

  static func touchedBlocks(after: Int64, upTo: Int64) -> SQLFragment {
    SQLFragment(
      """
      SELECT DISTINCT m.serial_year AS year, m.serial_number / \(BlockRollup.size) AS block
      FROM events e JOIN messages m ON m.id = e.message_id WHERE e.chain_pos > ? AND e.chain_pos <= ?
      """, [.integer(after), .integer(upTo)])
  }

  /// The block's range of serial numbers, as conditions on `m`.
  private static func range(_ block: RollupBlock) -> SQLFragment {
    SQLFragment(
      " m.serial_year = ? AND m.serial_number >= ? AND m.serial_number < ?",
      [
        .integer(Int64(block.year)), .integer(Int64(block.block * BlockRollup.size)),
        .integer(Int64((block.block + 1) * BlockRollup.size)),
      ])
  }

  static func messages(_ block: RollupBlock) -> SQLFragment {
    SQLFragment(
      """
      SELECT m.leader_id AS leader, m.lead_unit_id AS unit, m.status AS status, m.closure AS closure,
        m.created_at AS created_at, m.channel AS channel,
        CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.message_id = m.id AND e.action = 'answer_directly')
          THEN 1 ELSE 0 END AS direct,
        (SELECT MIN(r.published_at) FROM replies r WHERE r.message_id = m.id AND r.state = 'published') AS first_at,
        CASE WHEN m.is_public = ? AND m.publication = 'published' THEN 1 ELSE 0 END AS shown
      FROM messages m WHERE
      """, [.bool(true)]) + range(block)
  }

  /// The rows of `table` (evaluations, with their level, or thanks letters) on the block's messages.
  static func owned(_ block: RollupBlock, table: String, level: Bool) -> SQLFragment {
    SQLFragment(
      "SELECT m.leader_id AS leader, m.lead_unit_id AS unit, \(level ? "t.level" : "NULL") AS level "
        + "FROM \(table) t JOIN messages m ON m.id = t.message_id WHERE ") + range(block)
  }

  static func save(_ block: RollupBlock, revision: Int64, body: String) -> SQLFragment {
    SQLFragment(
      """
      INSERT INTO rollup_blocks (serial_year, block, revision, body) VALUES (?, ?, ?, ?)
      ON CONFLICT (serial_year, block) DO UPDATE SET revision = excluded.revision, body = excluded.body
      """, [.integer(Int64(block.year)), .integer(Int64(block.block)), .integer(revision), .text(body)])
  }

  static func setLastSequence(_ sequence: Int64) -> SQLFragment {
    SQLFragment(
      """
      INSERT INTO rollup_state (name, last_seq) VALUES ('blocks', ?)
      ON CONFLICT (name) DO UPDATE SET last_seq = excluded.last_seq
      """, [.integer(sequence)])
  }

  static let revisions = SQLFragment("SELECT serial_year AS year, block, revision FROM rollup_blocks")

  /// The bodies of these blocks, with their revisions.
  static func bodies(of blocks: [RollupBlock]) -> SQLFragment {
    var conditions = blocks.map { _ in "(serial_year = ? AND block = ?)" }.joined(separator: " OR ")
    if conditions.isEmpty { conditions = "FALSE" }
    return SQLFragment(
      "SELECT serial_year AS year, block, revision, body FROM rollup_blocks WHERE \(conditions)",
      blocks.flatMap { [StoreValue.integer(Int64($0.year)), .integer(Int64($0.block))] })
  }
}
