import DescentData
import DescentTensor
import Testing

/// Resize and the batch transforms against fastai's own transforms with the same fixed draws
/// (Reference/augment_reference.py), within 2e-2 on [0, 1] pixels as the issue asks, and in fact
/// much closer: Resize within 5e-3 (Pillow rounds each pass to 8 bits), the affine and warp
/// resample within 1e-4 (the literals' 5 decimals), the fused crop within 1e-2 (fastai
/// interpolates twice, we once); Normalize exactly.
struct AugmentReferenceTests {
  let image = TestImages.smooth()

  func resize(_ r: Resize, _ position: (x: Double, y: Double)) -> [Float] {
    r.apply(image, position: position).scalars
  }

  @Test func resizeMatchesFastai() {
    expectClose(resize(Resize(8), (0.3, 0.8)), DataReference.resizeCropTrain, atol: 5e-3)
    expectClose(resize(Resize(width: 10, height: 6), (0.5, 0.5)), DataReference.resizeCropValidRect, atol: 5e-3)
    expectClose(resize(Resize(8, method: .pad), (0.5, 0.5)), DataReference.resizePad, atol: 5e-3)
    expectClose(resize(Resize(8, method: .squish), (0.5, 0.5)), DataReference.resizeSquish, atol: 5e-3)
    expectClose(resize(Resize(14), (0.5, 0.5)), DataReference.resizeUpCrop, atol: 5e-3)
  }

  /// The draws of the reference script: image 0 flipped, warped, rotated 8°, zoomed off-centre;
  /// image 1 rotated −5°.
  func draws(lighting: Bool, crops: [CropBox]? = nil) -> [AugmentDraws] {
    var a = AugmentDraws(), b = AugmentDraws()
    a.flip = true; a.warpX = 0.1; a.warpY = -0.15; a.rotate = 8; a.zoom = 1.08; a.zoomCenterX = 0.3; a.zoomCenterY = 0.7
    b.rotate = -5; b.zoomCenterX = 0.6; b.zoomCenterY = 0.2
    if lighting { a.brightness = 0.6; a.contrast = 1.2; b.brightness = 0.45; b.contrast = 0.85 }
    a.crop = crops?[0]; b.crop = crops?[1]
    return [a, b]
  }

  @Test func affineAndWarpMatchFastai() {
    let x = TestImages.batch(image, copies: 2)
    let aug = AugTransforms(size: 10)
    expectClose(aug.apply(x, draws: draws(lighting: false)).scalars, DataReference.affineWarp, atol: 1e-4)
    expectClose(aug.apply(x, draws: draws(lighting: true)).scalars, DataReference.affineWarpLighting, atol: 1e-4)
  }

  @Test func randomResizedCropMatchesFastai() {
    let x = TestImages.batch(image, copies: 2)
    let aug = AugTransforms(size: 8, minScale: 0.35)
    let crops = [CropBox(top: 2, left: 3, height: 9, width: 9), CropBox(top: 0, left: 4, height: 12, width: 12)]
    expectClose(aug.apply(x, draws: draws(lighting: true, crops: crops)).scalars, DataReference.affineCropLighting, atol: 1e-2)
    var g = RandomGenerator(seed: 1)
    expectClose(aug.apply(x, training: false, using: &g).scalars, DataReference.validCrop, atol: 1e-4)
  }

  @Test func normalizeIsExact() {
    let x = Tensor((0..<24).map { Float($0 % 17) / 16 }, shape: [2, 3, 2, 2])
    #expect(Normalize.imagenet.apply(x).scalars == DataReference.normalizeImagenet)
    // Fused into the resampling pass, the same arithmetic gives the same bits.
    let fused = AugTransforms.normalizeOnly(.imagenet).apply(x, draws: [.identity, .identity])
    #expect(fused.scalars == DataReference.normalizeImagenet)
    let stats = Normalize.fromBatch(x)
    expectClose(stats.mean + stats.std, DataReference.batchStats, atol: 1e-6)
    expectClose(Normalize.imagenet.decode(Normalize.imagenet.apply(x)).scalars, x.scalars, atol: 1e-6)
  }

  @Test func drawsAreSeededAndMasked() {
    let aug = AugTransforms()
    var g1 = RandomGenerator(seed: 3), g2 = RandomGenerator(seed: 3)
    let a = (0..<200).map { _ in aug.draw(h: 10, w: 10, using: &g1) }
    let b = (0..<200).map { _ in aug.draw(h: 10, w: 10, using: &g2) }
    #expect(a == b)
    let rotated = a.filter { $0.rotate != 0 }.count, flipped = a.filter(\.flip).count
    #expect((120...180).contains(rotated), "p_affine 0.75: \(rotated) of 200 rotated")
    #expect((70...130).contains(flipped), "flip p 0.5: \(flipped) of 200")
    #expect(a.allSatisfy { abs($0.rotate) <= 10 && $0.zoom >= 1 && $0.zoom <= 1.1 && abs($0.warpX) <= 0.2 })
    #expect(a.allSatisfy { $0.brightness >= 0.4 && $0.brightness <= 0.6 && $0.contrast >= 0.8 && $0.contrast <= 1.25 })
  }
}
