/// A notice in a unit's inbox (催办, 督办, their copies), as the queue page shows it.
struct NoticeView: Encodable, Sendable {
  var id: String
  var at: String
  var body: String
  /// The case the notice is about ("" for none).
  var url = ""
  /// Whether the viewer marked it read.
  var read = false
}
