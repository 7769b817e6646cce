import Foundation
import Testing
@testable import DescentTensor

@Suite struct TensorSafetensorsTests {
  @Test func tensorsRoundTripThroughAFile() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-\(UUID().uuidString).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let w = Fixture.tensor([2, 3, 1, 1]), b = Tensor([0.5, -1.5], shape: [2])
    try Safetensors.save(["conv.weight": w, "conv.bias": b], to: path, metadata: ["epoch": "3"])
    let (loaded, metadata) = try Safetensors.load(path: path)
    #expect(metadata == ["epoch": "3"])
    #expect(loaded["conv.weight"]?.shape == [2, 3, 1, 1] && loaded["conv.weight"]?.scalars == w.scalars)
    #expect(loaded["conv.bias"]?.scalars == b.scalars)

    try Safetensors.save(["w": w], to: path, dtype: .f16)
    let half = try Safetensors.load(path: path).tensors["w"]!
    expectClose(half.scalars, w.scalars, rtol: 1e-3, atol: 1e-3)
  }

  @Test func aTruncatedFileNamesTheFile() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-trunc-\(UUID().uuidString).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Safetensors.save(["w": Fixture.tensor([4, 4])], to: path)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: path))
    do {
      _ = try Safetensors.load(path: path)
      Issue.record("a truncated file loaded")
    } catch {
      #expect(error.description.contains(path))
    }
  }
}
