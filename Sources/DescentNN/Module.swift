import DescentTensor

/// A layer or model, as PyTorch's `nn.Module`: parameters and buffers with dotted names in a
/// stable order (the order PyTorch registers them, so that `stateDict()` keys equal
/// `state_dict()`'s), children, and a train/eval mode that reaches every child.
///
/// Subclasses list their own parameters, buffers and children in registration order and
/// implement `forward`.
open class Module {
  /// Training mode (batch norm uses batch statistics, dropout drops); set with `train()`/`eval()`.
  public private(set) var training = true

  public init() {}

  /// This module's own parameters, in registration order (not its children's).
  open var ownParameters: [(String, Tensor)] { [] }
  /// This module's own buffers (running statistics), in registration order.
  open var ownBuffers: [(String, Tensor)] { [] }
  /// Direct children, in registration order.
  open var children: [(String, Module)] { [] }

  open func forward(_ x: Tensor) -> Tensor {
    preconditionFailure("\(type(of: self)) does not implement forward(_:)")
  }

  public func callAsFunction(_ x: Tensor) -> Tensor { forward(x) }

  /// Sets training mode on this module and every descendant.
  public func train(_ on: Bool = true) {
    training = on
    for (_, c) in children { c.train(on) }
  }

  public func eval() { train(false) }

  /// Every module below and including this one, depth first, with dotted names ("" for self).
  public func namedModules(prefix: String = "") -> [(String, Module)] {
    var out = [(prefix, self)]
    for (name, c) in children { out += c.namedModules(prefix: Self.join(prefix, name)) }
    return out
  }

  /// All parameters with dotted names, as `named_parameters()`.
  public func namedParameters() -> [(String, Tensor)] {
    namedModules().flatMap { prefix, m in m.ownParameters.map { (Self.join(prefix, $0.0), $0.1) } }
  }

  public func parameters() -> [Tensor] { namedParameters().map(\.1) }

  /// Parameters and buffers in PyTorch's `state_dict()` order: each module's parameters, then
  /// its buffers, then its children.
  public func namedState() -> [(String, Tensor)] {
    namedModules().flatMap { prefix, m in
      (m.ownParameters + m.ownBuffers).map { (Self.join(prefix, $0.0), $0.1) }
    }
  }

  /// Number of parameter values.
  public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

  static func join(_ prefix: String, _ name: String) -> String { prefix.isEmpty ? name : prefix + "." + name }
}
