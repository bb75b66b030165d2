#include "examples/shared/support_note.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>

namespace {

warden::error only_error(std::string_view text, warden::parse_options opts = {}) {
    auto r = warden::parse(text, opts);
    REQUIRE(!r);
    REQUIRE(r.errors().size() == 1);
    return r.errors()[0];
}

} // namespace

TEST_CASE("parse returns the same value as boost::json for clean input", "[parse]") {
    std::string_view text = R"({"a":[1,-2,3.5,true,null,"x"],"b":{"c":{"d":"é"}},"e":18446744073709551615})";
    auto r = warden::parse(text);
    REQUIRE(r);
    CHECK(*r == boost::json::parse(text));
}

TEST_CASE("duplicate keys are rejected, with the path of the second one", "[parse]") {
    auto e = only_error(R"({"ticketId":"a","note":"b","note":"c"})");
    CHECK(e.code == warden::error_code::duplicate_key);
    CHECK(e.path == "/note");
    CHECK(e.message == "/note: duplicate key; each key may appear only once in an object");

    CHECK(only_error(R"({"items":[{"a":1},{"sku":1,"sku":2}]})").path == "/items/1/sku");
    CHECK(only_error(R"({"x":{"y":[0,[1,{"z":1,"z":1}]]}})").path == "/x/y/1/1/z");
    CHECK(only_error(R"({"a/b":{"~":1,"~":2}})").path == "/a~1b/~0");
    // Keys escaped differently are still the same key.
    CHECK(only_error(R"({"note":1,"n\u006fte":2})").code == warden::error_code::duplicate_key);
}

TEST_CASE("equal keys in different objects are fine", "[parse]") {
    CHECK(warden::parse(R"({"a":{"id":1},"b":{"id":2},"id":3,"c":[{"id":4},{"id":5}]})"));
}

TEST_CASE("duplicates are found in large objects too", "[parse]") {
    std::string doc = "{";
    for (int i = 0; i < 1000; ++i) doc += "\"k" + std::to_string(i) + "\":1,";
    doc += R"("k517":2})";
    CHECK(only_error(doc).path == "/k517");
    std::string clean = doc.substr(0, doc.size() - 10) + "}";
    CHECK(warden::parse(clean));
}

TEST_CASE("keys split across parser buffers are compared whole", "[parse]") {
    std::string key(5000, 'k');
    CHECK(only_error("{\"" + key + "\":1,\"" + key + "\":2}").code == warden::error_code::duplicate_key);
    CHECK(warden::parse("{\"" + key + "a\":1,\"" + key + "b\":2}"));
}

TEST_CASE("limits: size and depth", "[parse]") {
    auto big = only_error(R"({"note":"0123456789"})", {.max_bytes = 10});
    CHECK(big.code == warden::error_code::too_large);
    CHECK(big.message == "(root): the document is 21 bytes, more than the limit of 10");

    std::string deep(65, '[');
    deep += std::string(65, ']');
    CHECK(only_error(deep).code == warden::error_code::too_deep);
    std::string ok(64, '[');
    ok += std::string(64, ']');
    CHECK(warden::parse(ok));
}

TEST_CASE("malformed JSON and invalid UTF-8 are invalid_json", "[parse]") {
    for (std::string_view bad : {"", "{", "{\"a\":}", "[1,]", "{\"a\":1}x", "nul", "{'a':1}", "\"\xC3\x28\"",
                                 "\"\xED\xA0\x80\"", "/*c*/{}", "{\"a\":1,}"}) {
        CAPTURE(bad);
        CHECK(only_error(bad).code == warden::error_code::invalid_json);
    }
    CHECK(only_error("{\"a\":1}x").message.find("(root): not valid JSON at byte") == 0);
}

TEST_CASE("parse uses the given memory resource", "[parse]") {
    boost::json::monotonic_resource mr;
    auto r = warden::parse(R"({"a":[1,2,3]})", {}, &mr);
    REQUIRE(r);
    CHECK(r->storage().get() == &mr);
}

TEST_CASE("decimals are converted with correct rounding", "[parse]") {
    // Boost.JSON 1.81 alone reads these one ulp off, or as NaN.
    CHECK(warden::parse("3.4028234663852886e38")->as_double() == 3.4028234663852886e38);
    CHECK(warden::parse("3.402823466385289e38")->as_double() == 3.402823466385289e38);
    CHECK(warden::parse("0e400")->as_double() == 0.0);
    CHECK(std::signbit(warden::parse("-0e400")->as_double()));
    CHECK(warden::parse("1e-400")->as_double() == 0.0);
    CHECK(std::isinf(warden::parse("1e400")->as_double()));
    CHECK(warden::parse("[0.1,2.5e-3]")->as_array()[1].as_double() == 2.5e-3);
}

TEST_CASE("the fast and the general decimal paths agree with std::from_chars", "[parse]") {
    for (std::string_view text : {"9.5", "-0.0", "0.1", "123.456", "1e22", "1e23", "1.5e-22", "1.5e-23", "123456789012345.6",
                                  "1234567890123456.7", "0.000000000000000000001", "4.9e-324", "1.7976931348623157e308",
                                  "2.2250738585072014E-308", "-12.5E+3", "0.30000000000000004", "1E-7"}) {
        CAPTURE(text);
        double expected = 0;
        std::from_chars(text.data(), text.data() + text.size(), expected);
        auto v = warden::parse(text);
        REQUIRE(v);
        CHECK(v->to_number<double>() == expected);
        CHECK(std::signbit(v->to_number<double>()) == std::signbit(expected));
    }
}
