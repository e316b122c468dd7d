import Foundation
import MinshengServer
import Testing

/// The server finds its templates wherever it is started from, or says what is missing.
@Suite struct ServerHomeTests {
  func withTree<T>(_ body: (URL) throws -> T) throws -> T {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("minsheng-home-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    for directory in ["checkout/Resources/Views", "checkout/.build/release", "elsewhere", "no-views/Resources"] {
      try FileManager.default.createDirectory(
        at: root.appendingPathComponent(directory), withIntermediateDirectories: true)
    }
    return try body(root.resolvingSymlinksInPath())
  }

  @Test func theWorkingDirectory_isUsedWhenItHasTheTemplates() throws {
    try withTree { root in
      let checkout = root.appendingPathComponent("checkout").path
      #expect(
        ServerHome.locate(home: nil, workingDirectory: checkout, executable: "/usr/bin/minsheng")
          == .success(checkout))
    }
  }

  @Test func elsewhere_theDirectoryAboveTheExecutable_isFound() throws {
    try withTree { root in
      let binary = root.appendingPathComponent("checkout/.build/release/minsheng").path
      let found = ServerHome.locate(
        home: nil, workingDirectory: root.appendingPathComponent("elsewhere").path, executable: binary)
      #expect(found == .success(root.appendingPathComponent("checkout").path))
    }
  }

  @Test func minshengHome_winsWhenItHasTheTemplates_andIsRefusedWhenItHasNot() throws {
    try withTree { root in
      let checkout = root.appendingPathComponent("checkout").path
      let elsewhere = root.appendingPathComponent("elsewhere").path
      #expect(
        ServerHome.locate(home: checkout, workingDirectory: elsewhere, executable: nil)
          == .success(checkout))
      let wrong = root.appendingPathComponent("no-views").path
      guard
        case .failure(let missing) = ServerHome.locate(
          home: wrong, workingDirectory: checkout, executable: nil)
      else {
        Issue.record("a home without templates was accepted")
        return
      }
      #expect(missing.message.contains("MINSHENG_HOME") && missing.message.contains("Resources/Views"))
    }
  }

  @Test func nowhere_saysWhatIsMissingAndHowToName() throws {
    try withTree { root in
      let elsewhere = root.appendingPathComponent("elsewhere").path
      guard
        case .failure(let missing) = ServerHome.locate(
          home: nil, workingDirectory: elsewhere, executable: "/usr/bin/minsheng")
      else {
        Issue.record("found a home where there is none")
        return
      }
      #expect(missing.message.contains("MINSHENG_HOME"))
      #expect(missing.message.contains(elsewhere))
    }
  }

  /// This checkout, from the test's working directory (the package), has its templates.
  @Test func thisCheckout_isAHome() throws {
    #expect(ServerHome.locate(home: nil) == .success(FileManager.default.currentDirectoryPath))
    #expect(try Configuration.read(from: ["MINSHENG_HOME": "/srv/minsheng"]).home == "/srv/minsheng")
    #expect(try Configuration.read(from: [:]).home == nil)
  }
}
