import DescentData
import DescentNN
import DescentOptim
import DescentTensor
import Foundation

/// fastai's `vision_learner`: the body of `arch` (random, or loaded from a torchvision-named
/// safetensors file) under a new head for the vocabulary's classes, fastai's three parameter
/// groups, no weight decay on batch-norm parameters and biases (`wd_bn_bias=False`), and batch
/// norm kept training when its group is frozen (`train_bn=True`). With pretrained weights the
/// body starts frozen, as in fastai. `ps` is the head's dropout, as fastai's.
public func visionLearner(
  data: DataLoaders, arch: Architecture, weights: String? = nil, ps: Float = 0.5,
  optimizerFactory: @escaping ([[Tensor]]) -> Optimizer = { Adam($0, lr: 1e-3) },
  metrics: [Metric] = [AvgMetric.accuracy()], callbacks: [Callback] = [], modelDirectory: String = "models",
  progress: Bool = ProgressCallback.stdoutIsTerminal
) throws -> Learner {
  let backbone = arch.make(inChannels: data.train.channels)
  if let weights { try backbone.loadWeights(from: weights) }
  let (model, groups) = VisionModel.make(backbone, nOut: data.vocab.count, ps: ps)
  let noWeightDecay = model.normBiasParameters(withBias: true)
  let keepTraining = model.normBiasParameters(withBias: false)
  let learn = Learner(
    data: (data.train, data.valid), model: model,
    optimizerFactory: { groups in
      let opt = optimizerFactory(groups)
      let inOptimizer = Set(opt.allParameters.map(ObjectIdentifier.init))
      for p in noWeightDecay where inOptimizer.contains(ObjectIdentifier(p)) { opt.state(of: p).doWD = false }
      for p in keepTraining where inOptimizer.contains(ObjectIdentifier(p)) { opt.state(of: p).forceTrain = true }
      return opt
    },
    splitter: { _ in groups }, metrics: metrics, callbacks: callbacks, modelDirectory: modelDirectory,
    progress: progress)
  if weights != nil { learn.freeze() }
  return learn
}
