import CDNNL

/// One oneDNN primitive with the descriptor it was made from (kept to query workspace and
/// memory layouts). Created once per shape and never destroyed: a training loop sees a handful
/// of shapes, and destroying would race with other threads still executing it.
///
/// Primitives use a user-managed scratchpad, handed in by each execution. oneDNN's default
/// (library-managed) scratchpad is shared — by all primitives created on one thread, in this
/// build without DNNL_ENABLE_CONCURRENT_EXEC, or else by all executions of one primitive — so
/// its documentation allows neither running a primitive off its creating thread nor running one
/// twice at once. With a scratchpad per call, any thread may run any cached primitive.
///
/// `@unchecked Sendable`: the handles and sizes are written only in `init`, and executions share
/// no mutable state (see above).
final class DNNLPrimitive: @unchecked Sendable {
  let descriptor: dnnl_primitive_desc_t
  let primitive: dnnl_primitive_t
  private let scratchpadDesc: dnnl_memory_desc_t
  private let scratchpadBytes: Int
  /// Scratchpads not in use: a call takes one (or allocates one when all are busy) and gives it
  /// back, so a training loop allocates none after its first step.
  /// Held as addresses: raw pointers are not Sendable, and these are owned by nobody else.
  private let spareScratchpads = Locked<[UInt]>([])

  /// `opDesc` points at a filled oneDNN op descriptor (pooling, batch normalization, …);
  /// `hint` is the forward primitive a backward one is paired with.
  init(_ opDesc: UnsafeRawPointer, hint: DNNLPrimitive? = nil, _ what: @autoclosure () -> String) {
    var attr: dnnl_primitive_attr_t?
    DNNL.check(dnnl_primitive_attr_create(&attr), "creating primitive attributes")
    defer { dnnl_primitive_attr_destroy(attr) }
    DNNL.check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "asking for a user scratchpad")
    var pd: dnnl_primitive_desc_t?
    DNNL.check(
      dnnl_primitive_desc_create(&pd, opDesc, attr, DNNL.engine, hint?.descriptor),
      "creating the primitive descriptor for \(what())")
    var p: dnnl_primitive_t?
    DNNL.check(dnnl_primitive_create(&p, pd), "creating the primitive for \(what())")
    descriptor = pd!
    primitive = p!
    var scratchpad = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0).pointee
    scratchpadDesc = scratchpad
    scratchpadBytes = dnnl_memory_desc_get_size(&scratchpad)
  }

  /// The layout oneDNN chose for one of the primitive's arguments (e.g. `dnnl_query_workspace_md`).
  func memoryDesc(_ query: dnnl_query_t, _ index: Int32 = 0) -> dnnl_memory_desc_t {
    dnnl_primitive_desc_query_md(descriptor, query, index).pointee
  }

  /// Runs the primitive on caller-owned buffers: each (argument, descriptor, pointer) becomes a
  /// oneDNN memory object that wraps the pointer without copying, for the length of the call.
  /// The scratchpad, when the implementation wants one, is this call's alone.
  func execute(_ args: [(Int32, dnnl_memory_desc_t, UnsafeMutableRawPointer)]) {
    var scratchpad: UnsafeMutableRawPointer? = nil
    if scratchpadBytes > 0 {
      scratchpad =
        spareScratchpads.withLock { $0.popLast() }.flatMap(UnsafeMutableRawPointer.init(bitPattern:))
        ?? .allocate(byteCount: scratchpadBytes, alignment: 64)
    }
    defer {
      if let scratchpad { spareScratchpads.withLock { $0.append(UInt(bitPattern: scratchpad)) } }
    }
    var memories: [(Int32, dnnl_memory_t)] = []
    memories.reserveCapacity(args.count + 1)
    func wrap(_ arg: Int32, _ desc: dnnl_memory_desc_t, _ pointer: UnsafeMutableRawPointer) {
      var desc = desc
      var memory: dnnl_memory_t?
      DNNL.check(dnnl_memory_create(&memory, &desc, DNNL.engine, pointer), "wrapping argument \(arg)")
      memories.append((arg, memory!))
    }
    for (arg, desc, pointer) in args { wrap(arg, desc, pointer) }
    if let scratchpad { wrap(DNNL_ARG_SCRATCHPAD, scratchpadDesc, scratchpad) }
    DNNL.execute(primitive, memories)
    for (_, memory) in memories { dnnl_memory_destroy(memory) }
  }
}

/// A process-global map from a shape key to the primitives built for it, so that the second and
/// later calls with a shape cost one dictionary look-up under a lock.
final class DNNLPrimitiveCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
  private let entries = Locked<[Key: Value]>([:])

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
