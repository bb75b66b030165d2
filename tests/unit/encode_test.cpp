#include "examples/shared/orders.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

namespace {

struct profile {
    std::string name;
    std::optional<std::string> nickname;
    std::optional<std::int32_t> age;
    std::vector<std::optional<int>> scores;
    warden::secret<std::string> api_key;
    shop::order_priority tier;
    std::map<std::string, warden::text<0, 10>> labels;
};
BOOST_DESCRIBE_STRUCT(profile, (), (name, nickname, age, scores, api_key, tier, labels))

} // namespace

TEST_CASE("encode writes described members only and omits empty optionals", "[encode]") {
    profile p;
    p.name = "Ann";
    p.age = 41;
    p.scores = {1, std::nullopt};
    p.api_key = warden::secret<std::string>("sk-live-123");
    p.tier = shop::order_priority::normal;
    p.labels["team"] = {"blue"};
    auto v = warden::encode(p);
    CHECK(v == boost::json::parse(
                   R"({"name":"Ann","age":41,"scores":[1,null],"api_key":"[redacted]","tier":"normal","labels":{"team":"blue"}})"));
    CHECK(!v.as_object().contains("nickname"));
    CHECK(boost::json::serialize(v).find("sk-live") == std::string::npos);
}

// Enums are written from the table of names the decoder and the schema read too.
TEST_CASE("encode writes an enum by its name, and a value no enumerator names as an empty string", "[encode]") {
    CHECK(warden::encode(shop::order_priority::low) == "low");
    CHECK(warden::encode(shop::order_priority::high) == "high");
    CHECK(warden::encode(static_cast<shop::order_priority>(7)) == "");
}

TEST_CASE("decode then encode gives the input back for a valid order", "[encode]") {
    auto text = R"({"orderId":"o-1","customerEmail":"ann@example.com","priority":"high",
        "items":[{"sku":"ABC-1234","quantity":2,"unitPrice":9.5,"giftMessage":"Hi"}],
        "shipping":{"line1":"1 Main St","city":"Oslo","country":"NO"},"tags":{"channel":"web"},
        "deliverBy":"2024-02-29","warehouse":7,"loyaltyPoints":-5,"giftWrap":true})";
    auto r = warden::decode<shop::order>(boost::json::parse(text));
    REQUIRE(r);
    CHECK(warden::encode(*r) == boost::json::parse(text));
}

TEST_CASE("a secret prints as redacted", "[encode]") {
    std::ostringstream os;
    os << warden::secret<std::string>("hunter2");
    CHECK(os.str() == "[redacted]");
}

namespace {

struct numbers {
    double d;
    float f;
    std::int64_t big;
    std::uint64_t huge;
    short small;
    bool yes;
    std::vector<double> list;
};
BOOST_DESCRIBE_STRUCT(numbers, (), (d, f, big, huge, small, yes, list))

template<class T>
std::string text_of(const T& v, bool reveal = false) {
    std::string out = "prefix:"; // written after what the string holds
    warden::detail::write_json(out, v, reveal);
    REQUIRE(out.rfind("prefix:", 0) == 0);
    return out.substr(7);
}

} // namespace

// Replies are written as text (write_json), values for the trace as a DOM (encode): both must
// say the same thing.
TEST_CASE("write_json writes the JSON that encode builds", "[encode]") {
    profile p;
    p.name = "A\"nn\\ \n\t\x01 ø";
    p.age = -41;
    p.scores = {1, std::nullopt, -7};
    p.api_key = warden::secret<std::string>("sk-live-123");
    p.tier = shop::order_priority::high;
    p.labels["te\"am"] = {"blue"};
    p.labels["a"] = {""};
    for (bool reveal : {false, true}) {
        auto text = text_of(p, reveal);
        CHECK(boost::json::parse(text) == warden::detail::encode_value(p, {}, reveal));
    }
    CHECK(text_of(p).find("sk-live") == std::string::npos);
    CHECK(text_of(p, true).find("sk-live-123") != std::string::npos);
    p.nickname = "Annie";
    p.age.reset();
    CHECK(boost::json::parse(text_of(p)) == warden::encode(p));
    CHECK(text_of(static_cast<shop::order_priority>(7)) == R"("")");

    auto order = R"({"orderId":"o-1","customerEmail":"ann@example.com","priority":"high",
        "items":[{"sku":"ABC-1234","quantity":2,"unitPrice":9.5,"giftMessage":"Hi"},{"sku":"XYZ-0001","quantity":1,"unitPrice":0.1}],
        "shipping":{"line1":"1 Main St","city":"Oslo","country":"NO"},"tags":{"channel":"web"},
        "deliverBy":"2024-02-29","warehouse":7,"loyaltyPoints":-5,"giftWrap":true})";
    auto r = warden::decode<shop::order>(boost::json::parse(order));
    REQUIRE(r);
    CHECK(boost::json::parse(text_of(*r)) == warden::encode(*r));
}

TEST_CASE("write_json keeps numbers exact and their kind, and writes what JSON cannot hold as null", "[encode]") {
    numbers n{0.1, 1.5f, INT64_MIN, UINT64_MAX, -3, true, {1.0, -0.0, 1e300, 2.5e-8, 123456789.0}};
    auto text = text_of(n);
    CHECK(boost::json::parse(text) == warden::encode(n));
    auto parsed = boost::json::parse(text).as_object();
    CHECK(parsed.at("list").as_array()[0].is_double()); // 1.0 stays a double
    CHECK(parsed.at("huge").is_uint64());
    n.list = {std::numeric_limits<double>::infinity(), std::nan("")};
    CHECK(boost::json::parse(text_of(n)).as_object().at("list") == boost::json::array{nullptr, nullptr});
}

namespace {
// The escapes one byte at a time, as the specification spells them: what the fast ways must equal.
std::string escaped_slowly(std::string_view s) {
    std::string out = "\"";
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"') out += "\\\"";
        else if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else out += ch;
    }
    return out + "\"";
}
} // namespace

// Escapes are found sixteen bytes at a time (eight where there is no SSE2), and the bytes between
// them moved as many at once: wherever characters that need one fall, however many, and whatever
// surrounds them, the string is written as the one-byte-at-a-time spelling writes it.
TEST_CASE("append_json_string escapes what needs it, wherever it falls", "[encode]") {
    const std::vector<std::string> pieces = {"a", "\"", "\\", "\n", "\x01", "\x1f", " ", "~", "\x7f", "\xc3\xb8", "/", "\t", "\r"};
    std::mt19937 gen(7);
    for (int round = 0; round < 20000; ++round) {
        std::string s;
        const auto length = gen() % 200; // past 64 bytes after the first escape, the escapes are counted first
        for (unsigned i = 0; i < length; ++i) s += pieces[gen() % (i % 5 == 0 ? pieces.size() : 2)];
        std::string out = "x";
        warden::detail::append_json_string(out, s);
        REQUIRE(out == "x" + escaped_slowly(s));
        REQUIRE(boost::json::parse(out.substr(1)).as_string() == s);
    }
    // The room for escapes is made once, for the worst case: strings of nothing else, of every length.
    for (const std::string piece : {"\x01", "\"", "\x1f\\"})
        for (std::size_t n = 0; n < 140; ++n) {
            std::string s;
            for (std::size_t i = 0; i < n; ++i) s += piece;
            std::string out = "x";
            warden::detail::append_json_string(out, s);
            REQUIRE(out == "x" + escaped_slowly(s));
            CHECK(out.size() == 3 + n * (piece == "\x01" ? 6 : piece == "\"" ? 2 : 8));
        }
    // Sixteen bytes at a time, then eight, then one: one byte at every place of strings of every
    // length up to 70, with plain text (some of it past ASCII) all around. Bytes past ASCII, a
    // space and DEL are written as they are; the others each take their escape.
    const std::vector<std::pair<char, std::string>> bytes = {
        {'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {'\x01', "\\u0001"}, {'\x1f', "\\u001f"},
        {' ', " "},    {'\x7f', "\x7f"},   {'\x80', "\x80"}, {'\xff', "\xff"}};
    for (std::size_t n = 1; n <= 70; ++n)
        for (std::size_t at = 0; at < n; ++at)
            for (const auto& [byte, written] : bytes) {
                std::string s;
                for (std::size_t i = 0; i < n; ++i) s += i % 3 ? 'a' : '\xc3';
                s[at] = byte;
                std::string out = "x";
                warden::detail::append_json_string(out, s);
                REQUIRE(out == "x\"" + s.substr(0, at) + written + s.substr(at + 1) + "\"");
            }
}

// Request ids (numbers or strings) are written without the serializer; every value reads back as it was.
TEST_CASE("append_json writes any value, numbers and strings directly", "[encode]") {
    const std::vector<boost::json::value> values = {
        0, -1, 42, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
        std::numeric_limits<std::uint64_t>::max(), "", "id-7", "quote \" backslash \\ nl \n \x01 \xC3\xA9", 1.5, true,
        nullptr, boost::json::array{1, "two"}, boost::json::object{{"a", 1}}};
    for (const auto& v : values) {
        std::string out = "x";
        warden::detail::append_json(out, v);
        REQUIRE(out[0] == 'x');
        const auto back = boost::json::parse(out.substr(1));
        CHECK(back == v);
        CHECK(back.kind() == v.kind());
    }
}
