#ifndef WARDEN_DETAIL_JSON_TEXT_HPP
#define WARDEN_DETAIL_JSON_TEXT_HPP

// JSON written as text straight into a string, for what the server sends on every call (replies,
// trace lines): no DOM is built and freed on the way.

#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace warden::detail {

inline void append_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    // Runs of characters that need no escape go in at once.
    const char* run = s.data();
    const char* const end = s.data() + s.size();
    for (const char* p = run; p != end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(run, static_cast<std::size_t>(p - run));
        run = p + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            out += "\\u00";
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
        out += "null";
        return;
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    out.append(buf, r.ptr);
    bool fraction = false;
    for (const char* p = buf; p != r.ptr; ++p) fraction = fraction || *p == '.' || *p == 'e';
    if (!fraction) out += ".0";
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
