/// fastai's bias correction of a moving average: damp · (1 − mom^step) / (1 − mom).
@inlinable
public func debias(_ mom: Double, _ damp: Double, _ step: Double) -> Double {
  damp * (1 - Foundation.pow(mom, step)) / (1 - mom)
}

import Foundation
