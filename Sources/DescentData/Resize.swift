import DescentTensor

/// How `Resize` fits an image of another aspect ratio (fastai's `ResizeMethod`).
public enum ResizeMethod: String, Sendable, CaseIterable {
  /// Crop the largest box of the target's aspect ratio: at a random position in training,
  /// centred in validation.
  case crop
  /// Pad to the target's aspect ratio with reflected pixels.
  case pad
  /// Stretch the whole image.
  case squish
}

/// fastai's `Resize` item transform: crop, pad or squish to `width × height`, then a bilinear
/// resample as Pillow does it, from 8-bit pixels to Float32 [0, 1] channel planes (CHW).
public struct Resize: Sendable {
  public var width: Int
  public var height: Int
  public var method: ResizeMethod

  public init(_ size: Int, method: ResizeMethod = .crop) {
    self.init(width: size, height: size, method: method)
  }

  public init(width: Int, height: Int, method: ResizeMethod = .crop) {
    precondition(width > 0 && height > 0, "Resize: size \(width)×\(height) must be positive")
    self.width = width
    self.height = height
    self.method = method
  }

  /// The source box (left, top, width, height) that becomes the output, in source pixels; it
  /// reaches outside the image when padding. `position` is fastai's `pcts`: (0.5, 0.5) centres.
  public func box(sourceWidth w: Int, sourceHeight h: Int, position: (x: Double, y: Double)) -> (left: Int, top: Int, width: Int, height: Int) {
    if method == .squish { return (0, 0, w, h) }
    let rw = Double(w) / Double(width), rh = Double(h) / Double(height)
    // Crop keeps the smaller ratio (the box fits inside), pad the larger (the image fits inside).
    let m = (method == .crop) == (rw < rh) ? rw : rh
    let bw = Int(m * Double(width)), bh = Int(m * Double(height))
    return (Int(position.x * Double(w - bw)), Int(position.y * Double(h - bh)), bw, bh)
  }

  /// fastai draws the crop position per item in training and centres it in validation.
  public func drawPosition(training: Bool, using generator: inout RandomGenerator) -> (x: Double, y: Double) {
    guard training, method != .squish else { return (0.5, 0.5) }
    return (Double(generator.nextUniform()), Double(generator.nextUniform()))
  }

  /// Resizes `image` into `out`: `image.channels` planes of `height × width` floats.
  public func apply(_ image: Image8, position: (x: Double, y: Double), into out: UnsafeMutablePointer<Float>) {
    let b = box(sourceWidth: image.width, sourceHeight: image.height, position: position)
    let kx = ResampleKernel(inSize: b.width, outSize: width)
    let ky = ResampleKernel(inSize: b.height, outSize: height)
    let c = image.channels, plane = width * height
    // Horizontal pass over every row of the box, into interleaved rows of the output width.
    let rows = UnsafeMutableBufferPointer<Float>.allocate(capacity: b.height * width * c)
    defer { rows.deallocate() }
    let columns = UnsafeMutableBufferPointer<Int>.allocate(capacity: b.width)
    defer { columns.deallocate() }
    for v in 0..<b.width { columns[v] = reflectIndex(b.left + v, image.width) * c }
    image.pixels.withUnsafeBufferPointer { src in
      kx.weights.withUnsafeBufferPointer { wx in
        for vy in 0..<b.height {
          let srcRow = reflectIndex(b.top + vy, image.height) * image.width * c
          for x in 0..<width {
            let lo = kx.first[x], base = x * kx.taps
            let dst = (vy * width + x) * c
            for ch in 0..<c {
              var sum: Float = 0
              for k in 0..<Swift.min(kx.taps, b.width - lo) {
                sum += wx[base + k] * Float(src[srcRow + columns[lo + k] + ch])
              }
              rows[dst + ch] = sum
            }
          }
        }
      }
    }
    // Vertical pass into channel planes, scaling bytes to [0, 1].
    ky.weights.withUnsafeBufferPointer { wy in
      for y in 0..<height {
        let lo = ky.first[y], base = y * ky.taps, n = Swift.min(ky.taps, b.height - lo)
        for x in 0..<width {
          for ch in 0..<c {
            var sum: Float = 0
            for k in 0..<n { sum += wy[base + k] * rows[((lo + k) * width + x) * c + ch] }
            out[ch * plane + y * width + x] = Swift.min(Swift.max(sum, 0), 255) * (1 / 255)
          }
        }
      }
    }
  }

  /// Resizes one image into a new `[channels, height, width]` tensor.
  public func apply(_ image: Image8, position: (x: Double, y: Double) = (0.5, 0.5)) -> Tensor {
    let t = Tensor(uninitializedShape: [image.channels, height, width])
    apply(image, position: position, into: t.pointer)
    return t
  }
}

extension Image8 {
  /// The pixels as Float32 [0, 1] channel planes (CHW) in `out`, without resizing.
  public func writePlanes(into out: UnsafeMutablePointer<Float>) {
    let plane = width * height
    pixels.withUnsafeBufferPointer { src in
      for i in 0..<plane {
        for ch in 0..<channels { out[ch * plane + i] = Float(src[i * channels + ch]) * (1 / 255) }
      }
    }
  }
}
