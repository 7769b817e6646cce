/// Comparison masks: 1 where the relation holds, else 0, broadcast. Not differentiable.
extension Tensor {
  public func gt(_ other: Tensor) -> Tensor { broadcastMap(GreaterKernel.self, other, op: "gt") }
  public func ge(_ other: Tensor) -> Tensor { broadcastMap(GreaterEqualKernel.self, other, op: "ge") }
  public func lt(_ other: Tensor) -> Tensor { broadcastMap(LessKernel.self, other, op: "lt") }
  public func le(_ other: Tensor) -> Tensor { broadcastMap(LessEqualKernel.self, other, op: "le") }
  public func eq(_ other: Tensor) -> Tensor { broadcastMap(EqualKernel.self, other, op: "eq") }
  public func gt(_ v: Float) -> Tensor { gt(.scalar(v)) }
  public func ge(_ v: Float) -> Tensor { ge(.scalar(v)) }
  public func lt(_ v: Float) -> Tensor { lt(.scalar(v)) }
  public func le(_ v: Float) -> Tensor { le(.scalar(v)) }
  public func eq(_ v: Float) -> Tensor { eq(.scalar(v)) }
}
