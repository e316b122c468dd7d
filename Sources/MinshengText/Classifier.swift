import Foundation

/// A linear text classifier: one-vs-rest linear SVMs (L2-regularised, squared hinge loss, trained by
/// dual coordinate descent as in LIBLINEAR) over hashed character n-gram TF-IDF features, each
/// label's scaled by naive-Bayes log-count ratios (NBSVM) that are folded into its weights, with a
/// softmax over the decision values whose temperature is fitted on a held-out fifth of the examples.
public struct TextClassifier: Sendable, Equatable {
  public var labels: [String]
  /// One weight vector per label, `dimension + 1` long (the last weight is the bias). Read and
  /// written through `packed`, where the weights are kept.
  public var weights: [[Float]] {
    get {
      (0..<labelCount).map { label in (0..<length).map { packed[$0 * (labelCount + 1) + 1 + label] } }
    }
    set {
      labelCount = newValue.count
      length = newValue.first?.count ?? 0
      packed = Self.pack(idf: tfidf.idf, weights: newValue)
    }
  }
  public var tfidf: TFIDF {
    didSet {
      for i in 0..<min(length, tfidf.idf.count) { packed[i * (labelCount + 1)] = tfidf.idf[i] }
    }
  }
  /// The model as a prediction reads it, feature by feature: feature i's IDF at
  /// `i * (labels + 1)`, then each label's weight for it. A prediction finds everything about one of
  /// its n-grams in one place in memory instead of in the IDF table and in as many weight vectors as
  /// there are labels (each a megabyte): those cache misses were most of a prediction's time.
  private var packed: [Float]
  /// The number of weight vectors, and their length.
  private var labelCount: Int
  private var length: Int
  /// Multiplies the decision values before the softmax.
  public var scale: Double
  public var options: TrainingOptions

  public init(labels: [String], tfidf: TFIDF, weights: [[Float]], scale: Double, options: TrainingOptions) {
    self.labels = labels
    self.tfidf = tfidf
    self.labelCount = weights.count
    self.length = weights.first?.count ?? 0
    self.packed = Self.pack(idf: tfidf.idf, weights: weights)
    self.scale = scale
    self.options = options
  }

  /// A label's weight for a feature (the bias at feature `dimension`).
  func weight(label: Int, feature: Int) -> Float {
    packed[feature * (labelCount + 1) + 1 + label]
  }

  private static func pack(idf: [Float], weights: [[Float]]) -> [Float] {
    let length = weights.first?.count ?? 0
    let stride = weights.count + 1
    var out = [Float](repeating: 0, count: length * stride)
    for i in 0..<min(length, idf.count) { out[i * stride] = idf[i] }
    for (label, w) in weights.enumerated() {
      for i in 0..<min(length, w.count) { out[i * stride + 1 + label] = w[i] }
    }
    return out
  }

  // MARK: Training

  /// Trains on `examples`. Every fifth example is first held out: the model of the others fits the
  /// confidence scale on it, then training goes on over all examples from where it stopped (the held-out
  /// examples join with weight zero), which costs a fraction of a second training.
  public static func train(
    _ examples: [LabelledText], options: TrainingOptions = TrainingOptions()
  ) throws(TrainingError) -> TextClassifier {
    let labels = Array(Set(examples.map(\.label))).sorted()
    guard labels.count >= 2 else { throw .tooFewLabels }
    let counts = examples.map { options.features.counts(title: $0.title, body: $0.body) }
    let classes = examples.map { labels.firstIndex(of: $0.label) ?? 0 }
    let tfidf = TFIDF.fit(counts, features: options.features)
    let vectors = counts.map { tfidf.vector($0) }
    var perClass = [Double](repeating: 0, count: labels.count)
    for c in classes { perClass[c] += 1 }
    let classWeight = perClass.map {
      options.balanced && $0 > 0 ? Double(classes.count) / (Double(labels.count) * $0) : 1
    }
    let penalties = classes.map { options.c * classWeight[$0] }
    let dimension = options.features.dimension
    let heldOut = vectors.indices.map { $0 % 5 == 4 && vectors.count >= 10 }
    let kept = vectors.indices.filter { !heldOut[$0] }

    var weights: [[Float]] = []
    var heldOutScores = Array(repeating: [Double](repeating: 0, count: labels.count), count: vectors.count)
    // Naive-Bayes ratios come from occurrence counts taken once: of the kept examples (for the model
    // that scores the held-out ones, which must not have seen them) and of all.
    let smoothing = options.naiveBayesSmoothing
    let keptSource = kept.map { vectors[$0] }
    let keptCounts = smoothing.map { _ in
      OccurrenceCounts(keptSource, classes: kept.map { classes[$0] }, labels: labels.count, dimension: dimension)
    }
    let allCounts = smoothing.map { _ in
      OccurrenceCounts(vectors, classes: classes, labels: labels.count, dimension: dimension)
    }
    var keptVectors = keptSource
    var allVectors = vectors
    var keptRatios = [Float](repeating: 0, count: smoothing == nil ? 0 : dimension)
    var ratios = keptRatios
    for label in labels.indices {
      let positive = classes.map { $0 == label }
      if let smoothing, let keptCounts {
        keptCounts.ratios(for: label, smoothing: smoothing, into: &keptRatios)
        scale(keptSource, by: keptRatios, into: &keptVectors)
      }
      let partial = trainBinary(
        vectors: keptVectors, positive: kept.map { positive[$0] }, penalties: kept.map { penalties[$0] },
        dimension: dimension, options: options)
      partial.weights.withUnsafeBufferPointer { w in
        for i in vectors.indices where heldOut[i] {
          let vector = smoothing == nil ? vectors[i] : scaled(vectors[i], by: keptRatios)
          heldOutScores[i][label] = Double(dot(w, vector, bias: w[dimension]))
        }
      }
      // Then on every example, from where the held-out model stopped: its multipliers, with the
      // weights they give in this training's own scaled features.
      if let smoothing, let allCounts {
        allCounts.ratios(for: label, smoothing: smoothing, into: &ratios)
        scale(vectors, by: ratios, into: &allVectors)
      }
      var start = [Double](repeating: 0, count: vectors.count)
      for (position, i) in kept.enumerated() { start[i] = partial.alpha[position] }
      var startWeights = [Float](repeating: 0, count: dimension + 1)
      startWeights.withUnsafeMutableBufferPointer { w in
        for (i, vector) in allVectors.enumerated() where start[i] > 0 {
          let step = Float(start[i] * (positive[i] ? 1 : -1))
          vector.indices.withUnsafeBufferPointer { indices in
            vector.values.withUnsafeBufferPointer { values in
              for k in 0..<indices.count { w[Int(indices[k])] += step * values[k] }
            }
          }
          w[dimension] += step
        }
      }
      var trained = trainBinary(
        vectors: allVectors, positive: positive, penalties: penalties, dimension: dimension, options: options,
        startingFrom: (startWeights, start)
      ).weights
      // The ratios folded into the weights: w·(r ⊙ x) = (w ⊙ r)·x.
      if smoothing != nil { for i in 0..<dimension { trained[i] *= ratios[i] } }
      weights.append(trained)
    }
    let held = vectors.indices.filter { heldOut[$0] }
    let scale = held.isEmpty ? 1 : bestScale(scores: held.map { heldOutScores[$0] }, truth: held.map { classes[$0] })
    return TextClassifier(labels: labels, tfidf: tfidf, weights: weights, scale: scale, options: options)
  }

  /// For each feature, log((p / |p|) / (q / |q|)) where p and q count the label's examples and the
  /// others' in which the feature occurs, plus `smoothing`, over the features that occur at all.
  static func naiveBayesRatios(
    _ vectors: [SparseVector], positive: [Bool], smoothing: Double, dimension: Int
  ) -> [Float] {
    var ratios = [Float](repeating: 0, count: dimension)
    OccurrenceCounts(vectors, classes: positive.map { $0 ? 0 : 1 }, labels: 2, dimension: dimension)
      .ratios(for: 0, smoothing: smoothing, into: &ratios)
    return ratios
  }

  /// `target` (the same vectors as `source`, values aside) with each value of `source` multiplied by
  /// its feature's ratio, written in place.
  static func scale(_ source: [SparseVector], by ratios: [Float], into target: inout [SparseVector]) {
    ratios.withUnsafeBufferPointer { r in
      for i in source.indices {
        source[i].indices.withUnsafeBufferPointer { indices in
          source[i].values.withUnsafeBufferPointer { values in
            target[i].values.withUnsafeMutableBufferPointer { out in
              for k in 0..<indices.count { out[k] = values[k] * r[Int(indices[k])] }
            }
          }
        }
      }
    }
  }

  /// The vector with each feature multiplied by its ratio (unchanged without ratios).
  static func scaled(_ vector: SparseVector, by ratios: [Float]?) -> SparseVector {
    guard let ratios else { return vector }
    return SparseVector(
      indices: vector.indices, values: zip(vector.indices, vector.values).map { $0.1 * ratios[Int($0.0)] })
  }

  /// One label against the rest: dual coordinate descent for the L2-loss SVM with a bias feature of 1.
  static func trainBinary(
    vectors: [SparseVector], positive: [Bool], penalties: [Double], dimension: Int, options: TrainingOptions,
    startingFrom start: (weights: [Float], alpha: [Double])? = nil
  ) -> (weights: [Float], alpha: [Double]) {
    var w = start?.weights ?? [Float](repeating: 0, count: dimension + 1)
    let n = vectors.count
    let diagonals = penalties.map { 1 / (2 * $0) }
    var alpha = start?.alpha ?? [Double](repeating: 0, count: n)
    let q = vectors.indices.map { Double(vectors[$0].squaredNorm) + 1 + diagonals[$0] }
    var order = Array(0..<n)
    var random = SplitMix64(seed: options.seed)
    w.withUnsafeMutableBufferPointer { w in
      for _ in 0..<options.maxEpochs {
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        var maxPG = -Double.infinity
        var minPG = Double.infinity
        for i in order {
          let vector = vectors[i]
          let y: Double = positive[i] ? 1 : -1
          let dot = Double(Self.dot(w, vector, bias: w[dimension]))
          let g = y * dot - 1 + diagonals[i] * alpha[i]
          let pg = alpha[i] == 0 ? min(g, 0) : g
          maxPG = max(maxPG, pg)
          minPG = min(minPG, pg)
          guard abs(pg) > 1e-12 else { continue }
          let old = alpha[i]
          alpha[i] = max(old - g / q[i], 0)
          let step = Float((alpha[i] - old) * y)
          vector.indices.withUnsafeBufferPointer { indices in
            vector.values.withUnsafeBufferPointer { values in
              for k in 0..<indices.count { w[Int(indices[k])] += step * values[k] }
            }
          }
          w[dimension] += step
        }
        if maxPG - minPG <= options.tolerance { break }
      }
    }
    return (w, alpha)
  }

  @inline(__always)
  static func dot(_ w: UnsafeMutableBufferPointer<Float>, _ vector: SparseVector, bias: Float) -> Float {
    dot(UnsafeBufferPointer(w), vector, bias: bias)
  }

  @inline(__always)
  static func dot(_ w: UnsafeBufferPointer<Float>, _ vector: SparseVector, bias: Float) -> Float {
    vector.indices.withUnsafeBufferPointer { indices in
      vector.values.withUnsafeBufferPointer { values in
        var sum = bias
        for k in 0..<indices.count { sum += w[Int(indices[k])] * values[k] }
        return sum
      }
    }
  }

  /// The softmax scale with the least log-loss on held-out decision values.
  static func bestScale(scores: [[Double]], truth: [Int]) -> Double {
    var best = (scale: 1.0, loss: Double.infinity)
    for step in 1...80 {
      let scale = Double(step) * 0.25
      var loss = 0.0
      for (row, label) in zip(scores, truth) {
        let probabilities = softmax(row, scale: scale)
        loss -= log(max(probabilities[label], 1e-12))
      }
      if loss < best.loss { best = (scale, loss) }
    }
    return best.scale
  }

  static func softmax(_ scores: [Double], scale: Double) -> [Double] {
    let top = scores.max() ?? 0
    let exps = scores.map { exp(($0 - top) * scale) }
    let sum = exps.reduce(0, +)
    return exps.map { $0 / sum }
  }

  // MARK: Prediction

  /// The decision value of each label for a feature vector.
  func scores(_ vector: SparseVector) -> [Double] {
    decisionValues(vector.indices, vector.values, weighted: false)
  }

  /// The decision value of each label for a message's counted n-grams: the TF-IDF weighting, the
  /// scaling to unit length and every label's dot product in one pass over the n-grams (the same
  /// values as `scores(tfidf.vector(counts))`, up to rounding).
  func scores(_ counts: GramCounts) -> [Double] {
    decisionValues(counts.indices, counts.counts, weighted: true)
  }

  /// Each label's bias plus the dot product of its weights with the features' values. `weighted`
  /// values are term counts, weighted by TF-IDF here and scaled to unit length; otherwise they are
  /// used as they are.
  private func decisionValues(_ indices: [Int32], _ values: [Float], weighted: Bool) -> [Double] {
    let count = labelCount
    guard count > 0, length > tfidf.features.dimension else { return [] }
    let stride = count + 1
    let bias = tfidf.features.dimension * stride
    var sums = [Float](repeating: 0, count: count)
    packed.withUnsafeBufferPointer { p in
      sums.withUnsafeMutableBufferPointer { sums in
        var squares: Float = 0
        indices.withUnsafeBufferPointer { indices in
          values.withUnsafeBufferPointer { values in
            for k in 0..<indices.count {
              let base = Int(indices[k]) * stride
              let x = weighted ? TFIDF.termWeight(values[k]) * p[base] : values[k]
              squares += x * x
              for label in 0..<count { sums[label] += p[base + 1 + label] * x }
            }
          }
        }
        let scale: Float = weighted ? (squares > 0 ? 1 / squares.squareRoot() : 0) : 1
        for label in 0..<count { sums[label] = sums[label] * scale + p[bias + 1 + label] }
      }
    }
    return sums.map(Double.init)
  }

  /// The label alone (for evaluation).
  public func label(title: String, body: String) -> String {
    let scores = scores(tfidf.features.counts(title: title, body: body))
    return labels[scores.indices.max { scores[$0] < scores[$1] } ?? 0]
  }

  /// The three likeliest labels with their confidence, and the n-grams that weighed most for the first.
  public func predict(title: String, body: String, reasons count: Int = 8) -> Prediction {
    let grams = tfidf.features.grams(title: title, body: body)
    let vector = tfidf.vector(GramCounts(occurrences: grams.map(\.index)))
    let probabilities = Self.softmax(scores(vector), scale: scale)
    let ranked = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
    let top = ranked.prefix(3).map { Prediction.Candidate(label: labels[$0], confidence: probabilities[$0]) }

    // A gram's weight: its feature's share of the first label's decision value.
    let first = ranked[0]
    var value: [Int32: Float] = [:]
    for (index, x) in zip(vector.indices, vector.values) { value[index] = x }
    var seen = Set<String>()
    var reasons: [Prediction.Reason] = []
    for (index, gram) in grams where seen.insert(gram).inserted {
      let contribution = Double(weight(label: first, feature: Int(index)) * (value[index] ?? 0))
      // A gram across a clause boundary ("|噪") means "at the start of a clause": no reason to show.
      if contribution > 0, !(tfidf.features.clauses && gram.unicodeScalars.contains(TextFeatures.boundary)),
        !gram.unicodeScalars.allSatisfy({
          [
            .otherPunctuation, .openPunctuation, .closePunctuation, .dashPunctuation, .initialPunctuation,
            .finalPunctuation, .connectorPunctuation, .mathSymbol, .otherSymbol,
          ].contains($0.properties.generalCategory) || $0 == "0"
        })
      {
        reasons.append(.init(gram: gram, weight: contribution))
      }
    }
    reasons.sort { $0.weight > $1.weight || ($0.weight == $1.weight && $0.gram < $1.gram) }
    return Prediction(top: top, reasons: Array(reasons.prefix(count)))
  }
}
