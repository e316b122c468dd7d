import FluentKit
import SQLKit

/// On PostgreSQL the public index keeps, beside each document's terms, the columns of its message a
/// public search filters on (`SearchStatements.publicFilterColumns`), so that a search reads no
/// message until it has its page: a filter is checked on the index's own rows; and each document
/// gains the term of its window of 4,096 keys (`SearchStatements.window`), with which the newest
/// matches are found a window at a time. Filled from the messages here; kept by every rewrite of a
/// document. SQLite's FTS5 index needs nothing: it walks its matches newest first.
struct M0045_PublicSearchFilters: AsyncMigration {
  var name: String { "0045_PublicSearchFilters" }
  func prepare(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    guard sql.dialect.name != "sqlite" else { return }
    try await sql.raw(
      """
      ALTER TABLE public_search ADD COLUMN region_id UUID, ADD COLUMN leader_id UUID, ADD COLUMN lead_unit_id UUID,
        ADD COLUMN dispatching_unit_id UUID, ADD COLUMN type TEXT, ADD COLUMN category_id UUID,
        ADD COLUMN status TEXT, ADD COLUMN created_at TIMESTAMPTZ, ADD COLUMN is_public BOOLEAN,
        ADD COLUMN publication TEXT, ADD COLUMN serial_year BIGINT, ADD COLUMN serial_number BIGINT
      """
    ).run()
    try await sql.raw(
      """
      UPDATE public_search s SET region_id = m.region_id, leader_id = m.leader_id, lead_unit_id = m.lead_unit_id,
        dispatching_unit_id = m.dispatching_unit_id, type = m.type, category_id = m.category_id,
        status = m.status, created_at = m.created_at, is_public = m.is_public, publication = m.publication,
        serial_year = m.serial_year, serial_number = m.serial_number,
        terms = s.terms || array_to_tsvector(ARRAY['~w' || (s.doc / 4096)::text])
      FROM messages m WHERE m.id = s.message_id
      """
    ).run()
  }
  func revert(on database: any Database) async throws {
    let sql = try MigrationSQL.of(database)
    guard sql.dialect.name != "sqlite" else { return }
    try await sql.raw(
      "UPDATE public_search SET terms = ts_delete(terms, ARRAY['~w' || (doc / 4096)::text])"
    ).run()
    try await sql.raw(
      """
      ALTER TABLE public_search DROP COLUMN region_id, DROP COLUMN leader_id, DROP COLUMN lead_unit_id,
        DROP COLUMN dispatching_unit_id, DROP COLUMN type, DROP COLUMN category_id, DROP COLUMN status,
        DROP COLUMN created_at, DROP COLUMN is_public, DROP COLUMN publication, DROP COLUMN serial_year,
        DROP COLUMN serial_number
      """
    ).run()
  }
}
