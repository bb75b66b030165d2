#ifndef WARDEN_DETAIL_JSON_TEXT_HPP
#define WARDEN_DETAIL_JSON_TEXT_HPP

// JSON written as text straight into a string, for what the server sends on every call (replies,
// trace lines): no DOM is built and freed on the way.

#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

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

inline void append_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    // Runs of characters that need no escape go in at once; eight at a time are looked at
    // together, and only a word that needs an escape is looked at byte by byte.
    const char* run = s.data();
    const char* const end = s.data() + s.size();
    for (const char* p = run; p != end; ++p) {
        while (end - p >= 8) {
            std::uint64_t w;
            std::memcpy(&w, p, 8);
            if (escape_marks(w)) break;
            p += 8;
        }
        if (p == end) break;
        const auto c = static_cast<unsigned char>(*p);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(run, static_cast<std::size_t>(p - run));
        run = p + 1;
        switch (c) {
        case '"': out += "\\\""sv; break;
        case '\\': out += "\\\\"sv; break;
        case '\n': out += "\\n"sv; break;
        case '\r': out += "\\r"sv; break;
        case '\t': out += "\\t"sv; break;
        default:
            out += "\\u00"sv;
            out += hex[(c >> 4) & 0xf];
            out += hex[c & 0xf];
        }
    }
    out.append(run, static_cast<std::size_t>(end - run));
    out += '"';
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

// Any JSON value, through Boost.JSON's serializer and a buffer on the stack.
inline void append_json(std::string& out, const boost::json::value& v) {
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
