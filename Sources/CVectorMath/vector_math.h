// Vector math that Swift's SIMD types lack as single instructions: Swift's SIMD8<Float>
// squareRoot() is computed lane by lane, while clang lowers this to sqrtps. Swift imports
// the 8 x float vector type as SIMD8<Float>; the functions are inlined into their callers.
#pragma once

typedef float descent_float8 __attribute__((ext_vector_type(8)));

static inline __attribute__((always_inline)) descent_float8 descent_sqrt8(descent_float8 x) {
  return __builtin_elementwise_sqrt(x);
}
