#ifndef WARDEN_DETAIL_KEYED_DIGEST_HPP
#define WARDEN_DETAIL_KEYED_DIGEST_HPP

// A 192-bit digest of a text under a secret drawn once, for the idempotency store's keys and
// argument fingerprints. Two ways, one chosen for the life of the process: AES rounds where the
// CPU has them (every x86-64 of the last decade; about half the time of the other way on a
// fingerprint of a few hundred bytes), and wide multiplies everywhere else.
//
// Not a MAC: the digests never leave the server. A collision someone aimed for would give them
// nothing they could not have by sending the same key and arguments; the secret keeps chance
// collisions from being made on purpose by anyone who cannot read the server's memory.

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <wmmintrin.h> // AES-NI (and SSE2); not immintrin.h, which costs half a second per translation unit
#define WARDEN_AES_DIGEST 1
#endif

namespace warden::detail {

using digest_keys = std::array<std::uint64_t, 15>;
using keyed_digest_value = std::array<std::uint64_t, 3>;

namespace digest_parts {

inline std::uint64_t fold(std::uint64_t x, std::uint64_t y) noexcept {
#if defined(__SIZEOF_INT128__)
    const unsigned __int128 p = static_cast<unsigned __int128>(x) * y;
    return static_cast<std::uint64_t>(p) ^ static_cast<std::uint64_t>(p >> 64);
#else
    const std::uint64_t xl = x & 0xffffffffu, xh = x >> 32, yl = y & 0xffffffffu, yh = y >> 32;
    const std::uint64_t ll = xl * yl, lh = xl * yh, hl = xh * yl, hh = xh * yh;
    const std::uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    const std::uint64_t lo = (mid << 32) | (ll & 0xffffffffu);
    const std::uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return lo ^ hi;
#endif
}

} // namespace digest_parts

// Three lanes over 32 bytes at a time. Each multiplies pairs of the block's words, mixed with
// keys of its own drawn from the secret, into 128 bits, folds them to 64, and chains only one of
// its two products through its state: the lanes and their second products run side by side, so
// a long text costs about one multiply's latency per 32 bytes.
inline keyed_digest_value keyed_digest_portable(const digest_keys& k, std::string_view text) noexcept {
    using digest_parts::fold;
    const std::uint64_t n = text.size();
    std::uint64_t a = k[0] ^ n, b = k[1] + n, c = k[2] ^ std::rotl(n, 32);
    auto block = [&](const char* p) {
        std::uint64_t w[4];
        std::memcpy(w, p, 32);
        a = fold(w[0] ^ a ^ k[3], w[1] ^ k[4]) ^ fold(w[2] ^ k[9], w[3] ^ k[10]);
        b = fold(w[1] ^ b ^ k[5], w[2] ^ k[6]) ^ fold(w[3] ^ k[11], w[0] ^ k[12]);
        c = fold(w[2] ^ c ^ k[7], w[3] ^ k[8]) ^ fold(w[0] ^ k[13], w[1] ^ k[14]);
    };
    std::size_t i = 0;
    for (; i + 32 <= text.size(); i += 32) block(text.data() + i);
    char last[32] = {};
    std::memcpy(last, text.data() + i, text.size() - i); // the length, mixed in first, tells the padding apart
    block(last);
    return {fold(a ^ k[0], b ^ k[8]), fold(b ^ k[1], c ^ k[4]), fold(c ^ k[2], a ^ k[6])};
}

#if defined(WARDEN_AES_DIGEST)
namespace digest_parts {

// Functions of their own, with the AES target: a lambda would not take its caller's.
__attribute__((target("aes,sse2"))) inline __m128i rounds2(__m128i s, __m128i block, __m128i r1, __m128i r2) noexcept {
    return _mm_aesenc_si128(_mm_aesenc_si128(_mm_xor_si128(s, block), r1), r2);
}
__attribute__((target("aes,sse2"))) inline __m128i rounds4(__m128i s, __m128i r1, __m128i r2, __m128i r3, __m128i r4) noexcept {
    return _mm_aesenc_si128(_mm_aesenc_si128(_mm_aesenc_si128(_mm_aesenc_si128(s, r1), r2), r3), r4);
}
inline __m128i load(const char* p) noexcept { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
// One step: 64 bytes, sixteen into each lane.
__attribute__((target("aes,sse2"))) inline void step(__m128i (&lane)[4], const char* p, const __m128i (&keys)[7]) noexcept {
    lane[0] = rounds2(lane[0], load(p), keys[4], keys[5]);
    lane[1] = rounds2(lane[1], load(p + 16), keys[5], keys[6]);
    lane[2] = rounds2(lane[2], load(p + 32), keys[6], keys[4]);
    lane[3] = rounds2(lane[3], load(p + 48), keys[4], keys[6]);
}

} // namespace digest_parts

// Four lanes, sixteen bytes each per step of 64: a lane takes its block into its state, then two
// AES rounds under keys drawn from the secret (two rounds spread every byte's change over the
// whole state). The lanes are independent, so their rounds overlap. At the end the lanes are
// round keys of one another's next rounds, then four more rounds each. For texts of 64 bytes or
// more (keyed_digest sends no shorter ones; they would go the portable way here too).
__attribute__((target("aes,sse2"))) inline keyed_digest_value keyed_digest_aes(const digest_keys& k,
                                                                              std::string_view text) noexcept {
    using namespace digest_parts;
    if (text.size() < 64) return keyed_digest_portable(k, text);
    const auto n = static_cast<long long>(text.size());
    __m128i keys[7];
    for (std::size_t i = 0; i < 7; ++i)
        keys[i] = _mm_set_epi64x(static_cast<long long>(k[2 * i + 1]), static_cast<long long>(k[2 * i]));
    const __m128i length = _mm_set_epi64x(n, n);
    __m128i lane[4];
    for (std::size_t i = 0; i < 4; ++i) lane[i] = _mm_xor_si128(keys[i], length);
    // The last step takes the last 64 bytes, which may overlap the step before: with the length
    // known, the steps still name every byte, and no padding is copied.
    for (std::size_t i = 0; i + 64 < text.size(); i += 64) step(lane, text.data() + i, keys);
    step(lane, text.data() + text.size() - 64, keys);
    const __m128i ab = _mm_aesenc_si128(lane[0], lane[1]), cd = _mm_aesenc_si128(lane[2], lane[3]);
    const __m128i x = rounds4(_mm_aesenc_si128(ab, cd), keys[4], keys[5], keys[6], keys[0]);
    const __m128i y = rounds4(_mm_aesenc_si128(cd, ab), keys[6], keys[1], keys[2], keys[3]);
    std::uint64_t out[4];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), x);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2), y);
    return {out[0], out[1], out[2] ^ out[3]};
}

inline bool cpu_has_aes() noexcept {
    static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("aes")); // init: in case this runs before constructors
    return has;
}
#endif

// Texts from this length on take the AES way, where there is one: below it, its setup and last
// rounds cost more than the multiplies. A text's length decides, so a text always has one digest.
inline constexpr std::size_t aes_digest_from = 64;

// The digest of `text` under `keys`, the fastest way this CPU has for its length.
inline keyed_digest_value keyed_digest(const digest_keys& keys, std::string_view text) noexcept {
#if defined(WARDEN_AES_DIGEST)
    if (text.size() >= aes_digest_from && cpu_has_aes()) return keyed_digest_aes(keys, text);
#endif
    return keyed_digest_portable(keys, text);
}

} // namespace warden::detail

#endif
