import Foundation
import Testing
@testable import DescentOptim
import DescentTensor

/// Muon: the Newton–Schulz orthogonalization against torch's, the default rule's routing, and a
/// routed optimizer's state dict. The whole trajectory against torch.optim.Muon is in
/// OptimizerPrecisionTests (`muon…` cases).
@Suite struct MuonTests {
  /// From Reference/newton_schulz.py: name, shape, steps, torch's own float32 error, and the
  /// result computed in float64 from the float32 inputs of `matrix`.
  static let newtonSchulzReference: [(String, [Int], Int, Double, [Double])] = [
    ("wide", [3, 5], 5, 5.604940712666817e-07, [-0.17917212742580046, 0.21964468458149117, 0.1451684990612038, 0.7019179743321589, 0.5922548549977529, -0.2555821598283295, 0.22595871974899107, -0.42691747428662535, -0.3627192663541662, 0.37892436625703635, 0.25855547732058776, 0.6641993846999537, 0.31517305395186546, -0.4644573109087564, -0.29824915509954664]),
    ("tall", [6, 4], 5, 1.366427922366853e-06, [0.667566491049872, -0.024074373651987252, 0.32500052407285396, -0.10743731196677003, -0.3343848721804228, -0.4729517929670304, 0.06978578112372144, -0.2723480363099502, -0.0035906949335356314, 0.627553663334642, 0.0747051623908116, 0.14865480029160433, 0.1263044244397231, -0.37349062609280725, -0.4987816671762013, 0.08077139443214654, -0.04513364437334935, 0.014925211745940276, 0.6333452895640447, 0.07917186299216242, -0.022997195750659213, 0.07292705518174214, -0.165683185348464, -0.7132180377926587]),
    ("square", [5, 5], 5, 1.3304308995598646e-06, [0.3265948536836373, 0.17613259008223858, -0.5850635219611606, -0.3331455603457222, -0.1417499258922847, -0.12953968413680356, 0.6020230484217739, 0.22581726067102584, 0.07757501096453531, 0.38006808998043556, -0.22878165965834707, -0.42740499758040074, -0.06962956439872009, -0.46088066454284304, -0.201404185890674, 0.36653119847244664, 0.04036233715909617, 0.27609571884742196, 0.585077926474706, -0.16706567100566186, -0.1307678257879547, -0.37408399816192994, -0.5690430223293046, 0.20454039278409764, 0.30179977388044965]),
    ("conv", [4, 2, 2, 2], 5, 1.5506604879034214e-06, [0.0482889076840345, -0.5861032973063547, -0.35191128901596946, 0.22653125241672575, -0.07497154338058493, 0.26094488859223275, 0.6395437951654485, -0.051815754207627865, -0.18717946345834113, 0.07304548365475495, -0.4777212105552496, -0.4029512178166864, 0.233228099241429, -0.016639889027523003, 0.15330415962745014, 0.6115241541510844, 0.04493245336992628, -0.1501640507762892, 0.03841649617374476, -0.6133375496916783, -0.4594457008378887, 0.21060108854396348, -0.03856359020841441, 0.2584501452093491, 0.6090659556146971, 0.07945537977869377, -0.2081628148574245, 0.10295713981345428, -0.41939675901925255, -0.45267741181349197, 0.21734190510724954, -0.0018343026751662939]),
    ("twoSteps", [3, 7], 2, 1.733889000155031e-07, [-0.06640164387751724, -0.017218576884614457, -0.2921135486640244, 0.5935325080762489, 0.4991350126908167, -0.14547971413314248, 0.2977466226235137, -0.26330444637472217, -0.41953606165194857, -0.19965367056659808, -0.3733344155249171, -0.05804178944938791, 0.45558636641956496, 0.26886148780739294, 0.2601657699242824, 0.08723731863949988, -0.6699563975141748, -0.16264862390844048, 0.005779076736775857, -0.3585195176087878, 0.3963206751242021]),
  ]

  /// The script's input: a matrix of its shape viewed as rows × (the rest).
  static func matrix(_ shape: [Int], _ k: Int) -> [Float] {
    (0..<Shape.count(shape)).map { i in Float(sin(0.7 * Double(i) + 1.3 * Double(k)) + 0.2 * cos(2.1 * Double(i))) }
  }

  @Test(arguments: 0..<5)
  func newtonSchulzMatchesTorch(_ k: Int) {
    let (name, shape, steps, torchError, exact) = Self.newtonSchulzReference[k]
    let g = Self.matrix(shape, k)
    let rows = shape[0], cols = g.count / rows
    let ns = NewtonSchulz()
    let result = g.withUnsafeBufferPointer { g in
      Array(UnsafeBufferPointer(start: ns.orthogonalize(g.baseAddress!, rows: rows, cols: cols, steps: steps, eps: 1e-7), count: rows * cols))
    }
    let error = zip(result, exact).map { abs(Double($0) - $1) }.max()!
    // The precision criterion: within twice torch's own float32 error, plus 1e-7 of the scale.
    #expect(error <= 2 * torchError + 1e-7, "\(name): error \(error) against the float64 result, torch's float32 \(torchError)")
  }

  @Test func workspaceIsReusedAcrossShapes() {
    // A smaller matrix after a larger one runs in the larger one's buffers, and gives the same
    // result as in a fresh workspace.
    let ns = NewtonSchulz(), fresh = NewtonSchulz()
    let big = Self.matrix([6, 4], 1), small = Self.matrix([3, 5], 0)
    _ = big.withUnsafeBufferPointer { ns.orthogonalize($0.baseAddress!, rows: 6, cols: 4, steps: 5, eps: 1e-7) }
    let reused = small.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: ns.orthogonalize($0.baseAddress!, rows: 3, cols: 5, steps: 5, eps: 1e-7), count: 15)) }
    let once = small.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: fresh.orthogonalize($0.baseAddress!, rows: 3, cols: 5, steps: 5, eps: 1e-7), count: 15)) }
    #expect(reused == once)
  }

  /// A small vision model's parameters in fastai's three groups: stem conv and its norm, then
  /// hidden convs (a 1×1 downsample among them) with norms and a bias, then the head.
  static func visionGroups() -> [[Tensor]] {
    func p(_ shape: [Int]) -> Tensor { Tensor.zeros(shape, requiresGrad: true) }
    return [
      [p([8, 3, 7, 7]), p([8]), p([8]), p([8, 8, 3, 3]), p([8]), p([8])],
      [p([16, 8, 3, 3]), p([16]), p([16, 8, 1, 1]), p([16, 16, 3, 3]), p([16])],
      [p([32]), p([32]), p([12, 32]), p([10, 12]), p([10])],
    ]
  }

  @Test func defaultRuleSendsHiddenMatricesToMuon() {
    let groups = Self.visionGroups()
    let muon = MuonRule.hiddenMatrices.usesMuon(groups)
    #expect(muon == [
      [false, false, false, true, false, false],  // the stem conv takes AdamW
      [true, false, true, true, false],
      [false, false, false, false, false],  // the head takes AdamW, its matrices too
    ])
    let opt = Muon(groups)
    #expect(opt.routes == muon.map { $0.map { $0 ? 0 : 1 } })
    // Without groups to say where the head is, only the stem is kept from Muon.
    let all = Array(groups.joined())
    #expect(MuonRule.hiddenMatrices.usesMuon([all]) == [all.enumerated().map { i, p in i != 0 && p.rank >= 2 }])
    // A rule of the user's own.
    let onlyConv = MuonRule { $0.map { $0.map { $0.rank == 4 } } }
    #expect(Muon(groups, rule: onlyConv).routes[2] == [1, 1, 1, 1, 1] && Muon(groups, rule: onlyConv).routes[0][0] == 0)
  }

  @Test func chainsShareGroupHypersUnderTheirOwnNames() {
    let opt = Muon(Self.visionGroups(), lr: .perGroup([1e-4, 1e-3, 1e-2]))
    #expect(opt.chains.count == 2)
    for h in opt.hypers {
      #expect(h["muon_mom"] == 0.95 && h["mom"] == 0.9 && h["sqr_mom"] == 0.95 && h["eps"] == 1e-8)
      #expect(h["muon_eps"] == 1e-7 && h["ns_steps"] == 5 && h["wd"] == 0.1)
    }
    #expect(opt.hypers.map { $0["lr"]! } == [1e-4, 1e-3, 1e-2])
  }

  /// Steps a routed optimizer on small parameters with fixed gradients.
  static func train(_ opt: Optimizer, _ params: [Tensor], steps: Range<Int>) {
    for t in steps {
      for (j, p) in params.enumerated() {
        p.grad = Tensor((0..<p.count).map { i in Float(0.5 * sin(0.37 * Double(i) + 0.7 * Double(j) + 0.3 * Double(t))) }, shape: p.shape)
      }
      opt.step()
    }
  }

  static func smallGroups() -> [[Tensor]] {
    var j = 0
    return [[[3], [4, 3]], [[6, 2, 2, 1], [5]]].map { group in
      group.map { shape in
        j += 1
        return Tensor((0..<Shape.count(shape)).map { i in Float(0.8 * sin(0.23 * Double(i) + Double(j))) }, shape: shape, requiresGrad: true)
      }
    }
  }

  @Test func routedStateRoundTrips() throws {
    let rule = MuonRule.allMatrices
    let groups = Self.smallGroups(), params = Array(groups.joined())
    let opt = Muon(groups, lr: 1e-2, rule: rule)
    Self.train(opt, params, steps: 0..<4)
    // Muon's state on the matrices, AdamW's on the vectors.
    #expect(opt.state(of: params[1]).buffers.keys.sorted() == ["momentum_buffer"])
    #expect(opt.state(of: params[0]).buffers.keys.sorted() == ["grad_avg", "sqr_avg"])

    let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-muon-\(UUID().uuidString).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try opt.save(to: path)
    let copies = groups.map { $0.map { Tensor($0.scalars, shape: $0.shape, requiresGrad: true) } }
    let restored = Muon(copies, lr: 1e-2, rule: rule)
    try restored.load(from: path)
    Self.train(opt, params, steps: 4..<7)
    Self.train(restored, Array(copies.joined()), steps: 4..<7)
    #expect(params.map(\.scalars) == copies.joined().map(\.scalars))
  }

  @Test func lookaheadWrapsEveryChain() {
    let groups = Self.smallGroups()
    let wrapped = Lookahead(Muon(groups, lr: 1e-2, rule: .allMatrices), k: 2)
    #expect(wrapped.chains.count == 2 && wrapped.routes == [[1, 0], [0, 1]])
    Self.train(wrapped, Array(groups.joined()), steps: 0..<2)
    for p in groups.joined() { #expect(wrapped.state(of: p).buffers["slow_p"] != nil) }
  }
}
