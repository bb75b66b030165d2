#ifndef WARDEN_DETAIL_TEXT_SCANNER_HPP
#define WARDEN_DETAIL_TEXT_SCANNER_HPP

// A JSON reader for the one-pass paths (decode_text, the tools/call reader): the whole text is in
// memory, so it needs none of basic_parser's means to stop and resume mid-value, and reads faster.
// It calls the same handler functions basic_parser does, with the values warden's handlers keep
// (doubles rounded exactly), and never a `_part` one. Where basic_parser refuses the text, or
// might (bad syntax, bad UTF-8, a lone surrogate, an exponent of 100000 or more, nesting at the
// limit or past own_depth), it stops and says so, and the caller reads the text again with
// Boost.JSON, whose answer stands. A handler returning false stops it too.

#include <warden/detail/json_text.hpp>

#include <boost/system/error_code.hpp>

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace warden::detail {

template<class Handler>
class text_scanner {
public:
    // It recurses once per level of nesting, so it goes no deeper than `own_depth` whatever the
    // limit: a deeper text, allowed by a limit set higher, goes to Boost.JSON, which keeps its
    // own stack, and never runs this thread's stack out.
    static constexpr std::size_t own_depth = 64;
    text_scanner(Handler& h, std::size_t max_depth) : h_(h), max_depth_(max_depth < own_depth ? max_depth : own_depth) {}

    // True when `text` is one JSON value, each of its events went to the handler, and the handler
    // took them all.
    bool scan(std::string_view text) {
        end_ = text.data() + text.size();
        if (!h_.on_document_begin(ec_)) return false;
        const char* p = value(space(text.data()), 0);
        return p && space(p) == end_ && h_.on_document_end(ec_);
    }

private:
    // Each step takes where to read and returns where it stopped, or null to give up: the
    // position stays in a register instead of going through memory at every byte.

    const char* space(const char* p) const noexcept {
        while (p != end_ && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
        return p;
    }

    const char* value(const char* p, std::size_t depth) {
        if (p == end_) return nullptr;
        switch (*p) {
        case '{': return object(p, depth + 1);
        case '[': return array(p, depth + 1);
        case '"': {
            std::string_view s;
            p = string(p, s);
            return p && h_.on_string({s.data(), s.size()}, s.size(), ec_) ? p : nullptr;
        }
        case 't': return literal(p, "true") && h_.on_bool(true, ec_) ? p + 4 : nullptr;
        case 'f': return literal(p, "false") && h_.on_bool(false, ec_) ? p + 5 : nullptr;
        case 'n': return literal(p, "null") && h_.on_null(ec_) ? p + 4 : nullptr;
        default: return number(p);
        }
    }

    bool literal(const char* p, std::string_view word) const noexcept {
        return static_cast<std::size_t>(end_ - p) >= word.size() && std::memcmp(p, word.data(), word.size()) == 0;
    }

    const char* object(const char* p, std::size_t depth) {
        if (depth >= max_depth_ || !h_.on_object_begin(ec_)) return nullptr;
        p = space(p + 1);
        std::size_t n = 0;
        if (p != end_ && *p == '}') return h_.on_object_end(n, ec_) ? p + 1 : nullptr;
        for (bool more = true; more; ++n) {
            if (p == end_ || *p != '"') return nullptr;
            std::string_view key;
            p = string(p, key);
            if (!p || !h_.on_key({key.data(), key.size()}, key.size(), ec_)) return nullptr;
            p = space(p);
            if (p == end_ || *p != ':') return nullptr;
            p = value(space(p + 1), depth);
            if (!p || !(p = after_member(p, '}', more))) return nullptr;
        }
        return h_.on_object_end(n, ec_) ? p : nullptr;
    }

    const char* array(const char* p, std::size_t depth) {
        if (depth >= max_depth_ || !h_.on_array_begin(ec_)) return nullptr;
        p = space(p + 1);
        std::size_t n = 0;
        if (p != end_ && *p == ']') return h_.on_array_end(n, ec_) ? p + 1 : nullptr;
        for (bool more = true; more; ++n) {
            p = value(p, depth);
            if (!p || !(p = after_member(p, ']', more))) return nullptr;
        }
        return h_.on_array_end(n, ec_) ? p : nullptr;
    }

    // After a member or element: a comma, and `more` come (p past it and its space), or `close`.
    const char* after_member(const char* p, char close, bool& more) const noexcept {
        p = space(p);
        if (p == end_) return nullptr;
        more = *p == ',';
        if (more) return space(p + 1);
        return *p == close ? p + 1 : nullptr;
    }

    // The first byte from p that needs a look: '"', '\\', a control character or a byte past
    // ASCII (or the end). Sixteen at a time where SSE2 is there, eight at a time otherwise.
    const char* plain_run(const char* p) const noexcept {
#if defined(__SSE2__)
        const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
        while (end_ - p >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            // A signed compare: below 0x20, or 0x80 and up.
            const __m128i named = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
            const __m128i hit = _mm_or_si128(named, _mm_cmplt_epi8(v, space));
            if (const int mask = _mm_movemask_epi8(hit)) return p + std::countr_zero(static_cast<unsigned>(mask));
            p += 16;
        }
#endif
        // The lowest mark names the first byte only where the first byte is the lowest.
        while (std::endian::native == std::endian::little && end_ - p >= 8) {
            std::uint64_t w;
            std::memcpy(&w, p, 8);
            // What a string must escape, and the bytes past ASCII, each by its high bit.
            if (const std::uint64_t hit = escape_marks(w) | (w & high_bits)) return p + std::countr_zero(hit) / 8;
            p += 8;
        }
        for (; p != end_; ++p) {
            const auto c = static_cast<unsigned char>(*p);
            if (must_escape(c) || c >= 0x80) break;
        }
        return p;
    }

    // A string at p (on its opening quote). Without escapes it is a view of the text; with
    // them, of unescaped_, which the next string with escapes reuses.
    const char* string(const char* p, std::string_view& out) {
        const char* const start = ++p;
        while (true) {
            p = plain_run(p);
            if (p == end_) return nullptr;
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"') {
                out = std::string_view(start, static_cast<std::size_t>(p - start));
                return p + 1;
            }
            if (c == '\\') break;
            if (c < 0x20) return nullptr;
            p = utf8_sequence(p);
            if (!p) return nullptr;
        }
        unescaped_.assign(start, static_cast<std::size_t>(p - start));
        while (true) {
            if (p == end_) return nullptr;
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"') {
                out = unescaped_;
                return p + 1;
            }
            if (c < 0x20) return nullptr;
            if (c >= 0x80) {
                const char* from = p;
                p = utf8_sequence(p);
                if (!p) return nullptr;
                unescaped_.append(from, static_cast<std::size_t>(p - from));
                continue;
            }
            if (c != '\\') {
                const char* from = p;
                p = plain_run(p);
                unescaped_.append(from, static_cast<std::size_t>(p - from));
                continue;
            }
            if (++p == end_) return nullptr;
            switch (*p++) {
            case '"': unescaped_ += '"'; break;
            case '\\': unescaped_ += '\\'; break;
            case '/': unescaped_ += '/'; break;
            case 'b': unescaped_ += '\b'; break;
            case 'f': unescaped_ += '\f'; break;
            case 'n': unescaped_ += '\n'; break;
            case 'r': unescaped_ += '\r'; break;
            case 't': unescaped_ += '\t'; break;
            case 'u': {
                std::uint32_t cp;
                if (!hex4(p, cp)) return nullptr;
                p += 4;
                if (cp >= 0xDC00 && cp <= 0xDFFF) return nullptr; // a trailing surrogate alone
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    std::uint32_t low;
                    if (end_ - p < 2 || p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, low) || low < 0xDC00 || low > 0xDFFF)
                        return nullptr;
                    p += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                append_utf8(cp);
                break;
            }
            default: return nullptr;
            }
        }
    }

    bool hex4(const char* p, std::uint32_t& cp) const noexcept {
        if (end_ - p < 4) return false;
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = p[i];
            std::uint32_t d;
            if (c >= '0' && c <= '9') d = static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f') d = static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') d = static_cast<std::uint32_t>(c - 'A' + 10);
            else return false;
            cp = cp << 4 | d;
        }
        return true;
    }

    void append_utf8(std::uint32_t cp) {
        if (cp < 0x80) {
            unescaped_ += static_cast<char>(cp);
        } else if (cp < 0x800) {
            unescaped_ += static_cast<char>(0xC0 | cp >> 6);
            unescaped_ += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            unescaped_ += static_cast<char>(0xE0 | cp >> 12);
            unescaped_ += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
            unescaped_ += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            unescaped_ += static_cast<char>(0xF0 | cp >> 18);
            unescaped_ += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
            unescaped_ += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
            unescaped_ += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    // One well-formed UTF-8 sequence of two to four bytes at p (Unicode's table 3-7): no
    // overlong forms, no surrogates, nothing past U+10FFFF.
    const char* utf8_sequence(const char* p) const noexcept {
        const auto b = [&](std::ptrdiff_t i) { return static_cast<unsigned char>(p[i]); };
        const unsigned char lead = b(0);
        std::ptrdiff_t n;
        unsigned char lo = 0x80, hi = 0xBF; // the second byte's range
        if (lead >= 0xC2 && lead <= 0xDF) {
            n = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            n = 3;
            if (lead == 0xE0) lo = 0xA0;
            if (lead == 0xED) hi = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            n = 4;
            if (lead == 0xF0) lo = 0x90;
            if (lead == 0xF4) hi = 0x8F;
        } else {
            return nullptr;
        }
        if (end_ - p < n || b(1) < lo || b(1) > hi) return nullptr;
        for (std::ptrdiff_t i = 2; i < n; ++i)
            if ((b(i) & 0xC0) != 0x80) return nullptr;
        return p + n;
    }

    static bool digit(char c) noexcept { return static_cast<unsigned char>(c - '0') < 10; }

    // What basic_parser gives, as warden's handlers keep it: int64 where the integer fits, then
    // uint64, else a double; "-0" is the integer 0; a double past the range is an infinity, and
    // one below it a zero of its sign.
    const char* number(const char* p) {
        const char* const start = p;
        const bool negative = *p == '-';
        if (negative) ++p;
        if (p == end_ || !digit(*p)) return nullptr;
        std::uint64_t m = 0; // the first 19 significant digits
        int digits = 0;      // significant digits, counted up to 19 past the point
        int whole = 0;       // digits before the point, if it is not "0"
        int lead = 0;        // zeros after "0." before the first significant digit
        if (*p == '0') {
            ++p;
            if (p != end_ && digit(*p)) return nullptr; // no leading zeros
        } else {
            for (; p != end_ && digit(*p); ++p, ++digits)
                if (digits < 19) m = m * 10 + static_cast<unsigned>(*p - '0');
            whole = digits;
        }
        int fraction = 0, exponent = 0;
        bool integer = true;
        if (p != end_ && *p == '.') {
            integer = false;
            if (++p == end_ || !digit(*p)) return nullptr;
            for (; p != end_ && digit(*p); ++p, ++fraction)
                if (digits < 19) {
                    m = m * 10 + static_cast<unsigned>(*p - '0');
                    if (m) ++digits;
                    else ++lead;
                }
        }
        if (p != end_ && (*p == 'e' || *p == 'E')) {
            integer = false;
            bool minus = false;
            if (++p != end_ && (*p == '+' || *p == '-')) minus = *p++ == '-';
            if (p == end_ || !digit(*p)) return nullptr;
            for (; p != end_ && digit(*p); ++p)
                if (exponent < 100000) exponent = exponent * 10 + (*p - '0');
            if (exponent >= 100000) return nullptr; // near where basic_parser calls it an overflow
            if (minus) exponent = -exponent;
        }
        const typename Handler::string_view raw(start, static_cast<std::size_t>(p - start));
        if (integer && (digits <= 18 || (digits <= 20 && exact_integer(start + negative, p, m)))) {
            constexpr auto int64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
            if (!negative)
                return (m <= int64_max ? h_.on_int64(static_cast<std::int64_t>(m), raw, ec_) : h_.on_uint64(m, raw, ec_)) ? p : nullptr;
            if (m <= std::uint64_t{1} << 63) return h_.on_int64(static_cast<std::int64_t>(0 - m), raw, ec_) ? p : nullptr;
        }
        double d;
        // Clinger's fast path: a mantissa of at most 15 digits (exact in a double) times or over
        // an exact power of ten rounds once, so the result is the correctly rounded one.
        const int scale = exponent - fraction;
        if (digits <= 15 && scale >= -22 && scale <= 22) {
            d = static_cast<double>(m);
            d = scale < 0 ? d / power_of_ten[-scale] : d * power_of_ten[scale];
            if (negative) d = -d;
        } else {
            const auto [end, ec] = std::from_chars(start, p, d);
            if (ec == std::errc::result_out_of_range) {
                // Far past the range either way: the first significant digit's power of ten says which.
                const int magnitude = whole ? whole - 1 + exponent : exponent - lead - 1;
                d = magnitude > 0 ? std::numeric_limits<double>::infinity() : 0.0;
                if (negative) d = -d;
            } else if (ec != std::errc() || end != p) {
                return nullptr;
            }
        }
        return h_.on_double(d, raw, ec_) ? p : nullptr;
    }

    // For 19 and 20 digits: m is those digits exactly, without overflow.
    static bool exact_integer(const char* first, const char* last, std::uint64_t& m) noexcept {
        std::uint64_t v = 0;
        constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
        for (; first != last; ++first) {
            const auto d = static_cast<std::uint64_t>(*first - '0');
            if (v > (max - d) / 10) return false;
            v = v * 10 + d;
        }
        m = v;
        return true;
    }

    static constexpr double power_of_ten[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                              1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    Handler& h_;
    std::size_t max_depth_;
    const char* end_ = nullptr;
    std::string unescaped_;
    boost::system::error_code ec_;
};

} // namespace warden::detail

#endif
