import DescentTensor

/// fastai's `vision_learner` model: `Sequential(body, head)`, the body a ResNet cut before its
/// average pool and the head from `createHead`, so that parameter names equal fastai's
/// (`0.4.0.conv1.weight`, `1.2.weight`, …).
public enum VisionModel {
  /// fastai's `create_head(nf, n_out)` with its defaults: AdaptiveConcatPool2d, Flatten, then
  /// BatchNorm1d(2·nf), Dropout(ps/2), Linear(2·nf, 512, bias: false), ReLU, BatchNorm1d(512),
  /// Dropout(ps), Linear(512, n_out, bias: false) as one flat Sequential (fastai splices its
  /// `LinBnDrop` blocks into the list). Batch norms start as fastai's `BatchNorm`: weight 1,
  /// bias 1e-3; the linear layers kaiming-normal (fan-in) as fastai's `apply_init`.
  public static func createHead(_ nf: Int, _ nOut: Int, hidden: Int = 512, ps: Float = 0.5) -> Sequential {
    let head = Sequential(
      AdaptiveConcatPool2d(), Flatten(),
      BatchNorm1d(2 * nf), Dropout(ps / 2), Linear(2 * nf, hidden, bias: false), ReLU(),
      BatchNorm1d(hidden), Dropout(ps), Linear(hidden, nOut, bias: false))
    noGrad {
      for module in head.layers {
        if let bn = module as? BatchNorm { bn.bias.fill_(1e-3) }
        if let linear = module as? Linear { _ = linear.weight.copy_(Tensor.kaimingNormal(linear.weight.shape)) }
      }
    }
    return head
  }

  /// `Sequential(arch.body(), createHead(bodyChannels, nOut))`, and fastai's three parameter
  /// groups for it. The body keeps the weights `arch` has (random, or loaded from a file first);
  /// `ps` is the head's dropout.
  public static func make(_ arch: some VisionBackbone, nOut: Int, ps: Float = 0.5) -> (model: Sequential, groups: [[Tensor]]) {
    let body = arch.body(), head = createHead(arch.bodyChannels, nOut, ps: ps)
    return (Sequential(body, head), split(body: body, head: head, at: type(of: arch).bodySplit))
  }

  /// fastai's splitters: `_resnet_split` (stem+layer1+layer2 | layer3+layer4 | head) and
  /// `_xresnet_split` (stem | stages | head) — the groups `freeze()` and discriminative
  /// learning rates work on.
  static func split(body: Sequential, head: Sequential, at index: Int) -> [[Tensor]] {
    [body.slice(0..<index).parameters(), body.slice(index..<body.count).parameters(), head.parameters()]
  }
}

extension Module {
  /// fastai's `norm_bias_params`: every parameter of a batch norm, plus (with `withBias`) the
  /// bias of every other layer. fastai turns weight decay off for these (with biases) and keeps
  /// batch norm trainable when its group is frozen (without).
  public func normBiasParameters(withBias: Bool = true) -> [Tensor] {
    if self is BatchNorm { return parameters() }
    var result = children.flatMap { $0.1.normBiasParameters(withBias: withBias) }
    if withBias, let bias = ownParameters.first(where: { $0.0 == "bias" })?.1 { result.append(bias) }
    return result
  }
}
