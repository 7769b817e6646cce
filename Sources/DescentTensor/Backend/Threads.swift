/// The number of threads every backend uses: Swift kernels (`Parallel`) and the OpenMP runtime
/// oneDNN runs its convolutions and GEMMs on.
public enum Threads {
  /// Sets both (OpenMP's count for the calling thread, which is the one that runs the model).
  public static func set(_ count: Int) {
    precondition(count >= 1, "thread count must be at least 1, not \(count)")
    Parallel.threads = count
    OpenMP.threads = count
  }
}
