#include <warden/detail/pattern.hpp>

#include <catch2/catch.hpp>

#include <regex>
#include <string>

using warden::detail::compiled_pattern;
using warden::detail::pattern_problem;

static_assert(pattern_problem("^[A-Z]{3}-[0-9]{4}$") == nullptr);
static_assert(pattern_problem("^(a|b)*c?$") == nullptr);
static_assert(pattern_problem("^(?:x|y){2,}\\u00e9\\u{1F600}[\\d\\s_-]$") == nullptr);
static_assert(pattern_problem("(?=a)") != nullptr);
static_assert(pattern_problem("(?<name>a)") != nullptr);
static_assert(pattern_problem("(a)\\1") != nullptr);
static_assert(pattern_problem("\\bword") != nullptr);
static_assert(pattern_problem("a{3,2}") != nullptr);
static_assert(pattern_problem("(a") != nullptr);
static_assert(pattern_problem("a)") != nullptr);
static_assert(pattern_problem("[a") != nullptr);
static_assert(pattern_problem("[z-a]") != nullptr);
static_assert(pattern_problem("a**") != nullptr);
static_assert(pattern_problem("*a") != nullptr);
static_assert(pattern_problem("a{") != nullptr);
static_assert(pattern_problem("\\q") != nullptr);
static_assert(pattern_problem("[\\d-z]") != nullptr);
static_assert(pattern_problem("\\") != nullptr);
static_assert(pattern_problem("(a{1000}){1000}") != nullptr); // too many states once expanded

namespace {

bool search(const char* pattern, std::string_view text) { return compiled_pattern(pattern).search(text); }

} // namespace

TEST_CASE("patterns search like ECMAScript with the u flag", "[pattern]") {
    struct probe {
        const char* pattern;
        const char* text;
        bool expected;
    };
    const probe probes[] = {
        {"^[A-Z]{3}-[0-9]{4}$", "ABC-1234", true},   {"^[A-Z]{3}-[0-9]{4}$", "ABC-12345", false},
        {"^[A-Z]{3}-[0-9]{4}$", "xABC-1234", false}, {"[0-9]", "abc5", true},
        {"^$", "", true},                            {"^$", "a", false},
        {"^(ab|cd)+$", "abcdab", true},              {"^(ab|cd)+$", "abc", false},
        {"^a{2,3}$", "aaaa", false},                 {"^a{2,3}$", "aaa", true},
        {"^a{2,}$", "aaaaaa", true},                 {"^a{2,}$", "a", false},
        {"^a{0}b$", "b", true},                      {"^\\d+$", "123", true},
        {"^\\D+$", "12", false},                     {"^[^a-c]+$", "xyz", true},
        {"^[^a-c]+$", "xaz", false},                 {"\\s", "a b", true},
        {"^x?y*?z+$", "zz", true},                   {"^\\.$", ".", true},
        {"^\\.$", "a", false},                       {"c$", "abc", true},
        {"^b", "abc", false},                        {"a|", "zzz", true},
        {"^[]$", "", false},                         {"^[^]$", "x", true},
        {"^[a-]$", "-", true},                       {"^[\\w.]+@", "a.b@", true},
        {"^(?:ab)?c$", "c", true},                   {"^.$", "\n", false},
    };
    for (const auto& p : probes) {
        CAPTURE(p.pattern, p.text);
        CHECK(search(p.pattern, p.text) == p.expected);
    }
}

TEST_CASE("patterns see code points, not bytes", "[pattern]") {
    CHECK(search("^.$", "\xC3\xA9"));                      // é is one code point
    CHECK(search("^.$", "\xF0\x9F\x98\x80"));              // so is 😀, which is two UTF-16 units
    CHECK(!search("^.{2}$", "\xF0\x9F\x98\x80"));
    CHECK(search("^\\u00e9$", "\xC3\xA9"));
    CHECK(search("^[\\u{1F600}-\\u{1F64F}]$", "\xF0\x9F\x98\x81"));
    CHECK(search("^\\ud83d\\ude00$", "\xF0\x9F\x98\x80")); // a surrogate pair escape is one code point
    CHECK(search("^[é€]+$", "\xE2\x82\xAC\xC3\xA9"));
    CHECK(!search("^\\S+$", "a\xC2\xA0" "b"));             // U+00A0 is white space to ECMAScript
    CHECK(!search("^\\w$", "\xC3\xA9"));                   // \w is ASCII only
    CHECK(search("^.$", "\xFF"));                          // an invalid byte reads as one U+FFFD
}

TEST_CASE("matching time is linear: no catastrophic backtracking", "[pattern]") {
    std::string evil(5000, 'a');
    evil += 'b';
    CHECK(!search("^(a*)*$", evil));
    CHECK(!search("^(a|aa)+$", evil));
    CHECK(search("(a|aa)+b", evil));
}

TEST_CASE("on ASCII, the same answers as std::regex", "[pattern]") {
    const char* patterns[] = {"^[A-Z]{2,3}-[0-9]+$", "ab|cd", "^(x(y|z)?)+$", "[^0-9]{3}", "^a.c$", "\\d{2}\\s\\w+"};
    const char* texts[] = {"", "AB-1", "ABCD-12", "xab", "cd", "xyzxy", "xxx", "a-c", "abc", "12 word", "1 w", "!!!"};
    for (const char* p : patterns)
        for (const char* t : texts) {
            CAPTURE(p, t);
            CHECK(search(p, t) == std::regex_search(t, std::regex(p, std::regex::ECMAScript)));
        }
}

TEST_CASE("patterns of more than 64 states take the general path with the same answers", "[pattern]") {
    // 70 optional a's, then b: well over 64 states once expanded.
    compiled_pattern big("^a{0,70}b$");
    CHECK(big.search("b"));
    CHECK(big.search(std::string(70, 'a') + "b"));
    CHECK(!big.search(std::string(71, 'a') + "b"));
    CHECK(!big.search(std::string(10, 'a')));
    compiled_pattern unanchored("x{65}");
    CHECK(unanchored.search("--" + std::string(65, 'x') + "--"));
    CHECK(!unanchored.search(std::string(64, 'x')));
}

TEST_CASE("a pattern whose DFA would be large still answers like std::regex", "[pattern]") {
    // Few NFA states, but 2^7 DFA states: the DFA is abandoned for the mask simulation.
    const char* p = "(a|b)*a(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)$";
    for (const char* t : {"abbbbbbb", "aaaaaaaa", "bbbbbbbb", "ab", "babbbbbbba", "aabbabbab", "\xC3\xA9" "abbbbbb"}) {
        CAPTURE(t);
        CHECK(search(p, t) == std::regex_search(t, std::regex(p, std::regex::ECMAScript)));
    }
}

TEST_CASE("fixed-shape patterns answer as the automaton does, on any text", "[pattern]") {
    // Each pattern against the same language written with an alternation, which the automaton
    // answers: ([] matches nothing).
    const char* bodies[] = {"[A-Z]{3}-[0-9]{4}", "a.c",      "[^x]{2}\\d", "",      "(?:ab){2}c", "\\w{3}",
                            ".{2}",              "\\u00e9.", "[é-ê]b",     "\\S\\s", "-{0}x"};
    const char* pieces[] = {"A", "Z", "a", "b", "c", "x", "-", "0", "9", ".", " ", "\n", "\xC3\xA9", "\xF0\x9F\x98\x80", "\xFF"};
    std::uint64_t seed = 12345;
    auto next = [&] {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::size_t>(seed >> 33);
    };
    for (const char* body : bodies) {
        const std::string plain = std::string("^") + body + "$";
        const std::string other = std::string("^(?:") + body + "|[])$";
        compiled_pattern fixed(plain), general(other);
        CAPTURE(plain);
        CHECK(fixed.fixed_shape_path());
        CHECK(!general.fixed_shape_path());
        for (int i = 0; i < 3000; ++i) {
            std::string text;
            const std::size_t length = next() % 9;
            for (std::size_t k = 0; k < length; ++k) text += pieces[next() % std::size(pieces)];
            // Also texts built to fit the shape: each ASCII piece where the classes want one.
            if (i % 3 == 0) text = std::string(i % 2 ? "ABC-1234" : "abc") + (i % 7 == 0 ? "\xC3\xA9" : "");
            CAPTURE(text);
            CHECK(fixed.search(text) == general.search(text));
        }
    }
    for (const char* p : {"^a+$", "a{3}", "^a{2,3}$", "^a|b$", "^a*b$", "^(a|b)$", "^a$b", "a^b$"}) {
        CAPTURE(p);
        CHECK(!compiled_pattern(p).fixed_shape_path());
    }
    CHECK(compiled_pattern("^^a$").fixed_shape_path());
    CHECK(compiled_pattern("^a$$").fixed_shape_path());
    CHECK(compiled_pattern("^a$$").search("a"));
}
