import Testing

@testable import MinshengStore

/// PostgreSQL across a network uses TLS when the server offers it, unless the URL says otherwise.
@Suite struct DatabaseTLSTests {
  @Test func theTLSMode_isPreferAcrossANetwork_andAsWrittenWhenWritten() {
    #expect(
      DatabaseLocation.withTLSMode("postgres://u:p@db.example.cn:5432/m")
        == "postgres://u:p@db.example.cn:5432/m?sslmode=prefer")
    #expect(DatabaseLocation.withTLSMode("postgres://u@10.0.0.5/m?application_name=x").hasSuffix("&sslmode=prefer"))
    #expect(DatabaseLocation.withTLSMode("postgres://u@127.0.0.1:5432/m").hasSuffix("?sslmode=disable"))
    #expect(DatabaseLocation.withTLSMode("postgres://u@localhost/m").hasSuffix("?sslmode=disable"))
    for url in ["postgres://u@db.example.cn/m?sslmode=require", "postgres://u@127.0.0.1/m?tlsmode=require"] {
      #expect(DatabaseLocation.withTLSMode(url) == url)
    }
  }
}
