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

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dt {

using sample::everything;

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
        CHECK(boost::json::serialize(warden::detail::encode_value<true>(*fast, {})) ==
              boost::json::serialize(warden::detail::encode_value<true>(*slow, {})));
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

TEST_CASE("decode_text: deeper than its fast path still gives the slow path's answer", "[decode_text]") {
    // 40 nested arrays in a valid grid-like document is deeper than the 32 frames of the one pass.
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

TEST_CASE("decode_text: unknown fields are refused in the one pass, with decode's errors", "[decode_text]") {
    using outcome = warden::detail::text_outcome;
    const std::string base = R"("name":"x","on":true,"hue":"red","grid":[],"tags":["x"],"small":1)";
    auto with = [&](const std::string& more) { return "{" + base + more + "}"; };
    struct probe {
        std::string text;
        outcome expected;
    };
    const probe probes[] = {
        // one pass: unknown keys only, at every depth, with every kind of scalar value
        {with(R"(,"named":{},"extra":1)"), outcome::refused},
        {with(R"(,"extra":"s","named":{},"more":null,"also":true,"last":-1.5e3)"), outcome::refused},
        {with(R"(,"named":{"k":{"x":1,"y":2,"z":3}})"), outcome::refused},
        {with(R"(,"named":{"a/b":{"x":1,"y":2,"m~n":"?"}},"at":{"x":1,"y":2,"w":0})"), outcome::refused},
        {"{" + std::string(R"("name":"x","on":true,"hue":"red","grid":[],"tags":["x"],"small":1,"named":{},)") +
             R"("weights":{"w":1},"q":"é")" + "}",
         outcome::refused},
        // the same key in two objects is no repeat
        {with(R"(,"named":{"a":{"x":1,"y":2,"z":1},"b":{"x":1,"y":2,"z":1}})"), outcome::refused},
        // the slow way: a repeated unknown key, a container under an unknown key, an escaped
        // unknown key, an unknown key plus another error, a missing field
        {with(R"(,"named":{},"extra":1,"extra":2)"), outcome::unsure},
        {with(R"(,"named":{},"extra":{"a":1,"a":2})"), outcome::unsure},
        {with(R"(,"named":{},"extra":[])"), outcome::unsure},
        {with(R"(,"named":{},"e\u0078tra":1)"), outcome::unsure},
        {with(R"(,"named":{},"extra":1,"token":5)"), outcome::unsure},
        {"{" + std::string(R"("name":"x","on":true,"hue":"red","grid":[],"tags":["x"],"extra":1,"named":{})") + "}", outcome::unsure},
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

    // Near the error cap the slow way writes the list, with its last entry.
    std::string many = with(R"(,"named":{})");
    many.pop_back();
    for (int i = 0; i < 6; ++i) many += ",\"u" + std::to_string(i) + "\":" + std::to_string(i);
    many += "}";
    for (std::size_t cap : {0u, 1u, 2u, 3u, 5u, 7u, 8u, 9u, 64u}) {
        CAPTURE(cap);
        dt::same_answer<dt::everything>(many, cap);
    }
    CHECK(dt::one_pass<dt::everything>(many, 3) == outcome::unsure);
    CHECK(dt::one_pass<dt::everything>(many, 8) == outcome::refused);
    CHECK(dt::one_pass<dt::everything>(many, 0) == outcome::refused);

    // Unknown fields inside array elements: their index is on the path.
    const std::string order = sample::read_file(WARDEN_SOURCE_DIR "/benchmarks/data/order50.json");
    std::string odd = order;
    const auto at = odd.find(R"("sku")", odd.find(R"("sku")") + 1);
    odd.insert(at, R"("colour":"red",)");
    CHECK(dt::one_pass<shop::order>(odd) == outcome::refused);
    dt::same_answer<shop::order>(odd);
    CHECK(warden::decode_text<shop::order>(odd).errors()[0].path == "/items/1/colour");
}
