import Foundation

/// How well predicted labels match the truth: per-label precision, recall and F1, the confusion
/// matrix, accuracy and macro-averaged F1.
public struct ClassificationReport: Sendable, Equatable {
  public struct Row: Sendable, Equatable {
    public var label: String
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var support: Int
  }

  public var labels: [String]
  /// `confusion[truth][predicted]`, in the order of `labels`.
  public var confusion: [[Int]]
  public var rows: [Row]
  public var accuracy: Double
  public var macroF1: Double

  public init(truth: [String], predicted: [String]) {
    let labels = Array(Set(truth).union(predicted)).sorted()
    self.labels = labels
    let position = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
    var confusion = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
    for (t, p) in zip(truth, predicted) {
      if let t = position[t], let p = position[p] { confusion[t][p] += 1 }
    }
    self.confusion = confusion
    let rows = labels.indices.map { i in
      let truePositives = Double(confusion[i][i])
      let predictedCount = Double(confusion.reduce(0) { $0 + $1[i] })
      let support = confusion[i].reduce(0, +)
      let precision = predictedCount == 0 ? 0 : truePositives / predictedCount
      let recall = support == 0 ? 0 : truePositives / Double(support)
      let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
      return Row(label: labels[i], precision: precision, recall: recall, f1: f1, support: support)
    }
    self.rows = rows
    let total = confusion.joined().reduce(0, +)
    accuracy = total == 0 ? 0 : Double(labels.indices.reduce(0) { $0 + confusion[$1][$1] }) / Double(total)
    let supported = rows.filter { $0.support > 0 }
    macroF1 = supported.isEmpty ? 0 : supported.map(\.f1).reduce(0, +) / Double(supported.count)
  }

  /// The report as printed by `minsheng classify evaluate`, with the caller's headings for the label
  /// column and the confusion matrix; the last line is `accuracy=0.xxxx macro_f1=0.xxxx`.
  public func text(labelHeading: String = "label", confusionHeading: String = "Confusion matrix") -> String {
    func fixed(_ value: Double) -> String { String(format: "%.4f", value) }
    func pad(_ text: String, _ width: Int) -> String {
      // CJK characters take two columns in a terminal.
      let columns = text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x2E80 ? 2 : 1) }
      return text + String(repeating: " ", count: max(0, width - columns))
    }
    let width = max(10, labels.map { $0.unicodeScalars.count * 2 }.max() ?? 10) + 2
    var lines = [pad(labelHeading, width) + "precision  recall     f1         support"]
    for row in rows {
      lines.append(
        pad(row.label, width) + [fixed(row.precision), fixed(row.recall), fixed(row.f1)].map { pad($0, 11) }.joined()
          + String(row.support))
    }
    lines.append("")
    lines.append(confusionHeading)
    for (label, counts) in zip(labels, confusion) {
      lines.append(pad(label, width) + counts.map { pad(String($0), 6) }.joined())
    }
    lines.append("accuracy=\(fixed(accuracy)) macro_f1=\(fixed(macroF1))")
    return lines.joined(separator: "\n")
  }

  /// K-fold cross-validation: example `i` is in fold `i mod k` (so a file sorted by label gives
  /// stratified folds, and any other tool can rebuild the same folds). Returns the report over all
  /// held-out predictions and the time spent training, per fold.
  public static func crossValidate(
    _ examples: [LabelledText], folds k: Int, options: TrainingOptions = TrainingOptions()
  ) throws(TrainingError) -> (report: ClassificationReport, trainingSeconds: [Double], calibration: Calibration) {
    guard k >= 2, examples.count >= k else { throw .badFolds }
    var predicted = [String](repeating: "", count: examples.count)
    var seconds: [Double] = []
    var confidence = [Double](repeating: 0, count: examples.count)
    for fold in 0..<k {
      let training = examples.indices.filter { $0 % k != fold }.map { examples[$0] }
      let start = DispatchTime.now().uptimeNanoseconds
      let model = try TextClassifier.train(training, options: options)
      seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      for i in examples.indices where i % k == fold {
        let top = model.predict(title: examples[i].title, body: examples[i].body, reasons: 0).top[0]
        predicted[i] = top.label
        confidence[i] = top.confidence
      }
    }
    let truth = examples.map(\.label)
    return (
      ClassificationReport(truth: truth, predicted: predicted), seconds,
      Calibration(confidence: confidence, correct: zip(truth, predicted).map { $0 == $1 })
    )
  }
}

/// How well the first label's confidence matches how often it is right.
public struct Calibration: Sendable, Equatable {
  /// Mean confidence of the first label, and the share of first labels that were right.
  public var meanConfidence: Double
  public var accuracy: Double
  /// Expected calibration error over ten equal-width confidence bins.
  public var expectedError: Double

  public init(confidence: [Double], correct: [Bool]) {
    let n = Double(max(confidence.count, 1))
    meanConfidence = confidence.reduce(0, +) / n
    accuracy = Double(correct.filter { $0 }.count) / n
    var error = 0.0
    for bin in 0..<10 {
      let members = confidence.indices.filter { min(Int(confidence[$0] * 10), 9) == bin }
      guard !members.isEmpty else { continue }
      let meanConfidence = members.map { confidence[$0] }.reduce(0, +) / Double(members.count)
      let accuracy = Double(members.filter { correct[$0] }.count) / Double(members.count)
      error += Double(members.count) / n * abs(meanConfidence - accuracy)
    }
    expectedError = error
  }

  public var text: String {
    String(
      format: "calibration: mean confidence %.3f, accuracy %.3f, expected calibration error %.3f", meanConfidence,
      accuracy, expectedError)
  }
}
