import Foundation
import MinshengCore
import MinshengStore
import Vapor

extension Open311Controller {
  /// The fields of `POST requests` (§2.4), form-encoded; `attribute[CODE]` (and `attribute[CODE][]`
  /// for a list of several) is read from the body itself (`attributes(inForm:)`).
  struct PostFields: Decodable {
    var api_key: String?
    var service_code: String?
    var lat: String?
    var long: String?
    var address_string: String?
    var address_id: String?
    var email: String?
    var phone: String?
    var first_name: String?
    var last_name: String?
    var description: String?
    var media_url: String?
    /// Minsheng's extension: `true` when the partner proved the number (only for a key that may say so).
    var phone_verified: String?
  }

  /// `POST /open311/v2/{requests}.{xml|json}`: a partner system posts a request with its API key; it
  /// enters as every message does (validation, masking, routing suggestion, duplicates, moderation),
  /// on the channel its key is scoped to (`app` unless told), and the answer carries its
  /// `service_request_id` (the serial).
  func create(_ request: Request) async throws -> Response {
    guard let (name, format) = Open311Format.split(request.parameters.get("file") ?? "") else {
      return Open311Error.notFound("Use .xml or .json.").response(.xml)
    }
    guard name == "requests" || name == "servicerequestupdates" else {
      return Open311Error(status: .methodNotAllowed, description: "Only requests and updates can be posted.")
        .response(format)
    }
    do {
      if name == "servicerequestupdates" { return try await createUpdate(request, format: format) }
      // A body that is not form-encoded has none of the fields: the key is missing first (403).
      let fields = (try? request.content.decode(PostFields.self)) ?? PostFields()
      let text = Self.sent
      guard let secret = text(fields.api_key), let key = try await context.store.open311Key(presented: secret) else {
        throw Open311Error(status: .forbidden, description: "Invalid or missing api_key.")
      }
      guard let code = text(fields.service_code) else { throw Open311Error.badRequest("service_code is required.") }
      let names = try await context.store.referenceNames()
      guard let category = names.categories.values.first(where: { $0.code == code }) else {
        throw Open311Error.notFound("No service has the code \(code).")
      }
      let location = try Self.location(
        lat: text(fields.lat), long: text(fields.long),
        address: text(fields.address_string), addressID: text(fields.address_id))
      guard let description = fields.description.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }),
        !description.isEmpty
      else { throw Open311Error.badRequest("description is required: it is what the request asks.") }
      guard description.count <= NewMessage.maxBodyLength else {
        throw Open311Error.badRequest("description may be at most \(NewMessage.maxBodyLength) characters here.")
      }
      let name = Self.personName(first: text(fields.first_name), last: text(fields.last_name))
      guard !name.isEmpty else { throw Open311Error.badRequest("first_name or last_name is required.") }
      guard text(fields.phone) != nil || text(fields.email) != nil else {
        throw Open311Error.badRequest("phone or email is required, so that the answer can reach the person.")
      }
      var input = NewMessage(
        type: .help, title: Self.title(of: description), body: description, categoryID: category.id,
        channel: key.channel,
        location: location, contact: Contact(name: name, phone: text(fields.phone) ?? "", email: text(fields.email)))
      // A key trusted to prove numbers may say this one is proved: the message is then listed in the
      // author's 我的留言. Another key saying so is refused, not ignored.
      if let claim = text(fields.phone_verified)?.lowercased(), ["true", "1", "yes"].contains(claim) {
        guard key.verifiesPhones else {
          throw Open311Error(status: .forbidden, description: "This api_key may not assert phone_verified.")
        }
        guard PhoneNumber.mobile(input.contact.phone) != nil else {
          throw Open311Error.badRequest("phone_verified needs a mobile number in phone.")
        }
        input.phoneVerified = true
      }
      // The category's questions: each required one must be answered here (an attribute no question
      // asks is left out).
      input.answers =
        request.headers.contentType == .urlEncodedForm ? Self.attributes(inForm: request.body.string ?? "") : [:]
      // A partner's key stands for its users: the per-number and per-address limits of citizens' own
      // messages do not apply; the key's own limit does (and a key that misbehaves is revoked).
      let submission = try await context.intake.receive(
        input, origin: nil, partnerKey: key.id, at: context.clock(), logger: request.logger)
      let message = submission.message
      let notice =
        message.publication == .published
        ? "Received; it is public at once." : "Received; it will be public once a moderator has read it."
      let value = Open311Value.list(
        element: "request",
        [.object([("service_request_id", .text(message.serial.description)), ("service_notice", .text(notice))])])
      return Open311Response.make(value, root: "service_requests", format: format, status: .created)
    } catch let error as Open311Error {
      return error.response(format)
    } catch {
      // What intake refuses (a field, banned words, a rate limit) in the request's language; the spec
      // says 400 for everything that is not a missing resource or key.
      let mapped = MappedError.of(error)
      guard mapped.status.code < 500 else { throw error }
      let words = mapped.messages(in: request.pageLanguage) { $0 }.joined(separator: "; ")
      let status: HTTPResponseStatus = mapped.status == .tooManyRequests ? .tooManyRequests : .badRequest
      return Open311Error(status: status, description: words).response(format)
    }
  }

  /// One location (§2.4): `lat` and `long` together, or `address_string`, or `address_id` (the partner's
  /// master address list's id, kept apart from the address text and given back as sent).
  static func location(
    lat: String?, long: String?, address: String?, addressID: String?
  ) throws(Open311Error)
    -> Location
  {
    guard (lat == nil) == (long == nil) else { throw .badRequest("lat and long must be sent together.") }
    var coordinates: (Double, Double)?
    if let lat, let long {
      guard let latitude = Double(lat), let longitude = Double(long), latitude.isFinite, longitude.isFinite,
        (-90...90).contains(latitude), (-180...180).contains(longitude)
      else { throw .badRequest("lat and long must be WGS84 degrees.") }
      coordinates = (latitude, longitude)
    }
    guard coordinates != nil || address != nil || addressID != nil else {
      throw .badRequest("A location is required: lat and long, address_string or address_id.")
    }
    return Location(address: address, latitude: coordinates?.0, longitude: coordinates?.1, addressID: addressID)
  }

  /// A form field as sent, trimmed; nil when absent or blank (an empty argument is an absent one).
  static func sent(_ value: String?) -> String? {
    let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    return trimmed.isEmpty ? nil : trimmed
  }

  /// `attribute[CODE]=value` and `attribute[CODE][]=value` pairs of a form-encoded body: code → values,
  /// in the order sent.
  static func attributes(inForm body: String) -> [String: [String]] {
    func decoded(_ part: Substring) -> String {
      let spaced = part.replacingOccurrences(of: "+", with: " ")
      return spaced.removingPercentEncoding ?? spaced
    }
    var result: [String: [String]] = [:]
    for pair in body.split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let key = decoded(parts[0])
      guard key.hasPrefix("attribute["), let close = key.firstIndex(of: "]") else { continue }
      let code = key[key.index(key.startIndex, offsetBy: 10)..<close]
      guard !code.isEmpty else { continue }
      result[String(code), default: []].append(parts.count > 1 ? decoded(parts[1]) : "")
    }
    return result
  }

  /// 张 + 三 → 张三; John + Smith → John Smith.
  static func personName(first: String?, last: String?) -> String {
    let parts = [first, last].compactMap { $0 }
    let chinese = parts.contains { $0.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
    // Chinese order: family name first (last_name), without a space.
    return chinese ? [last, first].compactMap { $0 }.joined() : parts.joined(separator: " ")
  }

  /// The title: the description's first line, at most 30 characters.
  static func title(of description: String) -> String {
    let line = description.split(whereSeparator: \.isNewline).first.map(String.init) ?? description
    return line.count <= 30 ? line : String(line.prefix(29)) + "…"
  }
}
