import Glibc

/// The precision convolutions compute in, per thread: fastai's mixed precision for CPUs
/// (PyTorch's autocast with bfloat16). With `.bfloat16`, a convolution's inputs (activations,
/// weights, incoming gradients) are rounded to bfloat16 as they are reordered into oneDNN's
/// layouts, the products run on the CPU's bfloat16 dot-product units, and the activations it
/// writes are stored in bfloat16 — weights, their gradients, the optimizer state and every
/// other op keep float32. bfloat16 has float32's exponent range, so no loss scaling is needed.
///
/// bfloat16 is not faster on every CPU: AVX512_BF16 without AMX (an Intel Xeon) computes its
/// products at about half of float32 FMA's rate, while a Zen 5 runs them 1.3–1.7× faster. So
/// `.mixed`, what `--mixed-precision` sets, decides per convolution pass (forward, backward
/// data, backward weights of each geometry): bfloat16 where it times faster on this machine
/// than float32's best algorithm, float32 elsewhere, chosen on first use and kept with the
/// algorithm choices (`ConvolutionKernels.precision`). A pass's output is stored in the
/// precision it computed in. A convolution records what its forward was asked for, and each
/// backward pass decides the same way.
///
/// Per thread, as autocast is: a training loop on one thread never changes another's (tests
/// and independent learners run side by side). DescentLearn's `MixedPrecision` callback sets
/// it around each batch's forward pass.
public enum ComputePrecision: UInt8, Sendable {
  case float32, bfloat16
  /// bfloat16 in the convolution passes where it times faster than float32, float32 elsewhere.
  case mixed

  /// The calling thread's precision (float32 unless set on this thread).
  public static var current: ComputePrecision {
    get {
      // The stored pointer's bit pattern is the raw value plus one (nil: never set).
      guard let stored = pthread_getspecific(key.value) else { return .float32 }
      return ComputePrecision(rawValue: UInt8(UInt(bitPattern: stored) - 1)) ?? .float32
    }
    set { pthread_setspecific(key.value, UnsafeRawPointer(bitPattern: UInt(newValue.rawValue) + 1)) }
  }

  /// One thread-specific slot, created once for the process.
  private final class Key: Sendable {
    let value: pthread_key_t
    init() {
      var key = pthread_key_t()
      pthread_key_create(&key, nil)
      value = key
    }
  }

  private static let key = Key()
}
