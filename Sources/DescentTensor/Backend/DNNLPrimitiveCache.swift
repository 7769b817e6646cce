import CDNNL
import Synchronization

/// One oneDNN primitive with the descriptor it was made from (kept to query workspace and
/// memory layouts). Created once per shape and never destroyed: a training loop sees a handful
/// of shapes, and destroying would race with other threads still executing it.
///
/// `@unchecked Sendable`: both handles are written only in `init` and oneDNN allows one
/// primitive to execute concurrently from several threads (this build defines
/// DNNL_ENABLE_CONCURRENT_EXEC, so each execution gets its own scratchpad).
final class DNNLPrimitive: @unchecked Sendable {
  let descriptor: dnnl_primitive_desc_t
  let primitive: dnnl_primitive_t

  /// `opDesc` points at a filled oneDNN op descriptor (pooling, batch normalization, …);
  /// `hint` is the forward primitive a backward one is paired with.
  init(_ opDesc: UnsafeRawPointer, hint: DNNLPrimitive? = nil, _ what: @autoclosure () -> String) {
    var pd: dnnl_primitive_desc_t?
    DNNL.check(
      dnnl_primitive_desc_create(&pd, opDesc, nil, DNNL.engine, hint?.descriptor),
      "creating the primitive descriptor for \(what())")
    var p: dnnl_primitive_t?
    DNNL.check(dnnl_primitive_create(&p, pd), "creating the primitive for \(what())")
    descriptor = pd!
    primitive = p!
  }

  /// The layout oneDNN chose for one of the primitive's arguments (e.g. `dnnl_query_workspace_md`).
  func memoryDesc(_ query: dnnl_query_t, _ index: Int32 = 0) -> dnnl_memory_desc_t {
    dnnl_primitive_desc_query_md(descriptor, query, index).pointee
  }

  /// Runs the primitive on caller-owned buffers: each (argument, descriptor, pointer) becomes a
  /// oneDNN memory object that wraps the pointer without copying, for the length of the call.
  func execute(_ args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)]) {
    var memories: [(Int32, dnnl_memory_t)] = []
    memories.reserveCapacity(args.count)
    for (arg, desc, pointer) in args {
      var desc = desc
      var memory: dnnl_memory_t?
      DNNL.check(dnnl_memory_create(&memory, &desc, DNNL.engine, pointer), "wrapping argument \(arg)")
      memories.append((arg, memory!))
    }
    DNNL.execute(primitive, memories)
    for (_, memory) in memories { dnnl_memory_destroy(memory) }
  }
}

/// A process-global map from a shape key to the primitives built for it, so that the second and
/// later calls with a shape cost one dictionary look-up under a lock.
final class DNNLPrimitiveCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
  private let entries = Mutex<[Key: Value]>([:])

  /// The cached value for `key`, building it with `make` on first use. Building runs under the
  /// lock: it is rare, and two threads building the same primitive at once would only waste time.
  func value(for key: Key, _ make: () -> Value) -> Value {
    entries.withLock { entries in
      if let value = entries[key] { return value }
      let value = make()
      entries[key] = value
      return value
    }
  }
}
