import Foundation

/// The file extensions read as images (compared case-insensitively).
public let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

/// fastai's `get_image_files`: every image file under `root`, recursively, skipping hidden files
/// and folders (names starting with "."), sorted by path so that a run is reproducible whatever
/// order the file system lists them in.
public func getImageFiles(_ root: URL) throws -> [URL] {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
    throw DataError.missingFolder(root.path)
  }
  var files: [URL] = []
  collectImages(in: root, into: &files)
  files.sort { $0.path < $1.path }
  return files
}

private func collectImages(in folder: URL, into files: inout [URL]) {
  guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
  for name in names where !name.hasPrefix(".") {
    let url = folder.appendingPathComponent(name)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
    if isDirectory.boolValue {
      collectImages(in: url, into: &files)
    } else if imageExtensions.contains(url.pathExtension.lowercased()) {
      files.append(url)
    }
  }
}

/// The non-hidden sub-folders of `folder`, sorted by name.
func subfolders(of folder: URL) -> [URL] {
  let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
  return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }.filter {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDirectory) && isDirectory.boolValue
  }
}
