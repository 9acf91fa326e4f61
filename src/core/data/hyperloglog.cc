#include "core/data/hyperloglog.h"

#include <cmath>
#include <limits>

namespace meridian::hll {
namespace {

constexpr uint64_t kSeed = 0xadc83b19ULL;
// 0.5 / ln(2): the estimator's constant for m -> infinity (HLL_ALPHA_INF).
constexpr double kAlphaInf = 0.721347520444481703680;

// sigma and tau of Ertl, "New cardinality estimation algorithms for
// HyperLogLog sketches" (arXiv:1702.01284): the corrections for empty and
// saturated registers. Iterated until the sum stops changing, in the same
// order of operations as Redis, so the doubles (and the rounded estimate)
// come out identical.
double sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0;
  double z = x;
  double previous;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous != z);
  return z;
}

double tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0;
  double z = 1.0 - x;
  double previous;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    z -= std::pow(1.0 - x, 2) * y;
  } while (previous != z);
  return z / 3.0;
}

}  // namespace

uint64_t murmur64a(std::string_view data, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const size_t len = data.size();
  // Redis passes the length as an int: the product wraps as uint64_t.
  uint64_t h = seed ^ (static_cast<uint64_t>(len) * m);
  const size_t blocks = len / 8;
  for (size_t b = 0; b < blocks; ++b, p += 8) {
    uint64_t k = 0;
    for (int i = 7; i >= 0; --i) k = (k << 8) | p[i];
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const size_t tail = len & 7;
  if (tail > 0) {
    for (size_t i = tail; i-- > 0;) h ^= static_cast<uint64_t>(p[i]) << (8 * i);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

Slot slot_of(std::string_view element) {
  uint64_t hash = murmur64a(element, kSeed);
  Slot s;
  s.index = static_cast<uint16_t>(hash & (kRegisters - 1));
  // The run of zeros above the index bits, ended by a 1; a bit past the
  // 50 used ones caps the rank at kMaxRank.
  hash >>= kPrecision;
  hash |= uint64_t{1} << (64 - kPrecision);
  s.rank = static_cast<uint8_t>(__builtin_ctzll(hash) + 1);
  return s;
}

uint64_t estimate(const Registers& regs) {
  int histogram[64] = {0};
  for (uint8_t r : regs) ++histogram[r & 63];
  const double m = static_cast<double>(kRegisters);
  constexpr int q = 64 - kPrecision;
  double z = m * tau((m - histogram[q + 1]) / m);
  for (int j = q; j >= 1; --j) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  return static_cast<uint64_t>(std::llround(kAlphaInf * m * m / z));
}

std::string register_name(uint16_t index) {
  std::string out(2, '\0');
  out[0] = static_cast<char>(index >> 8);
  out[1] = static_cast<char>(index & 0xff);
  return out;
}

bool parse_register_name(std::string_view name, uint16_t* index) {
  if (name.size() != 2) return false;
  const unsigned v = (static_cast<unsigned>(static_cast<unsigned char>(name[0])) << 8) |
                     static_cast<unsigned char>(name[1]);
  if (v >= kRegisters) return false;
  *index = static_cast<uint16_t>(v);
  return true;
}

}  // namespace meridian::hll
