import Foundation
import Glibc

/// The file extensions read as images (compared case-insensitively).
public let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

/// fastai's `get_image_files`: every image file under `root`, recursively, skipping hidden files
/// and folders (names starting with "."), sorted by path so that a run is reproducible whatever
/// order the file system lists them in. Symbolic links to folders are followed, as fastai's
/// `os.walk(followlinks=True)` does: a class folder that links to another class is a class of
/// its own with the same images, as in fastai. A link back to a folder being walked (by device
/// and inode: a loop) is not followed, so the walk ends. A link to an image that is not there is
/// listed, so that reading it fails (or is skipped) naming it, like any bad file.
public func getImageFiles(_ root: URL) throws -> [URL] {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
    throw DataError.missingFolder(root.path)
  }
  var files: [URL] = []
  collectImages(in: root, into: &files, ancestors: [])
  files.sort { $0.path < $1.path }
  return files
}

/// A folder as the file system knows it, whatever path or link reached it.
private struct FolderIdentity: Hashable {
  let device: UInt, inode: UInt

  init?(_ path: String) {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    (device, inode) = (UInt(info.st_dev), UInt(info.st_ino))
  }
}

/// `ancestors`: the folders on the path from the root to `folder`, which a link may not enter again.
private func collectImages(in folder: URL, into files: inout [URL], ancestors: Set<FolderIdentity>) {
  guard let identity = FolderIdentity(folder.path), !ancestors.contains(identity) else { return }
  guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
  let path = ancestors.union([identity])
  for name in names.sorted() where !name.hasPrefix(".") {
    let url = folder.appendingPathComponent(name)
    let isImage = imageExtensions.contains(url.pathExtension.lowercased())
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      // Nothing there: a dangling link. An image name is kept so that loading it reports it.
      if isImage { files.append(url) }
      continue
    }
    if isDirectory.boolValue {
      collectImages(in: url, into: &files, ancestors: path)
    } else if isImage {
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
