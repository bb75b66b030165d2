#ifndef WARDEN_DETAIL_JSON_TEXT_HPP
#define WARDEN_DETAIL_JSON_TEXT_HPP

// JSON written as text straight into a string, for what the server sends on every call (replies,
// trace lines): no DOM is built and freed on the way.

#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace warden::detail {

using namespace std::string_view_literals; // "..."sv: appended without a strlen

inline constexpr std::uint64_t high_bits = 0x8080808080808080u;

// The bytes of the eight in `w` that a JSON string must escape (a control character, '"' or
// '\\'), each marked by its high bit. Exact for the lowest such byte, the usual "has a byte less
// than" and "has a zero byte" tests, whose borrows run only upward: so it is nonzero exactly when
// some byte needs an escape, and on a little-endian load its lowest mark is the first of them.
constexpr std::uint64_t escape_marks(std::uint64_t w) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101u;
    const std::uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    const std::uint64_t control = (w - ones * 0x20) & ~w;
    return (control | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & high_bits;
}

// A buffer whose room is reused from call to call gives it back past `kept` bytes, so that one
// large call does not keep it for good.
inline constexpr std::size_t kept_buffer_room = 64 * 1024;
inline void give_back_room(std::string& s, std::size_t kept = kept_buffer_room) {
    if (s.capacity() > kept) std::string().swap(s);
}

// One byte of a JSON string that must be escaped: a control character, '"' or '\\'.
constexpr bool must_escape(unsigned char c) noexcept { return c < 0x20 || c == '"' || c == '\\'; }

#if defined(__SSE2__)
// The bytes of the sixteen at `p` that a JSON string must escape, one bit each, lowest first.
inline unsigned escape_mask16(const char* p) noexcept {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Unsigned: the bytes the minimum leaves alone are 0x1f or less (past ASCII is no escape).
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                     _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v));
    return static_cast<unsigned>(_mm_movemask_epi8(hit));
}
#endif

// The first byte from p on that a JSON string must escape, or `end`: sixteen at a time where
// SSE2 is there (every x86-64), eight at a time otherwise.
inline const char* next_escape(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
    for (; end - p >= 16; p += 16)
        if (const unsigned mask = escape_mask16(p)) return p + std::countr_zero(mask);
#endif
    for (; end - p >= 8; p += 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        if (escape_marks(w)) break;
    }
    while (p != end && !must_escape(static_cast<unsigned char>(*p))) ++p;
    return p;
}

// One escaped byte at `w`: two bytes, or six for a control character without a short form.
inline char* write_escape(char* w, unsigned char c) noexcept {
    static constexpr char hex[] = "0123456789abcdef";
    *w++ = '\\';
    switch (c) {
    case '"': *w++ = '"'; break;
    case '\\': *w++ = '\\'; break;
    case '\n': *w++ = 'n'; break;
    case '\r': *w++ = 'r'; break;
    case '\t': *w++ = 't'; break;
    default:
        std::memcpy(w, "u00", 3);
        w[3] = hex[(c >> 4) & 0xf];
        w[4] = hex[c & 0xf];
        w += 5;
    }
    return w;
}

inline void append_json_string(std::string& out, std::string_view s) {
    const char* p = s.data();
    const char* const end = p + s.size();
    const char* escape = next_escape(p, end);
    if (escape == end) { // the usual case: nothing to escape, one copy between the quotes
        const std::size_t at = out.size();
        out.append(s.size() + 2, '"');
        if (!s.empty()) std::memcpy(out.data() + at + 1, s.data(), s.size());
        return;
    }
    // Room for the worst case is made once, and written through a pointer: appending piece by
    // piece cost more than the text itself. Each mark is at most one byte to escape, and an
    // escape takes at most six bytes where the byte took one.
    std::size_t marks = 0;
    const char* q = escape;
    // A short rest is not counted: room for its worst case costs less than counting it.
    if (end - escape > 64)
        for (; end - q >= 8; q += 8) {
            std::uint64_t w;
            std::memcpy(&w, q, 8);
            // The marks are high bits: moved to the bytes' low bits, one multiply sums them into the top byte.
            marks += static_cast<std::size_t>(((escape_marks(w) >> 7) * 0x0101010101010101u) >> 56);
        }
    marks += static_cast<std::size_t>(end - q); // the rest, each counted as one
    const std::size_t at = out.size();
#if defined(__SSE2__)
    // Sixteen more: the plain bytes are moved sixteen at a time, and the last store may reach past them.
    out.resize(at + s.size() + 5 * marks + 2 + 16);
#else
    out.resize(at + s.size() + 5 * marks + 2);
#endif
    char* w = out.data() + at;
    *w++ = '"';
    std::memcpy(w, p, static_cast<std::size_t>(escape - p));
    w += escape - p;
#if defined(__SSE2__)
    // From the first escape on, sixteen bytes at a time: each escape of a block is found in its
    // mask, the bytes before it moved with one store of sixteen (those past it are written over
    // next), then its escape written. A load reads up to 31 bytes past where its block starts, so
    // the last bytes (fewer than 32) are copied first into room padded with spaces, which need no
    // escape.
    auto block = [&w](const char* b, unsigned length) {
        unsigned from = 0;
        for (unsigned mask = escape_mask16(b); mask; mask &= mask - 1) {
            const auto k = static_cast<unsigned>(std::countr_zero(mask));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(w), _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + from)));
            w = write_escape(w + (k - from), static_cast<unsigned char>(b[k]));
            from = k + 1;
        }
        if (from < length) {
            _mm_storeu_si128(reinterpret_cast<__m128i*>(w), _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + from)));
            w += length - from;
        }
    };
    const char* b = escape;
    for (; end - b >= 32; b += 16) block(b, 16);
    char padded[48];
    const auto left = static_cast<unsigned>(end - b);
    std::memset(padded, ' ', sizeof padded);
    std::memcpy(padded, b, left);
    for (unsigned at = 0; at < left; at += 16) block(padded + at, std::min(16u, left - at));
#else
    // From the first escape on, eight bytes at a time: the bytes before a word's first mark are
    // copied at once (all eight are; the room left always holds them), then its escape written.
    // The lowest mark names the first byte only where the first byte is the lowest (little-endian).
    for (p = escape; p != end;) {
        if (std::endian::native == std::endian::little && end - p >= 8) {
            std::uint64_t word;
            std::memcpy(&word, p, 8);
            std::memcpy(w, p, 8);
            const std::uint64_t m = escape_marks(word);
            const int plain = m ? std::countr_zero(m) / 8 : 8;
            w += plain;
            p += plain;
            if (plain == 8) continue;
        }
        const auto c = static_cast<unsigned char>(*p++);
        if (!must_escape(c)) *w++ = static_cast<char>(c);
        else w = write_escape(w, c);
    }
#endif
    *w++ = '"';
    out.resize(static_cast<std::size_t>(w - out.data()));
}

// A fraction keeps a decimal point, so that a reader that tells integers apart reads a double.
// JSON has no infinity or NaN: they are written as null, as JSON.stringify does (Boost.JSON's
// serializer would write words no parser accepts).
inline void append_json_number(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null"sv;
        return;
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    out.append(buf, r.ptr);
    bool fraction = false;
    for (const char* p = buf; p != r.ptr; ++p) fraction = fraction || *p == '.' || *p == 'e';
    if (!fraction) out += ".0"sv;
}

template<class Integer>
void append_json_integer(std::string& out, Integer i) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, i);
    out.append(buf, r.ptr);
}

// Any JSON value, through Boost.JSON's serializer and a buffer on the stack; numbers and strings
// (a request's id, every call) directly.
inline void append_json(std::string& out, const boost::json::value& v) {
    switch (v.kind()) {
    case boost::json::kind::int64: return append_json_integer(out, v.get_int64());
    case boost::json::kind::uint64: return append_json_integer(out, v.get_uint64());
    case boost::json::kind::string: return append_json_string(out, v.get_string());
    default: break;
    }
    boost::json::serializer sr;
    sr.reset(&v);
    char buffer[512];
    while (!sr.done()) {
        auto part = sr.read(buffer, sizeof buffer);
        out.append(part.data(), part.size());
    }
}

} // namespace warden::detail

#endif
