import Foundation
import Testing
@testable import DescentData

/// The built-in dataset's pieces that need no network: checksum, CSV to PNG folders, the
/// completion marker and the checksum error.
struct MNIST5kTests {
  @Test func sha256KnownVectors() {
    #expect(SHA256.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(SHA256.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    let long = Data((0..<1000).map { UInt8($0 % 251) })
    #expect(SHA256.hex(long).count == 64)
  }

  @Test func csvBecomesAnImageFolder() throws {
    let root = try TestImages.folder()
    // Three rows of each digit, the first two for training; pixel i of a row is (i + label) % 256.
    var text = ""
    for label in 0..<10 {
      for _ in 0..<3 { text += (0..<784).map { String(($0 + label) % 256) }.joined(separator: ",") + ",\(label)\n" }
    }
    try MNIST5k.writeImages(csv: Data(text.utf8), name: "x.csv", into: root, perClass: 3, trainPerClass: 2)
    let folder = try ImageFolder(root)
    #expect(folder.train.count == 20 && folder.valid.count == 10)
    #expect(folder.vocab.classes == (0..<10).map(String.init))
    let image = try ImageDecoder.decode(file: folder.valid.files[0], channels: 1)
    #expect(image.width == 28 && image.pixels[5] == 5)
    #expect(throws: DataError.self) {
      try MNIST5k.writeImages(csv: Data(text.utf8), name: "x.csv", into: root.appendingPathComponent("b"))
    }
  }

  @Test func markerSkipsTheFetchAndABadArchiveIsRefused() throws {
    let home = try TestImages.folder()
    let done = home.appendingPathComponent("mnist5k")
    try FileManager.default.createDirectory(at: done, withIntermediateDirectories: true)
    try Data().write(to: done.appendingPathComponent(".complete"))
    #expect(try MNIST5k.prepare(home: home).path == done.path)

    let other = try TestImages.folder()
    let archive = other.appendingPathComponent("downloads/mnist_5k.csv.gz")
    try FileManager.default.createDirectory(at: archive.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data("not it".utf8).write(to: archive)
    // The bad cached copy is deleted and fetched again, once: a download that is bad too is an
    // error, not a loop.
    var downloads = 0, log: [String] = []
    #expect(throws: DataError.checksumMismatch(archive.path, expected: MNIST5k.sha256, actual: SHA256.hex(Data("still not".utf8)))) {
      try MNIST5k.prepare(home: other, log: { log.append($0) }) { path in
        downloads += 1
        #expect(!FileManager.default.fileExists(atPath: path.path))
        try Data("still not".utf8).write(to: path)
      }
    }
    #expect(downloads == 1)
    #expect(log.first == "\(archive.path) has SHA-256 \(SHA256.hex(Data("not it".utf8))), expected \(MNIST5k.sha256): deleting it and fetching it again")
  }
}
