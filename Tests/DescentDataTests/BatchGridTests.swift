import DescentData
import DescentTensor
import Testing

/// The picture of a batch: grid geometry, image pixels and caption pixels.
struct BatchGridTests {
  @Test func gridPlacesImagesAndCaptions() {
    // Four 2×2 gray images of value 0 (black), 2 columns, cells enlarged to 8 px.
    let grid = BatchGrid.render(Tensor.zeros([4, 1, 2, 2]), captions: ["a", "b", "c", "d"], columns: 2, cell: 8)
    let gap = 6, caption = BitmapFont.glyphHeight * 2 + 6
    #expect(grid.width == 2 * (8 + gap) + gap && grid.height == 2 * (8 + caption + gap) + gap)
    func pixel(_ x: Int, _ y: Int) -> UInt8 { grid.pixels[(y * grid.width + x) * 3] }
    #expect(pixel(gap, gap) == 0 && pixel(gap + 7, gap + 7) == 0)  // inside the first image
    #expect(pixel(gap - 1, gap) == 255)  // the gap is white
    // The caption band under the first image has some dark (text) pixels.
    let band = (gap + 8 + 3)..<(gap + 8 + 3 + BitmapFont.glyphHeight * 2)
    let dark = band.flatMap { y in (gap..<(gap + 8)).map { pixel($0, y) } }.filter { $0 == 0 }.count
    #expect(dark > 4)
  }

  @Test func fontWidthsAndClipping() {
    #expect(BitmapFont.width("cat") == 17 && BitmapFont.width("cat", scale: 2) == 34 && BitmapFont.width("") == 0)
    var image = Image8(width: 4, height: 4, channels: 3, pixels: [UInt8](repeating: 255, count: 48))
    BitmapFont.draw("W?", x: -2, y: -3, scale: 1, into: &image)  // partly outside: clipped, no crash
    #expect(image.pixels.contains(0))
  }
}
