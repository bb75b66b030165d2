#include "examples/shared/orders.hpp"
#include "examples/shared/support_note.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

namespace {

boost::json::value json(std::string_view s) { return boost::json::parse(s); }

struct all_scalars {
    std::int8_t i8;
    std::uint64_t u64;
    float f;
    double d;
    bool b;
    std::optional<shop::order_priority> p;
    std::optional<warden::text<0, 3>> maybe_text;
    std::optional<std::vector<std::int32_t>> list;
    warden::secret<std::string> token;
    warden::idempotency_key key;
};
BOOST_DESCRIBE_STRUCT(all_scalars, (), (i8, u64, f, d, b, p, maybe_text, list, token, key))

struct empty_input {};
BOOST_DESCRIBE_STRUCT(empty_input, (), ())

struct address {
    static constexpr std::string_view schema_name = "address";
    std::optional<std::string> street;
    std::string city;
};
BOOST_DESCRIBE_STRUCT(address, (), (street, city))

struct parcel {
    static constexpr std::string_view schema_name = "parcel"; // the root is written in place
    address to;
    std::optional<address> from;
    std::vector<address> via;
};
BOOST_DESCRIBE_STRUCT(parcel, (), (to, from, via))

} // namespace

TEST_CASE("the reference tool's inputSchema is exactly the documented one", "[schema]") {
    auto expected = json(R"({"type":"object","properties":{"ticketId":{"type":"string","description":"The support ticket identifier."},
        "note":{"type":"string","minLength":1,"maxLength":2000}},"required":["ticketId","note"],"additionalProperties":false})");
    auto actual = warden::schema_of<desk::note_input>();
    CHECK(boost::json::value(actual) == expected);
    // Declaration order, not hash order: the serialized text is stable.
    CHECK(boost::json::serialize(actual) == boost::json::serialize(expected));
}

TEST_CASE("integer types carry their own range: rules narrow it in place", "[schema]") {
    auto s = warden::schema_of<all_scalars>();
    auto& p = s["properties"].as_object();
    CHECK(p["i8"] == json(R"({"type":"integer","minimum":-128,"maximum":127})"));
    CHECK(p["u64"] == json(R"({"type":"integer","minimum":0,"maximum":18446744073709551615})"));
    CHECK(p["f"].at("type") == "number");
    CHECK(p["f"].at("maximum").as_double() == Approx(3.4028234663852886e38));
    CHECK(p["d"] == json(R"({"type":"number"})"));
    CHECK(p["b"] == json(R"({"type":"boolean"})"));
    auto q = warden::schema_of<shop::line_item>()["properties"].as_object()["quantity"];
    CHECK(q == json(R"({"type":"integer","minimum":1,"maximum":1000})"));
}

TEST_CASE("optional members are not required and accept null", "[schema]") {
    auto s = warden::schema_of<all_scalars>();
    auto& p = s["properties"].as_object();
    CHECK(p["p"] == json(R"({"type":["string","null"],"enum":["low","normal","high",null]})"));
    CHECK(p["maybe_text"] == json(R"({"type":["string","null"],"minLength":0,"maxLength":3})"));
    CHECK(p["list"] == json(R"({"type":["array","null"],"items":{"type":"integer","minimum":-2147483648,"maximum":2147483647}})"));
    CHECK(s["required"] == json(R"(["i8","u64","f","d","b","token","key"])"));
}

TEST_CASE("secrets are write-only and the idempotency key documents itself", "[schema]") {
    auto s = warden::schema_of<all_scalars>();
    auto& p = s["properties"].as_object();
    CHECK(p["token"] == json(R"({"type":"string","writeOnly":true})"));
    CHECK(p["key"].at("minLength") == 1);
    CHECK(p["key"].at("maxLength") == 128);
    CHECK(p["key"].at("pattern") == "^[A-Za-z0-9._:-]+$");
    CHECK(!p["key"].at("description").as_string().empty());
}

TEST_CASE("nested structs, vectors and maps close every object", "[schema]") {
    auto s = warden::schema_of<shop::order>();
    auto& p = s["properties"].as_object();
    CHECK(s["additionalProperties"] == false);
    auto& items = p["items"].as_object();
    CHECK(items["type"] == "array");
    CHECK(items["minItems"] == 1);
    CHECK(items["maxItems"] == 100);
    auto& item = items["items"].as_object();
    CHECK(item["additionalProperties"] == false);
    CHECK(item["required"] == json(R"(["sku","quantity","unitPrice"])"));
    CHECK(item["properties"].at("sku") ==
          json(R"({"type":"string","description":"Stock keeping unit, like ABC-1234.","maxLength":8,"pattern":"^[A-Z]{3}-[0-9]{4}$"})"));
    CHECK(p["shipping"].at("type") == json(R"(["object","null"])"));
    CHECK(p["shipping"].at("additionalProperties") == false);
    CHECK(p["tags"] == json(R"({"type":["object","null"],"additionalProperties":{"type":"string","minLength":0,"maxLength":100}})"));
    CHECK(p["customerEmail"] == json(R"({"type":"string","maxLength":254,"format":"email"})"));
    CHECK(p["orderId"] == json(R"({"type":"string","minLength":1,"maxLength":64,"description":"The order identifier."})"));
}

TEST_CASE("a struct with no members is an object that takes nothing", "[schema]") {
    CHECK(boost::json::value(warden::schema_of<empty_input>()) ==
          json(R"({"type":"object","properties":{},"additionalProperties":false})"));
}

namespace {

struct audited {
    std::string actor;
};
BOOST_DESCRIBE_STRUCT(audited, (), (actor))

struct audited_note : audited {
    warden::text<1, 10> note;
};
BOOST_DESCRIBE_STRUCT(audited_note, (audited), (note))

} // namespace

TEST_CASE("members of described bases come first", "[schema]") {
    CHECK(boost::json::value(warden::schema_of<audited_note>()) ==
          json(R"({"type":"object","properties":{"actor":{"type":"string"},"note":{"type":"string","minLength":1,"maxLength":10}},
                   "required":["actor","note"],"additionalProperties":false})"));
    auto r = warden::decode<audited_note>(json(R"({"actor":"ann","note":"hi"})"));
    REQUIRE(r);
    CHECK(r->actor == "ann");
    CHECK(*r->note == "hi");
    STATIC_REQUIRE(warden::detail::describes_every_member<audited_note>());
}

TEST_CASE("a struct with a schema_name is defined once in $defs and referenced", "[schema]") {
    auto s = warden::schema_of<parcel>();
    CHECK(s == json(R"({"type":"object","properties":{
        "to":{"$ref":"#/$defs/address"},
        "from":{"anyOf":[{"$ref":"#/$defs/address"},{"type":"null"}]},
        "via":{"type":"array","items":{"$ref":"#/$defs/address"}}},
      "required":["to","via"],"additionalProperties":false,
      "$defs":{"address":{"type":"object","properties":{"street":{"type":["string","null"]},"city":{"type":"string"}},
                          "required":["city"],"additionalProperties":false}}})"));
}
