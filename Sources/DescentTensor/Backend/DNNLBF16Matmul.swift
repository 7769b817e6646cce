import CDNNL

/// oneDNN's bfloat16 matmul primitive on n×n×n — bfloat16 inputs, float32 output, the weights
/// reordered once into the blocked layout its kernel prefers — kept only to measure the
/// machine's bfloat16 GEMM limit (`MachineLimits.bf16GemmGFLOPs`), the bar mixed-precision
/// training is judged against. One instance is made, run and dropped on one thread.
public final class DNNLBF16Matmul {
  private let primitive: dnnl_primitive_t
  private let memories: [dnnl_memory_t]
  private let args: [(Int32, dnnl_memory_t)]

  public init(n: Int) {
    let what = "the bfloat16 matmul \(n)³"
    var src = DNNL.memoryDesc([n, n], dnnl_ab, dnnl_bf16)
    var weightsAny = DNNL.memoryDesc([n, n], dnnl_format_tag_any, dnnl_bf16)
    var dst = DNNL.memoryDesc([n, n], dnnl_ab, dnnl_f32)
    var desc = dnnl_matmul_desc_t()
    DNNL.check(dnnl_matmul_desc_init(&desc, &src, &weightsAny, nil, &dst), "describing \(what)")
    var pd: dnnl_primitive_desc_t?
    DNNL.check(dnnl_primitive_desc_create(&pd, &desc, nil, DNNL.engine, nil), "planning \(what)")
    defer { dnnl_primitive_desc_destroy(pd) }
    var created: dnnl_primitive_t?
    DNNL.check(dnnl_primitive_create(&created, pd), "creating \(what)")
    primitive = created!
    let weights = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0)!
    let scratchpad = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0)!
    func allocated(_ desc: UnsafePointer<dnnl_memory_desc_t>, fill bits: UInt16) -> dnnl_memory_t {
      var memory: dnnl_memory_t?
      // DNNL_MEMORY_ALLOCATE: oneDNN owns the buffer.
      DNNL.check(dnnl_memory_create(&memory, desc, DNNL.engine, UnsafeMutableRawPointer(bitPattern: UInt.max)), "allocating for \(what)")
      var handle: UnsafeMutableRawPointer?
      DNNL.check(dnnl_memory_get_data_handle(memory, &handle), "reading a buffer of \(what)")
      // Every element the same value: the products are real arithmetic whatever the layout.
      let halves = dnnl_memory_desc_get_size(desc) / 2
      handle!.bindMemory(to: UInt16.self, capacity: halves).initialize(repeating: bits, count: halves)
      return memory!
    }
    let srcMemory = allocated(&src, fill: 0x3F80)  // 1.0
    let weightsMemory = allocated(weights, fill: 0x3C00)  // 0.0078125
    let dstMemory = allocated(&dst, fill: 0)
    var list = [(DNNL_ARG_SRC, srcMemory), (DNNL_ARG_WEIGHTS, weightsMemory), (DNNL_ARG_DST, dstMemory)]
    if dnnl_memory_desc_get_size(scratchpad) > 0 { list.append((DNNL_ARG_SCRATCHPAD, allocated(scratchpad, fill: 0))) }
    args = list
    memories = list.map(\.1)
  }

  deinit {
    dnnl_primitive_destroy(primitive)
    for memory in memories { dnnl_memory_destroy(memory) }
  }

  /// One product, waited for.
  public func run() { DNNL.execute(primitive, args) }
}
