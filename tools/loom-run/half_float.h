// IEEE half (f16) and bfloat16 <-> float conversions, rounding to nearest
// even; NaNs stay NaN.
#ifndef LOOM_TOOLS_LOOM_RUN_HALF_FLOAT_H
#define LOOM_TOOLS_LOOM_RUN_HALF_FLOAT_H

#include <cstdint>
#include <cstring>

namespace loom::run {

inline uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

inline float bitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

inline uint16_t floatToBf16(float f) {
  uint32_t u = floatBits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((u >> 16) | 0x40); // quiet NaN
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

inline float bf16ToFloat(uint16_t h) { return bitsFloat(uint32_t(h) << 16); }

inline uint16_t floatToHalf(float f) {
  uint32_t u = floatBits(f);
  uint32_t sign = (u >> 16) & 0x8000u;
  uint32_t abs = u & 0x7fffffffu;
  if (abs > 0x7f800000u) // NaN
    return static_cast<uint16_t>(sign | 0x7e00u);
  if (abs >= 0x477ff000u) // rounds to or beyond 65520: infinity
    return static_cast<uint16_t>(sign | 0x7c00u);
  if (abs < 0x38800000u) { // below the smallest normal half: subnormal
    // Add 0.5 so the float adder does the round-to-nearest-even for us.
    float magic = bitsFloat(abs) + 0.5f;
    return static_cast<uint16_t>(sign | (floatBits(magic) - 0x3f000000u));
  }
  uint32_t mantissaOdd = (abs >> 13) & 1u;
  abs += 0xc8000fffu + mantissaOdd; // rebias exponent, round to nearest even
  return static_cast<uint16_t>(sign | (abs >> 13));
}

inline float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1fu;
  uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0x1f) // inf / NaN
    return bitsFloat(sign | 0x7f800000u | (mantissa << 13));
  if (exponent == 0) { // zero / subnormal: mantissa * 2^-24
    float value = static_cast<float>(mantissa) * bitsFloat(0x33800000u);
    return bitsFloat(sign | floatBits(value));
  }
  return bitsFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

} // namespace loom::run

#endif // LOOM_TOOLS_LOOM_RUN_HALF_FLOAT_H
