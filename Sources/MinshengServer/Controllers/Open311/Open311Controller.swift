import Foundation
import MinshengCore
import MinshengStore
import Vapor

/// Open311 GeoReport v2 (`/open311/v2/`): service discovery, the services (the category
/// tree), the public requests (the public messages, masked as on the website), in XML and JSON, and
/// partners' posted requests (`Open311Post.swift`). One jurisdiction: `jurisdiction_id` is accepted
/// and ignored.
struct Open311Controller: Sendable {
  let context: ServerContext

  static let specification = "http://wiki.open311.org/GeoReport_v2"
  /// The spec's default and largest volume of `GET requests`.
  static let largestPage = 1_000
  /// The longest span of `start_date` to `end_date`.
  static let window: TimeInterval = 90 * 86_400

  private func format(_ request: Request, file: String? = nil) throws(Open311Error) -> (String, Open311Format) {
    let name = file ?? request.parameters.get("file") ?? ""
    guard let split = Open311Format.split(name) else { throw .notFound("Use .xml or .json.") }
    return split
  }

  /// Runs `body` for the format the path names, answering an Open311 error in that format.
  func answer(
    _ request: Request, file: String?, _ body: (String, Open311Format) async throws -> Response
  ) async throws -> Response {
    let (name, format): (String, Open311Format)
    do {
      (name, format) = try self.format(request, file: file)
    } catch {
      return error.response(.xml)
    }
    do {
      return try await body(name, format)
    } catch let error as Open311Error {
      return error.response(format)
    }
  }

  /// `GET /open311/v2/{discovery|services|requests|servicerequestupdates}.{xml|json}`.
  func resource(_ request: Request) async throws -> Response {
    switch Open311Format.split(request.parameters.get("file") ?? "")?.name {
    case "discovery": try await discovery(request)
    case "services": try await services(request)
    case "requests": try await requests(request)
    case "servicerequestupdates": try await updates(request)
    default:
      Open311Error.notFound(
        "Open311 offers discovery, services, requests and servicerequestupdates, each as .xml or .json."
      ).response(.xml)
    }
  }

  /// `GET /open311/v2/discovery.{xml|json}` (Service Discovery).
  func discovery(_ request: Request) async throws -> Response {
    try await answer(request, file: nil) { _, format in
      let base = baseURL(request)
      let changeset = Self.timestamp(try await changeset())
      let value = Open311Value.object([
        ("changeset", .text(changeset)),
        ("contact", .text(base + SiteURL.home.path)),
        (
          "key_service",
          .text(
            "Reading needs no key. Keys to post requests are issued by the platform's administrators: ask at " + base
              + SiteURL.home.path + ".")
        ),
        (
          "endpoints",
          .list(
            element: "endpoint",
            [
              .object([
                ("specification", .text(Self.specification)), ("url", .text(base + "/open311/v2")),
                ("changeset", .text(changeset)), ("type", .text("production")),
                ("formats", .list(element: "format", [.text("text/xml"), .text("application/json")])),
              ])
            ])
        ),
      ])
      return Open311Response.make(value, root: "discovery", format: format)
    }
  }

  /// `GET /open311/v2/services.{xml|json}`: every category, its group (the top of its branch) and its
  /// sub-categories' names as keywords.
  func services(_ request: Request) async throws -> Response {
    try await answer(request, file: nil) { _, format in
      let names = try await context.store.referenceNames()
      let categories = names.categories.values.sorted { $0.code < $1.code }
      let value = Open311Value.list(
        element: "service",
        categories.map { category in
          let children = categories.filter { $0.parentID == category.id }.map(\.name)
          return .object([
            ("service_code", .text(category.code)), ("service_name", .text(category.name)),
            ("description", .text(category.name)), ("metadata", .bool(!category.questions.isEmpty)),
            ("type", .text("realtime")),
            ("keywords", .text(children.joined(separator: ","))),
            ("group", .text(Self.root(of: category, in: names).name)),
          ])
        })
      return Open311Response.make(value, root: "services", format: format)
    }
  }

  /// `GET /open311/v2/services/{code}.{xml|json}`: the category's questions as attributes (none for
  /// most); an unknown code is 404.
  func service(_ request: Request) async throws -> Response {
    try await answer(request, file: nil) { code, format in
      let names = try await context.store.referenceNames()
      guard let category = names.categories.values.first(where: { $0.code == code }) else {
        throw Open311Error.notFound("No service has the code \(code).")
      }
      let attributes = category.questions.enumerated().map { index, question in
        Open311Value.object([
          ("variable", .bool(true)), ("code", .text(question.code)), ("datatype", .text(question.datatype.rawValue)),
          ("required", .bool(question.required)), ("datatype_description", .text(Self.describe(question.datatype))),
          ("order", .number(Double(index + 1))), ("description", .text(question.question)),
          (
            "values",
            question.datatype.isList
              ? .list(
                element: "value",
                question.choices.map { .object([("key", .text($0.key)), ("name", .text($0.name))]) }) : nil
          ),
        ])
      }
      let value = Open311Value.object([
        ("service_code", .text(code)), ("attributes", .list(element: "attribute", attributes)),
      ])
      return Open311Response.make(value, root: "service_definition", format: format)
    }
  }

  /// What a datatype takes, for a client to show beside the field.
  static func describe(_ datatype: ServiceQuestion.DataType) -> String {
    switch datatype {
    case .string: "Text of at most \(ServiceQuestion.maxStringLength) characters."
    case .text: "Text of at most \(ServiceQuestion.maxTextLength) characters."
    case .number: "A number."
    case .datetime: "An ISO 8601 date-time with a zone."
    case .singlevaluelist: "One of the values' keys."
    case .multivaluelist: "One or more of the values' keys, as attribute[CODE][]."
    }
  }

  /// `GET /open311/v2/requests.{xml|json}`: the public requests, newest first.
  func requests(_ request: Request) async throws -> Response {
    try await answer(request, file: nil) { _, format in
      let query = try Open311Query(request, now: context.clock())
      let names = try await context.store.referenceNames()
      let found = try await cases(for: query, names: names)
      let value = Open311Value.list(
        element: "request", try await found.asyncCompactMap { try await view(of: $0, names: names, request) })
      return Open311Response.make(value, root: "service_requests", format: format)
    }
  }

  /// `GET /open311/v2/requests/{id}.{xml|json}`: one public request, still in a list of one; 404 for
  /// an unknown serial or a message the public may not read.
  func request(_ request: Request) async throws -> Response {
    try await answer(request, file: nil) { id, format in
      let names = try await context.store.referenceNames()
      guard let serial = Serial(id), let message = try await context.store.message(serial: serial),
        let item = try await view(of: message.id, names: names, request)
      else { throw Open311Error.notFound("No public request has the id \(id).") }
      return Open311Response.make(.list(element: "request", [item]), root: "service_requests", format: format)
    }
  }

  /// The ids of the public messages a query asks for, newest first.
  private func cases(for query: Open311Query, names: ReferenceNames) async throws -> [UUID] {
    if let serials = query.ids {
      var found: [UUID] = []
      for serial in serials {
        if let message = try await context.store.message(serial: serial), message.isPublic,
          message.publication == .published
        {
          found.append(message.id)
        }
      }
      return found
    }
    var filter = MessageFilter()
    filter.createdFrom = query.start
    // `end_date` is the latest time to include.
    filter.createdBefore = query.end.addingTimeInterval(0.001)
    filter.statuses = query.statuses
    filter.updatedAfter = query.updatedAfter
    let categories: [UUID?] =
      query.codes.isEmpty
      ? [nil] : query.codes.compactMap { code in names.categories.values.first { $0.code == code }?.id }
    let wanted = query.page * query.pageSize
    var found: [PublicCase] = []
    for category in categories {
      filter.categoryID = category
      filter.after = nil
      var taken = 0
      while taken < wanted {
        let page = try await context.store.publicMessages(matching: filter, limit: min(200, wanted - taken))
        found += page.items
        taken += page.items.count
        guard let next = page.nextAfter, !page.items.isEmpty else { break }
        filter.after = next
      }
    }
    found.sort { ($0.serial.year, $0.serial.number) > ($1.serial.year, $1.serial.number) }
    return Array(found.dropFirst((query.page - 1) * query.pageSize).prefix(query.pageSize)).map(\.id)
  }

  /// A public message as an Open311 request, or nil when the public may not read it.
  private func view(of id: UUID, names: ReferenceNames, _ request: Request) async throws -> Open311Value? {
    guard let file = try await context.store.publicFile(id) else { return nil }
    let item = file.item
    let category = item.categoryID.flatMap { names.categories[$0] }
    let closed = [Status.replied, .closed].contains(item.status)
    let notes = file.replies.last?.body ?? Language.zhHans.name(item.status)
    let media = file.images.first.map { baseURL(request) + SiteURL.media(.value($0.id)).path }
    let message = try await context.store.message(id)
    // Coordinates go with the address: not when a moderator kept the address from the public.
    let location = message.flatMap { $0.publicAddress == "" ? nil : $0.location }
    // The case's last change, public or not, as `updated_after` compares it.
    let updated = message?.updatedAt ?? item.createdAt
    // A request posted here has its title taken from its first line: the description is its text alone,
    // as it was posted (masked where it names a person's number or card).
    let description = Self.title(of: item.body) == item.title ? item.body : item.title + "\n\n" + item.body
    return .object([
      ("service_request_id", .text(item.serial.description)), ("status", .text(closed ? "closed" : "open")),
      ("status_notes", .text(notes)), ("service_name", category.map { .text($0.name) }),
      ("service_code", category.map { .text($0.code) }), ("description", .text(description)),
      ("agency_responsible", item.leadUnitID.flatMap { names.units[$0]?.name }.map { .text($0) }),
      ("requested_datetime", .text(Self.timestamp(item.createdAt))),
      ("updated_datetime", .text(Self.timestamp(updated))),
      ("expected_datetime", closed ? nil : item.replyDue.map { .text(Self.timestamp($0)) }),
      ("address", item.address.map { .text($0) }), ("lat", location?.latitude.map { .number($0) }),
      ("long", location?.longitude.map { .number($0) }),
      // The address's id goes with the address as written: not when a moderator changed or kept it.
      ("address_id", message?.publicAddress == nil ? location?.addressID.map { .text($0) } : nil),
      ("media_url", media.map { .text($0) }),
    ])
  }

  private func changeset() async throws -> Date {
    try await context.store.recentReferenceChanges(limit: 1).first?.at ?? Date(timeIntervalSince1970: 0)
  }

  private func baseURL(_ request: Request) -> String {
    let host = context.renderer.publicAuthority ?? request.headers.first(name: .host) ?? "localhost"
    return (context.renderer.secureCookies ? "https://" : "http://") + host
  }

  static func root(of category: MinshengCore.Category, in names: ReferenceNames) -> MinshengCore.Category {
    var current = category
    var depth = 0
    while let parent = current.parentID.flatMap({ names.categories[$0] }), depth < 16 {
      current = parent
      depth += 1
    }
    return current
  }

  /// W3C date-time with its zone, in UTC.
  static func timestamp(_ date: Date) -> String {
    date.formatted(
      .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
        .timeSeparator(.colon).timeZone(separator: .omitted))
  }
}

/// The arguments of `GET requests` (§2.6 and the paging extension), checked: an empty argument is
/// an absent one; a date needs its zone; the span is at most 90 days (the last 90 by default).
struct Open311Query: Sendable {
  var ids: [Serial]?
  var codes: [String]
  var statuses: [Status]?
  var start: Date
  var end: Date
  var page: Int
  var pageSize: Int
  /// `updated_after`: only requests changed after this time.
  var updatedAfter: Date?

  init(_ request: Request, now: Date) throws(Open311Error) {
    func value(_ name: String) -> String? {
      guard let text = request.query[String.self, at: name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty
      else { return nil }
      return text
    }
    func list(_ name: String) -> [String] {
      (value(name) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
    func date(_ name: String) throws(Open311Error) -> Date? {
      guard let text = value(name) else { return nil }
      guard let date = Open311Query.date(text) else {
        throw .badRequest("\(name) must be a W3C date-time with a time zone, such as 2026-03-01T00:00:00+08:00.")
      }
      return date
    }
    func number(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(Open311Error) -> Int {
      guard let text = value(name) else { return fallback }
      guard let number = Int(text), range.contains(number) else {
        throw .badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
      }
      return number
    }
    if value("service_request_id") != nil {
      let serials = list("service_request_id").prefix(Open311Controller.largestPage)
      ids = serials.compactMap(Serial.init)
    }
    codes = list("service_code")
    let states = list("status")
    guard states.allSatisfy({ $0 == "open" || $0 == "closed" }) else {
      throw .badRequest("status must be open, closed, or both separated by a comma.")
    }
    if Set(states).count == 1 {
      let closed: [Status] = [.replied, .closed]
      statuses = states == ["closed"] ? closed : Status.allCases.filter { !closed.contains($0) }
    }
    let given = (try date("start_date"), try date("end_date"))
    switch given {
    case (let start?, let end?): (self.start, self.end) = (start, end)
    case (let start?, nil): (self.start, self.end) = (start, start.addingTimeInterval(Open311Controller.window))
    case (nil, let end?): (self.start, self.end) = (end.addingTimeInterval(-Open311Controller.window), end)
    case (nil, nil): (self.start, self.end) = (now.addingTimeInterval(-Open311Controller.window), now)
    }
    guard start <= end else { throw .badRequest("start_date must not be after end_date.") }
    guard end.timeIntervalSince(start) <= Open311Controller.window else {
      throw .badRequest("start_date and end_date may be at most 90 days apart.")
    }
    updatedAfter = try date("updated_after")
    page = try number("page", default: 1, in: 1...10_000)
    pageSize = try number("page_size", default: Open311Controller.largestPage, in: 1...Open311Controller.largestPage)
  }

  /// A W3C date-time (ISO 8601, seconds optional fractions) with `Z` or an offset; nil without a zone.
  static func date(_ text: String) -> Date? {
    guard text.count >= 20,
      text.hasSuffix("Z") || text.dropLast(6).count >= 19 && "+-".contains(text.dropLast(5).last ?? " ")
    else { return nil }
    let plain = ISO8601DateFormatter()
    plain.formatOptions = [.withInternetDateTime]
    if let date = plain.date(from: text) { return date }
    let fractional = ISO8601DateFormatter()
    fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return fractional.date(from: text)
  }
}

extension Sequence {
  func asyncCompactMap<T>(_ transform: (Element) async throws -> T?) async rethrows -> [T] {
    var result: [T] = []
    for element in self {
      if let value = try await transform(element) { result.append(value) }
    }
    return result
  }
}
