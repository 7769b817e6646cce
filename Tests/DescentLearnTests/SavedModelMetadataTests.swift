import DescentLearn
import DescentNN
import Testing

/// A saved model's metadata reads back what was written, and a lying field is named.
@Suite struct SavedModelMetadataTests {
  static let good = SavedModelMetadata(arch: .resnet34, classes: ["cat", "dog", "日本"], presize: 160, size: 128)

  @Test func entriesReadBack() throws {
    #expect(try SavedModelMetadata(Self.good.entries) == Self.good)
  }

  @Test(arguments: [
    ("descent.presize", "-1", "its metadata descent.presize '-1' is not a size in 8…2048"),
    ("descent.presize", "100000", "its metadata descent.presize '100000' is not a size in 8…2048"),
    ("descent.size", "0", "its metadata descent.size '0' is not a size in 8…160 (the presize)"),
    ("descent.size", "200", "its metadata descent.size '200' is not a size in 8…160 (the presize)"),
    ("descent.arch", "vgg", "its metadata descent.arch 'vgg' is not one of resnet18, resnet34, resnet50, xresnet18, xresnet34, xresnet50"),
    ("descent.classes", "[\"a\"]", "its metadata descent.classes is not a JSON list of at least two distinct, non-empty class names"),
    ("descent.classes", "[\"a\",\"a\"]", "its metadata descent.classes is not a JSON list of at least two distinct, non-empty class names"),
    ("descent.classes", "{", "its metadata descent.classes is not a JSON list of at least two distinct, non-empty class names"),
  ])
  func aLyingFieldIsNamed(field: String, value: String, message: String) {
    var entries = Self.good.entries
    entries[field] = value
    #expect(throws: SavedModelMetadata.ReadError.self) { try SavedModelMetadata(entries) }
    do { _ = try SavedModelMetadata(entries) } catch { #expect(error.description == message) }
  }

  @Test func otherFilesAreNotSavedModels() {
    #expect(throws: SavedModelMetadata.ReadError.notASavedModel) { try SavedModelMetadata(["format": "pt"]) }
  }
}
