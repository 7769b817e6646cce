import ArgumentParser
import Foundation
import Testing
@testable import DescentCLI

/// One name per concept across every subcommand, walked from `descent`'s own description of its
/// options (ArgumentParser's help dump): no alias shown, one value name per option name, the
/// same meaning for `--plot`, `--json` wherever results are printed, defaults shown.
@Suite struct OptionWalkTests {
  struct Command {
    let path: String
    let options: [[String: Any]]
  }

  /// Every leaf command with its displayed options.
  static func commands() throws -> [Command] {
    var text = ""
    do { _ = try Descent.parseAsRoot(["--experimental-dump-help"]) } catch { text = Descent.fullMessage(for: error) }
    let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    var out: [Command] = []
    func walk(_ c: [String: Any], _ path: String) {
      let subcommands = c["subcommands"] as? [[String: Any]] ?? []
      if subcommands.isEmpty {
        let options = (c["arguments"] as? [[String: Any]] ?? []).filter { ($0["shouldDisplay"] as? Bool) == true && $0["kind"] as? String != "positional" }
        out.append(Command(path: path, options: options))
      }
      for s in subcommands { walk(s, path + " " + (s["commandName"] as! String)) }
    }
    walk(try #require(root["command"] as? [String: Any]), "descent")
    return out
  }

  static func names(_ option: [String: Any]) -> [String] {
    (option["names"] as? [[String: Any]] ?? []).compactMap { n in (n["kind"] as? String) == "long" ? "--" + (n["name"] as! String) : nil }
  }

  @Test func everySubcommandIsWalked() throws {
    let paths = try Self.commands().map(\.path)
    #expect(paths.count == 15, "\(paths)")
    #expect(paths.contains("descent train") && paths.contains("descent bench optim") && paths.contains("descent data show"))
  }

  @Test func noAliasIsShown() throws {
    for command in try Self.commands() {
      for option in command.options {
        for name in Self.names(option) {
          #expect(CommandLineVocabulary.aliases[name] == nil, "\(command.path) shows \(name), an alias of \(CommandLineVocabulary.aliases[name] ?? "")")
        }
      }
    }
  }

  /// One concept, one name: a batch size is `--bs`, threads are `--threads`, optimizers `--opt`,
  /// seeds `--seed`, wherever they appear.
  @Test func oneNamePerConcept() throws {
    let concepts: [(pattern: String, name: String)] = [
      ("^batch size", "--bs"), ("^(worker|kernel) threads", "--threads"), ("^optimizer|comma-separated optimizers", "--opt"),
      ("^random seed", "--seed"),
    ]
    for command in try Self.commands() {
      for option in command.options {
        let abstract = (option["abstract"] as? String ?? "").lowercased()
        for concept in concepts where abstract.range(of: concept.pattern, options: .regularExpression) != nil {
          #expect(Self.names(option) == [concept.name], "\(command.path): '\(abstract)' is named \(Self.names(option)), not \(concept.name)")
        }
      }
    }
  }

  @Test func anOptionNameTakesOneKindOfValueEverywhere() throws {
    var valueNames: [String: Set<String>] = [:]
    for command in try Self.commands() {
      for option in command.options where option["kind"] as? String == "option" {
        for name in Self.names(option) { valueNames[name, default: []].insert(option["valueName"] as? String ?? "") }
      }
    }
    for (name, values) in valueNames { #expect(values.count == 1, "\(name) takes \(values.sorted())") }
  }

  /// `--plot` is a PNG or SVG file on every command that draws.
  @Test func plotIsAFileEverywhere() throws {
    var seen = 0
    for command in try Self.commands() {
      for option in command.options where Self.names(option) == ["--plot"] {
        seen += 1
        #expect((option["abstract"] as? String ?? "").hasPrefix("PNG or SVG file"), "\(command.path): --plot is '\(option["abstract"] ?? "")'")
      }
    }
    #expect(seen == 3)
  }

  /// Every command that prints results takes `--json` (`data show` writes a picture,
  /// `data mnist5k` fetches).
  @Test func everyCommandThatPrintsResultsTakesJSON() throws {
    for command in try Self.commands() where !["descent data show", "descent data mnist5k", "descent help"].contains(command.path) {
      #expect(command.options.contains { Self.names($0) == ["--json"] }, "\(command.path) has no --json")
    }
  }

  /// An option that takes a value shows its default, in ArgumentParser's "(default: …)" or in
  /// its help; those without one are outputs or inputs whose absence means "none".
  @Test func defaultsAreShown() throws {
    let absentMeansNone: Set<String> = ["--csv", "--save", "--json", "--plot", "--tensorboard", "--weights", "--folder", "--lr", "--wd", "--threads", "--valid-pct", "--checkpoint", "--resume"]
    for command in try Self.commands() {
      for option in command.options where option["kind"] as? String == "option" && (option["isOptional"] as? Bool) == true {
        let name = Self.names(option).first ?? ""
        let shown = option["defaultValue"] != nil || (option["abstract"] as? String ?? "").contains("default")
        #expect(shown || absentMeansNone.contains(name), "\(command.path) \(name) shows no default")
      }
    }
  }
}

@Suite struct CommandLineVocabularyTests {
  func normalized(_ a: [String]) -> [String] { CommandLineVocabulary.normalized(a, root: Descent.self) }

  @Test func aliasesBecomeTheOneName() {
    #expect(normalized(["compare", "--opts", "adam", "--seeds=1,2", "--batch-size", "8"]) == ["compare", "--opt", "adam", "--seed=1,2", "--bs", "8"])
    #expect(normalized(["data", "bench", "--workers", "2"]) == ["data", "bench", "--threads", "2"])
    // interpret's --top is its --count; predict's --top is its own option.
    #expect(normalized(["interpret", "--model", "m", "--top", "4"]) == ["interpret", "--model", "m", "--count", "4"])
    #expect(normalized(["predict", "--model", "m", "--top", "4", "a.png"]) == ["predict", "--model", "m", "--top", "4", "a.png"])
    // After `--`, nothing is an option.
    #expect(normalized(["predict", "--model", "m", "--", "--opts"]) == ["predict", "--model", "m", "--", "--opts"])
  }

  @Test func aBareJSONMeansStandardOutput() {
    #expect(normalized(["train", "--json"]) == ["train", "--json", "-"])
    #expect(normalized(["train", "--json", "--epochs", "1"]) == ["train", "--json", "-", "--epochs", "1"])
    #expect(normalized(["compare", "--json", "runs.json"]) == ["compare", "--json", "runs.json"])
    #expect(normalized(["compare", "--json", "out/runs"]) == ["compare", "--json", "out/runs"])
    // predict's images are positional: only a .json path (or -) is the file.
    #expect(normalized(["predict", "--model", "m", "--json", "a.png"]) == ["predict", "--model", "m", "--json", "-", "a.png"])
    #expect(normalized(["predict", "--model", "m", "--json", "p.json", "a.png"]) == ["predict", "--model", "m", "--json", "p.json", "a.png"])
  }

  @Test func aliasesParse() throws {
    let parsed = try Descent.parseAsRoot(normalized(["compare", "--opts", "adam,sgd", "--seeds", "1,2", "--json"]))
    let compare = try #require(parsed as? Compare)
    #expect(compare.opts == "adam,sgd")
    #expect(try compare.options.seedList.seeds() == [1, 2])
    #expect(compare.json.toStandardOutput)
    let bench = try #require(try Descent.parseAsRoot(normalized(["data", "bench", "--batch-size", "8", "--workers", "1"])) as? DataBench)
    #expect(bench.batchSize == 8 && bench.workers == 1)
  }

  @Test func trainTakesOneSeed() {
    #expect(throws: (any Error).self) { try Descent.parseAsRoot(["train", "--seed", "1,2"]) }
    #expect(throws: (any Error).self) { try Descent.parseAsRoot(["compare", "--seed", "1,1"]) }
  }

  @Test func aMistypedCommandGetsASuggestion() {
    func unknown(_ a: [String]) -> String? { CommandLineVocabulary.unknownSubcommand(a, root: Descent.self) }
    #expect(unknown(["trian", "--data", "mnist5k"])?.contains("Did you mean 'train'?") == true)
    #expect(unknown(["lr_find"])?.contains("Did you mean 'lr-find'?") == true)
    #expect(unknown(["bench", "optm"])?.contains("'optm' is not a descent bench command. Did you mean 'optim'?") == true)
    #expect(unknown(["xyzzy"]).map { !$0.contains("Did you mean") } == true)
    #expect(unknown(["train", "--data", "mnist5k"]) == nil)
    #expect(unknown(["--help"]) == nil)
  }

  @Test func editDistanceCountsASwapAsOne() {
    #expect(CommandLineVocabulary.editDistance("trian", "train") == 1)
    #expect(CommandLineVocabulary.editDistance("compre", "compare") == 1)
    #expect(CommandLineVocabulary.editDistance("", "abc") == 3)
  }
}

/// An output file is claimed for the run: another process (here, another open file description
/// of the same lock, which flock treats alike) cannot take it while this one holds it.
@Suite struct OutputClaimTests {
  @Test func aClaimedOutputIsLocked() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("claimed-\(UUID().uuidString).csv").path
    try OutputPaths.checkFile(path, flag: "--csv")
    try OutputPaths.claim(path, flag: "--csv")  // this process again: still its own
    let lock = try #require(OutputPaths.lockFile(for: path))
    let fd = open(lock, O_RDWR)
    defer { close(fd) }
    #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0)
    let other = FileManager.default.temporaryDirectory.appendingPathComponent("free-\(UUID().uuidString).csv").path
    let free = open(try #require(OutputPaths.lockFile(for: other)), O_RDWR | O_CREAT, 0o644)
    defer { close(free) }
    #expect(flock(free, LOCK_EX | LOCK_NB) == 0)
  }
}
