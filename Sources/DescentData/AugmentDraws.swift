/// The random choices fastai's `aug_transforms` makes for one image, after masking by their
/// probabilities (a transform not applied holds its neutral value). Tests set them by hand to
/// compare with fastai's transforms given the same `draw=` values.
public struct AugmentDraws: Sendable, Equatable {
  /// Mirror left–right.
  public var flip = false
  /// Rotation in degrees (fastai's `rotate_mat`: positive turns the content clockwise).
  public var rotate: Float = 0
  /// Zoom factor (≥ 1 zooms in) and the zoom centre as fractions of width and height.
  public var zoom: Float = 1
  public var zoomCenterX: Float = 0.5
  public var zoomCenterY: Float = 0.5
  /// Perspective warp magnitudes (fastai's `_WarpCoord` `x_t`, `y_t`), 0 for none.
  public var warpX: Float = 0
  public var warpY: Float = 0
  /// Brightness in (0, 1), 0.5 neutral, and contrast factor, 1 neutral (both in logit space).
  public var brightness: Float = 0.5
  public var contrast: Float = 1
  /// The square or rectangle of the (affine-transformed) image that becomes the output
  /// (`RandomResizedCropGPU`'s `tl` and `cp_size`), or nil for all of it.
  public var crop: CropBox? = nil

  public init() {}

  public static let identity = AugmentDraws()

  public var hasLighting: Bool { brightness != 0.5 || contrast != 1 }
}

/// A box in pixels: top-left corner and size.
public struct CropBox: Sendable, Equatable {
  public var top: Int
  public var left: Int
  public var height: Int
  public var width: Int

  public init(top: Int, left: Int, height: Int, width: Int) {
    self.top = top
    self.left = left
    self.height = height
    self.width = width
  }
}
