import Crypto
import Foundation
import MinshengCore

/// A message just received: the stored case and the author's tracking code, shown only once.
public struct Submission: Sendable, Equatable {
  public var message: Message
  public var trackingCode: String
}

/// Where a citizen's message came from, as far as intake needs to know: the network address
/// (counted for the rate limit under a keyed hash for the length of the window, never stored with
/// the message) and its region (stored with the message).
public struct IntakeOrigin: Sendable, Equatable {
  public var address: String?
  public var region: String?

  public init(address: String?, region: String?) {
    self.address = address
    self.region = region
  }
}

extension Store {
  /// 受理: stores a new message and its `received` event in one transaction.
  ///
  /// The message is validated; the leader, region and category must exist. Without a region the
  /// leader's region is used. The dispatching office is the leader's, or else the nearest
  /// region's; the suggested unit is decided by `DispatchSuggestion` from the routing rules and the
  /// classifier's `prediction`, which is stored with the message.
  ///
  /// `images` (at most three JPEG, PNG or WebP images of up to 5 MB, checked by content) are stored in
  /// the same transaction as the message.
  ///
  /// A citizen's own message (one with an `origin`) is screened against the banned words and counted
  /// against the policy's rate limits in the same transaction; only the origin's region is stored. A
  /// partner system's request (`partnerKey`, its API key's id) is counted against the key's limit.
  /// Under a moderation policy the message waits for a moderator before the public sees it.
  public func submit(
    _ input: NewMessage, by actor: Actor = Actor(role: .citizen, id: "citizen"), at now: Date,
    suggestion prediction: CategorySuggestion? = nil, images: [Data] = [], origin: IntakeOrigin? = nil,
    fingerprint: Fingerprint? = nil, partnerKey: UUID? = nil
  ) async throws -> Submission {
    try await submit(
      input, by: actor, at: now, suggestion: prediction, images: images, origin: origin, fingerprint: fingerprint,
      partnerKey: partnerKey, sources: [])
  }

  /// `submit`, and for a referred suggestion (热点转办) the messages it came from, in the same transaction.
  func submit(
    _ input: NewMessage, by actor: Actor, at now: Date, suggestion prediction: CategorySuggestion?, images: [Data],
    origin: IntakeOrigin?, fingerprint: Fingerprint?, partnerKey: UUID?, sources: [UUID]
  ) async throws -> Submission {
    let new = try input.validated()
    let checked = try Self.checkImages(images)
    if origin != nil { _ = try await screen(new) }
    var limits = try await limits(for: new, from: origin)
    if let partnerKey, let limit = policy.perAPIKey {
      limits.append(.init(key: "apikey:" + partnerKey.uuidString.lowercased(), limit: limit, what: .apiKey))
    }
    let intake = try await decideIntake(new, id: ids.newID(), at: now, prediction: prediction, origin: origin)
    let message = intake.message
    let proposalRows =
      try await proposalStatements(new.proposal, of: message.id, at: now)
      + sources.enumerated().map { position, source in
        SQLFragment(
          "INSERT INTO proposal_sources (message_id, source_id, position) VALUES (?, ?, ?)",
          [.uuid(message.id), .uuid(source), .integer(Int64(position))])
      }
    let code = ids.trackingCode()
    guard let normalizedCode = TrackingCode.normalized(code) else {
      throw StoreError.internal("the identifier source made an invalid tracking code")
    }
    let stored = try await cases.receive(
      ReceivedCase(
        message: message, eventID: ids.newID(), trackingHash: Hashing.sha256Hex(normalizedCode), actor: actor,
        suggestion: intake.classifier.map { SuggestionRecord($0, messageID: message.id) }, limits: limits,
        images: checked.map {
          CheckedImage(id: ids.newID(), contentType: $0.type, data: $0.data, sha256: Hashing.sha256Hex($0.data))
        }, fingerprint: fingerprint, statements: proposalRows))
    return Submission(message: stored, trackingCode: code)
  }

  /// What intake decides about a validated message, from the reference data alone: the leader, region
  /// and category must exist (422 naming each that does not); without a region the leader's is used;
  /// the dispatching office is the leader's, or else the nearest region's; the suggested unit comes
  /// from `DispatchSuggestion`. The message's serial number is given when it is stored.
  func decideIntake(
    _ new: NewMessage, id: UUID, at now: Date, prediction: CategorySuggestion?, origin: IntakeOrigin?
  ) async throws -> (message: Message, classifier: CategorySuggestion?) {
    var new = new
    var problems: [ValidationError.Problem] = []
    var leader: Leader?
    if let id = new.leaderID {
      leader = try await self.leader(id)
      if leader == nil { problems.append(.init(field: "leader", reason: .unknownReference)) }
    }
    if new.regionID == nil { new.regionID = leader?.regionID }
    let path = try await regionPath(of: new.regionID)
    if new.regionID != nil, path.isEmpty { problems.append(.init(field: "region", reason: .unknownReference)) }
    if let id = new.categoryID, try await find({ $0.categories[id] }) == nil {
      problems.append(.init(field: "category", reason: .unknownReference))
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }

    let snapshot = try await snapshot()
    // The category's questions, answered by a channel that asks them.
    let answers = try new.answers.map { given in
      try ServiceQuestions.answers(
        to: new.categoryID.flatMap { snapshot.categories[$0]?.questions } ?? [], given: given)
    }
    let owner = DispatchSuggestion.owner(
      leader: leader, path: path,
      platformOffice: DispatchSuggestion.platformOffice(
        code: policy.defaultOffice, units: snapshot.units, regions: snapshot.regions))
    // Nil only on a platform with no office at all (no region has a dispatching unit): then the
    // message waits for supervisors and administrators, and no dispatcher can read it.
    let decision = DispatchSuggestion.decide(
      category: new.categoryID, region: RegionPath(codes: path.map(\.code)), prediction: prediction,
      rules: snapshot.routingRules, categories: snapshot.categories)
    let message = Message(
      id: id, serial: Serial(year: rules.calendar.day(of: now).year, number: 0), type: new.type, title: new.title,
      body: new.body, leaderID: new.leaderID, regionID: new.regionID, categoryID: new.categoryID,
      channel: new.channel, location: new.location, contact: new.contact, isPublic: new.isPublic, urgent: new.urgent,
      status: .received,
      dispatchingUnitID: owner,
      suggestedUnitID: decision.unitID, version: 1, createdAt: now,
      publication: policy.moderation ? .pending : .published, sourceRegion: origin?.region,
      phoneVerified: new.phoneVerified, answers: answers ?? [])
    return (message, decision.classifier)
  }

  /// The unit that the routing rules suggest for a category in a region.
  public func suggestUnit(category: UUID?, region: RegionPath) async throws -> UUID? {
    let snapshot = try await snapshot()
    return Router.suggest(
      category: category, region: region, rules: snapshot.routingRules, categories: snapshot.categories)
  }

  // MARK: Images

  /// The largest image accepted, in bytes.
  public static let maxAttachmentBytes = 5 * 1024 * 1024
  /// How many images one message may carry.
  public static let maxAttachments = 3

  /// The image type that the bytes themselves announce (JPEG, PNG or WebP), whatever the file is
  /// called; nil for anything else.
  public static func imageType(of data: Data) -> String? {
    let bytes = [UInt8](data.prefix(12))
    if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return "image/jpeg" }
    if bytes.count >= 8, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return "image/png" }
    if bytes.count >= 12, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46], bytes[8..<12] == [0x57, 0x45, 0x42, 0x50] {
      return "image/webp"
    }
    return nil
  }

  /// Checks images before intake: at most three, each at most 5 MB and a JPEG, PNG or WebP by content;
  /// returns their types.
  ///
  /// Each image is returned without its metadata (`ImageMetadata`: camera, time, GPS); one whose
  /// structure cannot be followed to its end is refused as damaged.
  public static func checkImages(_ images: [Data]) throws -> [(type: String, data: Data)] {
    var problems: [ValidationError.Problem] = []
    var checked: [(type: String, data: Data)] = []
    if images.count > maxAttachments {
      problems.append(
        .init(field: "images", reason: .invalid(LocalizedText("error_max_images", ["max": .number(maxAttachments)]))))
    }
    for (index, image) in images.prefix(maxAttachments).enumerated() {
      if image.count > maxAttachmentBytes {
        problems.append(.init(field: "images[\(index)]", reason: .invalid(LocalizedText("error_image_size"))))
      } else if let type = imageType(of: image) {
        if let clean = ImageMetadata.stripped(image, type: type) {
          checked.append((type, clean))
        } else {
          problems.append(.init(field: "images[\(index)]", reason: .invalid(LocalizedText("error_image_damaged"))))
        }
      } else {
        problems.append(.init(field: "images[\(index)]", reason: .invalid(LocalizedText("error_image_type"))))
      }
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return checked
  }

  // MARK: Banned words and rate limits

  /// Refuses text with a blocking banned word (422 naming the field and the word, so the author can
  /// rephrase it); returns the words that only need a moderator's look.
  func screen(_ message: NewMessage) async throws -> [BannedWord] {
    try await screen([
      ("title", message.title), ("body", message.body), ("location.address", message.location?.address ?? ""),
      ("proposal", message.proposal?.proposal ?? ""), ("benefit", message.proposal?.benefit ?? ""),
    ])
  }

  /// Refuses texts that will be public and hold a word the list blocks (each field named); returns
  /// every listed word they hold, flagged ones included.
  func screen(_ fields: [(field: String, text: String)]) async throws -> [BannedWord] {
    let list = BannedWordList(try await bannedWords())
    var problems: [ValidationError.Problem] = []
    for (field, text) in fields where !text.isEmpty {
      for word in list.matches(in: [text]) where word.severity == .block {
        problems.append(
          .init(field: field, reason: .invalid(LocalizedText("error_banned_word_used", ["word": .plain(word.word)]))))
      }
    }
    guard problems.isEmpty else { throw ValidationError(problems: problems) }
    return list.matches(in: fields.map(\.text))
  }

  /// The limits that apply to a citizen's message from `origin` under `policy`.
  func limits(for message: NewMessage, from origin: IntakeOrigin?) async throws -> [CountedLimit] {
    guard let origin else { return [] }
    var limits: [CountedLimit] = []
    if let limit = policy.perPhone {
      let phone = message.contact.phone.filter(\.isNumber)
      limits.append(.init(key: try await counterKey("phone", phone), limit: limit, what: .phone))
    }
    if let limit = policy.perAddress, let address = origin.address {
      limits.append(.init(key: try await counterKey("address", address), limit: limit, what: .address))
    }
    return limits
  }

  /// HMAC-SHA-256 of the kind and value under the store's own key, so the counters hold no number
  /// or address that could be read back.
  func counterKey(_ kind: String, _ value: String) async throws -> String {
    let key = SymmetricKey(data: Data(try await secret(named: "counter_key").utf8))
    let mac = HMAC<SHA256>.authenticationCode(for: Data("\(kind):\(value)".utf8), using: key)
    return kind + ":" + Data(mac).base64EncodedString()
  }

  /// A secret of the store, made on first use and shared by every instance on the database.
  func secret(named name: String) async throws -> String {
    if let known = secrets.withLock({ $0[name] }) { return known }
    var bytes = [UInt8](repeating: 0, count: 32)
    var generator = SystemRandomNumberGenerator()
    for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
    let value = try await citizens.secret(named: name, candidate: Data(bytes).base64EncodedString())
    secrets.withLock { $0[name] = value }
    return value
  }
}
