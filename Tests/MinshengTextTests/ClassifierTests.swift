import Foundation
import Testing

@testable import MinshengText

/// Messages written for these tests (never taken from real citizens' data).
enum ClassifierFixture {
  static let traffic = [
    ("公交车站撤销后出行不便", "我们小区门口的公交站被撤销了，老人出行要走两公里，希望恢复公交站点。"),
    ("路口红绿灯时间太短", "新城大道路口的红绿灯行人时间只有十秒，老人过马路很危险，请交警部门调整。"),
    ("出租车拒载问题", "晚上在火车站打出租车经常被拒载，司机挑客，希望交通部门加强管理。"),
    ("道路坑洼影响行车", "环城路上坑洼很多，下雨积水，车辆经过很危险，希望尽快修补道路。"),
    ("地铁站出口没有指示牌", "地铁二号线东站出口没有指示牌，乘客经常走错，请地铁公司增设标识。"),
    ("停车位不足乱停车", "商业街附近停车位严重不足，车辆乱停占道，交通拥堵，希望规划停车场。"),
    ("公交线路绕路太远", "十二路公交车绕行太远，上班通勤要一个多小时，建议优化公交线路。"),
    ("货车超载压坏路面", "每天夜里有超载货车经过乡村公路，路面被压坏，希望交通执法查处超载。"),
    ("驾照考试预约难", "驾驶证考试一直约不上，车管所预约系统总是满员，希望增加考位。"),
    ("高速收费站排队", "节假日高速收费站排长队，通行太慢，希望增加收费通道。"),
    ("共享单车乱停放", "地铁口共享单车堆满人行道，行人无法通行，请督促单车企业清理。"),
    ("公交车司机开车太猛", "六路公交司机急刹车急转弯，乘客多次摔倒，希望公交公司教育司机。"),
  ]
  static let education = [
    ("孩子入学学区划分", "我家孩子今年上小学，学区划分不合理，离家近的学校不能读，请教育局解释。"),
    ("学校乱收补课费", "初中学校组织学生周末补课并收取费用，家长负担重，希望教育部门查处。"),
    ("幼儿园收费过高", "小区配套幼儿园收费太高，普惠幼儿园名额太少，希望增加普惠学位。"),
    ("教师工资拖欠", "乡村小学老师的绩效工资拖欠半年，老师们很有意见，请教育局落实。"),
    ("校车安全隐患", "学校的校车座位超员，孩子挤在一起，存在安全隐患，请教育部门检查。"),
    ("高考加分政策咨询", "想咨询今年高考少数民族加分政策是否有变化，孩子明年参加高考。"),
    ("学校食堂饭菜质量差", "学生反映学校食堂饭菜质量差价格高，家长担心孩子营养，请学校整改。"),
    ("课外培训机构退费难", "报名的课外培训机构突然停课，学费不退，家长维权困难，请教育局介入。"),
    ("学生作业负担太重", "小学三年级每天作业要写到晚上十点，孩子睡眠不足，希望学校减负。"),
    ("中考体育考试安排", "中考体育考试项目和时间安排一直没有通知，学生和家长都很着急。"),
    ("学校操场开放时间", "希望周末开放学校操场和体育馆，方便周边居民和学生锻炼身体。"),
    ("大学生助学金申请", "家庭困难的大学生助学金申请材料太复杂，希望简化办理流程。"),
  ]
  static let environment = [
    ("工厂排放废气刺鼻", "开发区化工厂每天晚上排放刺鼻废气，居民头晕恶心，请环保部门检测。"),
    ("河道污水直排", "小河边的养殖场污水直接排进河里，河水发黑发臭，鱼都死了，请环保局处理。"),
    ("工地扬尘严重", "附近工地没有洒水降尘，扬尘很大，窗户不敢开，请生态环境部门督促整改。"),
    ("夜间施工噪音扰民", "工地每晚十一点后还在打桩，噪音很大，严重影响休息，请查处夜间施工。"),
    ("垃圾焚烧污染", "村里有人露天焚烧垃圾和塑料，浓烟刺鼻，污染空气，希望环保部门制止。"),
    ("餐馆油烟扰民", "楼下餐馆油烟直排没有净化设备，油烟飘进家里，请环保部门检查。"),
    ("砍伐树木破坏生态", "山上有人私自砍伐树木，破坏生态环境，希望林业和环保部门调查。"),
    ("水源地保护", "饮用水源保护区内有人违规钓鱼游泳，污染水源，请加强水源地保护。"),
    ("噪音超标的娱乐场所", "广场旁酒吧音响噪音超标到凌晨，周边居民无法入睡，请环保部门检测噪音。"),
    ("危险废物乱倒", "有车辆夜里在荒地倾倒危险废物和废油桶，气味难闻，请环保部门追查。"),
    ("畜禽养殖臭味", "村口的养猪场粪便臭味很重，苍蝇很多，污染环境，希望督促养殖场治理。"),
    ("空气质量差", "最近空气质量很差，雾霾严重，希望加强对污染企业的排放监管。"),
  ]

  static var examples: [LabelledText] {
    traffic.map { LabelledText(title: $0.0, body: $0.1, label: "交通运输") }
      + education.map { LabelledText(title: $0.0, body: $0.1, label: "教育文体") }
      + environment.map { LabelledText(title: $0.0, body: $0.1, label: "环境保护") }
  }

  static var options: TrainingOptions {
    var options = TrainingOptions()
    options.features = TextFeatures(bits: 14)
    return options
  }
}

@Suite struct ClassifierTests {
  @Test func training_isDeterministic_andTheModelFileRoundTrips() throws {
    let first = try TextClassifier.train(ClassifierFixture.examples, options: ClassifierFixture.options)
    let second = try TextClassifier.train(ClassifierFixture.examples, options: ClassifierFixture.options)
    #expect(try first.encoded() == second.encoded())
    let decoded = try TextClassifier(decoding: try first.encoded())
    #expect(decoded == first)
    var other = ClassifierFixture.options
    other.seed = 7
    #expect(try TextClassifier.train(ClassifierFixture.examples, options: other).encoded() != first.encoded())
  }

  @Test func predictions_nameTheCategory_withConfidenceAndReasons() throws {
    let model = try TextClassifier.train(ClassifierFixture.examples, options: ClassifierFixture.options)
    let cases = [
      ("公交站点太远", "希望在小区附近增设公交站，现在坐公交车要走很远。", "交通运输"),
      ("学校收费", "孩子所在小学要求家长交补课费，请教育局调查。", "教育文体"),
      ("污水排放", "工厂把污水排进河里，河水很臭，请环保部门来查。", "环境保护"),
    ]
    for (title, body, expected) in cases {
      let prediction = model.predict(title: title, body: body)
      #expect(prediction.label == expected, "\(title): \(prediction.top)")
      #expect(prediction.top.count == 3)
      #expect(prediction.top.map(\.confidence) == prediction.top.map(\.confidence).sorted(by: >))
      #expect(prediction.top.map(\.confidence).reduce(0, +) <= 1.0000001)
      #expect(prediction.top[0].confidence > 1.0 / 3)
      #expect(!prediction.reasons.isEmpty)
      #expect(!prediction.reasons.contains { $0.gram.unicodeScalars.contains(TextFeatures.boundary) })
      #expect(prediction.reasons.map(\.weight) == prediction.reasons.map(\.weight).sorted(by: >))
      #expect(model.label(title: title, body: body) == expected)
    }
    let why = model.predict(title: "污水排放", body: "工厂把污水排进河里，请环保部门来查。").reasons.map(\.gram)
    #expect(why.contains { $0.contains("环保") || $0.contains("污") }, "\(why)")
  }

  @Test func scores_equalEachLabelsOwnDotProduct_alsoAfterTheWeightsOrIDFChange() throws {
    var model = try TextClassifier.train(ClassifierFixture.examples, options: ClassifierFixture.options)
    let dimension = model.tfidf.features.dimension
    func direct(_ vector: SparseVector) -> [Double] {
      model.weights.map { w in w.withUnsafeBufferPointer { Double(TextClassifier.dot($0, vector, bias: $0[dimension])) }
      }
    }
    let texts = [("公交站点太远", "希望增设公交站。"), ("", ""), ("噪音", "工地夜间施工，电话13800138000。")]
    for (title, body) in texts {
      let counts = model.tfidf.features.counts(title: title, body: body)
      let vector = model.tfidf.vector(counts)
      for (fast, slow) in zip(model.scores(vector), direct(vector)) { #expect(abs(fast - slow) < 1e-5) }
      for (fast, slow) in zip(model.scores(counts), direct(vector)) { #expect(abs(fast - slow) < 1e-5) }
      #expect(model.scores(counts).count == model.labels.count)
    }
    // A changed weight reaches the predictions (the feature-by-feature copy follows).
    let vector = model.tfidf.vector(model.tfidf.features.counts(title: "噪音", body: "施工"))
    let before = model.scores(vector)
    model.weights[0][dimension] += 10
    #expect(abs(model.scores(vector)[0] - before[0] - 10) < 1e-4)
    for (fast, slow) in zip(model.scores(vector), direct(vector)) { #expect(abs(fast - slow) < 1e-5) }
    // So does a changed IDF table.
    let counts = model.tfidf.features.counts(title: "噪音", body: "施工")
    model.tfidf.idf = model.tfidf.idf.map { $0 * 2 + 1 }
    for (fast, slow) in zip(model.scores(counts), direct(model.tfidf.vector(counts))) {
      #expect(abs(fast - slow) < 1e-5)
    }
  }

  @Test func naiveBayesRatios_favourWhatALabelsExamplesHave() {
    // Feature 0 only in the positives, 1 only in the negatives, 2 in one of each, 3 nowhere.
    let vectors = [
      SparseVector(indices: [0, 2], values: [0.5, 0.5]), SparseVector(indices: [0], values: [1]),
      SparseVector(indices: [1, 2], values: [0.3, 0.7]), SparseVector(indices: [1], values: [1]),
    ]
    let r = TextClassifier.naiveBayesRatios(vectors, positive: [true, true, false, false], smoothing: 1, dimension: 4)
    // Both sides count 3 occurrences plus 1 for each of the 3 features seen: 6.
    #expect(abs(Double(r[0]) - log((3.0 / 6) / (1.0 / 6))) < 1e-6)
    #expect(abs(Double(r[1]) - log((1.0 / 6) / (3.0 / 6))) < 1e-6)
    #expect(abs(r[2]) < 1e-6)
    #expect(r[3] == 0)
    let scaled = TextClassifier.scaled(vectors[0], by: r)
    #expect(scaled.indices == [0, 2] && abs(scaled.values[0] - 0.5 * r[0]) < 1e-6)
    #expect(TextClassifier.scaled(vectors[0], by: nil) == vectors[0])
  }

  @Test func naiveBayesScaling_isFoldedIntoTheWeights_andCanBeLeftOut() throws {
    var without = ClassifierFixture.options
    without.naiveBayesSmoothing = nil
    let plain = try TextClassifier.train(ClassifierFixture.examples, options: without)
    let scaled = try TextClassifier.train(ClassifierFixture.examples, options: ClassifierFixture.options)
    #expect(ClassifierFixture.options.naiveBayesSmoothing == 1)
    #expect(plain.weights != scaled.weights)
    // Each label's SVM was trained on r ⊙ x; the stored weights are w ⊙ r, so a feature that never
    // occurs in training has no weight, and the model still separates its own training examples.
    for model in [plain, scaled] {
      for example in ClassifierFixture.examples {
        #expect(model.label(title: example.title, body: example.body) == example.label, "\(example.title)")
      }
    }
    // A model file from before the option existed (no such key) reads as trained without it.
    let data = try JSONEncoder().encode(without)
    #expect(!String(decoding: data, as: UTF8.self).contains("naiveBayes"))
    #expect(try JSONDecoder().decode(TrainingOptions.self, from: data).naiveBayesSmoothing == nil)
    #expect(try TextClassifier(decoding: try plain.encoded()) == plain)
  }

  @Test func training_needsTwoCategories() {
    #expect(throws: TrainingError.self) {
      try TextClassifier.train([LabelledText(title: "a", body: "b", label: "x")])
    }
  }

  @Test func damagedModelFiles_areRefusedWithAReason() throws {
    let data = try TextClassifier.train(ClassifierFixture.examples, options: ClassifierFixture.options).encoded()
    #expect(throws: ModelFileError.self) { try TextClassifier(decoding: data.prefix(data.count - 1)) }
    #expect(throws: ModelFileError.self) { try TextClassifier(decoding: data + Data([0])) }
    #expect(throws: ModelFileError.self) { try TextClassifier(decoding: Data("not a model".utf8)) }
    var wrongVersion = data
    wrongVersion[8] = 99
    do {
      _ = try TextClassifier(decoding: wrongVersion)
      Issue.record("a file of another version was accepted")
    } catch {
      guard case .version(let found, _) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(found == 99)
    }
    #expect(throws: ModelFileError.self) { try TextClassifier(decoding: Data()) }
  }

  @Test func crossValidation_usesFoldsByRowNumber_andReportsEveryCategory() throws {
    let (report, seconds, calibration) = try ClassificationReport.crossValidate(
      ClassifierFixture.examples, folds: 4, options: ClassifierFixture.options)
    #expect(seconds.count == 4)
    #expect(report.labels == ["交通运输", "教育文体", "环境保护"])
    #expect(report.confusion.joined().reduce(0, +) == ClassifierFixture.examples.count)
    #expect(report.accuracy > 0.6)
    #expect(calibration.meanConfidence > 0 && calibration.meanConfidence <= 1)
    #expect(report.text().split(separator: "\n").last?.hasPrefix("accuracy=") == true)
  }

  @Test func report_computesPrecisionRecallAndMacroF1() {
    let report = ClassificationReport(
      truth: ["a", "a", "a", "b", "b", "c"], predicted: ["a", "a", "b", "b", "c", "c"])
    #expect(report.confusion == [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
    #expect(report.rows[0].precision == 1 && abs(report.rows[0].recall - 2.0 / 3) < 1e-9)
    #expect(abs(report.rows[1].f1 - 0.5) < 1e-9)
    #expect(abs(report.rows[2].f1 - 2.0 / 3) < 1e-9)
    #expect(abs(report.accuracy - 4.0 / 6) < 1e-9)
    #expect(abs(report.macroF1 - (0.8 + 0.5 + 2.0 / 3) / 3) < 1e-9)
    #expect(report.text(labelHeading: "类别").hasSuffix("accuracy=0.6667 macro_f1=0.6556"))
  }
}

@Suite struct FeatureTests {
  @Test func numbers_areMaskedOrFoldedByShape() {
    let symbols = String(
      String.UnicodeScalarView(TextFeatures.symbols("电话１３８００１３８０００，身份证11010519491231002X，房号 1203 室")))
    #expect(symbols == "电话☎,身份证🆔,房号0000室")
    #expect(String(String.UnicodeScalarView(TextFeatures.symbols("证号110105194912310021。"))) == "证号🆔。")
    #expect(String(String.UnicodeScalarView(TextFeatures.symbols("Ａｂｃ　ＤＥＦ"))) == "abcdef")
  }

  @Test func gramCounts_countEveryOccurrenceOnce() {
    let counts = GramCounts(occurrences: [5, 3, 5, 9, 5, 3])
    let byIndex = Dictionary(uniqueKeysWithValues: zip(counts.indices, counts.counts))
    #expect(byIndex == [5: 3, 3: 2, 9: 1])
    #expect(GramCounts(occurrences: []).indices.isEmpty)
  }

  @Test func vectors_haveUnitLength_andTitleGramsTheirOwnSpace() {
    let features = TextFeatures(bits: 12)
    let counts = [features.counts(title: "噪音", body: "夜间施工噪音")]
    let tfidf = TFIDF.fit(counts, features: features)
    let vector = tfidf.vector(counts[0])
    #expect(abs(vector.squaredNorm - 1) < 1e-5)
    let grams = features.grams(title: "噪音", body: "")
    #expect(grams.map(\.gram).contains("标题:噪音"))
    #expect(grams.map(\.gram).contains("噪音"))
    #expect(Set(counts[0].indices).count == counts[0].indices.count)
  }

  @Test func theFastNormalisation_agreesWithFoundationsNFKC_onEveryScalarItCovers() {
    var checked = 0
    for value in UInt32(0)...0x10FFFF {
      guard let scalar = Unicode.Scalar(value), let fast = Normalizer.fastNFKC(scalar) else { continue }
      let foundation = String(scalar).precomposedStringWithCompatibilityMapping
      #expect(String(fast) == foundation, "U+\(String(value, radix: 16))")
      checked += 1
    }
    #expect(checked > 20_000)
    // A text outside the fast set takes Foundation's path and gets the same treatment.
    #expect(Normalizer.normalize("ｶﾀｶﾅ と ①") == "カタカナ と 1")
    #expect(Normalizer.normalize("Cafe\u{301}") == "caf\u{E9}")
  }

  @Test func theFastPunctuationCheck_agreesWithTheUnicodeCategories_onEveryScalar() {
    var punctuation = 0
    for value in UInt32(0)...0x10FFFF {
      guard let scalar = Unicode.Scalar(value) else { continue }
      let fast = TextFeatures.isPunctuation(scalar)
      if fast != TextFeatures.hasPunctuationCategory(scalar) {
        Issue.record("U+\(String(value, radix: 16)): fast path says \(fast)")
      }
      if fast { punctuation += 1 }
    }
    #expect(punctuation > 700)
    #expect(TextFeatures.isPunctuation("，") && TextFeatures.isPunctuation("!") && !TextFeatures.isPunctuation("噪"))
    #expect(String(String.UnicodeScalarView(TextFeatures().gramSymbols("噪音！！请尽快，处理。"))) == "噪音|请尽快|处理")
  }
}
