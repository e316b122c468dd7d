import Foundation
import MinshengCore

/// The directory that holds the server's files beside the binary: `Resources/Views` (the page
/// templates), `Resources/OpenAPI` and `Public` (stylesheet and script).
///
/// `MINSHENG_HOME` (`Configuration.home`) names it. Without it, the working directory is used when it has the templates,
/// and otherwise the nearest directory above the executable that has them, so a checkout's
/// `.build/release/minsheng` (or a copy in an installed tree's `bin/`) serves its pages from any
/// working directory. Before, a server started elsewhere answered every page with a 500.
public enum ServerHome {
  /// The templates' place inside the home.
  static let marker = "Resources/Views"

  /// The home, or a message saying what is missing; nothing else is read.
  public static func locate(
    home: String?, workingDirectory: String = FileManager.default.currentDirectoryPath,
    executable: String? = ServerHome.executablePath()
  ) -> Result<String, Missing> {
    if let home {
      return holdsTemplates(home)
        ? .success(home)
        : .failure(Missing(message: say("cli_home_missing", ["home": .plain(home), "marker": .plain(marker)])))
    }
    if holdsTemplates(workingDirectory) { return .success(workingDirectory) }
    if let executable {
      var directory = URL(fileURLWithPath: executable).deletingLastPathComponent().standardizedFileURL
      while directory.path != "/" {
        if holdsTemplates(directory.path) { return .success(directory.path) }
        directory = directory.deletingLastPathComponent()
      }
    }
    return .failure(
      Missing(
        message: say("cli_templates_missing", ["marker": .plain(marker), "directory": .plain(workingDirectory)])))
  }

  /// What `locate` could not find.
  public struct Missing: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var description: String { message }
  }

  static func holdsTemplates(_ directory: String) -> Bool {
    var isDirectory: ObjCBool = false
    let path = URL(fileURLWithPath: directory).appendingPathComponent(marker).path
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
  }

  /// The running executable's real path (links resolved), when the system says.
  public static func executablePath() -> String? {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
    return Bundle.main.executablePath
  }
}
