// A stepper's author imports DescentOptim alone and gets what its code uses from DescentTensor:
// `Tensor` for the parameter groups, and SIMD8<Float>'s one-instruction operators
// (Backend/VectorMath.swift), without which the compiler sees a `step` as lane-by-lane code too
// big to inline into the fused loop (a user's RMSProp step stayed a call per 8 elements).
@_exported import DescentTensor
