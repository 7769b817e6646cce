import DescentOptim
import DescentTensor

/// `bench optim`'s Muon entry: the step of `Muon` over ResNet-34 in fastai's split of body and
/// head (the stem conv, the head, norms and biases take AdamW), and the Newton–Schulz
/// iterations alone on the hidden matrices it orthogonalizes, as GFLOP/s to set beside the
/// machine's peak sgemm.
struct MuonBenchFigures {
  var stepMS: Double
  var newtonSchulzMS: Double
  var newtonSchulzGFLOPs: Double
  var matrices: Int

  /// `params`: ResNet-34's parameters in order, `fc` last. Gradients are set to a constant;
  /// timings are medians of `steps` runs after a warm-up.
  init(resnet34 params: [Tensor], steps: Int) {
    precondition(params.suffix(2).map(\.shape) == [[1000, 512], [1000]], "expected ResNet-34's parameters, fc last")
    let groups = [Array(params.dropLast(2)), Array(params.suffix(2))]
    for p in params { p.grad = Tensor.full(p.shape, 0.001) }
    let opt = Muon(groups)
    opt.step()
    // Muon leaves its update in the gradient: each timed step starts from the same gradients.
    stepMS = Self.median(steps, before: { for p in params { _ = p.grad!.fill_(0.001) } }) { opt.step() } * 1e3

    let hidden = zip(groups.joined(), opt.routes.joined()).filter { $0.1 == 0 }.map(\.0)
    matrices = hidden.count
    let nsSteps = Int(opt.hypers[0]["ns_steps"]!)
    let flops = hidden.reduce(0) { $0 + NewtonSchulz.flops(rows: $1.shape[0], cols: $1.count / $1.shape[0], steps: nsSteps) }
    for p in params { _ = p.grad!.fill_(0.001) }
    let newtonSchulz = NewtonSchulz()
    let orthogonalizeAll = {
      for p in hidden {
        _ = newtonSchulz.orthogonalize(UnsafePointer(p.grad!.pointer), rows: p.shape[0], cols: p.count / p.shape[0], steps: nsSteps, eps: 1e-7)
      }
    }
    orthogonalizeAll()
    let seconds = Self.median(steps, orthogonalizeAll)
    newtonSchulzMS = seconds * 1e3
    newtonSchulzGFLOPs = flops / seconds / 1e9
    for p in params { _ = p.grad!.fill_(0.001) }
  }

  static func median(_ runs: Int, before: () -> Void = {}, _ body: () -> Void) -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
      before()
      let start = Timing.now()
      body()
      times.append(Timing.now() - start)
    }
    return times.median
  }
}
