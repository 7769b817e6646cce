@testable import DescentData
import DescentTensor
import Testing

/// The picture of a batch: grid geometry, image pixels and caption pixels.
struct BatchGridTests {
  @Test func gridPlacesImagesAndCaptions() {
    // Four 2×2 gray images of value 0 (black), 2 columns, cells enlarged to 8 px.
    let grid = BatchGrid.render(Tensor.zeros([4, 1, 2, 2]), captions: ["gy", "b", "c", "d"], columns: 2, cell: 8)
    let gap = BatchGrid.gap, band = BatchGrid.captionBand
    #expect(grid.width == 2 * (8 + gap) + gap && grid.height == 2 * (8 + band + gap) + gap)
    func pixel(_ x: Int, _ y: Int) -> UInt8 { grid.pixels[(y * grid.width + x) * 3] }
    #expect(pixel(gap, gap) == 0 && pixel(gap + 7, gap + 7) == 0)  // inside the first image: sharp pixels
    #expect(pixel(gap - 1, gap) == 255 && pixel(gap + 8, gap) == 255)  // the gaps are white
    // The caption band under the first image has dark (text) pixels, below the baseline too:
    // "gy" has descenders.
    let top = gap + 8, middle = top + band / 2
    let inked = (top..<(top + band)).map { y in (gap..<(gap + 8 + gap)).filter { pixel($0, y) < 128 }.count }
    #expect(inked.reduce(0, +) > 8)
    #expect(inked[(middle + 2 - top)...].reduce(0, +) > 0)
  }

  @Test func longCaptionsAreShortenedToTheCell() {
    #expect(BatchGrid.fit("cat", width: 100) == "cat")
    let short = BatchGrid.fit("a very long caption indeed", width: 40)
    #expect(short.hasSuffix("…") && short.count < 10)
    #expect(Canvas.textWidth(short, size: BatchGrid.captionSize) <= 40)
  }
}
