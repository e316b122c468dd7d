import Foundation

/// A labelled message for training or evaluation.
public struct LabelledText: Sendable, Equatable {
  public var title: String
  public var body: String
  public var label: String

  public init(title: String, body: String, label: String) {
    self.title = title
    self.body = body
    self.label = label
  }
}

/// What the classifier says about a message: the likeliest categories with calibrated confidence,
/// and the n-grams that weighed most for the first.
public struct Prediction: Sendable, Equatable {
  public struct Candidate: Sendable, Equatable {
    public var label: String
    /// A probability: the candidates of all labels sum to 1.
    public var confidence: Double
  }

  public struct Reason: Sendable, Equatable {
    public var gram: String
    public var weight: Double
  }

  /// The three likeliest labels, likeliest first.
  public var top: [Candidate]
  /// The n-grams of the text that pushed most towards the first label, strongest first.
  public var reasons: [Reason]

  public var label: String { top.first?.label ?? "" }
}

/// Training settings. The defaults are the ones evaluated in `Benchmarks/results/classify-*.md`.
public struct TrainingOptions: Sendable, Equatable, Codable {
  /// Character 1- and 2-grams. With 1- to 3-grams the cross-validated macro-F1 was lower with 4, 5
  /// and 10 folds, by 0.005–0.008 (`Benchmarks/README.md`): with a few thousand training messages
  /// the 3-grams are mostly too rare to learn from.
  public var features = TextFeatures(sizes: 1...2)
  /// The SVM's penalty for margin violations (larger: fits the training data harder).
  public var c: Double = 1
  /// Coordinate descent stops when the projected gradients span less than this.
  public var tolerance: Double = 0.1
  public var maxEpochs = 200
  /// Weighs each example by the inverse of its category's share (n / (k · n_c)), so that small
  /// categories count as much as large ones.
  public var balanced = true
  /// Seeds the order in which training examples are visited; the same seed gives the same model.
  public var seed: UInt64 = 2023
  /// Naive-Bayes feature scaling (NBSVM, Wang & Manning 2012) with this smoothing: each label's SVM
  /// sees every feature scaled by the log-ratio of how often it occurs in that label's examples and
  /// in the others'. The ratios are folded into the weights afterwards, so predicting costs the same.
  /// nil: no scaling (models trained before it was added). Smoothing 1 and 2 were the best of 1 to 4
  /// in cross-validation with 4, 5 and 10 folds and several seeds, 1 by a little (`Benchmarks/README.md`).
  public var naiveBayesSmoothing: Double? = 1

  public init() {}
}

/// Training cannot start.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
  /// Fewer than two categories have examples.
  case tooFewLabels
  /// Cross-validation asked for fewer than two folds, or more folds than examples.
  case badFolds

  public var description: String {
    switch self {
    case .tooFewLabels: "examples of at least two categories are needed"
    case .badFolds: "the number of folds must be at least 2 and at most the number of examples"
    }
  }
}

/// A small, fast, seedable generator (SplitMix64), so that training is reproducible.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// In how many examples of each label each feature occurs: what the naive-Bayes ratios are made of.
struct OccurrenceCounts {
  let labels: Int
  /// The features that occur at all, ascending.
  private(set) var seen: [Int32] = []
  /// For each seen feature, its count in each label's examples (`seen position * labels + label`).
  private(set) var counts: [Int32] = []
  /// Each label's counts summed over the features.
  private(set) var labelTotals: [Double]

  init(_ vectors: [SparseVector], classes: [Int], labels: Int, dimension: Int) {
    self.labels = labels
    labelTotals = [Double](repeating: 0, count: labels)
    var dense = [Int32](repeating: 0, count: dimension * labels)
    for (vector, label) in zip(vectors, classes) {
      for (index, value) in zip(vector.indices, vector.values) where value != 0 {
        dense[Int(index) * labels + label] += 1
      }
    }
    for feature in 0..<dimension {
      let row = dense[(feature * labels)..<((feature + 1) * labels)]
      guard row.contains(where: { $0 > 0 }) else { continue }
      seen.append(Int32(feature))
      counts += row
      for (label, n) in row.enumerated() { labelTotals[label] += Double(n) }
    }
  }

  /// Writes the label's log-count ratio of every seen feature into `ratios` (others are left alone).
  func ratios(for label: Int, smoothing: Double, into ratios: inout [Float]) {
    let extra = smoothing * Double(seen.count)
    let positiveTotal = labelTotals[label] + extra
    let negativeTotal = labelTotals.reduce(0, +) - labelTotals[label] + extra
    for (position, feature) in seen.enumerated() {
      var all = 0.0
      for l in 0..<labels { all += Double(counts[position * labels + l]) }
      let p = Double(counts[position * labels + label])
      ratios[Int(feature)] = Float(log(((p + smoothing) / positiveTotal) / ((all - p + smoothing) / negativeTotal)))
    }
  }
}
