/// How much memory SQLite's read connections may use for the database's pages.
///
/// Each read connection keeps a cache of `cacheKiB` of pages, and may map the first `mapBytes` of the
/// database file into memory instead of copying pages with read(2). A mapped page counts in the
/// process's resident memory (VmRSS) once read; so with a map, resident memory grows with the part of
/// the file the queries touch, up to the map's size for each read connection, and falls whenever SQLite
/// maps the growing file anew. The default maps nothing and keeps 2 MiB per reader, which holds
/// resident memory flat under a steady load (Benchmarks/soak.py); the operating system's own page
/// cache still keeps the file's hot pages in memory. A larger map reads somewhat faster on a machine
/// with memory to spare (`MINSHENG_SQLITE_MAP_MB`; the price is measured in Benchmarks/README.md).
///
/// The writer keeps a larger cache of its own (`writerCacheKiB`, 32 MiB): every intake updates the
/// indexes of random keys (ids, tracking hashes) in places spread over the whole file, and with
/// SQLite's default 2 MiB each of those pages would be read again from the operating system for
/// nearly every write once the database holds a few hundred thousand messages.
public struct SQLiteMemory: Sendable, Equatable {
  public var mapBytes: Int
  public var cacheKiB: Int
  public var writerCacheKiB = 32_768

  public init(mapBytes: Int, cacheKiB: Int) {
    self.mapBytes = max(0, mapBytes)
    self.cacheKiB = max(64, cacheKiB)
  }

  /// No map, 2 MiB of cache per read connection.
  public static let bounded = SQLiteMemory(mapBytes: 0, cacheKiB: 2048)
}
