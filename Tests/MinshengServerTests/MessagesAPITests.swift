import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

#if canImport(Glibc)
  import Glibc
#endif

/// A port on 127.0.0.1 that was free a moment ago.
func freeLoopbackPort() throws -> Int {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = 0
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
  }
  guard bound == 0 else { throw CocoaError(.fileNoSuchFile) }
  _ = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
  }
  return Int(UInt16(bigEndian: address.sin_port))
}

@Suite struct MessagesAPITests {
  /// An application around a fresh store of `db`, without a socket.
  func withAPI(_ db: TestDatabase, _ body: @Sendable @escaping (Application, Store) async throws -> Void) async throws {
    try await db.withStore { (store: Store) async throws in
      try await withApp(configure: { app in configure(app, store: store, clock: { Fixtures.now }) }) { app in
        try await body(app, store)
      }
    }
  }

  static let minimal =
    #"{"type":"complaint","title":"夜间施工噪音扰民","body":"工地每晚十一点后仍在施工，我的电话13800138000。","contact":{"name":"顾女士","phone":"13800138000"}}"#

  func json(_ text: String) -> @Sendable (inout TestingHTTPRequest) throws -> Void {
    { request in
      request.headers.contentType = .json
      request.body = ByteBuffer(string: text)
    }
  }

  @Test(arguments: TestDatabase.available)
  func healthz_answers200WhenTheDatabaseAnswers(db: TestDatabase) async throws {
    try await withAPI(db) { app, _ in
      try await app.testing().test(.GET, "healthz") { response in
        #expect(response.status == .ok)
      }
    }
  }

  @Test(arguments: TestDatabase.available)
  func smallestValidMessage_isCreated_thenReadablePubliclyWithoutContactDetails(db: TestDatabase) async throws {
    try await withAPI(db) { app, store in
      var id = ""
      var code = ""
      try await app.testing().test(.POST, "api/v1/messages", beforeRequest: json(Self.minimal)) { response in
        #expect(response.status == .created)
        let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
        id = body["id"] as? String ?? ""
        code = body["tracking_code"] as? String ?? ""
        #expect(body["serial"] as? String == "2026-000001")
        #expect(body["status"] as? String == "received")
        #expect(code.count == 19)
      }
      let uuid = try #require(UUID(uuidString: id))
      let stored = try #require(try await store.message(uuid))
      #expect(stored.contact.phone == "13800138000")
      #expect(stored.channel == .api)

      try await app.testing().test(.GET, "api/v1/messages/\(id)") { response in
        #expect(response.status == .ok)
        let text = response.body.string
        #expect(text.contains("138****8000"))
        #expect(!text.contains("13800138000"))
        #expect(!text.contains("顾女士"))
        #expect(!text.contains("tracking"))
        #expect(text.contains(#""status_text":"待交办""#))
      }
      try await app.testing().test(.GET, "api/v1/track/\(code)") { response in
        #expect(response.status == .ok)
        #expect(response.body.string.contains(id))
      }
      try await app.testing().test(.GET, "api/v1/track/2222-2222-2222-2222") { response in
        #expect(response.status == .notFound)
      }
    }
  }

  @Test(arguments: TestDatabase.available)
  func privateMessage_isHiddenFromThePublic_butNotFromItsAuthor(db: TestDatabase) async throws {
    try await withAPI(db) { app, store in
      let submission = try await store.submit(
        {
          var m = Fixtures.newMessage(); m.isPublic = false; return m
        }(), at: Fixtures.now)
      try await app.testing().test(.GET, "api/v1/messages/\(submission.message.id)") { response in
        #expect(response.status == .notFound)
      }
      try await app.testing().test(.GET, "api/v1/track/\(submission.trackingCode)") { response in
        #expect(response.status == .ok)
        #expect(response.body.string.contains(#""public":false"#))
      }
    }
  }

  @Test(arguments: TestDatabase.available)
  func badInput_getsAClearErrorNamingTheField_andNeverA500(db: TestDatabase) async throws {
    try await withAPI(db) { app, store in
      let cases: [(String, HTTPStatus, String?)] = [
        ("{", .badRequest, "body"),
        (#"{"type":"complaint","title":"t","body":"b"}"#, .badRequest, "contact"),
        (
          // The right JSON type with a value that is not one: 422, like any invalid value.
          #"{"type":"rumour","title":"t","body":"b","contact":{"name":"n","phone":"13800138000"}}"#,
          .unprocessableEntity, "type"
        ),
        (
          #"{"type":"complaint","title":7,"body":"b","contact":{"name":"n","phone":"13800138000"}}"#, .badRequest,
          "title"
        ),
        (
          #"{"type":"complaint","title":"  ","body":"b","contact":{"name":"n","phone":"x"}}"#, .unprocessableEntity,
          "title"
        ),
        (
          #"{"type":"complaint","title":"t","body":"b","contact":{"name":"n","phone":"13800138000"},"leader_id":"00000000-0000-0000-0000-000000000009"}"#,
          .unprocessableEntity, "leader"
        ),
        ("[]", .badRequest, nil),
        ("null", .badRequest, nil),
      ]
      for (body, status, field) in cases {
        try await app.testing().test(.POST, "api/v1/messages", beforeRequest: json(body)) { response in
          #expect(response.status == status, "\(body)")
          if let field {
            #expect(response.body.string.contains(#""field":"\#(field)"#), "\(body): \(response.body.string)")
          }
        }
      }
      try await app.testing().test(
        .POST, "api/v1/messages",
        beforeRequest: { request in
          request.headers.contentType = .json
          request.body = ByteBuffer(
            bytes: Array(#"{"type":"complaint","title":""#.utf8) + [0xff, 0xfe]
              + Array(#"","body":"b","contact":{"name":"n","phone":"13800138000"}}"#.utf8))
        }
      ) { response in
        #expect(response.status == .badRequest)
      }
      // The body limit is enforced while a real connection streams the body, so this one goes over loopback.
      let huge =
        #"{"type":"complaint","title":"t","body":""# + String(repeating: "噪", count: 400_000)
        + #"","contact":{"name":"n","phone":"13800138000"}}"#
      try await app.testing(method: .running(hostname: "127.0.0.1", port: try freeLoopbackPort()))
        .test(.POST, "api/v1/messages", beforeRequest: json(huge)) { response in
          #expect(response.status == .payloadTooLarge)
        }
      for path in ["api/v1/messages/not-a-uuid", "api/v1/messages/\(UUID())", "api/v1/track/x"] {
        try await app.testing().test(.GET, path) { response in #expect(response.status == .notFound, "\(path)") }
      }
      #expect(try await store.allMessages().isEmpty)
    }
  }
}

extension MessagesAPITests {
  @Test(arguments: TestDatabase.available)
  func publicView_isAlwaysCurrent_withTheVersionAsETag(db: TestDatabase) async throws {
    try await withAPI(db) { app, store in
      let world = try await SeededWorld.create(in: store)
      let id = try await store.submit(Fixtures.newMessage(leader: world.secretary.id), at: Fixtures.now).message.id
      func get(ifNoneMatch: String? = nil) async throws -> (HTTPStatus, String, String) {
        var result: (HTTPStatus, String, String) = (.internalServerError, "", "")
        try await app.testing().test(
          .GET, "api/v1/messages/\(id)",
          beforeRequest: { request in
            if let ifNoneMatch { request.headers.replaceOrAdd(name: .ifNoneMatch, value: ifNoneMatch) }
          }
        ) { response in
          result = (response.status, response.headers.first(name: .eTag) ?? "", response.body.string)
        }
        return result
      }
      let (status, etag, first) = try await get()
      #expect(status == .ok)
      #expect(etag == "W/\"\(id.uuidString.lowercased())-1\"")
      #expect(!first.contains("assigned"))
      #expect(try await get().2 == first)  // served again for the same version
      #expect(try await get(ifNoneMatch: etag).0 == .notModified)

      try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: Fixtures.now)
      let (after, newTag, second) = try await get(ifNoneMatch: etag)
      #expect(after == .ok)
      #expect(newTag.hasSuffix("-2\""))
      #expect(second.contains(#""status":"assigned""#))

      // A message made private disappears at once, as if it never existed.
      try await store.database.executeAdministrative("UPDATE messages SET is_public = false")
      #expect(try await get().0 == .notFound)
    }
  }
}
