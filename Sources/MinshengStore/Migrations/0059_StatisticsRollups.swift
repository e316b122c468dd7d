import FluentKit
import SQLKit

/// 统计汇总: the KPIs' counts kept up to date as cases change, so that a year's statistics add up a
/// few thousand rows instead of reading every case and its events.
///
/// - `kpi_state`: how far in the audit chain the sums go, per set of definitions (`name` carries
///   their fingerprint), and a version that every refresh moves on, so that two refreshes at once
///   cannot both apply their changes (the second fails and leaves the sums to the first), and the
///   latest moment a refresh judged deadlines at (the sums hold for any moment from then on).
/// - `kpi_facts`: each case's facts as the sums last counted them (`CaseFacts`, with its times and the
///   moment they were judged at), so that a change takes away exactly what was added;
///   `pending_until` is its last deadline still ahead then, so that a later refresh folds the changes
///   at its deadlines into the counts.
/// - `kpi_counts`: counted and meeting cases by breakdown, group, KPI and month.
/// - `kpi_changes`: how those counts change at a deadline ahead (from it on, or once it has passed).
/// - `kpi_times`: the meeting cases' times (tenths of an hour, two significant figures) by breakdown,
///   group, KPI and month or year.
/// - `kpi_heat`: cases received by month, category and region (empty text: none).
struct M0059_StatisticsRollups: AsyncMigration {
  var name: String { "0059_StatisticsRollups" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    try await sql.raw(
      """
      CREATE TABLE kpi_state (name TEXT PRIMARY KEY, last_seq BIGINT NOT NULL, version BIGINT NOT NULL,
        judged_ms BIGINT NOT NULL)
      """
    ).run()
    try await sql.raw(
      "CREATE TABLE kpi_facts (message_id TEXT PRIMARY KEY, pending_until BIGINT, body TEXT NOT NULL)"
    ).run()
    try await sql.raw("CREATE INDEX kpi_facts_pending ON kpi_facts (pending_until) WHERE pending_until IS NOT NULL")
      .run()
    try await sql.raw(
      """
      CREATE TABLE kpi_counts (dim TEXT NOT NULL, bucket INTEGER NOT NULL, grp TEXT NOT NULL, kpi TEXT NOT NULL,
        counted BIGINT NOT NULL, meeting BIGINT NOT NULL, PRIMARY KEY (dim, bucket, grp, kpi))
      """
    ).run()
    try await sql.raw(
      """
      CREATE TABLE kpi_changes (dim TEXT NOT NULL, bucket INTEGER NOT NULL, grp TEXT NOT NULL, kpi TEXT NOT NULL,
        at_ms BIGINT NOT NULL, strict INTEGER NOT NULL, counted BIGINT NOT NULL, meeting BIGINT NOT NULL,
        PRIMARY KEY (dim, bucket, grp, kpi, at_ms, strict))
      """
    ).run()
    try await sql.raw(
      """
      CREATE TABLE kpi_times (dim TEXT NOT NULL, bucket INTEGER NOT NULL, grp TEXT NOT NULL, kpi TEXT NOT NULL,
        tenths INTEGER NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (dim, bucket, grp, kpi, tenths))
      """
    ).run()
    try await sql.raw(
      """
      CREATE TABLE kpi_heat (month INTEGER NOT NULL, category TEXT NOT NULL, region TEXT NOT NULL,
        n BIGINT NOT NULL, PRIMARY KEY (month, category, region))
      """
    ).run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    for table in ["kpi_heat", "kpi_times", "kpi_changes", "kpi_counts", "kpi_facts", "kpi_state"] {
      try await sql.raw("DROP TABLE \(unsafeRaw: table)").run()
    }
  }
}
