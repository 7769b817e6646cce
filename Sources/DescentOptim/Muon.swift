import DescentTensor

/// Which parameters Muon orthogonalizes; the others take AdamW. Given the parameter groups,
/// says for each parameter of each group whether it is Muon's.
public struct MuonRule: Sendable {
  public let usesMuon: @Sendable ([[Tensor]]) -> [[Bool]]

  public init(_ usesMuon: @escaping @Sendable ([[Tensor]]) -> [[Bool]]) { self.usesMuon = usesMuon }

  /// The Muon and Moonlight recipes for a vision model: every matrix and conv weight (rank ≥ 2)
  /// but the stem (the first of them, over all groups) and the head (the last group, when there
  /// are several: fastai's `vision_learner` puts the head in the last of three). Biases and
  /// norms are rank 1.
  public static var hiddenMatrices: MuonRule {
    MuonRule { groups in
      var stemSeen = false
      return groups.enumerated().map { g, group in
        group.map { p in
          guard p.rank >= 2 else { return false }
          if !stemSeen {
            stemSeen = true
            return false
          }
          return groups.count < 2 || g < groups.count - 1
        }
      }
    }
  }

  /// Every parameter of rank ≥ 2, as torch.optim.Muon takes them.
  public static var allMatrices: MuonRule {
    MuonRule { groups in groups.map { $0.map { $0.rank >= 2 } } }
  }
}

/// Muon (torch.optim.Muon, PyTorch ≥ 2.9; Jordan et al. 2024) for the parameters `rule`
/// picks, AdamW for the rest, in one Optimizer whose parameters run one chain or the other
/// and share each group's `lr` and `wd` (both decoupled: p ← p·(1 − lr·wd)).
///
/// Muon: momentum `mom` (hyper `muon_mom`; Nesterov unless `nesterov` is false), `nsSteps`
/// Newton–Schulz iterations (`ns_steps`) with norm floor `muon_eps`, and the learning rate
/// scaled per matrix by `adjustLR`. AdamW: Descent's fused Adam chain with fastai's hyper names
/// (`mom`, `sqr_mom`, `eps`), so that fit_one_cycle's momentum schedule drives AdamW's `mom`
/// and leaves Muon's alone.
///
/// Defaults are the Moonlight recipe (Liu et al. 2025, "Muon is Scalable for LLM Training", and
/// its reference `toy_train.py`): lr 1e-3 and wd 0.1 for both, Muon momentum 0.95 with
/// Nesterov and 5 steps, lr matched to AdamW's update RMS (`.matchRMSAdamW`), and AdamW betas
/// (0.9, 0.95) with eps 1e-8 — the values that lr and wd were tuned with, rather than fastai's
/// Adam defaults (0.99, 1e-5), since matching AdamW's RMS is what lets the two share one lr.
public func Muon(_ params: [[Tensor]], lr: HyperSetting = 1e-3, mom: Double = 0.95, nesterov: Bool = true, nsSteps: Int = 5,
                 eps: Double = 1e-7, wd: Double = 0.1, adjustLR: MuonLRAdjustment = .matchRMSAdamW,
                 adamMom: Double = 0.9, adamSqrMom: Double = 0.95, adamEps: Double = 1e-8,
                 rule: MuonRule = .hiddenMatrices) -> Optimizer {
  precondition(nsSteps >= 0, "Muon: nsSteps must not be negative, not \(nsSteps)")
  let muon: [Stage] = [.fused { WeightDecay(); MuonMomentum(nesterov: nesterov) }, .tensor(MuonStep(adjustLR: adjustLR))]
  let adamW: [Stage] = [.fused { WeightDecay(); AverageGrad(dampening: true); AverageSqrGrad(); StepStat(); AdamStep() }]
  return Optimizer(params, chains: [muon, adamW], route: { groups in rule.usesMuon(groups).map { $0.map { $0 ? 0 : 1 } } },
                   defaults: ["lr": lr, "wd": .all(wd), "muon_mom": .all(mom), "ns_steps": .all(Double(nsSteps)), "muon_eps": .all(eps),
                              "mom": .all(adamMom), "sqr_mom": .all(adamSqrMom), "eps": .all(adamEps)])
}
