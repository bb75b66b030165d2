#ifndef WARDEN_DETAIL_SPLITMIX_HPP
#define WARDEN_DETAIL_SPLITMIX_HPP

// splitmix64: the next of a sequence of well-mixed 64-bit numbers from a seed. What warden draws
// from a system seed (the idempotency store's secret keys, trace ids); not a secret of its own.

#include <cstdint>

namespace warden::detail {

constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
    std::uint64_t z = state += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

} // namespace warden::detail

#endif
