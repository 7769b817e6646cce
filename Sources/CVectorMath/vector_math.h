// Vector math that Swift's SIMD types lack as single instructions: Swift's SIMD8<Float>
// squareRoot() is computed lane by lane, while clang lowers this to sqrtps. Swift imports
// the 8 x float vector type as SIMD8<Float>; the functions are inlined into their callers.
#pragma once

typedef float descent_float8 __attribute__((ext_vector_type(8)));

static inline __attribute__((always_inline)) descent_float8 descent_sqrt8(descent_float8 x) {
  return __builtin_elementwise_sqrt(x);
}

// The four arithmetic operators, one vector instruction each. Swift's SIMD8<Float> operators
// are generic code that the optimizer sees lane by lane (8 multiplies where there is one), so
// it judges a function of a few of them too big to inline: a user's stepper `step` stayed a
// call in the fused loop. Through these, each operator is one call to an always-inlined
// function. IEEE results are the same (no contraction: one operation per function).
static inline __attribute__((always_inline)) descent_float8 descent_add8(descent_float8 a, descent_float8 b) { return a + b; }
static inline __attribute__((always_inline)) descent_float8 descent_sub8(descent_float8 a, descent_float8 b) { return a - b; }
static inline __attribute__((always_inline)) descent_float8 descent_mul8(descent_float8 a, descent_float8 b) { return a * b; }
static inline __attribute__((always_inline)) descent_float8 descent_div8(descent_float8 a, descent_float8 b) { return a / b; }
