import ArgumentParser

/// `--valid-pct`, for a dataset folder of class subfolders alone (no train/ and valid/): fastai's
/// `RandomSplitter(valid_pct, seed=42)`, the same split for every run and for `interpret`.
struct ValidationSplitOption: ParsableArguments {
  @Option(name: .customLong("valid-pct"), parsing: .unconditional, help: ArgumentHelp(
    "For a --data folder of class subfolders without train/ and valid/: the share of its images held out for validation, drawn with seed 42 as fastai's RandomSplitter (e.g. 0.2).",
    valueName: "valid-pct"))
  var validPct: Double?

  func validate() throws {
    if let validPct, !(validPct > 0 && validPct < 1) { throw ValidationError("--valid-pct must be in (0, 1), not \(validPct)") }
  }
}
