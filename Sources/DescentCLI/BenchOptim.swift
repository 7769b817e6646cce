import ArgumentParser
import DescentNN
import DescentOptim
import DescentTensor
import Foundation

struct BenchOptim: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "optim",
    abstract: "Time one optimizer step over ResNet-34's 21.8 M parameters, against copy bandwidth.",
    discussion: """
      Builds torchvision's ResNet-34 (21,797,672 parameters) with constant gradients, then times one step of each optimizer (the median of --steps steps after a \
      warm-up): every optimizer of the catalog that says how many bytes its step moves, SGD with \
      momentum, and Adam written as tensor steppers. Each figure is reported as milliseconds \
      and as GB/s of the bytes the step must move per parameter (\(BenchOptim.bytesList)) — \
      beside this machine's copy bandwidth, measured right before each optimizer (`copy_gbps` \
      and `x_copy` per optimizer; the top-level `copy_gbps` is their median). Muon (hidden \
      convs; AdamW for the stem, fc, norms and biases) is timed over at most 3 steps, and its \
      Newton–Schulz iterations alone as GFLOP/s beside oneDNN's peak sgemm, also measured in \
      the run.

      Examples:
        descent bench optim
        descent bench optim --json --steps 20
        descent bench optim --rounds 5 --only adam,lion
      """)

  @OptionGroup var json: JSONOutput

  @Option(help: "Timed steps per optimizer (the median is reported).")
  var steps = 10

  @Option(help: "Rounds over the optimizers, interleaved; each reports its best round (by × copy).")
  var rounds = 1

  @Option(help: "Comma-separated keys to time (default: all, and Muon); e.g. adam,lion.",
          transform: { $0.split(separator: ",").map(String.init) })
  var only: [String] = []

  func validate() throws {
    guard steps >= 1 else { throw ValidationError("--steps must be at least 1, not \(steps)") }
    guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, not \(rounds)") }
    let known = Self.cases.map(\.0) + ["muon"]
    for key in only where !known.contains(key) {
      throw ValidationError("--only: no optimizer '\(key)'; the keys are \(known.joined(separator: ", "))")
    }
  }

  /// Optimizer key, a factory, and the bytes per parameter a step must move: the catalog's
  /// entries that give their bytes (key: the name with `_` for `-`), each with wd 0.01 so that
  /// its weight decay is timed too, then two chains that are not catalog entries.
  static var cases: [(String, ([[Tensor]]) -> Optimizer, Int)] {
    OptimizerCatalog.entries.compactMap { entry in
      entry.stepBytes.map { bytes in (entry.name.replacingOccurrences(of: "-", with: "_"), { entry.make($0, 0.01) }, bytes) }
    } + [
      // Reads p, g, m and writes p, m.
      ("sgd_momentum", { SGD($0, lr: 1e-3, mom: 0.9) }, 20),
      ("adam_tensor_steppers", {
        Optimizer($0, steppers: TensorSteppers.adam, defaults: ["lr": 1e-3, "mom": 0.9, "sqr_mom": 0.99, "eps": 1e-5, "wd": 0.01])
      }, 28),
    ]
  }

  /// "adam 28, lion 20, …" for `--help`.
  static var bytesList: String { cases.map { "\($0.0) \($0.2)" }.joined(separator: ", ") }

  func run() throws {
    let params = ResNet.resnet34().parameters()
    for p in params { p.grad = Tensor.full(p.shape, 0.001) }
    let count = params.reduce(0) { $0 + $1.count }
    let selected = Self.cases.filter { only.isEmpty || only.contains($0.0) }
    var results: [(name: String, ms: Double, gbps: Double, copy: Double)] = []
    // Rounds interleave the optimizers, so that each one's best round and its neighbours' come
    // from the same minutes of this machine.
    for _ in 0..<rounds {
      for (k, (name, make, bytes)) in selected.enumerated() {
        // The limit is measured right before each optimizer: this machine's memory bandwidth
        // drifts by ±30% over seconds (neighbours), so a ratio compares figures of one moment.
        let copy = MachineLimits.copyGBps(megabytes: 256, seconds: 0.3)
        let opt = make([params])
        opt.step()  // warm-up: creates the state buffers
        var times: [Double] = []
        for _ in 0..<steps {
          let start = Timing.now()
          opt.step()
          times.append(Timing.now() - start)
        }
        let median = times.median
        let result = (name, median * 1e3, Double(count * bytes) / median / 1e9, copy)
        if results.count <= k {
          results.append(result)
        } else if result.2 / result.3 > results[k].gbps / results[k].copy {
          results[k] = result
        }
      }
    }
    guard only.isEmpty || only.contains("muon") else { return try report(results, count: count, muon: nil, peakSgemm: nil) }
    let muon = MuonBenchFigures(resnet34: params, steps: Swift.min(steps, 3))
    try report(results, count: count, muon: muon, peakSgemm: MachineLimits.peakSgemmGFLOPs())
  }

  func report(_ results: [(name: String, ms: Double, gbps: Double, copy: Double)], count: Int,
              muon: MuonBenchFigures?, peakSgemm: Double?) throws {
    let copy = results.map(\.copy).median
    if json.isRequested {
      var object: [String: Any] = ["copy_gbps": copy, "parameters": count]
      for r in results { object[r.name] = ["ms": r.ms, "gbps": r.gbps, "copy_gbps": r.copy, "x_copy": r.gbps / r.copy] }
      if let muon, let peakSgemm {
        object["muon"] = ["ms": muon.stepMS, "newton_schulz_ms": muon.newtonSchulzMS, "newton_schulz_gflops": muon.newtonSchulzGFLOPs]
        object["peak_sgemm_gflops"] = peakSgemm
      }
      try json.write(object)
    }
    if !json.toStandardOutput {
      print("\(count) parameters in ResNet-34's shapes")
      row("optimizer", "step", "GB/s", "copy GB/s", "× copy")
      for r in results {
        row(r.name, String(format: "%.2f ms", r.ms), String(format: "%.1f", r.gbps), String(format: "%.1f", r.copy),
            String(format: "%.2f", r.gbps / r.copy))
      }
      guard let muon, let peakSgemm else { return }
      print("muon: step \(String(format: "%.1f", muon.stepMS)) ms; Newton–Schulz on \(muon.matrices) hidden matrices " +
            "\(String(format: "%.1f", muon.newtonSchulzMS)) ms, \(String(format: "%.1f", muon.newtonSchulzGFLOPs)) GFLOP/s " +
            "= \(String(format: "%.2f", muon.newtonSchulzGFLOPs / peakSgemm)) × peak sgemm (\(String(format: "%.1f", peakSgemm)))")
    }
  }
}
