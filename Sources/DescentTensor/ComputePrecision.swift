import Glibc

/// The precision convolutions compute in, per thread: fastai's mixed precision for CPUs
/// (PyTorch's autocast with bfloat16). With `.bfloat16`, a convolution's inputs (activations,
/// weights, incoming gradients) are rounded to bfloat16 as they are reordered into oneDNN's
/// layouts, the products run on the CPU's bfloat16 dot-product units, and every output and
/// gradient stays float32 — so weights, optimizer state and everything else keep float32.
/// bfloat16 has float32's exponent range, so no loss scaling is needed. Each convolution
/// records the precision it ran in, and its backward uses the same.
///
/// Per thread, as autocast is: a training loop on one thread never changes another's (tests
/// and independent learners run side by side). DescentLearn's `MixedPrecision` callback sets
/// it around each batch's forward pass.
public enum ComputePrecision: UInt8, Sendable {
  case float32, bfloat16

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
