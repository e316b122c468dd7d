import Foundation
import MinshengTestSupport
import Testing

@Suite struct EngineMatrixTests {
  /// Prints which engines the store suites run on, and in CI insists that PostgreSQL is among them,
  /// so a missing database cannot pass silently.
  @Test func storeSuites_runOnEveryEngineThisRunProvides() {
    let engines = TestDatabase.available.map(\.rawValue).joined(separator: ", ")
    print("minsheng: store and server suites run on: \(engines)")
    if ProcessInfo.processInfo.environment["CI"] == "true" {
      #expect(TestDatabase.available.contains(.postgres), "CI must provide PostgreSQL (MINSHENG_TEST_POSTGRES_URL)")
    }
  }
}
