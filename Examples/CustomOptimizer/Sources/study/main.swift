import DescentCLI
import DescentOptim

// Descent's commands — train, lr-find, compare, … — with two optimizers of this package in the
// catalog beside Descent's:
//   swift run -c release study compare --data mnist5k --opts rmsprop,my-rmsprop,adabelief --seeds 42,1,2
OptimizerCatalog.register(myRMSProp)
OptimizerCatalog.register(adaBelief)
Descent.main()
