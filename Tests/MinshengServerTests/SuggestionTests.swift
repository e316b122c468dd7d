import Foundation
import Logging
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import MinshengText
import Testing
import VaporTesting

/// The classifier in the product: a suggestion stored at intake and shown to the staff who work on
/// the message, with its reasons.
@Suite struct SuggestionTests {
  static let passwords = PasswordHashing(cost: 4)
  static let password = "correct horse battery"

  /// A small model over two of the seeded world's category names (messages written for the test).
  static let classifier: TextClassifier = {
    let construction = [
      ("工地夜间施工", "小区旁工地每晚施工打桩，建筑噪音扰民。"), ("违章建筑", "邻居在楼顶搭建违章建筑，请城管拆除。"),
      ("道路施工围挡", "道路施工围挡占道一年还没完工。"), ("老旧小区改造", "老旧小区改造工程拖延，楼道墙皮脱落。"),
      ("房屋漏水", "新买的商品房漏水，开发商不维修。"), ("物业乱收费", "小区物业乱收停车费，业主不满。"),
    ]
    let education = [
      ("学区划分", "孩子上小学的学区划分不合理，请教育局解释。"), ("学校补课收费", "学校周末组织补课并收费。"),
      ("幼儿园学位", "普惠幼儿园学位不够，孩子入园难。"), ("教师工资", "乡村教师绩效工资拖欠。"),
      ("校车安全", "学校校车超员，存在安全隐患。"), ("作业负担", "小学生作业太多，睡眠不足。"),
    ]
    var options = TrainingOptions()
    options.features = TextFeatures(bits: 14)
    let examples =
      construction.map { LabelledText(title: $0.0, body: $0.1, label: "城乡建设") }
      + education.map { LabelledText(title: $0.0, body: $0.1, label: "教育文体") }
    return try! TextClassifier.train(examples, options: options)
  }()

  @Test(arguments: TestDatabase.available)
  func intake_storesTheSuggestion_andItsOwnUnitsSeeItWithReasons(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let hash = try Self.passwords.hash(Self.password)
      for (name, role, unit) in [
        ("xfb.dispatcher", Role.dispatcher, world.petitionOffice.id), ("jw.handler", .handler, world.education.id),
        ("dsx.dispatcher", .dispatcher, world.countyOffice.id),
      ] {
        try await store.createStaffAccount(
          username: name, passwordHash: hash, role: role, unitID: unit, at: Fixtures.now)
      }
      try await withApp(configure: { app in
        configure(app, store: store, passwords: Self.passwords, classifier: Self.classifier, clock: { Fixtures.now })
      }) { app in
        var id = ""
        try await app.testing().test(
          .POST, "api/v1/messages",
          beforeRequest: { request in
            request.headers.contentType = .json
            request.body = ByteBuffer(
              string:
                #"{"type":"complaint","title":"工地夜间施工扰民","body":"小区旁工地每晚打桩施工，噪音很大。","leader_id":"\#(world.secretary.id)","contact":{"name":"顾女士","phone":"13800138000"}}"#
            )
          }
        ) { response in
          #expect(response.status == .created)
          id = (try? response.content.get(String.self, at: "id")) ?? ""
        }
        let messageID = try #require(UUID(uuidString: id))
        let suggestion = try #require(try await store.suggestion(for: messageID))
        #expect(suggestion.label == "城乡建设")
        #expect(suggestion.categoryID == world.construction.id)
        #expect(suggestion.unitID == world.housing.id)  // the routing rule for 城乡建设 in the city
        #expect(suggestion.confidence > 0.5 && suggestion.top.count == 2)
        #expect(!suggestion.reasons.isEmpty)
        // Read for many messages at once (the pool), the same suggestion; none for others.
        let many = try await store.suggestions(for: [messageID, UUID()])
        #expect(many.count == 1 && many[messageID] == suggestion)
        // The author chose no category, so the suggested unit is the classifier's.
        #expect(try await store.message(messageID)?.suggestedUnitID == world.housing.id)

        func detail(_ user: String, _ path: String) async throws -> (HTTPStatus, String) {
          var token = ""
          try await app.testing().test(
            .POST, "api/v1/auth/token",
            beforeRequest: { try $0.content.encode(["username": user, "password": Self.password], as: .json) }
          ) { token = (try? $0.content.get(String.self, at: "token")) ?? "" }
          var result: (HTTPStatus, String) = (.internalServerError, "")
          try await app.testing().test(
            .GET, path, beforeRequest: { $0.headers.bearerAuthorization = .init(token: token) }
          ) { result = ($0.status, $0.body.string) }
          return result
        }
        let (status, body) = try await detail("xfb.dispatcher", "api/v1/staff/messages/\(messageID)")
        #expect(status == .ok)
        #expect(body.contains(#""suggestion":{"#) && body.contains(#""label":"城乡建设""#))
        #expect(body.contains(#""reasons":[{"#))
        #expect(body.contains("13800138000"))  // staff who work on it see the contact
        #expect(try await detail("jw.handler", "api/v1/staff/messages/\(messageID)").0 == .forbidden)
        #expect(try await detail("dsx.dispatcher", "api/v1/staff/messages/\(messageID)").0 == .forbidden)
        #expect(try await detail("xfb.dispatcher", "api/v1/staff/messages/\(UUID())").0 == .forbidden)
      }
    }
  }

  @Test func aModelThatCannotBeLoaded_leavesIntakeWithoutSuggestions() throws {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("minsheng-model-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let damaged = directory.appendingPathComponent("damaged.msclass")
    try Data("not a model".utf8).write(to: damaged)
    #expect(loadClassifier(at: damaged, logger: logger) == nil)
    #expect(loadClassifier(at: directory.appendingPathComponent("missing.msclass"), logger: logger) == nil)
    #expect(loadClassifier(at: nil, logger: logger) == nil)
    let good = directory.appendingPathComponent("good.msclass")
    try Self.classifier.encoded().write(to: good)
    #expect(loadClassifier(at: good, logger: logger) == Self.classifier)
  }
}

/// 智能分派: off by default; above the configured confidence the system assigns at intake.
@Suite struct AutoAssignmentTests {
  func post(_ app: Application, _ world: SeededWorld, title: String, body: String) async throws -> UUID {
    var id = ""
    try await app.testing().test(
      .POST, "api/v1/messages",
      beforeRequest: { request in
        request.headers.contentType = .json
        request.body = ByteBuffer(
          string:
            #"{"type":"complaint","title":"\#(title)","body":"\#(body)","leader_id":"\#(world.secretary.id)","contact":{"name":"顾女士","phone":"13800138000"}}"#
        )
      }
    ) { response in
      #expect(response.status == .created)
      id = (try? response.content.get(String.self, at: "id")) ?? ""
    }
    return try #require(UUID(uuidString: id))
  }

  @Test(arguments: TestDatabase.available)
  func aConfidentSuggestion_isAssignedBySystem_onlyWhenConfigured(db: TestDatabase) async throws {
    for (threshold, expectAssigned) in [(nil, false), (0.5, true), (1.0, false)] as [(Double?, Bool)] {
      try await db.withStore { (store: Store) async throws in
        let world = try await SeededWorld.create(in: store)
        try await withApp(configure: { app in
          configure(
            app, store: store, classifier: SuggestionTests.classifier, autoAssignConfidence: threshold,
            clock: { Fixtures.now })
        }) { app in
          let id = try await post(app, world, title: "工地夜间施工扰民", body: "小区旁工地每晚打桩施工，建筑噪音很大。")
          let message = try #require(try await store.message(id))
          #expect((message.status == .assigned) == expectAssigned, "threshold \(String(describing: threshold))")
          if expectAssigned {
            #expect(message.leadUnitID == world.housing.id)
            let assign = try #require(try await store.events(of: id).last?.draft)
            #expect(assign.actor.role == .system)
            #expect(assign.note?.hasPrefix("系统按分类建议自动交办：城乡建设") == true)
          }
        }
      }
    }
  }
}

/// The classifier learns from the platform's own handled messages, and `serve` picks up a new model file.
@Suite struct TrainingFromTheDatabaseTests {
  @Test(arguments: TestDatabase.available)
  func handledMessages_withTheirFinalCategory_trainAModel(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      let education = try await store.createCategory(code: "JYWT", name: "教育文体")
      let texts: [(String, String, UUID)] = [
        ("工地夜间施工", "小区旁工地每晚施工打桩，建筑噪音扰民。", world.noise.id),
        ("违章建筑", "邻居在楼顶搭建违章建筑，请城管拆除。", world.construction.id),
        ("道路施工围挡", "道路施工围挡占道一年还没完工。", world.construction.id),
        ("学区划分", "孩子上小学的学区划分不合理，请教育局解释。", education.id),
        ("学校补课收费", "学校周末组织补课并收费。", education.id),
        ("幼儿园学位", "普惠幼儿园学位不够，孩子入园难。", education.id),
      ]
      for (title, body, category) in texts {
        var input = Fixtures.newMessage(title: title, leader: world.secretary.id, category: category)
        input.body = body
        let id = try await store.submit(input, at: Fixtures.now).message.id
        try await store.perform(.assign(lead: world.market.id), on: id, by: world.dispatcher, at: Fixtures.now)
        try await store.perform(.accept(), on: id, by: world.marketHandler, at: Fixtures.now)
        try await store.perform(.reply(body: "已处理。"), on: id, by: world.marketHandler, at: Fixtures.now)
        try await store.perform(.close(reason: "未评价"), on: id, by: Actor(role: .system, id: "t"), at: Fixtures.now)
      }
      // Not handled, or invalid: not examples.
      _ = try await store.submit(Fixtures.newMessage(title: "还在办", category: education.id), at: Fixtures.now)
      let invalid = try await store.submit(
        Fixtures.newMessage(title: "无效件", leader: world.secretary.id, category: education.id), at: Fixtures.now)
      try await store.perform(
        .markInvalid(reason: "广告"), on: invalid.message.id, by: world.dispatcher, at: Fixtures.now)

      let examples = try await ClassifierTraining.examples(from: store)
      #expect(examples.count == 6)
      #expect(Set(examples.map(\.label)) == ["城乡建设", "教育文体"])
      var options = TrainingOptions()
      options.features = TextFeatures(bits: 14)
      let model = try TextClassifier.train(examples, options: options)
      #expect(model.predict(title: "小区工地噪音", body: "晚上还在施工打桩").top.first?.label == "城乡建设")
    }
  }

  @Test func aChangedModelFile_isLoaded_andABrokenOneKeepsThePreviousModel() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("minsheng-model-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("model.msclass")
    let holder = ClassifierHolder(nil)
    let logger = Logger(label: "test")
    holder.reloadIfChanged(from: file, logger: logger)
    #expect(holder.current == nil)
    try SuggestionTests.classifier.encoded().write(to: file)
    holder.reloadIfChanged(from: file, logger: logger)
    #expect(holder.current?.labels == ["城乡建设", "教育文体"])
    try Data("not a model".utf8).write(to: file)
    try FileManager.default.setAttributes(
      [.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: file.path)
    holder.reloadIfChanged(from: file, logger: logger)
    #expect(holder.current?.labels == ["城乡建设", "教育文体"])
  }
}
