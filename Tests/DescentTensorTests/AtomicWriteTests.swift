import Foundation
import Testing

@testable import DescentTensor

/// Atomic writes leave no hidden temporary file behind, even one a killed writer left.
@Suite struct AtomicWriteTests {
  @Test func aKilledWritersTemporaryFileIsRemovedByTheNextWrite() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    func file(_ name: String) -> String { folder.appendingPathComponent(name).path }
    // No process has a pid above the kernel's limit (at most 2²²): that writer is gone.
    let stale = file(".m.safetensors.99999999.abc.tmp")
    let live = file(".m.safetensors.\(getpid()).def.tmp")  // this process: a write in progress
    let other = file(".n.safetensors.99999999.abc.tmp")  // another file's
    for path in [stale, live, other] { #expect(FileManager.default.createFile(atPath: path, contents: Data([1, 2]))) }
    try FileIO.writeAtomically([7, 8, 9], to: file("m.safetensors"))
    #expect(try FileIO.readAll(path: file("m.safetensors")) == [7, 8, 9])
    #expect(!FileManager.default.fileExists(atPath: stale))
    #expect(FileManager.default.fileExists(atPath: live) && FileManager.default.fileExists(atPath: other))
    // Done writing: its temporary is no longer listed for removal on interrupt (other tests'
    // writes may be in progress at the same time, in other folders).
    #expect(!TemporaryFiles.inProgress.withLock { $0.contains { $0.hasPrefix(folder.path) } })
  }
}
