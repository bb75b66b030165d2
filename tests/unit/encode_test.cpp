#include "examples/shared/orders.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <sstream>

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
