import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@Suite struct MetricsTests {
  @Test(arguments: TestDatabase.available)
  func metrics_countRequests_andOverdueExactlyAsTheCoreComputesIt(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let w = try await SeededWorld.create(in: store)
      // Assigned on different days; on 2026-03-20 only the oldest is past its acceptance deadline.
      var messages: [Message] = []
      for (day, accept) in [("2026-03-02", false), ("2026-03-09", true), ("2026-03-13", false), ("2026-03-18", false)] {
        let at = Fixtures.at(day)
        let id = try await store.submit(Fixtures.newMessage(leader: w.secretary.id), at: at).message.id
        var message = try await store.perform(.assign(lead: w.market.id), on: id, by: w.dispatcher, at: at)
        if accept { message = try await store.perform(.accept(), on: id, by: w.marketHandler, at: at) }
        messages.append(message)
      }
      let now = Fixtures.at("2026-03-20", 12)
      let core = messages.map { DeadlineStatus.of($0, at: now, calendar: store.rules.calendar) }
      let expectedAcceptance = core.filter { $0.isOverdue && $0.phase == .acceptance }.count
      let expectedReply = core.filter { $0.isOverdue && $0.phase == .reply }.count
      #expect(expectedAcceptance == 1)  // assigned 03-02, due at the end of 03-09

      // The request series are the process's (swift-metrics has one registry), so the test counts on
      // routes of its own that no other test can hit.
      let probe = "probe-\(UUID().uuidString.lowercased())"
      try await withApp(configure: { app in
        configure(app, store: store, clock: { now })
        app.get(PathComponent(stringLiteral: probe)) { _ in "ok" }
        app.get(PathComponent(stringLiteral: probe), ":id") { _ -> String in throw StoreError.notFound(.message) }
      }) { app in
        try await app.testing().test(.GET, probe) { _ in }
        try await app.testing().test(.GET, "\(probe)/\(UUID())") { _ in }
        try await app.testing().test(.GET, "metrics") { response in
          #expect(response.status == .ok)
          let text = response.body.string
          #expect(text.contains(#"minsheng_http_requests_total{method="GET",route="/\#(probe)",status="200"} 1"#))
          #expect(text.contains(#"minsheng_http_requests_total{method="GET",route="/\#(probe)/:id",status="404"} 1"#))
          #expect(text.contains(#"minsheng_messages{status="assigned"} 3"#))
          #expect(text.contains(#"minsheng_messages_overdue{phase="acceptance"} \#(expectedAcceptance)"#))
          #expect(text.contains(#"minsheng_messages_overdue{phase="reply"} \#(expectedReply)"#))
          #expect(text.contains("minsheng_http_request_duration_seconds_bucket"))
          #expect(text.contains("minsheng_search_backlog "))
          #expect(!text.contains("minsheng_read_replica_usable"), "no replicas configured")
        }
      }
    }
  }
}
