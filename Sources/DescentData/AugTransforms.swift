import DescentTensor
import Foundation

/// fastai's `aug_transforms` (same parameters, same defaults) plus `Normalize`, applied to a
/// batch: per image, flip, warp, rotate, zoom and the random resized crop become one resample,
/// and brightness, contrast and normalization happen in the same pass.
///
/// Random choices are drawn per image from the caller's generator and masked by their
/// probabilities, as fastai's `_draw_mask`. Validation batches get no augmentation: only the
/// centre crop and resize to `size` (what fastai's transforms do with `split_idx=1`).
///
/// Departures from fastai: the crop box is drawn per image (fastai: one per batch); a crop
/// after the affine stage is interpolated once, not twice; no area pre-shrink for a downscale
/// beyond 2× (fastai's `_grid_sample` hack).
public struct AugTransforms: Sendable {
  public var doFlip = true
  public var maxRotate: Float = 10
  public var minZoom: Float = 1
  public var maxZoom: Float = 1.1
  public var maxLighting: Float = 0.2
  public var maxWarp: Float = 0.2
  public var pAffine: Float = 0.75
  public var pLighting: Float = 0.75
  /// Output size (square); nil keeps the input's size.
  public var size: Int?
  /// Below 1: a random square crop of at least this fraction of the area, resized to `size`
  /// (fastai's `RandomResizedCropGPU(size, min_scale, ratio=(1, 1))`).
  public var minScale: Float = 1
  public var normalize: Normalize?

  public init(size: Int? = nil, minScale: Float = 1, normalize: Normalize? = nil, mult: Float = 1,
              doFlip: Bool = true, maxRotate: Float = 10, minZoom: Float = 1, maxZoom: Float = 1.1,
              maxLighting: Float = 0.2, maxWarp: Float = 0.2, pAffine: Float = 0.75, pLighting: Float = 0.75) {
    precondition(minZoom <= maxZoom, "AugTransforms: minZoom \(minZoom) > maxZoom \(maxZoom)")
    precondition(minScale > 0 && minScale <= 1, "AugTransforms: minScale \(minScale) is not in (0, 1]")
    precondition(minScale == 1 || size != nil, "AugTransforms: minScale below 1 needs a size")
    self.size = size
    self.minScale = minScale
    self.normalize = normalize
    self.doFlip = doFlip
    self.maxRotate = maxRotate * mult
    self.minZoom = minZoom
    self.maxZoom = maxZoom
    self.maxLighting = maxLighting * mult
    self.maxWarp = maxWarp * mult
    self.pAffine = pAffine
    self.pLighting = pLighting
  }

  /// Only `Normalize` (and a resize to `size` if given): for validation-style pipelines.
  public static func normalizeOnly(_ normalize: Normalize?, size: Int? = nil) -> AugTransforms {
    AugTransforms(size: size, normalize: normalize, doFlip: false, maxRotate: 0, maxZoom: 1, maxLighting: 0, maxWarp: 0)
  }

  /// The (height, width) of an output image for an input of (h, w).
  public func outputSize(h: Int, w: Int) -> (h: Int, w: Int) {
    size.map { ($0, $0) } ?? (h, w)
  }

  /// One image's random choices for an input of (h, w).
  public func draw(h: Int, w: Int, using g: inout RandomGenerator) -> AugmentDraws {
    func uniform(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * g.nextUniform() }
    func happens(_ p: Float) -> Bool { p >= 1 || g.nextUniform() < p }
    var d = AugmentDraws()
    if doFlip { d.flip = happens(0.5) }
    if maxWarp > 0 {
      // x and y are masked separately, as fastai's `_WarpCoord` does.
      let x = uniform(-maxWarp, maxWarp), y = uniform(-maxWarp, maxWarp)
      d.warpX = happens(pAffine) ? x : 0
      d.warpY = happens(pAffine) ? y : 0
    }
    if maxRotate > 0 {
      let r = uniform(-maxRotate, maxRotate)
      d.rotate = happens(pAffine) ? r : 0
    }
    if minZoom < 1 || maxZoom > 1 {
      let z = uniform(minZoom, maxZoom)
      d.zoom = happens(pAffine) ? z : 1
      d.zoomCenterX = g.nextUniform()
      d.zoomCenterY = g.nextUniform()
    }
    if maxLighting > 0 {
      let b = uniform(0.5 * (1 - maxLighting), 0.5 * (1 + maxLighting))
      d.brightness = happens(pLighting) ? b : 0.5
      let c = exp(uniform(log(1 - maxLighting), -log(1 - maxLighting)))
      d.contrast = happens(pLighting) ? c : 1
    }
    if minScale < 1 { d.crop = randomSquare(h: h, w: w, using: &g) }
    return d
  }

  /// The choices for a validation image: nothing random, a centre square when cropping.
  public func validationDraws(h: Int, w: Int) -> AugmentDraws {
    var d = AugmentDraws.identity
    if minScale < 1 { d.crop = centreSquare(h: h, w: w) }
    return d
  }

  /// `RandomResizedCropGPU.before_call` with ratio (1, 1): up to ten tries at a square of a
  /// random area fraction in [minScale, 1], then the centre square.
  func randomSquare(h: Int, w: Int, using g: inout RandomGenerator) -> CropBox {
    for _ in 0..<10 {
      let area = Double(minScale + (1 - minScale) * g.nextUniform()) * Double(w * h)
      let side = Int(area.squareRoot().rounded())
      if side <= w && side <= h {
        let top = Int(g.next() % UInt64(h - side + 1)), left = Int(g.next() % UInt64(w - side + 1))
        return CropBox(top: top, left: left, height: side, width: side)
      }
    }
    return centreSquare(h: h, w: w)
  }

  func centreSquare(h: Int, w: Int) -> CropBox {
    let side = Swift.min(h, w)
    return CropBox(top: (h - side) / 2, left: (w - side) / 2, height: side, width: side)
  }

  /// Augments image `index` of `batch` into image `index` of `out` with the given choices.
  /// `sourceChannels: 1` reads only the image's first plane and writes every channel from it
  /// (a gray image whose planes would be copies).
  public func apply(_ batch: Tensor, index: Int, draws: AugmentDraws, into out: Tensor, sourceChannels: Int? = nil) {
    let (c, h, w) = (batch.shape[1], batch.shape[2], batch.shape[3])
    let (oh, ow) = (out.shape[2], out.shape[3])
    let map = SampleMap(draws, input: (h, w), output: (oh, ow))
    Resampler.run(src: batch.pointer + index * c * h * w, channels: c, sourceChannels: sourceChannels ?? c, h: h, w: w,
                  out: out.pointer + index * c * oh * ow, oh: oh, ow: ow,
                  map: map, draws: draws, normalize: normalize)
  }

  /// A new batch with each image transformed by its choices, in parallel over images.
  public func apply(_ batch: Tensor, draws: [AugmentDraws]) -> Tensor {
    precondition(batch.rank == 4 && draws.count == batch.shape[0], "AugTransforms: \(draws.count) draws for a batch of shape \(batch.shape)")
    let (oh, ow) = outputSize(h: batch.shape[2], w: batch.shape[3])
    let out = Tensor(uninitializedShape: [batch.shape[0], batch.shape[1], oh, ow])
    Parallel.forEach(draws.count) { i in apply(batch, index: i, draws: draws[i], into: out) }
    return out
  }

  /// Draws the choices (training) or takes the validation ones, then transforms the batch.
  public func apply(_ batch: Tensor, training: Bool, using g: inout RandomGenerator) -> Tensor {
    let (h, w) = (batch.shape[2], batch.shape[3])
    let draws = (0..<batch.shape[0]).map { _ in training ? draw(h: h, w: w, using: &g) : validationDraws(h: h, w: w) }
    return apply(batch, draws: draws)
  }
}
