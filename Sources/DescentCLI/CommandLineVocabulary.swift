import ArgumentParser

/// One name per concept across the subcommands. Older or other names of an option are hidden
/// aliases, rewritten to the one name before parsing so that scripts keep working and `--help`
/// shows one; a mistyped subcommand gets "did you mean …".
enum CommandLineVocabulary {
  /// Alias → the option's one name, in every subcommand.
  static let aliases = [
    "--opts": "--opt", "--seeds": "--seed", "--batch-size": "--bs", "--workers": "--threads",
  ]

  /// Alias → the option's one name, in one subcommand: interpret's images are `--count`, as
  /// `data show`'s (predict's `--top` is the k of its top-k classes, another concept).
  static let commandAliases = ["interpret": ["--top": "--count"]]

  /// `arguments` (without the program's name) with every alias replaced by its name and a bare
  /// `--json` given its `-` (standard output), for `command`'s path of subcommand names.
  static func normalized(_ arguments: [String], root: ParsableCommand.Type) -> [String] {
    let path = walk(arguments, root: root).path
    var local: [String: String] = aliases
    for name in path { local.merge(commandAliases[name] ?? [:]) { _, new in new } }
    var out: [String] = []
    var k = 0
    var afterTerminator = false
    while k < arguments.count {
      var a = arguments[k]
      k += 1
      if afterTerminator || a == "--" {
        afterTerminator = true
        out.append(a)
        continue
      }
      let parts = a.split(separator: "=", maxSplits: 1).map(String.init)
      if let name = local[parts[0]] { a = parts.count == 2 ? "\(name)=\(parts[1])" : name }
      out.append(a)
      if a == "--json" && !jsonTakesFile(next: k < arguments.count ? arguments[k] : nil, path: path) { out.append("-") }
    }
    return out
  }

  /// Whether the token after `--json` is its FILE: `-`, a `.json` path, or — for a command with
  /// no positional arguments — any value that is not an option.
  static func jsonTakesFile(next: String?, path: [String]) -> Bool {
    guard let next else { return false }
    if next == "-" || next.hasSuffix(".json") { return true }
    if next.hasPrefix("-") { return false }
    return path.last != "predict"
  }

  /// The subcommand names `arguments` walk from `root` (`["bench", "optim"]`) and the command
  /// they reach.
  static func walk(_ arguments: [String], root: ParsableCommand.Type) -> (path: [String], command: ParsableCommand.Type) {
    var command = root, path: [String] = []
    for a in arguments {
      guard let next = command.configuration.subcommands.first(where: { $0._commandName == a }) else { break }
      path.append(a)
      command = next
    }
    return (path, command)
  }

  /// A usage error for the first argument past the subcommands when it is not one of the
  /// subcommands of where it stands, naming the closest (`trian` → `train`, `lr_find` →
  /// `lr-find`); nil when there is none, or it is an option.
  static func unknownSubcommand(_ arguments: [String], root: ParsableCommand.Type) -> String? {
    let (path, command) = walk(arguments, root: root)
    let names = command.configuration.subcommands.map { $0._commandName }
    guard path.count < arguments.count, !names.isEmpty else { return nil }
    let a = arguments[path.count]
    guard !a.hasPrefix("-"), a != "help" else { return nil }
    let suggestion = closest(to: a, among: names).map { " Did you mean '\($0)'?" } ?? ""
    return "'\(a)' is not a \((["descent"] + path).joined(separator: " ")) command.\(suggestion) Commands: \(names.joined(separator: ", "))."
  }

  /// The name nearest `word` by edit distance (with `_` read as `-`), if near enough to be a typo.
  static func closest(to word: String, among names: [String]) -> String? {
    let w = word.lowercased().replacingOccurrences(of: "_", with: "-")
    let scored = names.map { ($0, editDistance(w, $0)) }.min { $0.1 < $1.1 }
    guard let (name, distance) = scored, distance <= Swift.max(2, name.count / 3) else { return nil }
    return name
  }

  /// Levenshtein distance, with a swap of two neighbours counted as one edit.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty || b.isEmpty { return a.count + b.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        d[i][j] = Swift.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = Swift.min(d[i][j], d[i - 2][j - 2] + 1) }
      }
    }
    return d[a.count][b.count]
  }
}
