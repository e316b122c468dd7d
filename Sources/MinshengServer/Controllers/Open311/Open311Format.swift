import Foundation
import MinshengCore
import Vapor

/// Open311 GeoReport v2's two formats (§2.1): XML (required; schemaless, the declaration first) and
/// JSON (the "Spark convention": the root dropped, repeated children as arrays, identifiers as strings).
enum Open311Format: String, Sendable {
  case xml, json

  /// `services.json` → (`services`, json); nil without a known suffix.
  static func split(_ file: String) -> (name: String, format: Open311Format)? {
    guard let dot = file.lastIndex(of: "."),
      let format = Open311Format(rawValue: String(file[file.index(after: dot)...]))
    else { return nil }
    return (String(file[..<dot]), format)
  }

  var contentType: String { self == .xml ? "text/xml; charset=utf-8" : "application/json; charset=utf-8" }
}

/// A value of an Open311 document, written as either format.
indirect enum Open311Value: Sendable {
  case text(String)
  case number(Double)
  case bool(Bool)
  /// An element with named children in order; absent (nil) fields are left out.
  case object([(String, Open311Value?)])
  /// Repeated children: in XML each named `element`, in JSON an array.
  case list(element: String, [Open311Value])

  /// The document: XML with `root` as its element, JSON without it (the Spark convention).
  func encoded(_ format: Open311Format, root: String) -> String {
    switch format {
    case .xml: #"<?xml version="1.0" encoding="utf-8"?>"# + "\n" + xml(root)
    case .json: json
    }
  }

  func xml(_ name: String) -> String {
    switch self {
    case .text(let text): "<\(name)>\(xmlEscaped(text))</\(name)>"
    case .number(let value): "<\(name)>\(Self.number(value))</\(name)>"
    case .bool(let value): "<\(name)>\(value)</\(name)>"
    case .object(let fields):
      "<\(name)>" + fields.compactMap { key, value in value?.xml(key) }.joined() + "</\(name)>"
    case .list(let element, let items): "<\(name)>" + items.map { $0.xml(element) }.joined() + "</\(name)>"
    }
  }

  var json: String {
    switch self {
    case .text(let text): JSONText.quoted(text)
    case .number(let value): Self.number(value)
    case .bool(let value): value ? "true" : "false"
    case .object(let fields):
      "{"
        + fields.compactMap { key, value in value.map { JSONText.quoted(key) + ":" + $0.json } }.joined(separator: ",")
        + "}"
    case .list(_, let items): "[" + items.map(\.json).joined(separator: ",") + "]"
    }
  }

  static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
  }
}

/// An Open311 error (§2.8): the HTTP status, and the code and description the body carries.
struct Open311Error: Error, Sendable {
  var status: HTTPResponseStatus
  var description: String

  static func badRequest(_ description: String) -> Open311Error {
    Open311Error(status: .badRequest, description: description)
  }
  static func notFound(_ description: String) -> Open311Error {
    Open311Error(status: .notFound, description: description)
  }

  func response(_ format: Open311Format) -> Response {
    let body = Open311Value.list(
      element: "error",
      [.object([("code", .number(Double(status.code))), ("description", .text(description))])])
    return Open311Response.make(body, root: "errors", format: format, status: status)
  }
}

enum Open311Response {
  static func make(
    _ value: Open311Value, root: String, format: Open311Format, status: HTTPResponseStatus = .ok
  ) -> Response {
    let response = Response(status: status, body: .init(string: value.encoded(format, root: root)))
    response.headers.replaceOrAdd(name: .contentType, value: format.contentType)
    response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
    return response
  }
}
