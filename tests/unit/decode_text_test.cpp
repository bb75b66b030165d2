// decode_text<T>(text) against parse(text) + decode<T>: the same value or the same errors, for
// valid inputs, for every kind of wrong one, and for thousands of mangled copies of real inputs.
// Valid inputs must take the one pass (no DOM), which decode_text_fast reports.

#include "examples/shared/orders.hpp"
#include "examples/shared/support_note.hpp"
#include "tests/unit/sample_types.hpp"

#include <warden/decode/decode_text.hpp>
#include <warden/encode/encode.hpp>

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dt {

using sample::everything;

// More members than the 64 bits a struct's frame keeps: 40 of its own and 30 inherited.
struct wide_base {
    int a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24, a25, a26, a27, a28, a29, a30, a31, a32, a33, a34, a35, a36, a37, a38, a39;
};
BOOST_DESCRIBE_STRUCT(wide_base, (), (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24, a25, a26, a27, a28, a29, a30, a31, a32, a33, a34, a35, a36, a37, a38, a39))
struct wide : wide_base {
    int b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18, b19, b20, b21, b22, b23, b24, b25, b26, b27, b28, b29;
    std::optional<int> last;
};
BOOST_DESCRIBE_STRUCT(wide, (wide_base), (b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18, b19, b20, b21, b22, b23, b24, b25, b26, b27, b28, b29, last))

// How the one pass ended on `text`.
template<class T>
warden::detail::text_outcome one_pass(std::string_view text, std::size_t max_errors = 64) {
    T out{};
    warden::detail::decode_context ctx(max_errors);
    return warden::detail::decode_text_fast(text, out, {}, ctx);
}

// The same answer both ways; for a valid text, through the one pass.
template<class T>
void same_answer(std::string_view text, std::size_t max_errors = 64) {
    INFO(text);
    auto fast = warden::decode_text<T>(text, {.max_errors = max_errors});
    auto parsed = warden::parse(text);
    warden::result<T> slow = parsed ? warden::decode<T>(*parsed, {.max_errors = max_errors}) : warden::result<T>(parsed.errors());
    REQUIRE(static_cast<bool>(fast) == static_cast<bool>(slow));
    if (slow) {
        CHECK(boost::json::serialize(warden::detail::encode_value(*fast, {}, true)) ==
              boost::json::serialize(warden::detail::encode_value(*slow, {}, true)));
        CHECK(one_pass<T>(text, max_errors) == warden::detail::text_outcome::decoded);
    } else {
        CHECK(warden::to_json(fast.errors()) == warden::to_json(slow.errors()));
    }
}

// Copies of `text` with one byte deleted, replaced or the rest cut off, at every `step`-th byte.
template<class T>
std::size_t mangle(const std::string& text, std::size_t step) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size(); i += step) {
        std::string cut = text.substr(0, i);
        same_answer<T>(cut);
        std::string gone = text;
        gone.erase(i, 1);
        same_answer<T>(gone);
        for (char c : std::string("\"}],:1x\\ -.e0n")) {
            std::string changed = text;
            changed[i] = c;
            same_answer<T>(changed);
        }
        n += 17;
    }
    return n;
}

// A number of every kind the decoder reads, with bounds inside and past what a double holds
// exactly: text stores most numbers without a JSON value (take_int64, take_double), and the
// rest, errors included, the way decode does.
struct numbers {
    std::int64_t i64;
    std::uint64_t u64;
    std::uint8_t u8;
    std::int32_t i32;
    float f;
    double d;
    warden::field<double, warden::minimum<-5>, warden::maximum<5>> bounded;
    warden::field<double, warden::minimum<-9007199254740993LL>> far_minimum;
    warden::field<std::int64_t, warden::maximum<9007199254740993LL>> far_maximum;
    warden::integer<1, 1000, std::int32_t> quantity;
    std::optional<warden::integer<0, 10>> maybe;
    std::optional<warden::secret<std::int32_t>> hidden;
    std::vector<double> list;
    bool flag;
};
BOOST_DESCRIBE_STRUCT(numbers, (), (i64, u64, u8, i32, f, d, bounded, far_minimum, far_maximum, quantity, maybe, hidden, list, flag))

} // namespace dt

TEST_CASE("decode_text: the same answer as parse + decode on hand-made inputs", "[decode_text]") {
    const char* valid = R"({"name":"a\u00e9\n","on":true,"hue":"green","at":{"x":-100,"y":1.5e3},"grid":[[1,2],[],[-9007199254740993]],
        "named":{"":{"x":0,"y":0},"b":{"x":100,"y":-0.0}},"tags":["abc","d"],"token":"s3cret","weights":{"w":null,"v":2},"small":255})";
    dt::same_answer<dt::everything>(valid);
    for (const char* text : {
             // valid variations: optional members absent or null, empty containers, escapes, numbers
             R"({"name":"","on":false,"hue":"red","grid":[],"named":{},"tags":["x"],"small":0})",
             R"({"small":1,"tags":["x"],"named":{},"grid":[[0]],"hue":"red","on":false,"name":"\"\\\/\b\f\r\t","at":null,"token":null,"weights":null})",
             R"( { "name" : "x" , "on" : true , "hue" : "red" , "grid" : [ ] , "named" : { } , "tags" : [ "x" ] , "small" : 1e2 } )",
             // wrong: each kind of error decode reports, and syntax
             R"({"name":"x","on":true,"hue":"blue","grid":[],"named":{},"tags":["x"],"small":1})",
             R"({"name":"x","on":true,"hue":"red","grid":[],"named":{},"tags":[],"small":1})",
             R"({"name":"x","on":true,"hue":"red","grid":[],"named":{},"tags":["abcd"],"small":1})",
             R"({"name":"x","on":true,"hue":"red","grid":[],"named":{},"tags":["a","b","c","d"],"small":1})",
             R"({"name":"x","on":true,"hue":"red","grid":[],"named":{},"tags":["x"],"small":256})",
             R"({"name":"x","on":true,"hue":"red","grid":[],"named":{},"tags":["x"],"small":1.5})",
             R"({"name":"x","on":true,"hue":"red","grid":[],"named":{},"tags":["x"],"small":1,"extra":{}})",
             R"({"name":"x","on":true,"hue":"red","grid":[],"named":{},"tags":["x"]})",
             R"({"name":"x","name":"y","on":true,"hue":"red","grid":[],"named":{},"tags":["x"],"small":1})",
             R"({"name":"x","on":true,"hue":"red","grid":[],"named":{"a":{"x":1,"y":1},"a":{"x":1,"y":1}},"tags":["x"],"small":1})",
             R"({"name":"x","on":true,"hue":"red","grid":[],"named":{"a":{"x":101,"y":1}},"tags":["x"],"small":1})",
             R"({"name":"x","on":true,"hue":"red","grid":[[1,"2"]],"named":{},"tags":["x"],"small":1})",
             R"({"name":"x","on":true,"hue":"red","grid":{},"named":[],"tags":"x","small":1})",
             R"({"name":"x","on":true,"hue":"red","grid":[],"named":{},"tags":["x"],"small":1,"at":{"x":1}})",
             R"({"name":"x","on":true,"hue":"red","grid":[],"named":{},"tags":["x"],"small":1,"token":5})",
             R"({"name":1,"on":"true","hue":null,"grid":null,"named":null,"tags":null,"small":null})",
             R"({"name":"x","on":true,"hue":"red","grid":[],"named":{},"tags":["x"],"small":1,"weights":{"w":1e400}})",
             R"([])", R"(null)", R"("x")", R"(1)", R"({)", R"({"name":)", R"({"name":"x"}})", R"({"name":"\ud800"})",
             "{\"name\":\"\xff\"}", R"({"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})", ""})
        dt::same_answer<dt::everything>(text);
}

TEST_CASE("decode_text: an array nested deep where a number belongs gets the slow path's answer", "[decode_text]") {
    std::string deep = R"({"name":"x","on":true,"hue":"red","grid":[],"named":{},"tags":["x"],"small":1,"weights":{"w":)" +
                       std::string(40, '[') + std::string(40, ']') + "}}";
    dt::same_answer<dt::everything>(deep);
}

TEST_CASE("decode_text: real inputs, and thousands of mangled copies of them", "[decode_text]") {
    const std::string order = sample::read_file(WARDEN_SOURCE_DIR "/benchmarks/data/order50.json");
    const std::string note = sample::read_file(WARDEN_SOURCE_DIR "/benchmarks/data/support_note.json");
    REQUIRE(order.size() > 1000);
    dt::same_answer<shop::order>(order);
    dt::same_answer<desk::note_input>(note);
    CHECK(dt::mangle<desk::note_input>(note, 1) > 1000);
    CHECK(dt::mangle<shop::order>(order, 5) > 10000);
}

TEST_CASE("decode_text: invalid arguments are refused in the one pass, with decode's errors", "[decode_text]") {
    using outcome = warden::detail::text_outcome;
    const std::string base = R"("name":"x","on":true,"hue":"red","grid":[],"tags":["x"],"small":1)";
    auto with = [&](const std::string& more) { return "{" + base + more + "}"; };
    struct probe {
        std::string text;
        outcome expected;
    };
    const probe probes[] = {
        // one pass: unknown keys at every depth, with every kind of scalar value
        {with(R"(,"named":{},"extra":1)"), outcome::refused},
        {with(R"(,"extra":"s","named":{},"more":null,"also":true,"last":-1.5e3)"), outcome::refused},
        {with(R"(,"named":{"k":{"x":1,"y":2,"z":3}})"), outcome::refused},
        {with(R"(,"named":{"a/b":{"x":1,"y":2,"m~n":"?"}},"at":{"x":1,"y":2,"w":0})"), outcome::refused},
        {"{" + std::string(R"("name":"x","on":true,"hue":"red","grid":[],"tags":["x"],"small":1,"named":{},)") +
             R"("weights":{"w":1},"q":"é")" + "}",
         outcome::refused},
        // the same key in two objects is no repeat
        {with(R"(,"named":{"a":{"x":1,"y":2,"z":1},"b":{"x":1,"y":2,"z":1}})"), outcome::refused},
        // one pass: every other error decode lists, alone and together
        {with(R"(,"named":{},"extra":1,"token":5)"), outcome::refused},
        {"{" + std::string(R"("name":"x","on":true,"hue":"red","grid":[],"tags":["x"],"extra":1,"named":{})") + "}", outcome::refused},
        {R"({"name":1,"on":"true","hue":null,"grid":null,"named":null,"tags":null,"small":null})", outcome::refused},
        {with(R"(,"named":{"a":{"x":101,"y":"1"},"b":{}},"at":{"x":1.5,"y":1e400})"), outcome::refused},
        {R"({"name":"x","on":true,"hue":"blue","grid":[[1,"2",1.5]],"named":{},"tags":["","abcd","a","b"],"small":256})", outcome::refused},
        {"5", outcome::refused},
        {R"("x")", outcome::refused},
        // the slow way: a repeated key (parse's error), a container skipped (under an unknown
        // key, or where the type takes none: it could repeat a key unseen), a key the parser
        // gives in pieces or unescapes into its own buffer, when an error's path goes through it
        {with(R"(,"named":{},"extra":1,"extra":2)"), outcome::unsure},
        {with(R"(,"named":{},"name":"y")"), outcome::unsure},
        {with(R"(,"named":{},"extra":{"a":1,"a":2})"), outcome::unsure},
        {with(R"(,"named":{},"extra":[])"), outcome::unsure},
        {with(R"(,"named":{},"at":[])"), outcome::unsure},
        {with(R"(,"named":{},"weights":{"w":"heavy","v":[]})"), outcome::unsure},
        {"[]", outcome::unsure},
        {with(R"(,"named":{},"e\u0078tra":1)"), outcome::unsure},
        {with(R"(,"named":{},"\u0065xtra":1)"), outcome::unsure},
        {"{" + base + R"(,"\u006eamed":{"a":{"x":1}}})", outcome::unsure},
        // ... and the one pass when no error needs that key
        {"{" + base + R"(,"\u006eamed":{"a":{"x":1,"y":2}}})", outcome::decoded},
    };
    for (const auto& p : probes) {
        CAPTURE(p.text);
        CHECK(dt::one_pass<dt::everything>(p.text) == p.expected);
        dt::same_answer<dt::everything>(p.text);
    }
    auto refused = warden::decode_text<dt::everything>(with(R"(,"named":{"a/b":{"x":1,"y":2,"m~n":"?"}})"));
    REQUIRE(!refused);
    REQUIRE(refused.errors().size() == 1);
    CHECK(refused.errors()[0].path == "/named/a~1b/m~0n");
    CHECK(refused.errors()[0].code == warden::error_code::unknown_field);

    // A key unescaped by the parser is not kept past its value: the error below it is written by
    // the slow way, with the right path.
    auto escaped = warden::decode_text<dt::everything>("{" + base + R"(,"\u006eamed":{"a":{"x":1},"b":{"x":2,"y":2}}})");
    REQUIRE(!escaped);
    REQUIRE(escaped.errors().size() == 1);
    CHECK(escaped.errors()[0].path == "/named/a/y");

    // The error cap, at every size, in the one pass.
    std::string many = with(R"(,"named":{})");
    many.pop_back();
    for (int i = 0; i < 6; ++i) many += ",\"u" + std::to_string(i) + "\":" + std::to_string(i);
    many += "}";
    for (std::size_t cap : {0u, 1u, 2u, 3u, 5u, 7u, 8u, 9u, 64u}) {
        CAPTURE(cap);
        dt::same_answer<dt::everything>(many, cap);
        CHECK(dt::one_pass<dt::everything>(many, cap) == outcome::refused);
    }

    // Unknown fields inside array elements: their index is on the path.
    const std::string order = sample::read_file(WARDEN_SOURCE_DIR "/benchmarks/data/order50.json");
    std::string odd = order;
    const auto at = odd.find(R"("sku")", odd.find(R"("sku")") + 1);
    odd.insert(at, R"("colour":"red",)");
    CHECK(dt::one_pass<shop::order>(odd) == outcome::refused);
    dt::same_answer<shop::order>(odd);
    CHECK(warden::decode_text<shop::order>(odd).errors()[0].path == "/items/1/colour");
}

TEST_CASE("decode_text: a struct of more than 64 members, in one pass", "[decode_text]") {
    std::string all = "{";
    for (int i = 0; i < 40; ++i) all += "\"a" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    for (int i = 0; i < 30; ++i) all += "\"b" + std::to_string(i) + "\":" + std::to_string(100 + i) + ",";
    all.back() = '}';
    CHECK(dt::one_pass<dt::wide>(all) == warden::detail::text_outcome::decoded);
    dt::same_answer<dt::wide>(all);
    auto ok = warden::decode_text<dt::wide>(all);
    REQUIRE(ok);
    CHECK(ok->a0 == 0);
    CHECK(ok->b29 == 129);
    CHECK(!ok->last);

    // b29 is the struct's 40 + 29 = 69th member: missing, and then repeated.
    std::string gone = all;
    gone.replace(gone.find(R"("b29":129)"), 9, R"("last":1)");
    CHECK(dt::one_pass<dt::wide>(gone) == warden::detail::text_outcome::refused);
    dt::same_answer<dt::wide>(gone);
    auto missing = warden::decode_text<dt::wide>(gone);
    REQUIRE(!missing);
    REQUIRE(missing.errors().size() == 1);
    CHECK(missing.errors()[0].path == "/b29");
    CHECK(missing.errors()[0].code == warden::error_code::missing_field);
    std::string twice = all;
    twice.insert(1, R"("b29":1,)");
    CHECK(dt::one_pass<dt::wide>(twice) == warden::detail::text_outcome::unsure);
    dt::same_answer<dt::wide>(twice);
    CHECK(!warden::decode_text<dt::wide>(twice));
}

namespace dt {
// Objects and arrays nested deeper than the reader's first 16 frames: level<N> holds an array of
// level<N-1>. (A plain vector of vectors 20 deep would do too, but its type's name doubles with
// each level, which debug information cannot afford.)
template<int N>
struct level {
    std::vector<level<N - 1>> v;
    BOOST_DESCRIBE_CLASS(level, (), (v), (), ())
};
template<>
struct level<0> {
    warden::integer<0, 9> x;
    BOOST_DESCRIBE_CLASS(level, (), (x), (), ())
};
} // namespace dt

TEST_CASE("decode_text: containers nested deeper than the reader's first frames, in one pass and through a DOM", "[decode_text]") {
    // 10 levels of {"v":[ ... ]}: 20 containers, then {"x":...}.
    std::string open, close;
    for (int i = 0; i < 10; ++i) {
        open += R"({"v":[)";
        close += "]}";
    }
    const std::string good = open + R"({"x":7})" + close;
    CHECK(dt::one_pass<dt::level<10>>(good) == warden::detail::text_outcome::decoded);
    dt::same_answer<dt::level<10>>(good);
    auto ok = warden::decode_text<dt::level<10>>(good);
    REQUIRE(ok);
    CHECK(boost::json::serialize(warden::encode(*ok)) == good);

    const std::string bad = open + R"({"x":1},{"x":10},{})" + close;
    CHECK(dt::one_pass<dt::level<10>>(bad) == warden::detail::text_outcome::refused);
    dt::same_answer<dt::level<10>>(bad);
    auto refused = warden::decode_text<dt::level<10>>(bad);
    REQUIRE(!refused);
    REQUIRE(refused.errors().size() == 2);
    std::string path;
    for (int i = 0; i < 9; ++i) path += "/v/0";
    CHECK(refused.errors()[0].path == path + "/v/1/x");
    CHECK(refused.errors()[0].code == warden::error_code::out_of_range);
    CHECK(refused.errors()[1].path == path + "/v/2/x");
    CHECK(refused.errors()[1].code == warden::error_code::missing_field);
    auto parsed = warden::parse(bad);
    REQUIRE(parsed);
    auto via_dom = warden::decode<dt::level<10>>(*parsed);
    REQUIRE(!via_dom);
    CHECK(warden::to_json(via_dom.errors()) == warden::to_json(refused.errors()));
}

namespace dt {
struct switches {
    std::vector<bool> on;
    std::optional<std::vector<bool>> spare;
};
BOOST_DESCRIBE_STRUCT(switches, (), (on, spare))
} // namespace dt

TEST_CASE("decode_text: std::vector<bool>, whose elements have no address, both ways", "[decode_text]") {
    const std::string good = R"({"on":[true,false,true,true],"spare":[]})";
    CHECK(dt::one_pass<dt::switches>(good) == warden::detail::text_outcome::decoded);
    dt::same_answer<dt::switches>(good);
    auto ok = warden::decode_text<dt::switches>(good);
    REQUIRE(ok);
    CHECK(ok->on == std::vector<bool>{true, false, true, true});
    REQUIRE(ok->spare);
    CHECK(ok->spare->empty());
    CHECK(boost::json::serialize(warden::encode(*ok)) == good);

    const std::string bad = R"({"on":[true,1,null,"x",[false]]})";
    dt::same_answer<dt::switches>(bad);
    auto parsed = warden::parse(bad);
    REQUIRE(parsed);
    auto refused = warden::decode<dt::switches>(*parsed);
    REQUIRE(!refused);
    REQUIRE(refused.errors().size() == 4);
    CHECK(refused.errors()[0].path == "/on/1");
    CHECK(refused.errors()[3].path == "/on/4");
    CHECK(refused.errors()[3].message == "/on/4: must be a boolean, got an array");
}

TEST_CASE("decode_text: numbers into every number type, at and past each bound, the same both ways", "[decode_text]") {
    const std::vector<std::pair<std::string, std::string>> members = {
        {"i64", "1"}, {"u64", "1"}, {"u8", "1"}, {"i32", "1"}, {"f", "1"}, {"d", "1"}, {"bounded", "1"}, {"far_minimum", "1"},
        {"far_maximum", "1"}, {"quantity", "1"}, {"maybe", "1"}, {"hidden", "1"}, {"list", "[1]"}, {"flag", "true"}};
    const char* values[] = {"0", "-0", "-0.0", "0.0", "1", "-1", "1.0", "1.5", "-1.5", "1e2", "1E-2", "2.5e+1", "255", "256", "-129",
                            "4.9999999", "5", "5.0000001", "5.0", "-5", "-5.0000001", "1000", "1001", "1000.5", "0.5",
                            "2147483647", "2147483648", "-2147483648", "-2147483649", "9007199254740992", "9007199254740993",
                            "9007199254740994", "-9007199254740993", "-9007199254740994", "9223372036854775807",
                            "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
                            "18446744073709551616", "3.4028235e38", "3.5e38", "-3.5e38", "1e400", "-1e400", "5e-324", "1e-400",
                            "123456789012345678901234567890", "0.1", "true", "null", "\"1\"", "[1]", "{}"};
    std::size_t n = 0;
    for (std::size_t m = 0; m < members.size(); ++m) {
        for (const char* value : values) {
            std::string text = "{";
            for (std::size_t k = 0; k < members.size(); ++k) {
                if (k) text += ',';
                const bool here = k == m;
                const bool in_list = here && members[k].first == "list";
                text += '"' + members[k].first + "\":" + (in_list ? "[2," + std::string(value) + "]" : here ? std::string(value) : members[k].second);
            }
            text += '}';
            dt::same_answer<dt::numbers>(text);
            ++n;
        }
    }
    CHECK(n == members.size() * std::size(values));
    // A valid text of the usual numbers is read in one pass, each stored as it came.
    auto ok = warden::decode_text<dt::numbers>(R"({"i64":-7,"u64":7,"u8":255,"i32":-2147483648,"f":0.5,"d":-2.25,"bounded":-5,)"
                                               R"("far_minimum":-9.0e15,"far_maximum":9007199254740993,"quantity":1000,"maybe":null,)"
                                               R"("hidden":3,"list":[1,2.5,-0.0],"flag":false})");
    REQUIRE(ok);
    CHECK(ok->i64 == -7);
    CHECK(ok->u8 == 255);
    CHECK(ok->i32 == -2147483648);
    CHECK(*ok->bounded == -5.0);
    CHECK(*ok->far_maximum == 9007199254740993LL);
    CHECK(*ok->quantity == 1000);
    CHECK(!ok->maybe);
    CHECK(ok->list == std::vector<double>{1, 2.5, -0.0});
    CHECK(std::signbit(ok->list[2]));
}
