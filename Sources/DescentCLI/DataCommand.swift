import ArgumentParser

/// `descent data …`: the built-in datasets, a look at a batch, and the loader's speed.
struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data",
    abstract: "Fetch built-in datasets, show a batch as training sees it, measure loading speed.",
    subcommands: [DataMNIST5k.self, DataShow.self, DataBench.self])
}
