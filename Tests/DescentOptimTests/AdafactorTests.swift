import Foundation
import Testing
@testable import DescentOptim
import DescentTensor

/// Adafactor factors the last two dimensions of a conv-shaped weight, as torch.optim.Adafactor:
/// a [3, 4, 3, 3] weight is twelve 3×3 kernels with their own row and column averages (one
/// group of eight in lanes, four after it); a [4, 5, 1, 1] weight (a 1×1 convolution) is twenty
/// 1×1 matrices, stepped elementwise (two lanes and a tail of four). Values from
/// Reference/adafactor_conv.py (float64; 6 steps, lr 3e-2, wd 0.1).
@Suite struct AdafactorTests {
  typealias Expected = (parameter: [Double], rowVar: [Double], colVar: [Double])
  static let kernels3x3: Expected = (
    parameter: [0.056700457839942736, 0.34193455076823104, 0.6072440552243509, 0.7387142012295229, 0.7783068714061746, 0.669931594067805, 0.5045646985147312, 0.2527425156702722, -0.03783629405133123, -0.32189741589694926, -0.5178762955365747, -0.6348695348824788, -0.6438217905855741, -0.5508277107160777, -0.3475853299958314, -0.051114347779977726, 0.1991763524600314, 0.42728642266011246, 0.6435078220019286, 0.7291914083761666, 0.6959390296612051, 0.5554086074062926, 0.34454206522931147, 0.09950535782322961, -0.18374793536128278, -0.44401783900734954, -0.5627213629955945, -0.6098685836878824, -0.5340057733640553, -0.3545309846180677, -0.12937451476699416, 0.14244991873214957, 0.38400471661338964, 0.582735385003836, 0.6842557857923987, 0.7109381865166207, 0.6024481229044547, 0.3664979927354542, 0.09340900669448965, -0.18497526847516627, -0.3970346926699376, -0.5720077777604151, -0.6331691304534887, -0.573217267233477, -0.4168864922583612, -0.21225287401958515, 0.07897635061055094, 0.3908718763198267, 0.5738276992824206, 0.7441653100010125, 0.7460766362024526, 0.6689420217027815, 0.47832716194080066, 0.20613675009187127, -0.08981457792309747, -0.32396568633408296, -0.5346830132269504, -0.648287120259482, -0.6575865272530945, -0.5465103401156358, -0.3118506469073992, -0.0666836129525278, 0.21846894584575904, 0.49106821664525296, 0.6860738345494143, 0.741066520510748, 0.7046256234429941, 0.5783603064476217, 0.3738245677554572, 0.08044221457239148, -0.2231960147695893, -0.4195215374136521, -0.5856728917859093, -0.6270718818103261, -0.5636023688649076, -0.38042732566915916, -0.14110675147184196, 0.10700132206642946, 0.37916678584251234, 0.573804626658553, 0.7135570054484441, 0.70182181421754, 0.5688241481016226, 0.3635203609799491, 0.12468253273734521, -0.14783634214746808, -0.3878012915715437, -0.5510247845327748, -0.602798131102696, -0.5535635426246277, -0.4441441018008619, -0.1924740208212937, 0.11933241863178622, 0.3712508773402538, 0.5837630230241037, 0.7051383622089596, 0.7323829607484467, 0.6374519358135137, 0.43335692290867306, 0.1685539644062294, -0.07147961994392994, -0.34383746193937326, -0.543704505887713, -0.6656115600663732, -0.6601569551973633, -0.5093717742111307, -0.303037730741353, -0.015786323570490257],
    rowVar: [2.160602605920725, 5.457058337199415, 5.408188638425743, 6.065019358321571, 6.988825012117402, 2.1477956540212544, 8.12512737872008, 4.963957330589247, 4.14026647940987, 8.602593292139005, 2.7838684662382667, 6.858295990121814, 4.062895640254274, 5.222254266105087, 9.274680034429501, 1.8442878318932254, 6.087044872166051, 5.8562804063143465, 5.526953814332395, 6.654600934002991, 2.6150427363991833, 8.508665517110517, 4.072118982439243, 3.9887411676234703, 9.905541160396844, 2.400577241685175, 5.654040474584306, 4.95014724208192, 5.987197308120477, 7.658009122105651, 1.9509401164256888, 7.506630540516239, 5.4196429241429875, 4.533135092931724, 7.772283818930367, 2.8386442581692526],  // shape [3, 4, 3, 1]
    colVar: [2.9181690006265892, 5.50190234509993, 4.605778235819365, 6.7209754332392535, 3.0424039600419546, 5.438260631179017, 7.211989723685777, 6.74595086122207, 3.2714106038113493, 4.337800890460817, 7.344984395576299, 6.56197246246197, 6.572887068327429, 4.473470781072836, 7.5134720913885955, 3.0676549880438095, 6.142903687190129, 4.577054435139684, 6.112783004048749, 2.9272933287974294, 5.756521151888392, 7.159282993236305, 6.492183678886329, 2.9180589950505964, 4.094538810162742, 7.144887189306793, 6.720732877196789, 7.182679367940315, 4.2008759932242645, 7.211798311143468, 3.5910687687132854, 6.948604221343985, 4.337540591027645, 5.262899631263572, 3.30750685084117, 6.573656687926602])  // shape [3, 4, 1, 3]
  static let kernels1x1: Expected = (
    parameter: [0.07133072337260125, 0.35224045451943264, 0.5850990385638546, 0.732164628378988, 0.7688802424227554, 0.6828545151338227, 0.5202478512897628, 0.255846449279441, -0.03765870802627006, -0.31366823640009095, -0.5283777712644221, -0.6478766983646189, -0.6536272333688027, -0.5451442391018322, -0.3414808377150757, -0.07509694046149307, 0.21573107871657332, 0.4497147227896488, 0.6409933330506371, 0.7293131208743335],
    rowVar: [0.5625465353579588, 1.996259491079061, 3.923001791325156, 6.298917683162942, 9.656235891083286, 0.4160214373520204, 1.8930427833588663, 4.8532116531374445, 9.478311478780919, 15.38308300493109, 0.6005328106439607, 2.211442259389658, 4.39109106051182, 6.830325180513053, 9.74505879532733, 0.38875223427485117, 1.6963538889688536, 4.35828083882006, 8.793099106201383, 14.966782022003704],  // shape [4, 5, 1, 1]
    colVar: [0.5625465353579588, 1.996259491079061, 3.923001791325156, 6.298917683162942, 9.656235891083286, 0.4160214373520204, 1.8930427833588663, 4.8532116531374445, 9.478311478780919, 15.38308300493109, 0.6005328106439607, 2.211442259389658, 4.39109106051182, 6.830325180513053, 9.74505879532733, 0.38875223427485117, 1.6963538889688536, 4.35828083882006, 8.793099106201383, 14.966782022003704])  // shape [4, 5, 1, 1]

  @Test(arguments: [[3, 4, 3, 3], [4, 5, 1, 1]])
  func factorsTheLastTwoDimensionsOfAConvWeight(_ shape: [Int]) throws {
    let expected = shape[2] == 3 ? Self.kernels3x3 : Self.kernels1x1
    let n = Shape.count(shape)
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
    #expect(rowVar.shape == [shape[0], shape[1], shape[2], 1] && colVar.shape == [shape[0], shape[1], 1, shape[3]])
    for (name, got, want) in [("parameter", p.scalars, expected.parameter), ("row_var", rowVar.scalars, expected.rowVar),
                              ("col_var", colVar.scalars, expected.colVar)] {
      #expect(got.count == want.count)
      for (x, y) in zip(got, want) {
        #expect(abs(Double(x) - y) <= 2e-6 * abs(y) + 1e-7, "\(name) \(shape): \(x) against torch's \(y)")
      }
    }
  }

  /// Adafactor is a global stepper that reads gradients: with accumulation the optimizer's
  /// pending 1/steps scale must reach it, as one step on the averaged gradient.
  @Test func accumulatedGradientsAreAveragedFirst() {
    let shape = [2, 3, 3]
    let g1 = (0..<18).map { Float(sin(0.5 * Double($0))) }, g2 = (0..<18).map { Float(cos(0.3 * Double($0))) }
    let start = (0..<18).map { Float(0.1 * Double($0) - 0.8) }
    let accumulated = Tensor(start, shape: shape, requiresGrad: true), once = Tensor(start, shape: shape, requiresGrad: true)
    let a = Adafactor([[accumulated]], lr: 3e-2), b = Adafactor([[once]], lr: 3e-2)
    a.accumulationSteps = 2
    accumulated.grad = Tensor(g1, shape: shape)
    #expect(!a.step())
    accumulated.grad!.add_(Tensor(g2, shape: shape))
    #expect(a.step())
    once.grad = Tensor(zip(g1, g2).map { ($0 + $1) / 2 }, shape: shape)
    b.step()
    expectClose(accumulated.scalars, once.scalars, rtol: 1e-6, atol: 1e-7)
    expectClose(a.state(of: accumulated).buffers["row_var"]!.scalars, b.state(of: once).buffers["row_var"]!.scalars, rtol: 1e-6, atol: 0)
  }

  /// The first pass cuts all parameters, end to end, into one range per core, each core taking
  /// the whole units (groups of matrices, lanes) that start in its range: any cut must give
  /// the same step. Shapes of every layout, with cuts inside each.
  @Test(arguments: [2, 3, 5])
  func anySplitOverCoresGivesTheSameStep(_ workers: Int) {
    let shapes = [[5, 4, 3, 3], [7], [6, 5, 1, 1], [9, 10], [3, 2, 3, 3]]
    func run(_ workers: Int) -> [[Float]] {
      let params = shapes.enumerated().map { k, shape in
        let values = (0..<Shape.count(shape)).map { i -> Float in
          let wave: Double = 0.6 * sin(0.37 * Double(i) + Double(k))
          return Float(wave)
        }
        return Tensor(values, shape: shape, requiresGrad: true)
      }
      let opt = Optimizer([params], steppers: [.global(AdafactorStep(workers: workers))], defaults: ["lr": 3e-2, "wd": 0.1])
      for t in 0..<3 {
        for (k, p) in params.enumerated() {
          let g = (0..<p.count).map { i -> Float in
            let wave: Double = cos(0.23 * Double(i) + 0.9 * Double(t + k))
            return Float(wave * Double(1 + i % 4))
          }
          p.grad = Tensor(g, shape: p.shape)
        }
        opt.step()
      }
      return params.flatMap { p -> [[Float]] in
        let state = opt.state(of: p)
        return [p.scalars] + ["row_var", "col_var", "variance"].compactMap { state.buffers[$0]?.scalars }
      }
    }
    let one = run(1), split = run(workers)
    #expect(one.count == split.count)
    for (a, b) in zip(one, split) { expectClose(b, a, rtol: 1e-6, atol: 1e-7) }
  }
}
