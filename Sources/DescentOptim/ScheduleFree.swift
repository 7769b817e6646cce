import DescentTensor

/// Schedule-Free optimizers' train/eval swap (the `schedulefree` package's `optimizer.train()` and
/// `optimizer.eval()`): training takes gradients at y, evaluation and saving want x. The Learner's
/// `ScheduleFreeCallback` calls these around validation. A parameter's state records which it
/// holds (`sf_eval`), so calling either twice is harmless, and a checkpoint saved at x resumes.
public enum ScheduleFree {
  /// Parameters to x: p ← lerp(p, z, 1 − 1/β1).
  public static func eval(_ optimizer: Optimizer) { swap(optimizer, toEval: true) }

  /// Parameters back to y: p ← lerp(p, z, 1 − β1).
  public static func train(_ optimizer: Optimizer) { swap(optimizer, toEval: false) }

  /// Whether any parameter holds schedule-free state (a `z`): false before the first step.
  public static func isActive(_ optimizer: Optimizer) -> Bool {
    optimizer.allParameters.contains { optimizer.state(of: $0).buffers["z"] != nil }
  }

  static func swap(_ optimizer: Optimizer, toEval: Bool) {
    noGrad {
      for (g, group) in optimizer.paramGroups.enumerated() {
        guard let beta1 = optimizer.hypers[g]["beta1"] else { continue }
        let lerp = TorchLerp(weight: toEval ? 1 - 1 / beta1 : 1 - beta1)
        for p in group {
          let state = optimizer.state(of: p)
          guard let z = state.buffers["z"], (state.scalars["sf_eval"] == 1) != toEval else { continue }
          let y = p.pointer, zp = z.pointer
          var i = 0
          while i < p.storage.paddedCount {
            lerp.apply(SIMD8.load(y, i), SIMD8.load(zp, i)).store(y, i)
            i += 8
          }
          state.scalars["sf_eval"] = toEval ? 1 : 0
        }
      }
    }
  }
}
