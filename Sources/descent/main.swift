import DescentCLI

// The commands live in DescentCLI, so that a program of one's own can run them with its own
// optimizers registered (Examples/CustomOptimizer).
Descent.main()
