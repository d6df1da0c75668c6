// A seeded PRNG so that one seed always gives the same plan, payloads and quirks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace fieldgate::sim {

// FNV-1a over `salt`, mixed with `seed`: independent streams per vendor, per purpose.
std::uint64_t mix_seed(std::uint64_t seed, std::string_view salt);

class Rng {
  public:
    explicit Rng(std::uint64_t seed) : engine_(seed) {}

    double uniform();  // [0, 1)
    bool chance(double p) { return uniform() < p; }
    int between(int lo, int hi);  // inclusive
    double between(double lo, double hi);
    std::size_t index(std::size_t n);
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[index(v.size())];
    }
    std::uint64_t next() { return engine_(); }
    std::string uuid();  // RFC 4122 version 4 form

  private:
    std::mt19937_64 engine_;
};

}  // namespace fieldgate::sim
