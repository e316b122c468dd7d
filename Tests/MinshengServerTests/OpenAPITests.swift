import Foundation
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

@Suite struct OpenAPITests {
  /// Every route the application registers, as `METHOD /path/{parameter}` (not those that only
  /// answer 405 for a method a path does not offer).
  func routes(of app: Application) -> Set<String> {
    Set(
      app.routes.all.map { route in
        let path = route.path.map { component -> String in
          switch component {
          case .constant(let text): text
          case .parameter(let name): "{\(name)}"
          case .anything: "*"
          case .catchall: "**"
          }
        }
        return "\(route.method.rawValue) /" + path.joined(separator: "/")
      })
  }

  @Test func everyRouteIsDocumented_andEveryDocumentedPathIsRouted() async throws {
    try await TestDatabase.sqlite.withStore { (store: Store) async throws in
      try await withApp(configure: { app in configure(app, store: store) }) { app in
        var served = Data()
        try await app.testing().test(.GET, "api/v1/openapi.json") { response in
          #expect(response.status == .ok)
          #expect(response.headers.contentType == .json)
          served = Data(buffer: response.body)
        }
        let document = try #require(try JSONSerialization.jsonObject(with: served) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: Set<String> = []
        for (path, operations) in paths {
          for method in operations.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
            documented.insert("\(method.uppercased()) \(path)")
          }
        }
        // The HTML pages of the citizens' website are not part of the API.
        let api = routes(of: app).filter { route in
          let path = route.split(separator: " ").last.map(String.init) ?? ""
          return path.hasPrefix("/api/") || ["/ping", "/metrics", "/healthz"].contains(path)
        }
        #expect(api == documented)
      }
    }
  }

  @Test func fixedPublicPaths_stayWhereOtherProgramsExpectThem() async throws {
    try await TestDatabase.sqlite.withStore { (store: Store) async throws in
      try await withApp(configure: { app in configure(app, store: store) }) { app in
        let all = routes(of: app)
        for fixed in [
          "GET /healthz", "POST /api/v1/messages", "GET /api/v1/messages/{id}", "GET /api/v1/track/{tracking_code}",
          "GET /api/v1/openapi.json",
        ] {
          #expect(all.contains(fixed), "\(fixed)")
        }
      }
    }
  }

  /// A method a path of the API does not offer is 405 with `Allow`, not 404.
  @Test func anUnofferedMethod_is405_withAllow() async throws {
    try await TestDatabase.sqlite.withStore { (store: Store) async throws in
      try await withApp(configure: { app in configure(app, store: store) }) { app in
        try await app.testing().test(.DELETE, "api/v1/messages") { response in
          #expect(response.status == .methodNotAllowed)
          #expect(response.headers.first(name: "Allow") == "GET, POST")
        }
        try await app.testing().test(.PUT, "api/v1/messages/00000000-0000-0000-0000-000000000000") { response in
          #expect(response.status == .methodNotAllowed)
          #expect(response.headers.first(name: "Allow") == "GET")
        }
        // Any method: TRACE, and one HTTP does not define; the probes too. An unknown path stays 404.
        for (method, path) in [("TRACE", "api/v1/units"), ("QUERY", "api/v1/regions"), ("TRACE", "healthz")] {
          try await app.testing().test(HTTPMethod(rawValue: method), path) { response in
            #expect(response.status == .methodNotAllowed, "\(method) \(path)")
          }
        }
        try await app.testing().test(.TRACE, "api/v1/nothing-here") { response in
          #expect(response.status == .notFound)
        }
        try await app.testing().test(.HEAD, "healthz") { response in
          #expect(response.status == .ok)
        }
      }
    }
  }
}
