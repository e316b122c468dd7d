import Testing

@testable import MinshengText

/// Nested cross-validation picks settings on inner folds of each outer training part only, then
/// scores them on the outer fold (#23).
@Suite struct NestedCrossValidationTests {
  @Test func theSettingsAreChosenInside_andScoredOnTheOuterFold() throws {
    var coarse = ClassifierFixture.options
    coarse.features = TextFeatures(bits: 8, sizes: 1...1)
    coarse.naiveBayesSmoothing = nil
    let grid = [coarse, ClassifierFixture.options]
    var progress: [String] = []
    let examples = ClassifierFixture.examples
    let result = try NestedCrossValidation.run(examples, outer: 3, inner: 3, grid: grid) { progress.append($0) }
    #expect(result.folds.count == 3)
    #expect(result.report.confusion.joined().reduce(0, +) == examples.count)
    #expect(progress.count == 3 && progress[0].hasPrefix("outer fold 1: chose --ngrams"))
    for (fold, outcome) in result.folds.enumerated() {
      // The choice: the best inner score on the outer training part alone (the earlier on a tie).
      let training = examples.indices.filter { $0 % 3 != fold }.map { examples[$0] }
      let inner = try grid.map {
        try ClassificationReport.crossValidate(training, folds: 3, options: $0).report.macroF1
      }
      #expect(outcome.chosen == (inner[1] > inner[0] ? 1 : 0))
      #expect(abs(outcome.innerMacroF1 - inner[outcome.chosen]) < 1e-12)
      // The score: a model trained without the outer fold, with the chosen settings.
      let model = try TextClassifier.train(training, options: grid[outcome.chosen])
      let held = examples.indices.filter { $0 % 3 == fold }.map { examples[$0] }
      let expected = ClassificationReport(
        truth: held.map(\.label), predicted: held.map { model.label(title: $0.title, body: $0.body) }
      ).macroF1
      #expect(abs(outcome.macroF1 - expected) < 1e-12)
    }
    // Equal settings tie, and the tie goes to the first.
    let tied = try NestedCrossValidation.run(examples, outer: 3, inner: 3, grid: [grid[1], grid[1]])
    #expect(tied.folds.allSatisfy { $0.chosen == 0 })
  }

  @Test func tooFewExamplesOrFolds_areRefused() {
    #expect(throws: TrainingError.badFolds) {
      try NestedCrossValidation.run(Array(ClassifierFixture.examples.prefix(8)), outer: 3, inner: 3)
    }
    #expect(throws: TrainingError.badFolds) { try NestedCrossValidation.run(ClassifierFixture.examples, outer: 1) }
    #expect(throws: TrainingError.badFolds) {
      try NestedCrossValidation.run(ClassifierFixture.examples, outer: 3, inner: 3, grid: [])
    }
  }

  @Test func theDefaultGrid_holdsTheDefaults_andTheReferencesCs() {
    let grid = NestedCrossValidation.defaultGrid
    #expect(grid.count == 24)
    #expect(grid.contains(TrainingOptions()))
    #expect(Set(grid.map(\.c)) == [0.1, 0.3, 1, 3])
    #expect(TrainingOptions().summary == "--ngrams 2 --naive-bayes 1.0 --c 1.0")
  }
}
