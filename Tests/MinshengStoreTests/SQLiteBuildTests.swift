import Testing

@testable import MinshengStore

/// The SQLite the store's own connections call is the copy sqlite-nio vendors. An upgrade of
/// sqlite-nio that changes what they rely on fails here, by name, before anything else does.
@Suite struct SQLiteBuildTests {
  @Test func theLinkedSQLite_hasWhatTheStoreReliesOn() {
    #expect(SQLiteBuild.missing.isEmpty, "\(SQLiteBuild.missing)")
    #expect(SQLiteBuild.versionNumber >= SQLiteBuild.minimumVersionNumber, "\(SQLiteBuild.version)")
    // The version string and number agree: one library answers both.
    let parts = SQLiteBuild.version.split(separator: ".").compactMap { Int32($0) }
    #expect(parts.count == 3 && parts[0] * 1_000_000 + parts[1] * 1_000 + parts[2] == SQLiteBuild.versionNumber)
    // Connections are used from the threads of their workers: a serialized build, as sqlite-nio makes it.
    #expect(SQLiteBuild.threadSafety == 1)
    #expect(SQLiteBuild.uses("THREADSAFE=1"))
    #expect(!SQLiteBuild.uses("OMIT_WAL"))
    // Double-quoted strings are identifiers only: a statement that quotes a string wrongly fails on
    // SQLite as it would on PostgreSQL.
    #expect(SQLiteBuild.uses("DQS=0"))
    #expect(!SQLiteBuild.uses("NO_SUCH_OPTION"), "the check can say no")
  }
}
