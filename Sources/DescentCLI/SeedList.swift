import ArgumentParser

/// `--seed`: one seed, or for `compare` several, comma-separated (`42,1,2`). Kept as written
/// and parsed by `seeds()`, so that a bad one is refused naming it.
struct SeedList: ExpressibleByArgument {
  let text: String

  init(_ text: String) { self.text = text }
  init?(argument: String) { self.init(argument) }

  var defaultValueDescription: String { text }

  /// The seeds in order; each a whole number ≥ 0, none twice.
  func seeds() throws -> [UInt64] {
    var parsed: [UInt64] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let seed = UInt64(part.trimmingCharacters(in: .whitespaces)) else {
        throw ValidationError("--seed: '\(part)' is not a seed (a whole number ≥ 0)")
      }
      guard !parsed.contains(seed) else { throw ValidationError("--seed: \(seed) is given twice") }
      parsed.append(seed)
    }
    return parsed
  }
}
