import Foundation

/// Nested cross-validation: the settings are chosen on inner folds of each outer training part and
/// scored on the outer fold they never saw, so the score is not flattered by the choice (#23). The
/// classifier benchmark runs the reference the same way.
public struct NestedCrossValidation: Sendable {
  /// One outer fold: the settings its inner folds chose, and how they scored on it.
  public struct Fold: Sendable {
    /// Index into the grid.
    public var chosen: Int
    /// Mean macro-F1 of the chosen settings over the inner folds.
    public var innerMacroF1: Double
    /// Macro-F1 on the outer fold, trained on the whole outer training part.
    public var macroF1: Double
    public var trainingSeconds: Double
  }

  public var folds: [Fold]
  /// The report over every outer fold's predictions together.
  public var report: ClassificationReport

  /// The settings searched by default: the choices Minsheng's defaults were picked from by hand
  /// (longest character n-gram 2 or 3, naive-Bayes scaling off, 1 or 2) and the penalty C over the
  /// reference's grid (0.1, 0.3, 1, 3), all else at the defaults.
  public static var defaultGrid: [TrainingOptions] {
    var grid: [TrainingOptions] = []
    for largest in [2, 3] {
      for smoothing in [nil, 1.0, 2.0] as [Double?] {
        for c in [0.1, 0.3, 1, 3] {
          var options = TrainingOptions()
          options.features = TextFeatures(
            bits: options.features.bits, sizes: 1...largest, clauses: options.features.clauses)
          options.naiveBayesSmoothing = smoothing
          options.c = c
          grid.append(options)
        }
      }
    }
    return grid
  }

  /// Outer fold of example `i` is `i mod outer`; inside an outer training part, the example at
  /// position `j` (in file order) is in inner fold `j mod inner`, so any tool can rebuild the folds.
  /// Ties between settings go to the earlier one in the grid.
  public static func run(
    _ examples: [LabelledText], outer: Int = 5, inner: Int = 5, grid: [TrainingOptions] = defaultGrid,
    progress: (String) -> Void = { _ in }
  ) throws(TrainingError) -> NestedCrossValidation {
    guard outer >= 2, inner >= 2, examples.count >= outer * inner, !grid.isEmpty else { throw .badFolds }
    var folds: [Fold] = []
    var predicted = [String](repeating: "", count: examples.count)
    for fold in 0..<outer {
      let training = examples.indices.filter { $0 % outer != fold }.map { examples[$0] }
      var best = (index: 0, score: -1.0)
      for (index, options) in grid.enumerated() {
        let score = try ClassificationReport.crossValidate(training, folds: inner, options: options).report.macroF1
        if score > best.score { best = (index, score) }
      }
      let start = DispatchTime.now().uptimeNanoseconds
      let model = try TextClassifier.train(training, options: grid[best.index])
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      let held = examples.indices.filter { $0 % outer == fold }
      for i in held { predicted[i] = model.label(title: examples[i].title, body: examples[i].body) }
      let score = ClassificationReport(truth: held.map { examples[$0].label }, predicted: held.map { predicted[$0] })
        .macroF1
      folds.append(Fold(chosen: best.index, innerMacroF1: best.score, macroF1: score, trainingSeconds: seconds))
      progress(
        "outer fold \(fold + 1): chose \(grid[best.index].summary) (inner macro-F1 \(String(format: "%.4f", best.score))), "
          + "outer macro-F1 \(String(format: "%.4f", score))")
    }
    return NestedCrossValidation(
      folds: folds, report: ClassificationReport(truth: examples.map(\.label), predicted: predicted))
  }
}

extension TrainingOptions {
  /// The searched settings in a line, as `minsheng classify` flags: `--ngrams 2 --naive-bayes 1 --c 0.3`.
  public var summary: String {
    "--ngrams \(features.largest) --naive-bayes \(naiveBayesSmoothing.map { String($0) } ?? "0") --c \(c)"
  }
}
