import Foundation
import Testing
@testable import DescentTensor

/// Batch normalization in Double, straight from the definition, for NCHW data with
/// `spatial` = H·W values per image and channel.
private struct NaiveBatchNorm {
  var n: Int, c: Int, spatial: Int
  var eps = 1e-5

  func index(_ b: Int, _ ch: Int, _ s: Int) -> Int { (b * c + ch) * spatial + s }

  /// Per-channel batch mean and biased variance.
  func stats(_ x: [Double]) -> (mean: [Double], variance: [Double]) {
    let m = Double(n * spatial)
    var mean = [Double](repeating: 0, count: c), variance = mean
    for ch in 0..<c {
      for b in 0..<n { for s in 0..<spatial { mean[ch] += x[index(b, ch, s)] } }
      mean[ch] /= m
      for b in 0..<n { for s in 0..<spatial { variance[ch] += (x[index(b, ch, s)] - mean[ch]) * (x[index(b, ch, s)] - mean[ch]) } }
      variance[ch] /= m
    }
    return (mean, variance)
  }

  /// Normalizes with the given statistics (the batch's in training, the running ones in eval).
  func normalize(_ x: [Double], mean: [Double], variance: [Double], weight: [Double]?, bias: [Double]?) -> [Double] {
    var y = x
    for b in 0..<n {
      for ch in 0..<c {
        for s in 0..<spatial {
          let i = index(b, ch, s)
          y[i] = (x[i] - mean[ch]) / (variance[ch] + eps).squareRoot() * (weight?[ch] ?? 1) + (bias?[ch] ?? 0)
        }
      }
    }
    return y
  }

  func train(_ x: [Double], weight: [Double]?, bias: [Double]?) -> [Double] {
    let (mean, variance) = stats(x)
    return normalize(x, mean: mean, variance: variance, weight: weight, bias: bias)
  }

  /// L = Σ train(x)·g; its central differences are the gradients `backward` must return.
  func loss(_ x: [Double], _ weight: [Double]?, _ bias: [Double]?, _ g: [Double]) -> Double {
    zip(train(x, weight: weight, bias: bias), g).reduce(0) { $0 + $1.0 * $1.1 }
  }

  func numericGradient(_ v: [Double], step: Double = 1e-4, _ l: ([Double]) -> Double) -> [Float] {
    var v = v
    return (0..<v.count).map { i in
      let saved = v[i]
      v[i] = saved + step
      let plus = l(v)
      v[i] = saved - step
      let minus = l(v)
      v[i] = saved
      return Float((plus - minus) / (2 * step))
    }
  }
}

private struct BatchNormCase: Sendable, CustomStringConvertible {
  var n: Int, c: Int, spatial: Int
  var affine = true
  /// Added to every input: a mean far from zero tests the variance for cancellation.
  var offset: Float = 0
  var description: String { "\(n)×\(c)×\(spatial)\(affine ? "" : " no affine")\(offset != 0 ? " +\(offset)" : "")" }
}

/// Runs forwardTraining and backward on arrays.
private func runTraining(
  _ x: [Float], _ s: BatchNormCase, weight: [Float]?, bias: [Float]?, gradOutput: [Float]
) -> (output: [Float], mean: [Float], invStd: [Float], gradInput: [Float], gradWeight: [Float], gradBias: [Float]) {
  var y = [Float](repeating: .nan, count: x.count), dx = y
  var mean = [Float](repeating: .nan, count: s.c), invStd = mean, dw = mean, db = mean
  func optional(_ a: [Float]?, _ body: (UnsafePointer<Float>?) -> Void) {
    if let a { a.withUnsafeBufferPointer { body($0.baseAddress!) } } else { body(nil) }
  }
  optional(weight) { w in
    optional(bias) { b in
      BatchNormKernels.forwardTraining(
        input: x, n: s.n, c: s.c, spatial: s.spatial, weight: w, bias: b, eps: 1e-5,
        output: &y, saveMean: &mean, saveInvStd: &invStd)
    }
    BatchNormKernels.backward(
      input: x, gradOutput: gradOutput, n: s.n, c: s.c, spatial: s.spatial, weight: w,
      saveMean: mean, saveInvStd: invStd, gradInput: &dx, gradWeight: &dw, gradBias: &db)
  }
  return (y, mean, invStd, dx, dw, db)
}

@Suite struct BatchNormKernelTests {
  fileprivate static let cases: [BatchNormCase] = [
    BatchNormCase(n: 2, c: 3, spatial: 4 * 5),
    BatchNormCase(n: 3, c: 2, spatial: 7, affine: false),
    BatchNormCase(n: 4, c: 3, spatial: 1),  // BatchNorm1d over N×C
    BatchNormCase(n: 1, c: 2, spatial: 19),  // one image: statistics over space only
    BatchNormCase(n: 2, c: 2, spatial: 17, offset: 100),
  ]

  @Test(arguments: cases) fileprivate func trainingForwardAndBackwardMatchDouble(_ s: BatchNormCase) {
    let count = s.n * s.c * s.spatial
    let x = KernelFixture.values(count, scale: 2).map { $0 + s.offset }
    let g = KernelFixture.values(count, phase: 0.5)
    let weight = s.affine ? KernelFixture.values(s.c, phase: 1).map { 1 + 0.25 * $0 } : nil
    let bias = s.affine ? KernelFixture.values(s.c, phase: 2).map { 0.5 * $0 } : nil
    let r = runTraining(x, s, weight: weight, bias: bias, gradOutput: g)

    let naive = NaiveBatchNorm(n: s.n, c: s.c, spatial: s.spatial)
    let xd = x.map(Double.init), gd = g.map(Double.init)
    let wd = weight?.map(Double.init), bd = bias?.map(Double.init)
    let (mean, variance) = naive.stats(xd)
    KernelFixture.expectClose(r.mean, mean.map { Float($0) }, "saveMean")
    KernelFixture.expectClose(r.invStd, variance.map { Float(1 / ($0 + naive.eps).squareRoot()) }, "saveInvStd")
    // Inputs near 100 carry absolute errors of ~1e-5 before normalization scales them up.
    let atol: Float = s.offset == 0 ? 1e-5 : 1e-3
    KernelFixture.expectClose(r.output, naive.train(xd, weight: wd, bias: bd).map { Float($0) }, atol: atol, "output")

    KernelFixture.expectClose(
      r.gradInput, naive.numericGradient(xd) { naive.loss($0, wd, bd, gd) }, rtol: 1e-3, atol: 1e-4, "gradInput")
    KernelFixture.expectClose(
      r.gradBias, naive.numericGradient(bd ?? Array(repeating: 0, count: s.c)) { naive.loss(xd, wd, $0, gd) },
      rtol: 1e-3, atol: 1e-4, "gradBias")
    KernelFixture.expectClose(
      r.gradWeight, naive.numericGradient(wd ?? Array(repeating: 1, count: s.c)) { naive.loss(xd, $0, bd, gd) },
      rtol: 1e-3, atol: 1e-4, "gradWeight")
  }

  /// Big enough that both passes split the planes over several tasks (when the machine has
  /// several cores), with a plane count that does not divide evenly.
  @Test func parallelPathMatchesAnalyticGradient() {
    let s = BatchNormCase(n: 6, c: 5, spatial: 48 * 48)
    let count = s.n * s.c * s.spatial
    let x = KernelFixture.values(count, scale: 2), g = KernelFixture.values(count, phase: 0.5)
    let weight = KernelFixture.values(s.c, phase: 1).map { 1 + 0.25 * $0 }
    let bias = KernelFixture.values(s.c, phase: 2)
    let r = runTraining(x, s, weight: weight, bias: bias, gradOutput: g)

    let naive = NaiveBatchNorm(n: s.n, c: s.c, spatial: s.spatial)
    let xd = x.map(Double.init), gd = g.map(Double.init)
    let (mean, variance) = naive.stats(xd)
    KernelFixture.expectClose(
      r.output, naive.train(xd, weight: weight.map(Double.init), bias: bias.map(Double.init)).map { Float($0) }, "output")
    // dx = w·invStd·(dy − mean(dy) − x̂·mean(dy·x̂)), dWeight = Σdy·x̂, dBias = Σdy.
    let m = Double(s.n * s.spatial)
    var dx = [Float](repeating: 0, count: count), dw = [Float](), db = [Float]()
    for ch in 0..<s.c {
      let invStd = 1 / (variance[ch] + naive.eps).squareRoot()
      var sumDy = 0.0, sumDyXhat = 0.0
      for b in 0..<s.n {
        for i in 0..<s.spatial {
          let k = naive.index(b, ch, i)
          sumDy += gd[k]
          sumDyXhat += gd[k] * (xd[k] - mean[ch]) * invStd
        }
      }
      dw.append(Float(sumDyXhat))
      db.append(Float(sumDy))
      for b in 0..<s.n {
        for i in 0..<s.spatial {
          let k = naive.index(b, ch, i)
          let xhat = (xd[k] - mean[ch]) * invStd
          dx[k] = Float(Double(weight[ch]) * invStd * (gd[k] - sumDy / m - xhat * sumDyXhat / m))
        }
      }
    }
    KernelFixture.expectClose(r.gradInput, dx, "gradInput")
    KernelFixture.expectClose(r.gradWeight, dw, rtol: 1e-4, atol: 1e-3, "gradWeight")
    KernelFixture.expectClose(r.gradBias, db, rtol: 1e-4, atol: 1e-3, "gradBias")
  }

  @Test(arguments: cases) fileprivate func inferenceMatchesDouble(_ s: BatchNormCase) {
    let count = s.n * s.c * s.spatial
    let x = KernelFixture.values(count, scale: 2).map { $0 + s.offset }
    let weight = s.affine ? KernelFixture.values(s.c, phase: 1).map { 1 + 0.25 * $0 } : nil
    let bias = s.affine ? KernelFixture.values(s.c, phase: 2) : nil
    let runningMean = KernelFixture.values(s.c, phase: 3).map { $0 + s.offset }
    let runningVar = KernelFixture.values(s.c, phase: 4).map { 1 + 0.5 * abs($0) }
    var y = [Float](repeating: .nan, count: count)
    func call(_ w: UnsafePointer<Float>?, _ b: UnsafePointer<Float>?) {
      BatchNormKernels.forwardInference(
        input: x, n: s.n, c: s.c, spatial: s.spatial, weight: w, bias: b,
        runningMean: runningMean, runningVar: runningVar, eps: 1e-5, output: &y)
    }
    if let weight, let bias { call(weight, bias) } else { call(nil, nil) }
    let naive = NaiveBatchNorm(n: s.n, c: s.c, spatial: s.spatial)
    let expected = naive.normalize(
      x.map(Double.init), mean: runningMean.map(Double.init), variance: runningVar.map(Double.init),
      weight: weight?.map(Double.init), bias: bias?.map(Double.init))
    KernelFixture.expectClose(y, expected.map { Float($0) }, atol: s.offset == 0 ? 1e-5 : 1e-4, "output")
  }

  @Test func runningStatsUseTheUnbiasedVariance() {
    var runningMean: [Float] = [0, 1], runningVar: [Float] = [1, 2]
    BatchNormKernels.updateRunningStats(
      runningMean: &runningMean, runningVar: &runningVar, batchMean: [2, -1], batchVarBiased: [3, 0.5],
      channels: 2, count: 4, momentum: 0.1)
    KernelFixture.expectClose(runningMean, [0.2, 0.8])
    KernelFixture.expectClose(runningVar, [0.9 + 0.1 * 4, 1.8 + 0.1 * 0.5 * 4 / 3])
  }

  /// BatchNorm2d (2×3×4×5) and BatchNorm1d (4×3) in PyTorch: eval forward with the initial
  /// running statistics, then a training forward/backward and the running statistics it leaves.
  @Test(arguments: [(2, 3, 20), (4, 3, 1)]) func matchesPyTorch(_ shape: (Int, Int, Int)) {
    let s = BatchNormCase(n: shape.0, c: shape.1, spatial: shape.2)
    let spatial = s.spatial > 1
    let count = s.n * s.c * s.spatial
    let x = KernelFixture.values(count), g = KernelFixture.values(count, phase: 0.5)
    let weight = KernelFixture.values(s.c, phase: 1).map { 1 + 0.25 * $0 }
    let bias = KernelFixture.values(s.c, phase: 2).map { 0.5 * $0 }
    let initialMean = KernelFixture.values(s.c, phase: 3).map { 0.3 * $0 }
    let initialVar = KernelFixture.values(s.c, phase: 4).map { 1 + 0.5 * abs($0) }

    var eval = [Float](repeating: .nan, count: count)
    BatchNormKernels.forwardInference(
      input: x, n: s.n, c: s.c, spatial: s.spatial, weight: weight, bias: bias,
      runningMean: initialMean, runningVar: initialVar, eps: 1e-5, output: &eval)
    KernelFixture.expectClose(eval, spatial ? BatchNormReference.spatialEvalOutput : BatchNormReference.flatEvalOutput, "eval output")

    let r = runTraining(x, s, weight: weight, bias: bias, gradOutput: g)
    KernelFixture.expectClose(r.output, spatial ? BatchNormReference.spatialTrainOutput : BatchNormReference.flatTrainOutput, "train output")
    KernelFixture.expectClose(r.gradInput, spatial ? BatchNormReference.spatialGradInput : BatchNormReference.flatGradInput, "gradInput")
    KernelFixture.expectClose(r.gradWeight, spatial ? BatchNormReference.spatialGradWeight : BatchNormReference.flatGradWeight, "gradWeight")
    KernelFixture.expectClose(r.gradBias, spatial ? BatchNormReference.spatialGradBias : BatchNormReference.flatGradBias, "gradBias")

    let expectedMean = spatial ? BatchNormReference.spatialRunningMean : BatchNormReference.flatRunningMean
    let expectedVar = spatial ? BatchNormReference.spatialRunningVar : BatchNormReference.flatRunningVar
    // From what forwardTraining saved…
    var runningMean = initialMean, runningVar = initialVar
    BatchNormKernels.updateRunningStats(
      runningMean: &runningMean, runningVar: &runningVar, saveMean: r.mean, saveInvStd: r.invStd, eps: 1e-5,
      channels: s.c, count: s.n * s.spatial, momentum: 0.1)
    KernelFixture.expectClose(runningMean, expectedMean, "running mean (from invStd)")
    KernelFixture.expectClose(runningVar, expectedVar, "running var (from invStd)")
    // …and from a biased variance computed independently.
    let variance = NaiveBatchNorm(n: s.n, c: s.c, spatial: s.spatial).stats(x.map(Double.init)).variance.map { Float($0) }
    runningMean = initialMean
    runningVar = initialVar
    BatchNormKernels.updateRunningStats(
      runningMean: &runningMean, runningVar: &runningVar, batchMean: r.mean, batchVarBiased: variance,
      channels: s.c, count: s.n * s.spatial, momentum: 0.1)
    KernelFixture.expectClose(runningMean, expectedMean, "running mean")
    KernelFixture.expectClose(runningVar, expectedVar, "running var")
  }
}

// Generated by Reference/pool_batchnorm_reference.py (PyTorch 2.15.0); do not edit by hand.
enum BatchNormReference {
  static let spatialEvalOutput: [Float] = [0.53430009, 0.84338158, 1.0580001, 1.3093535, 1.5447584, 1.5621239, 1.28669, 0.88722718, 0.56055784, 0.29577813, -0.043519761, -0.44844669, -0.71176612, -0.67925507, -0.44430321, -0.20490339, 0.0066194055, 0.32787064, 0.80422872, 1.2525257, 1.4229056, 1.3989608, 1.3205086, 1.2513381, 1.0626472, 0.65288544, 0.14768419, -0.21994931, -0.3823525, -0.47259647, -0.57932431, -0.58699775, -0.33963642, 0.11108083, 0.539473, 0.81765616, 1.0352602, 1.3008312, 1.5249734, 1.5107554, 1.1059996, 0.7519303, 0.47312647, 0.2253156, -0.11085216, -0.48966658, -0.70685387, -0.65137398, -0.44005913, -0.24164224, -0.048625406, 0.27137858, 0.72550899, 1.1207812, 1.2828834, 1.2567614, 1.2025476, 1.1444731, 0.94283909, 0.52909857, 0.11294183, -0.23692505, -0.39363298, -0.50625193, -0.63167048, -0.62122411, -0.33374187, 0.13645956, 0.55351311, 0.82423854, 1.0645692, 1.3603389, 1.5822645, 1.5341988, 1.2230301, 0.85718954, 0.5747872, 0.29512769, -0.09615434, -0.50861865, -0.67978811, -0.59867394, -0.38693425, -0.20012353, 0.0069149043, 0.3707417, 0.85972488, 1.2525221, 1.3953493, 1.3702041, 1.3353213, 1.2769282, 1.0382018, 0.581819, 0.097020946, -0.21274602, -0.35928929, -0.48935282, -0.62071913, -0.58796191, -0.32630578, 0.1045641, 0.46327966, 0.7017839, 0.94087422, 1.2295938, 1.4193381, 1.3444265, 1.0496259, 0.73336154, 0.48862162, 0.21685243, -0.16579361, -0.54038626, -0.6996755, -0.60548902, -0.41823712, -0.25887585, -0.05246377, 0.32030725]
  static let spatialTrainOutput: [Float] = [0.70835698, 1.2286712, 1.5899645, 2.013098, 2.4093838, 2.438617, 1.9749459, 1.3024819, 0.75255984, 0.30682415, -0.26435697, -0.94601941, -1.3892968, -1.3345671, -0.93904418, -0.53603357, -0.17995165, 0.36084935, 1.1627605, 1.917433, 1.9595277, 1.9212288, 1.7957463, 1.6851099, 1.3833035, 0.72789985, -0.080156825, -0.66817737, -0.92793721, -1.0722802, -1.2429887, -1.2552621, -0.8596139, -0.13870297, 0.54649949, 0.9914465, 1.3394986, 1.7642729, 2.1227825, 2.1000414, 1.5242412, 0.87563974, 0.36491317, -0.089038908, -0.70484751, -1.3987783, -1.7966326, -1.6950018, -1.307905, -0.94443518, -0.59085745, -0.004658496, 0.82723987, 1.5513189, 1.8482656, 1.8004141, 1.7011025, 1.5947187, 1.2253557, 0.46744564, -0.00096626289, -0.58993948, -0.85374486, -1.04333, -1.2544621, -1.2368765, -0.75292289, 0.03862397, 0.74070066, 1.1964455, 1.6010232, 2.098928, 2.4725223, 2.3916073, 1.8677795, 1.2519158, 0.77651387, 0.30572921, -0.35296312, -1.0473142, -1.4036779, -1.2739378, -0.93526554, -0.63646656, -0.30531377, 0.27661806, 1.0587344, 1.6870037, 1.9154521, 1.8752329, 1.8194389, 1.7260406, 1.3442038, 0.61423087, -0.1611914, -0.65665591, -0.89104819, -1.0990815, -1.3091986, -1.2568042, -1.0995259, -0.31023741, 0.34687534, 0.78377908, 1.2217565, 1.7506471, 2.0982301, 1.9610033, 1.4209731, 0.84162462, 0.39329797, -0.10454215, -0.80549192, -1.4916892, -1.7834829, -1.6109475, -1.2679303, -0.97600454, -0.59788877, 0.08497148]
  static let spatialGradInput: [Float] = [0.86997408, 0.76689601, 0.55467075, 0.28034288, -0.021092324, -0.32829985, -0.60797924, -0.80724353, -0.88280141, -0.83072829, -0.67776507, -0.44884861, -0.15753417, 0.1703089, 0.48013341, 0.71100539, 0.83168584, 0.84484726, 0.75886768, 0.57181317, 0.35318434, 0.046613887, -0.25245571, -0.49296162, -0.66985798, -0.7845028, -0.80741018, -0.7027055, -0.48099545, -0.20315468, 0.073134109, 0.33060166, 0.5652464, 0.74168724, 0.80325985, 0.7277146, 0.55061489, 0.32340264, 0.066188678, -0.21937932, -0.47378263, -0.7351858, -0.85685462, -0.84816658, -0.75848061, -0.59986889, -0.34557959, -0.0042992588, 0.34332791, 0.60608977, 0.75924885, 0.83203059, 0.83048362, 0.71336889, 0.45846319, 0.12134515, -0.20300595, -0.46536672, -0.67673117, -0.83869505, -0.84371579, -0.68654943, -0.42564595, -0.11578605, 0.19284554, 0.47353336, 0.70458943, 0.84840673, 0.86582911, 0.75029862, 0.53489596, 0.26230744, -0.040777724, -0.35233027, -0.63013929, -0.81758922, -0.87918037, -0.82017261, -0.66595584, -0.43311685, -0.22762787, 0.084953219, 0.3828772, 0.60055935, 0.72256052, 0.76513278, 0.72602046, 0.57962763, 0.32573697, 0.018883754, -0.26857781, -0.50142282, -0.68092978, -0.79666597, -0.80759013, -0.68478495, -0.45556813, -0.1841253, 0.085760742, 0.346955, 0.58751088, 0.80915701, 0.88744575, 0.8119365, 0.64109147, 0.42368823, 0.15463337, -0.17377853, -0.50618595, -0.74763918, -0.84964359, -0.83989203, -0.75772053, -0.59309143, -0.31894934, 0.032837246, 0.36812007, 0.61138773, 0.76013041, 0.84062088]
  static let spatialGradWeight: [Float] = [25.526331, 26.4349, 22.455135]
  static let spatialGradBias: [Float] = [-0.31825686, 0.28660393, 0.56389821]
  static let spatialRunningMean: [Float] = [0.063812606, -0.053911306, -0.17395769]
  static let spatialRunningVar: [Float] = [1.2436376, 1.3702778, 1.4355379]
  static let flatEvalOutput: [Float] = [0.53430009, 0.82674825, 0.92516005, 1.3093535, 1.5051521, 1.3890451, 1.28669, 0.86915773, 0.46742326, 0.29577813, -0.031103322, -0.4610433]
  static let flatTrainOutput: [Float] = [-0.3808288, 0.44052422, 0.77070588, 1.7489903, 1.9951779, 1.6017771, 1.6867119, 0.5377112, -0.049350414, -1.0362786, -1.525358, -1.7127407]
  static let flatGradInput: [Float] = [1.5708927, 1.233923, 0.7247836, 0.52882135, -0.18351467, -0.25954729, -0.91892147, -0.86250728, -0.56484199, -1.1807925, -0.1879013, 0.099605605]
  static let flatGradWeight: [Float] = [1.6264429, 2.479162, 2.9840302]
  static let flatGradBias: [Float] = [1.3501252, 0.93133497, 0.29398322]
  static let flatRunningMean: [Float] = [0.10516569, -0.018380728, -0.15135555]
  static let flatRunningVar: [Float] = [1.2190155, 1.3488487, 1.4524717]
}
