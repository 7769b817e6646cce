import CDNNL

/// The one oneDNN CPU engine and stream that every oneDNN primitive of the backend runs on.
/// Primitives execute synchronously from the calling thread (oneDNN parallelizes inside with
/// OpenMP), so one stream serves the whole process.
enum DNNL {
  /// Set once, never destroyed: oneDNN handles are opaque pointers, valid for the process.
  nonisolated(unsafe) static let engine: dnnl_engine_t = {
    var engine: dnnl_engine_t?
    check(dnnl_engine_create(&engine, dnnl_cpu, 0), "creating the CPU engine")
    return engine!
  }()

  nonisolated(unsafe) static let stream: dnnl_stream_t = {
    var stream: dnnl_stream_t?
    check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "creating a stream")
    return stream!
  }()

  /// oneDNN reports failures by status; any failure here is a programming error in the backend
  /// (an unsupported descriptor), so it stops the process with what was being done.
  static func check(_ status: dnnl_status_t, _ what: @autoclosure () -> String) {
    if status != dnnl_success {
      fatalError("oneDNN failed (status \(status.rawValue)) while \(what())")
    }
  }

  /// A plain (non-blocked) memory descriptor for Float32 data with the given dims and layout tag.
  static func memoryDesc(_ dims: [Int], _ tag: dnnl_format_tag_t, _ type: dnnl_data_type_t = dnnl_f32) -> dnnl_memory_desc_t {
    var md = dnnl_memory_desc_t()
    var d = dims.map { dnnl_dim_t($0) }
    check(dnnl_memory_desc_init_by_tag(&md, Int32(dims.count), &d, type, tag), "describing memory \(dims)")
    return md
  }

  /// Runs a primitive with (argument kind, memory) pairs and waits for it to finish.
  static func execute(_ primitive: dnnl_primitive_t, _ args: [(Int32, dnnl_memory_t)]) {
    var execArgs = args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
    check(dnnl_primitive_execute(primitive, stream, Int32(execArgs.count), &execArgs), "executing a primitive")
    check(dnnl_stream_wait(stream), "waiting for the stream")
  }
}

extension DNNL {
  /// `dnnl_sgemm` on n×n×n row-major matrices, called directly: the machine's float32 GEMM
  /// limit that `MachineLimits` measures, independent of the path `GEMM` takes.
  static func rawSgemm(n: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>) {
    let d = dnnl_dim_t(n)
    check(dnnl_sgemm(78, 78, d, d, d, 1, a, d, b, d, 0, c, d), "running sgemm \(n)³")  // "N", "N"
  }
}
