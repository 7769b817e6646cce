import ArgumentParser

@main
struct Descent: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "descent",
    abstract: "Train image classifiers and compare optimizers, fastai-style, in Swift.",
    subcommands: [Bench.self])
}
