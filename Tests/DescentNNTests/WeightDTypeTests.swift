import Foundation
import Testing
@testable import DescentNN
import DescentTensor

/// A model's weights load only from floating-point tensors: an int8 file is an error naming the
/// tensor (it used to load as nonsense and predict NaN), while PyTorch's int64
/// `num_batches_tracked` buffers are passed over as before.
@Suite struct WeightDTypeTests {
  static func file(weightDType: SafetensorsDType) -> SafetensorsFile {
    SafetensorsFile(entries: [
      SafetensorsEntry(name: "weight", dtype: weightDType, shape: [2, 3], bytes: [UInt8](repeating: 1, count: 6 * weightDType.byteSize)),
      SafetensorsEntry(name: "bias", floats: [0.5, -0.5], shape: [2]),
      SafetensorsEntry(name: "num_batches_tracked", dtype: .i64, shape: [], bytes: [UInt8](repeating: 0, count: 8)),
    ])
  }

  @Test func integerWeightsAreRefusedNamingTheTensor() {
    let model = Linear(3, 2)
    let before = model.weight.scalars
    #expect(throws: StateDictError.self) { try model.loadStateDict(Self.file(weightDType: .i8), sourceName: "q.safetensors") }
    do {
      try model.loadStateDict(Self.file(weightDType: .i8), sourceName: "q.safetensors")
    } catch {
      #expect(error.description == "q.safetensors: tensor weight is stored as I8; a model's weights must be floating point (F16, BF16, F32 or F64)")
    }
    #expect(model.weight.scalars == before)  // nothing loaded
  }

  @Test func floatingPointWeightsLoadAndIntegerBuffersArePassedOver() throws {
    let model = Linear(3, 2)
    let report = try model.loadStateDict(Self.file(weightDType: .f16), sourceName: "h.safetensors")
    #expect(report.loaded == 2 && report.isClean)
    #expect(model.bias?.scalars == [0.5, -0.5])
  }
}
