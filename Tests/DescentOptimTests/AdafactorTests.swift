import Foundation
import Testing
@testable import DescentOptim
import DescentTensor

/// Adafactor factors the last two dimensions of a conv-shaped weight, as torch.optim.Adafactor:
/// a [2, 3, 2, 2] weight is six 2×2 matrices with their own row and column averages. Values from
/// Reference/adafactor_conv.py (float64; 6 steps, lr 3e-2, wd 0.1).
@Suite struct AdafactorTests {
  static let parameter: [Double] = [0.06633548890182119, 0.3532885365747106, 0.5851161209786427, 0.731898843551256, 0.776411298283678, 0.6720101740902557, 0.5029351547524598, 0.26469640578262477, -0.03725526041840997, -0.3128850309608515, -0.521860097732818, -0.6514094403937108, -0.6429603914269949, -0.5612563528750598, -0.3472784742551499, -0.0560907523222276, 0.2132888308222268, 0.4459788188610764, 0.6400330251726432, 0.7289609095100108, 0.7012015946071289, 0.5659167211145321, 0.3446180215260077, 0.07561890340046416]
  static let rowVar: [Double] = [1.27940301321851, 5.110959737244048, 5.036128664217653, 3.3731272182481553, 12.430697241856004, 1.4059875350168094, 5.610708120512436, 5.06690551480109, 3.0273173638944564, 11.879940564102544, 1.496857062997521, 6.256829436863927]  // shape [2, 3, 2, 1]
  static let colVar: [Double] = [2.2427741633415574, 4.147588587121001, 5.7746393372210765, 2.6346165452447323, 5.03942214471244, 8.797262632160374, 7.068074927919576, 3.6095387073939516, 5.244726497585118, 9.662531430411882, 2.7498085538306776, 5.003877946030769]  // shape [2, 3, 1, 2]

  @Test func factorsTheLastTwoDimensionsOfAConvWeight() throws {
    let n = 24, shape = [2, 3, 2, 2]
    let initial = (0..<n).map { i -> Float in
      let wave: Double = 0.7 * sin(0.41 * Double(i))
      return Float(wave + 0.05)
    }
    let p = Tensor(initial, shape: shape, requiresGrad: true)
    let opt = Adafactor([[p]], lr: 3e-2, wd: 0.1)
    for t in 0..<6 {
      let g = (0..<n).map { i -> Float in
        let wave: Double = cos(0.29 * Double(i) + 0.8 * Double(t))
        return Float(wave * Double(1 + i % 5))
      }
      p.grad = Tensor(g, shape: shape)
      opt.step()
    }
    let state = opt.state(of: p)
    let rowVar = try #require(state.buffers["row_var"]), colVar = try #require(state.buffers["col_var"])
    #expect(rowVar.shape == [2, 3, 2, 1] && colVar.shape == [2, 3, 1, 2])
    for (name, got, want) in [("parameter", p.scalars, Self.parameter), ("row_var", rowVar.scalars, Self.rowVar),
                              ("col_var", colVar.scalars, Self.colVar)] {
      for (x, y) in zip(got, want) {
        #expect(abs(Double(x) - y) <= 2e-6 * abs(y) + 1e-7, "\(name): \(x) against torch's \(y)")
      }
    }
  }
}
