/// One recorded operation of the tape: the inputs that need gradients and a closure that maps
/// the output's gradient to theirs. The closure holds the buffers saved for backward; it is
/// dropped after one `backward()` (unless the graph is retained), which frees them.
final class GradNode {
  let op: String
  let inputs: [Tensor]
  var backward: ((Tensor) -> [Tensor?])?

  init(op: String, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
    self.op = op
    self.inputs = inputs
    self.backward = backward
  }
}

/// Whether operations are being recorded (off inside `noGrad`). Task-local, so a data-loading
/// thread never sees another thread's setting.
public enum GradMode {
  @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording operations: results do not require grad (PyTorch's
/// `torch.no_grad()`).
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
  try GradMode.$isEnabled.withValue(false, operation: body)
}

extension Tensor {
  /// Records `op` on the tape when any input requires grad and recording is on. `backward`
  /// receives the output's gradient and returns one gradient (or nil) per input, in order.
  @discardableResult
  func recorded(_ op: String, _ inputs: [Tensor], _ backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
    guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return self }
    requiresGrad = true
    gradFn = GradNode(op: op, inputs: inputs, backward: backward)
    return self
  }

  /// A tensor sharing this one's storage, cut from the tape (PyTorch's `detach()`).
  public func detach() -> Tensor {
    Tensor(storage: storage, shape: shape)
  }

  /// Drops the accumulated gradient's values (kept allocated and zeroed, as an optimizer wants).
  public func zeroGrad() {
    if let g = grad { g.pointer.update(repeating: 0, count: g.count) }
  }

  /// Sets `grad` to nil, as PyTorch's `zero_grad(set_to_none=True)`: the next backward hands
  /// this leaf the gradient its op computes instead of adding it into zeros, which saves a
  /// zeroing pass and an adding pass over every gradient. The storage is kept for that op to
  /// write into (`takeGradientStorage`), so that a step allocates no gradient memory: freed,
  /// malloc handed it to the next forward's activations and the heap grew by 15% to find
  /// new room for the gradients (ResNet-34, mixed precision).
  public func dropGrad() {
    guard let g = grad else { return }
    grad = nil
    spareGradStorage = g.storage.format == .plain ? g.storage : nil
  }

  /// A plain float32 tensor of this leaf's shape, for a backward that writes all of this leaf's
  /// gradient: the storage `dropGrad` kept when nothing else holds it any more (a `grad` the
  /// caller kept, or a view of it, must not change under them), otherwise a new one.
  func takeGradientStorage() -> Tensor {
    defer { spareGradStorage = nil }
    if spareGradStorage != nil, isKnownUniquelyReferenced(&spareGradStorage) {
      return Tensor(storage: spareGradStorage!, shape: shape)
    }
    return Tensor(uninitializedShape: shape)
  }

  /// Reverse-mode differentiation: walks the tape from this tensor once, in reverse topological
  /// order, and accumulates gradients into the `grad` of every leaf that requires grad.
  /// Without `gradient`, this tensor must have one element (its seed is 1).
  ///
  /// `gradientReady` is called once for each leaf reached, as soon as its `grad` is final for
  /// this backward (every op that uses it has run), while the rest of the graph is still being
  /// walked — what PyTorch DDP's hooks use to start communicating gradients early. A leaf whose
  /// gradient never arrives (an op with no gradient on that path) is reported at the end.
  public func backward(gradient: Tensor? = nil, retainGraph: Bool = false,
                       gradientReady: ((Tensor) -> Void)? = nil) throws {
    guard requiresGrad else { throw TensorError.backwardWithoutGrad }
    let seed: Tensor
    if let gradient {
      guard gradient.shape == shape else {
        throw TensorError.seedGradientShape(expected: shape, got: gradient.shape)
      }
      seed = gradient
    } else {
      guard count == 1 else { throw TensorError.backwardOnNonScalar(shape: shape) }
      seed = Tensor.full(shape, 1)
    }
    let order = topologicalOrder()
    // Check the whole graph first, so that a second backward fails before touching any grad.
    for t in order where t.gradFn?.backward == nil {
      throw TensorError.graphFreed(op: t.gradFn!.op)
    }
    // For `gradientReady`: the uses of each leaf still to come, and the leaves in first-use order.
    var pendingUses: [ObjectIdentifier: Int] = [:]
    var leavesInOrder: [Tensor] = []
    if gradientReady != nil {
      for t in order.reversed() {
        for input in t.gradFn!.inputs where input.isLeaf && input.requiresGrad {
          if pendingUses[ObjectIdentifier(input), default: 0] == 0 { leavesInOrder.append(input) }
          pendingUses[ObjectIdentifier(input), default: 0] += 1
        }
      }
    }
    var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
    // How many times each storage has been handed out as a gradient (the seed counts, being
    // the caller's). A kept gradient is added into in place only while it is the sole holder
    // of its storage; otherwise the sum goes into the incoming gradient when that one is fresh,
    // or into a new tensor — never a copy made just in case (a residual add hands the same
    // gradient to both its inputs, and copying it cost a sixth of a ResNet-50 step).
    // Each count keeps a weak reference to its storage: a storage freed during the walk may
    // have its address (its ObjectIdentifier) taken by a new one, which must not inherit the
    // count. It did: whether a sum went in place, into the incoming gradient or into a new
    // tensor then hung on malloc's timing, and with a float32 and a bfloat16 gradient (mixed
    // precision) the three store the sum in different precisions, so runs differed.
    var handedOut: [ObjectIdentifier: (count: Int, storage: WeakStorage)] = [
      ObjectIdentifier(seed.storage): (1, WeakStorage(seed.storage))
    ]
    func handedOutCount(_ t: Tensor) -> Int {
      guard let entry = handedOut[ObjectIdentifier(t.storage)], entry.storage.storage === t.storage else { return 0 }
      return entry.count
    }
    func handOut(_ t: Tensor) -> Tensor {
      handedOut[ObjectIdentifier(t.storage)] = (handedOutCount(t) + 1, WeakStorage(t.storage))
      return t
    }
    func isSoleHolder(_ t: Tensor) -> Bool { handedOutCount(t) == 1 }
    func isFresh(_ t: Tensor) -> Bool { handedOutCount(t) == 0 }
    // Storages kept as a leaf's `grad`, which later gradients are added into in place: no
    // other holder may share one.
    var leafStorages: Set<ObjectIdentifier> = []
    func unlessLeafs(_ t: Tensor) -> Tensor { leafStorages.contains(ObjectIdentifier(t.storage)) ? t.copy() : t }
    try noGrad {
      if isLeaf {
        accumulate(into: self, seed.copy())
        gradientReady?(self)
        return
      }
      var ready: [Tensor] = []
      for t in order.reversed() {
        for leaf in ready { gradientReady?(leaf) }
        ready.removeAll(keepingCapacity: true)
        guard let node = t.gradFn, let g = grads.removeValue(forKey: ObjectIdentifier(t)) else { continue }
        guard let fn = node.backward else { throw TensorError.graphFreed(op: node.op) }
        let inputGrads = OpKind.ofBackward(node.op).map { kind in Profiler.measure(kind) { fn(g) } } ?? fn(g)
        if !retainGraph { node.backward = nil }
        Profiler.measure(.gradientAccumulation) {
          for (input, ig) in zip(node.inputs, inputGrads) {
            if gradientReady != nil, input.isLeaf, input.requiresGrad {
              let id = ObjectIdentifier(input)
              pendingUses[id]! -= 1
              if pendingUses[id] == 0 { pendingUses[id] = nil; ready.append(input) }
            }
            guard let ig, input.requiresGrad else { continue }
            precondition(ig.shape == input.shape, "backward of \(node.op) gave a gradient of shape \(ig.shape) for an input of shape \(input.shape)")
            if input.isLeaf {
              // A leaf's gradient outlives the backward and is added into by later ones: it
              // must own its storage.
              if input.grad != nil {
                input.grad!.add_(ig)
              } else {
                let kept = handOut(isFresh(ig) ? ig : ig.copy())
                leafStorages.insert(ObjectIdentifier(kept.storage))
                input.grad = kept
              }
            } else if let existing = grads[ObjectIdentifier(input)] {
              if isSoleHolder(existing) {
                existing.add_(ig)
              } else if isFresh(ig) {
                grads[ObjectIdentifier(input)] = handOut(ig.add_(existing))
              } else {
                grads[ObjectIdentifier(input)] = handOut(existing + ig)
              }
            } else {
              grads[ObjectIdentifier(input)] = handOut(unlessLeafs(ig))
            }
          }
        }
      }
      for leaf in ready { gradientReady?(leaf) }
      // Leaves on paths that no gradient reached.
      for leaf in leavesInOrder where pendingUses[ObjectIdentifier(leaf)] != nil { gradientReady?(leaf) }
    }
  }

  /// A storage held without keeping it alive.
  private struct WeakStorage {
    weak var storage: TensorStorage?
    init(_ storage: TensorStorage) { self.storage = storage }
  }

  private func accumulate(into leaf: Tensor, _ g: Tensor) {
    if let existing = leaf.grad { existing.add_(g) } else { leaf.grad = g }
  }

  /// Tensors with a recorded op reachable from this one, each after all of its inputs.
  private func topologicalOrder() -> [Tensor] {
    var order: [Tensor] = []
    var visited = Set<ObjectIdentifier>()
    // Iterative DFS: deep networks would overflow the stack with recursion.
    var stack: [(Tensor, Int)] = [(self, 0)]
    visited.insert(ObjectIdentifier(self))
    while let (t, next) = stack.popLast() {
      let inputs = t.gradFn?.inputs ?? []
      if next < inputs.count {
        stack.append((t, next + 1))
        let child = inputs[next]
        if child.gradFn != nil, visited.insert(ObjectIdentifier(child)).inserted {
          stack.append((child, 0))
        }
      } else if t.gradFn != nil {
        order.append(t)
      }
    }
    return order
  }
}
