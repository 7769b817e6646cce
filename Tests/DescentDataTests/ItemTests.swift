import DescentData
import Foundation
import Testing

/// Finding, splitting and labelling image files, and the errors for bad folders.
struct ItemTests {
  @Test func imageFilesAreRecursiveSortedAndSkipHidden() throws {
    let root = try TestImages.folder()
    let n = try TestImages.imageFolder(at: root)
    let hidden = root.appendingPathComponent("train/.cache")
    try FileManager.default.createDirectory(at: hidden, withIntermediateDirectories: true)
    try PNGImage.write(TestImages.solid(1), to: hidden.appendingPathComponent("x.png"))
    try PNGImage.write(TestImages.solid(1), to: root.appendingPathComponent("train/cat/.x.png"))
    try Data("not an image".utf8).write(to: root.appendingPathComponent("train/cat/notes.txt"))
    let files = try getImageFiles(root)
    #expect(files.count == n)
    #expect(files.map(\.path) == files.map(\.path).sorted())
    #expect(files.contains { $0.lastPathComponent == "2.JPG" })
  }

  /// Linked folders are followed; a link back into the folders being walked (a loop) is not, and
  /// a link to a missing image is listed so that reading it names it.
  @Test func symbolicLinksAreFollowedOnceAndLoopsEnd() throws {
    let root = try TestImages.folder()
    let n = try TestImages.imageFolder(at: root)
    let fm = FileManager.default
    try fm.createSymbolicLink(atPath: root.appendingPathComponent("loop").path, withDestinationPath: ".")
    try fm.createSymbolicLink(atPath: root.appendingPathComponent("train/cat/up").path, withDestinationPath: "../..")
    try fm.createSymbolicLink(atPath: root.appendingPathComponent("train/dog/again").path, withDestinationPath: "../dog")
    // A folder outside the root, reached only through a link: walked.
    let outside = try TestImages.folder("outside")
    try PNGImage.write(TestImages.solid(9), to: outside.appendingPathComponent("9.png"))
    try fm.createSymbolicLink(atPath: root.appendingPathComponent("train/fox/more").path, withDestinationPath: outside.path)
    try fm.createSymbolicLink(atPath: root.appendingPathComponent("train/cat/gone.png").path, withDestinationPath: "/no/such.png")
    let files = try getImageFiles(root)
    #expect(files.count == n + 2)
    #expect(Set(files.map { $0.resolvingSymlinksInPath().path }).count == n + 2)
    #expect(files.contains { $0.path.hasSuffix("train/fox/more/9.png") })
    let gone = root.appendingPathComponent("train/cat/gone.png")
    #expect(files.contains(gone))
    #expect(throws: DataError.self) { try ImageDecoder.decode(file: gone) }
  }

  /// A class folder that links to another class is a class of its own with the same images,
  /// as fastai's `os.walk(followlinks=True)` makes it, whether its name sorts before or after.
  @Test func aLinkedClassFolderIsAClass() throws {
    let root = try TestImages.folder()
    try TestImages.imageFolder(at: root, classes: ["cat", "dog"], perClass: 3)
    let fm = FileManager.default
    for name in ["bird", "zebra"] {
      try fm.createSymbolicLink(atPath: root.appendingPathComponent("train/\(name)").path, withDestinationPath: "cat")
    }
    let data = try ImageFolder(root)
    #expect(data.vocab.classes == ["bird", "cat", "dog", "zebra"])
    let counts = data.vocab.classes.indices.map { c in data.train.labels.count { $0 == c } }
    #expect(counts == [3, 3, 3, 3])
    #expect(data.valid.count == 6)
  }

  @Test func imageFolderSplitsAndLabels() throws {
    let root = try TestImages.folder()
    try TestImages.imageFolder(at: root, perClass: 3)
    let data = try ImageFolder(root)
    #expect(data.vocab.classes == ["cat", "dog", "fox"])
    #expect(data.train.count == 9 && data.valid.count == 9)
    #expect(data.train.labels == [0, 0, 0, 1, 1, 1, 2, 2, 2])
    #expect(data.valid.files.allSatisfy { $0.path.contains("/valid/") })
  }

  @Test func splitters() {
    let files = ["a/train/x/1.png", "a/val/x/2.png", "a/train/y/3.png", "a/other/y/4.png"].map { URL(fileURLWithPath: $0) }
    #expect(GrandparentSplitter(validName: "val").split(files) == Split(train: [0, 2], valid: [1]))
    let many = (0..<100).map { URL(fileURLWithPath: "/\($0).png") }
    let s = RandomSplitter(validPct: 0.2, seed: 7).split(many)
    #expect(s.valid.count == 20 && Set(s.train + s.valid).count == 100)
    #expect(s == RandomSplitter(validPct: 0.2, seed: 7).split(many))
    #expect(s != RandomSplitter(validPct: 0.2, seed: 8).split(many))
  }

  @Test func folderErrorsNameThePath() throws {
    let root = try TestImages.folder()
    let missing = root.appendingPathComponent("nope")
    #expect(throws: DataError.missingFolder(missing.path)) { try getImageFiles(missing) }
    #expect(throws: DataError.missingFolder(missing.path)) { try ImageFolder(missing) }

    try TestImages.imageFolder(at: root, classes: ["only"], perClass: 2)
    #expect(throws: DataError.singleClass(folder: root.appendingPathComponent("train").path, label: "only")) {
      try ImageFolder(root)
    }
    let empty = root.appendingPathComponent("train/empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    #expect(throws: DataError.emptyClassFolder(empty.path)) { try ImageFolder(root) }

    let bare = try TestImages.folder()
    for split in ["train", "valid"] {
      try FileManager.default.createDirectory(at: bare.appendingPathComponent(split), withIntermediateDirectories: true)
    }
    #expect(throws: DataError.noImages(bare.appendingPathComponent("train").path)) { try ImageFolder(bare) }
  }

  /// A folder of class subfolders alone, split as fastai's `RandomSplitter(valid_pct, seed=42)`.
  @Test func aFlatFolderIsSplitAtRandom() throws {
    let root = try TestImages.folder()
    try TestImages.imageFolder(at: root.appendingPathComponent("train"), classes: ["cat", "dog"], perClass: 10, splits: ["."])
    let flat = root.appendingPathComponent("train")
    let data = try ImageFolder(flat, validPct: 0.2)
    #expect(data.valid.count == 4 && data.train.count == 16)
    #expect(data.vocab.classes == ["cat", "dog"])
    let files = try getImageFiles(flat)
    let split = RandomSplitter(validPct: 0.2, seed: 42).split(files)
    #expect(data.valid.files == split.valid.map { files[$0] })
    #expect(data.valid.labels == split.valid.map { files[$0].deletingLastPathComponent().lastPathComponent == "cat" ? 0 : 1 })
    // The same split every time: interpret validates on the images train held out.
    #expect(try ImageFolder(flat, validPct: 0.2).valid.files == data.valid.files)
    // Unsplit without a percentage, or split with one: refused, naming the folder.
    #expect(throws: DataError.unsplitFolder(flat.path)) { try ImageFolder(flat) }
    try TestImages.imageFolder(at: root, classes: ["cat", "dog"], perClass: 2, splits: ["valid"])
    #expect(throws: DataError.alreadySplit(root.path)) { try ImageFolder(root, validPct: 0.2) }
  }
}
