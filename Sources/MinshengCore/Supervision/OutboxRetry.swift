import Foundation

/// 重试: when the outbox tries a notice again after a failed attempt. A text, an e-mail or a staff
/// notice is tried five times within a few minutes (a gateway's hiccup); a webhook delivery is tried
/// with doubling waits, from a minute up to four hours, for 24 hours after the event, and then given up
/// (the administrators' page shows it).
public enum OutboxRetry {
  /// How long a webhook delivery is tried.
  public static let webhookPeriod: TimeInterval = 24 * 3_600

  /// When to try again after `attempts` attempts (the one that just failed included), or nil to give up.
  public static func next(channel: String, attempts: Int, createdAt: Date, now: Date) -> Date? {
    let attempts = max(1, attempts)
    if channel == "webhook" {
      let wait = min(60 * pow(2, Double(min(attempts - 1, 20))), 4 * 3_600)
      let next = now.addingTimeInterval(wait)
      return next <= createdAt.addingTimeInterval(webhookPeriod) ? next : nil
    }
    guard attempts < 5 else { return nil }
    return now.addingTimeInterval(5 * pow(3, Double(attempts - 1)))
  }
}
