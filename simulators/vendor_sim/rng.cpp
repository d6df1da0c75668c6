#include "rng.h"

#include <cstdio>

namespace fieldgate::sim {

std::uint64_t mix_seed(std::uint64_t seed, std::string_view salt) {
    std::uint64_t h = 1469598103934665603ULL ^ (seed * 0x9E3779B97F4A7C15ULL);
    for (unsigned char c : salt) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

double Rng::uniform() {
    // 53 random bits: the same sequence on every standard library, unlike the distributions.
    return static_cast<double>(engine_() >> 11) * (1.0 / 9007199254740992.0);
}

int Rng::between(int lo, int hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int>(index(static_cast<std::size_t>(hi - lo) + 1));
}

double Rng::between(double lo, double hi) {
    return lo + (hi - lo) * uniform();
}

std::size_t Rng::index(std::size_t n) {
    if (n <= 1) return 0;
    return static_cast<std::size_t>(uniform() * static_cast<double>(n)) % n;
}

std::string Rng::uuid() {
    const std::uint64_t a = engine_();
    const std::uint64_t b = engine_();
    char out[37];
    std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0x0fff),
                  static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return out;
}

}  // namespace fieldgate::sim
