// detail::text_scanner against Boost.JSON's basic_parser: whenever the scanner answers, the
// parser accepts the same text and hands a handler the same events with the same values (doubles
// to the bit, after the rounding the handlers apply). Where the parser refuses a text, the scanner
// must give up. Hand-made edge cases, then thousands of generated documents and mangled copies.

#include <warden/decode/parse.hpp>
#include <warden/detail/text_scanner.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <catch2/catch.hpp>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ts {

// Every event as a line of text; pieces of a key, string or number are joined first.
struct recorder : warden::detail::parser_limits {
    std::vector<std::string> events;
    std::string part;
    bool exact = false; // the scanner's doubles must come correctly rounded, before any handler's help

    static std::string number_text(double d) {
        return "d" + std::to_string(std::bit_cast<std::uint64_t>(d));
    }
    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return add("{"); }
    bool on_object_end(std::size_t n, error_code&) { return add("}" + std::to_string(n)); }
    bool on_array_begin(error_code&) { return add("["); }
    bool on_array_end(std::size_t n, error_code&) { return add("]" + std::to_string(n)); }
    bool on_key_part(string_view s, std::size_t, error_code&) { return piece(s); }
    bool on_key(string_view s, std::size_t n, error_code&) { return whole("k", s, n); }
    bool on_string_part(string_view s, std::size_t, error_code&) { return piece(s); }
    bool on_string(string_view s, std::size_t n, error_code&) { return whole("s", s, n); }
    bool on_number_part(string_view s, error_code&) { return piece(s); }
    bool on_int64(std::int64_t i, string_view, error_code&) { return number("i" + std::to_string(i)); }
    bool on_uint64(std::uint64_t u, string_view, error_code&) { return number("u" + std::to_string(u)); }
    bool on_double(double d, string_view s, error_code&) {
        part.append(s.data(), s.size());
        if (exact) {
            double right = 0;
            const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), right);
            // Past the range: an infinity or a zero, and the events below say which is kept.
            const bool kept = ec == std::errc::result_out_of_range ? std::isinf(d) || d == 0
                                                                   : std::bit_cast<std::uint64_t>(right) == std::bit_cast<std::uint64_t>(d);
            if (!kept) return add("inexact " + part);
        }
        // What warden's handlers keep: the value rounded exactly from the number's text.
        const double kept = warden::detail::dom_handler::exact_double(part, d);
        return number(number_text(kept) + " " + part);
    }
    bool on_bool(bool b, error_code&) { return add(b ? "true" : "false"); }
    bool on_null(error_code&) { return add("null"); }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }

private:
    bool add(std::string e) {
        events.push_back(std::move(e));
        return true;
    }
    bool piece(string_view s) {
        part.append(s.data(), s.size());
        return true;
    }
    bool whole(const char* kind, string_view s, std::size_t total) {
        part.append(s.data(), s.size());
        if (total != part.size()) return add("bad total");
        add(kind + part);
        part.clear();
        return true;
    }
    bool number(std::string e) {
        part.clear();
        return add(std::move(e));
    }
};

struct outcome {
    bool ok;
    std::vector<std::string> events;
};

inline outcome by_boost(std::string_view text, std::size_t max_depth) {
    boost::json::parse_options po;
    po.max_depth = max_depth;
    boost::json::basic_parser<recorder> p(po);
    boost::system::error_code ec;
    const std::size_t used = p.write_some(false, text.data(), text.size(), ec);
    return {!ec && used == text.size(), p.handler().events};
}

inline outcome by_scanner(std::string_view text, std::size_t max_depth) {
    recorder r;
    r.exact = true;
    const bool ok = warden::detail::text_scanner<recorder>(r, max_depth).scan(text);
    return {ok, r.events};
}

// The property. Returns whether the scanner answered.
inline bool agrees(std::string_view text, std::size_t max_depth = 64) {
    INFO("text: " << text);
    const outcome fast = by_scanner(text, max_depth);
    const outcome boost = by_boost(text, max_depth);
    if (fast.ok) {
        REQUIRE(boost.ok);
        REQUIRE(fast.events == boost.events);
    }
    return fast.ok;
}

// Random JSON, with what is rare in tests and common in life: escapes, every UTF-8 length,
// numbers of every shape.
struct generator {
    std::mt19937_64 rng;
    explicit generator(std::uint64_t seed) : rng(seed) {}

    std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }
    double real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }

    std::string space() {
        static const char* spaces[] = {"", "", "", " ", "\n", "\t ", "\r\n  "};
        return spaces[below(7)];
    }
    std::string string_value() {
        static const char* pieces[] = {"a", "Z", "0", " ", "abcdefghijklmnop", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r",
                                       "\\t", "\\u0041", "\\u00e9", "\\u20AC", "\\ud83d\\ude00", "\\u0000", "\xc3\xa9",
                                       "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xed\x9f\xbf", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf",
                                       "longer plain text run of more than sixteen bytes"};
        std::string s = "\"";
        for (std::size_t n = below(6); n; --n) s += pieces[below(std::size(pieces))];
        return s + "\"";
    }
    std::string number_value() {
        char buf[64];
        switch (below(9)) {
        case 0: return std::to_string(static_cast<std::int64_t>(rng()) >> below(64));
        case 1: return std::to_string(rng() >> below(64));
        case 2: {
            const double d = std::bit_cast<double>(rng());
            if (!std::isfinite(d)) return "1.5";
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
            return std::string(buf, end);
        }
        case 3: std::snprintf(buf, sizeof buf, "%.17g", real(-1e6, 1e6)); return buf;
        case 4: {
            const int places = static_cast<int>(below(20));
            std::snprintf(buf, sizeof buf, "%.*f", places, real(-1e3, 1e3));
            return buf;
        }
        case 5: {
            const int mantissa = static_cast<int>(below(2000)) - 1000;
            const char* sign = below(2) ? "-" : "+";
            std::snprintf(buf, sizeof buf, "%de%s%d", mantissa, sign, static_cast<int>(below(40)));
            return buf;
        }
        case 6: {
            static const char* edges[] = {"0", "-0", "0.0", "-0.0", "0e0", "-0e-0", "1E+2",
                                          "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                                          "-9223372036854775809", "18446744073709551615", "18446744073709551616",
                                          "123456789012345678901234567890", "1e308", "1.7976931348623157e308", "1e309",
                                          "5e-324", "2.2250738585072014e-308", "1e-400", "0.1", "0.30000000000000004", "1e23",
                                          "8.41e21", "9007199254740993", "9007199254740993.0",
                                          "0.000000000000000000000000000001", "100000000000000000000000.5"};
            return edges[below(std::size(edges))];
        }
        case 7: {
            const std::string whole = std::to_string(below(1000));
            return whole + "." + std::to_string(below(1000000));
        }
        default: return std::to_string(below(100));
        }
    }
    std::string value(int depth) {
        const std::size_t kind = depth > 4 ? 2 + below(4) : below(6);
        switch (kind) {
        case 0: {
            std::string s = "{" + space();
            for (std::size_t n = below(5), i = 0; i < n; ++i) {
                if (i) s += "," + space();
                s += string_value();
                s += space();
                s += ":";
                s += space();
                s += value(depth + 1);
                s += space();
            }
            return s + "}";
        }
        case 1: {
            std::string s = "[" + space();
            for (std::size_t n = below(5), i = 0; i < n; ++i) {
                if (i) s += "," + space();
                s += value(depth + 1);
                s += space();
            }
            return s + "]";
        }
        case 2: return string_value();
        case 3: return number_value();
        case 4: return below(2) ? "true" : "false";
        default: return below(4) ? number_value() : "null";
        }
    }
};

} // namespace ts

TEST_CASE("text_scanner: the same events as basic_parser on hand-made texts", "[text_scanner]") {
    for (const char* text : {
             R"({"a":1,"b":[true,false,null],"c":{"d":"e"},"f":-2.5e-3,"g":"\u00e9\n\"x\"","h":[],"i":{}})",
             R"(  [ 1 , 2 ,3 ]  )", R"("plain")", R"("")", "0", "-1", "1.0", "1e5", "1E-5", "123.456e+7", "true", "false", "null",
             R"("\ud83d\ude00 \u20ac \u0000 \/ \b\f\n\r\t")", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
             R"("a string of some length that spans several sixteen-byte blocks, with an escape \n at the end")",
             "9223372036854775807", "-9223372036854775808", "9223372036854775808", "18446744073709551615", "0.1", "1e23",
             "2.2250738585072014e-308", "5e-324", "1.7976931348623157e308", "4.9406564584124654e-324",
             // where basic_parser's own number is not what is kept, or is not a 64-bit integer
             "-0", "18446744073709551616", "-9223372036854775809", "123456789012345678901234567890", "1e400", "-1e400",
             "1e-400", "-1e-400", "0.0e99999", "-0.0", "2.4703282292062328e-324", "1e99999", "-1e-99999"})
        CHECK(ts::agrees(text));
    CHECK(ts::agrees("1" + std::string(400, '0')));
    CHECK(ts::agrees("-0." + std::string(400, '0') + "1"));
    CHECK(ts::agrees("0." + std::string(30, '0') + "123456789012345678901234567890e-290"));
}

TEST_CASE("text_scanner: gives up where basic_parser refuses or might answer otherwise", "[text_scanner]") {
    for (const char* text : {"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "-", "1.", ".5", "1e",
                             "1e+", "+1", "tru", "nul", "True", "[1]x", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\ud800\"",
                             "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\x01\"", "\"\xff\"", "\"\xc0\x80\"", "\"\xe0\x80\x80\"",
                             "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xc3\"", "\"\xe2\x82\"", "1e100000", "1e2147483648",
                             "-1e-2147483649", "// comment\n1", "[1]/**/"}) {
        INFO(text);
        CHECK_FALSE(ts::by_scanner(text, 64).ok);
        ts::agrees(text);
    }
    // Nesting: the scanner stops below the limit; basic_parser's answer stands there.
    const std::string deep = std::string(10, '[') + std::string(10, ']');
    CHECK(ts::agrees(deep, 11));
    CHECK_FALSE(ts::by_scanner(deep, 10).ok);
    // However high the limit, it recurses no deeper than its own bound, and leaves the rest to
    // basic_parser, which keeps its own stack: a text nested 100,000 deep costs no crash.
    constexpr std::size_t own = warden::detail::text_scanner<ts::recorder>::own_depth;
    const std::string within = std::string(own - 1, '[') + std::string(own - 1, ']');
    CHECK(ts::agrees(within, 1000000));
    const std::string past = std::string(own, '[') + std::string(own, ']');
    CHECK_FALSE(ts::by_scanner(past, 1000000).ok);
    CHECK(ts::by_boost(past, 1000000).ok);
    CHECK_FALSE(ts::by_scanner(std::string(100000, '[') + std::string(100000, ']'), 1000000).ok);
}

TEST_CASE("text_scanner: generated documents, and mangled copies of them", "[text_scanner]") {
    ts::generator gen(20261126);
    std::size_t answered = 0, valid = 0;
    for (int i = 0; i < 3000; ++i) {
        // One call per statement: the same documents with every compiler.
        std::string doc = gen.space();
        doc += gen.value(0);
        doc += gen.space();
        if (ts::by_boost(doc, 64).ok) ++valid;
        if (ts::agrees(doc)) ++answered;
        std::string changed = doc;
        const std::size_t at = gen.below(doc.size());
        static const char swaps[] = "\"\\{}[],:0-.eE \x80\xbf\xc3\xed\xf4\x01u";
        changed[at] = swaps[gen.below(sizeof swaps - 1)];
        ts::agrees(changed);
        ts::agrees(doc.substr(0, at));
    }
    // Most valid documents take the fast way: it gives up only on the few shapes listed above.
    INFO(answered << " of " << valid << " valid documents answered");
    CHECK(answered * 10 >= valid * 8);
}
