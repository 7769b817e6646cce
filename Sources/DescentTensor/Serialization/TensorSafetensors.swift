/// Saving and loading named tensors as safetensors files (the format PyTorch's
/// `safetensors.torch.save_file` / `load_file` use).
extension Safetensors {
  /// Writes `tensors` atomically (temporary file, then rename) as F32, or F16 when `dtype` says.
  public static func save(
    _ tensors: [String: Tensor], to path: String, metadata: [String: String] = [:], dtype: SafetensorsDType = .f32
  ) throws(SafetensorsError) {
    let entries = tensors.map { name, t in
      SafetensorsEntry(name: name, floats: t.scalars, shape: t.shape, dtype: dtype)
    }
    try write(SafetensorsFile(entries: entries, metadata: metadata), to: path)
  }

  /// Reads every tensor of a file as Float32 (converting F16, BF16, F64 and integer dtypes).
  public static func load(path: String) throws(SafetensorsError) -> (tensors: [String: Tensor], metadata: [String: String]) {
    let file = try read(path: path)
    var tensors: [String: Tensor] = [:]
    for entry in file.entries {
      tensors[entry.name] = Tensor(try entry.floats(), shape: entry.shape)
    }
    return (tensors, file.metadata)
  }
}
