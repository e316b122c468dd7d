import Foundation

/// A progress bar on the terminal's standard error, redrawn at most five times a second:
/// `[#####-----] 48%  已读 480,000 · 新增 479,100 · 每秒 6,120 条 · 剩余约 1:25`.
final class ImportProgress: @unchecked Sendable {
  private let enabled: Bool
  private let files: Int
  private let started = Date()
  private var drawn = Date.distantPast

  init(enabled: Bool, files: Int) {
    self.enabled = enabled
    self.files = max(1, files)
  }

  func update(file: Int, fraction: Double, report: ImportReport) {
    guard enabled else { return }
    let now = Date()
    guard now.timeIntervalSince(drawn) >= 0.2 else { return }
    drawn = now
    let done = min(1, (Double(file) + fraction) / Double(files))
    let elapsed = now.timeIntervalSince(started)
    let rate = elapsed > 0 ? Double(report.read) / elapsed : 0
    let left = done > 0.001 ? elapsed * (1 - done) / done : nil
    let width = 20
    let filled = Int((done * Double(width)).rounded(.down))
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let line = say(
      "cli_import_progress",
      [
        "bar": .plain(bar), "percent": .number(Int(done * 100)), "read": .number(report.read),
        "added": .number(report.added), "rejected": .number(report.rejected), "rate": .number(Int(rate)),
        "left": .plain(left.map(Self.clock) ?? "–"),
      ])
    FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
  }

  func finish(_ report: ImportReport) {
    guard enabled else { return }
    drawn = .distantPast
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }

  static func clock(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    return total >= 3600
      ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
      : String(format: "%d:%02d", total / 60, total % 60)
  }
}
