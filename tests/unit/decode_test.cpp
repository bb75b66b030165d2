#include "examples/shared/orders.hpp"
#include "examples/shared/support_note.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <algorithm>

namespace {

template<class T>
warden::result<T> decode_text(std::string_view text, warden::decode_options opts = {}) {
    return warden::decode<T>(boost::json::parse(text), opts);
}

std::vector<std::string> codes(const std::vector<warden::error>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) out.push_back(warden::to_string(e.code));
    return out;
}

std::vector<std::string> paths(const std::vector<warden::error>& errors) {
    std::vector<std::string> out;
    for (const auto& e : errors) out.push_back(e.path);
    return out;
}

std::string repeat(std::string_view unit, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += unit;
    return s;
}

struct limits {
    std::int8_t i8;
    std::uint8_t u8;
    std::int64_t i64;
    std::uint64_t u64;
    float f;
};
BOOST_DESCRIBE_STRUCT(limits, (), (i8, u8, i64, u64, f))

struct with_secret {
    warden::secret<warden::text<8, 64>> password;
    warden::secret<shop::order_priority> level;
};
BOOST_DESCRIBE_STRUCT(with_secret, (), (password, level))

struct odd_names {
    std::map<std::string, int> m;
};
BOOST_DESCRIBE_STRUCT(odd_names, (), (m))

} // namespace

TEST_CASE("a valid note decodes into the struct", "[decode]") {
    auto r = decode_text<desk::note_input>(R"({"ticketId":"T-1","note":"Customer called back."})");
    REQUIRE(r);
    CHECK(*r->ticketId == "T-1");
    CHECK(*r->note == "Customer called back.");
    CHECK(r.errors().empty());
}

TEST_CASE("the length error reads as the model needs it", "[decode]") {
    auto r = decode_text<desk::note_input>(R"({"ticketId":"T-1","note":")" + repeat("a", 2013) + R"("})");
    REQUIRE(!r);
    REQUIRE(r.errors().size() == 1);
    CHECK(r.errors()[0].path == "/note");
    CHECK(r.errors()[0].code == warden::error_code::too_long);
    CHECK(r.errors()[0].message == "/note: must be at most 2000 characters, got 2013");
    CHECK_THROWS_AS(r.value(), warden::bad_result_access);
}

TEST_CASE("lengths count code points, not bytes", "[decode]") {
    for (std::string_view unit : {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"}) { // é € 😀
        CAPTURE(unit);
        CHECK(decode_text<desk::note_input>(R"({"ticketId":"t","note":")" + repeat(unit, 2000) + R"("})"));
        auto r = decode_text<desk::note_input>(R"({"ticketId":"t","note":")" + repeat(unit, 2001) + R"("})");
        REQUIRE(!r);
        CHECK(r.errors()[0].message == "/note: must be at most 2000 characters, got 2001");
    }
    // An escaped surrogate pair is one code point too.
    CHECK(decode_text<desk::note_input>(R"({"ticketId":"t","note":"\ud83d\ude00"})"));
}

TEST_CASE("every error is reported at once, in document order, then the missing ones", "[decode]") {
    auto r = decode_text<desk::note_input>(R"({"extra":1,"ticketId":5})");
    REQUIRE(!r);
    CHECK(codes(r.errors()) == std::vector<std::string>{"unknown_field", "wrong_type", "missing_field"});
    CHECK(paths(r.errors()) == std::vector<std::string>{"/extra", "/ticketId", "/note"});
    CHECK(r.errors()[0].message == "/extra: unknown field; allowed fields are ticketId, note");
    CHECK(r.errors()[1].message == "/ticketId: must be a string, got a number");
    CHECK(r.errors()[2].message == "/note: required field is missing");
}

TEST_CASE("the whole document must be an object", "[decode]") {
    auto r = decode_text<desk::note_input>("[1,2]");
    REQUIRE(!r);
    CHECK(r.errors()[0].path.empty());
    CHECK(r.errors()[0].message == "(root): must be an object, got an array");
}

TEST_CASE("unknown fields are rejected at every depth with their pointer", "[decode]") {
    auto r = decode_text<shop::order>(R"({"orderId":"o","customerEmail":"a@b.co","priority":"low","giftWrap":false,
        "items":[{"sku":"ABC-1234","quantity":1,"unitPrice":2},{"sku":"ABC-1234","quantity":1,"unitPrice":2,"colour":"red"}],
        "shipping":{"line1":"1 Main St","city":"Oslo","country":"NO","zip":"0150"},
        "tags":{"a/b~c":"fine"}})");
    REQUIRE(!r);
    CHECK(paths(r.errors()) == std::vector<std::string>{"/items/1/colour", "/shipping/zip"});
    CHECK(codes(r.errors()) == std::vector<std::string>{"unknown_field", "unknown_field"});
}

TEST_CASE("map keys are escaped in pointers (RFC 6901)", "[decode]") {
    auto r = decode_text<odd_names>(R"({"m":{"a/b~c":"x"}})");
    REQUIRE(!r);
    CHECK(r.errors()[0].path == "/m/a~1b~0c");
}

TEST_CASE("a valid order decodes every kind of field", "[decode]") {
    auto r = decode_text<shop::order>(R"({"orderId":"o-1","customerEmail":"ann@example.com","priority":"high",
        "items":[{"sku":"ABC-1234","quantity":2,"unitPrice":9.5,"giftMessage":"Happy birthday"},
                 {"sku":"XYZ-0001","quantity":1000,"unitPrice":0,"giftMessage":null}],
        "shipping":{"line1":"1 Main St","city":"Oslo","country":"NO"},
        "tags":{"channel":"web"},"deliverBy":"2024-02-29","warehouse":65535,"loyaltyPoints":-5,
        "couponCode":"SPRING","giftWrap":true})");
    REQUIRE(r);
    const shop::order& o = *r;
    CHECK(o.priority == shop::order_priority::high);
    REQUIRE(o.items->size() == 2);
    CHECK(*(*o.items)[0].giftMessage.value() == "Happy birthday");
    CHECK(!(*o.items)[1].giftMessage.has_value());
    CHECK(*(*o.items)[1].quantity == 1000);
    CHECK(*(*o.items)[0].unitPrice == 9.5);
    CHECK(*o.shipping->country == "NO");
    CHECK(*o.tags->at("channel") == "web");
    CHECK(*o.warehouse == 65535);
    CHECK(o.couponCode->reveal() == "SPRING");
    CHECK(o.giftWrap);
}

TEST_CASE("absent and null both leave an optional empty", "[decode]") {
    auto base = std::string(R"({"orderId":"o","customerEmail":"a@b.co","priority":"low","giftWrap":false,
        "items":[{"sku":"ABC-1234","quantity":1,"unitPrice":2}])");
    auto absent = decode_text<shop::order>(base + "}");
    auto null = decode_text<shop::order>(base + R"(,"shipping":null,"tags":null,"warehouse":null})");
    REQUIRE(absent);
    REQUIRE(null);
    CHECK(!absent->shipping);
    CHECK(!null->shipping);
    CHECK(!null->warehouse);
    // null is not a value for a required member.
    auto r = decode_text<desk::note_input>(R"({"ticketId":null,"note":"x"})");
    REQUIRE(!r);
    CHECK(r.errors()[0].message == "/ticketId: must be a string, got null");
}

TEST_CASE("integers: type range, integral doubles, fractions", "[decode]") {
    auto ok = decode_text<limits>(R"({"i8":-128,"u8":255,"i64":-9223372036854775808,"u64":18446744073709551615,"f":1})");
    REQUIRE(ok);
    CHECK(ok->i64 == std::numeric_limits<std::int64_t>::min());
    CHECK(ok->u64 == std::numeric_limits<std::uint64_t>::max());
    CHECK(decode_text<limits>(R"({"i8":1.0,"u8":1e2,"i64":-0,"u64":0,"f":0})"));

    auto r = decode_text<limits>(R"({"i8":128,"u8":-1,"i64":9223372036854775808,"u64":1.5,"f":3.5e38})");
    REQUIRE(!r);
    CHECK(codes(r.errors()) ==
          std::vector<std::string>{"out_of_range", "out_of_range", "out_of_range", "wrong_type", "out_of_range"});
    CHECK(r.errors()[0].message == "/i8: must be an integer from -128 to 127, got 128");
    CHECK(r.errors()[1].message == "/u8: must be an integer from 0 to 255, got -1");
    CHECK(r.errors()[3].message == "/u64: must be an integer, got 1.5");
    // 2^63 as a double is just out of range for int64 and just in range for uint64.
    CHECK(!decode_text<limits>(R"({"i8":0,"u8":0,"i64":9.223372036854775808e18,"u64":0,"f":0})"));
    CHECK(decode_text<limits>(R"({"i8":0,"u8":0,"i64":0,"u64":9.223372036854775808e18,"f":0})"));
}

TEST_CASE("numbers beyond double's range are rejected, not infinite", "[decode]") {
    auto r = decode_text<limits>(R"({"i8":1e400,"u8":0,"i64":0,"u64":0,"f":-1e400})");
    REQUIRE(!r);
    CHECK(codes(r.errors()) == std::vector<std::string>{"wrong_type", "out_of_range"});
    CHECK(r.errors()[1].message == "/f: must be a finite number");
}

TEST_CASE("field bounds win over the type's range in messages", "[decode]") {
    auto item = [](std::string_view qty) {
        return decode_text<shop::line_item>(R"({"sku":"ABC-1234","unitPrice":1,"quantity":)" + std::string(qty) + "}");
    };
    CHECK(item("1"));
    CHECK(item("1000"));
    CHECK(item("0").errors()[0].message == "/quantity: must be at least 1, got 0");
    CHECK(item("1001").errors()[0].message == "/quantity: must be at most 1000, got 1001");
    CHECK(item("3000000000").errors()[0].message == "/quantity: must be at most 1000, got 3000000000");
    CHECK(item("18446744073709551615").errors()[0].code == warden::error_code::out_of_range);
    CHECK(item("-9223372036854775808").errors()[0].message ==
          "/quantity: must be at least 1, got -9223372036854775808");
    CHECK(item("2.5").errors()[0].code == warden::error_code::wrong_type);
    CHECK(item("\"2\"").errors()[0].message == "/quantity: must be an integer, got a string");
}

TEST_CASE("enums decode from their names only", "[decode]") {
    auto r = decode_text<shop::order>(R"({"orderId":"o","customerEmail":"a@b.co","priority":"urgent","giftWrap":false,
        "items":[{"sku":"ABC-1234","quantity":1,"unitPrice":2}]})");
    REQUIRE(!r);
    CHECK(r.errors()[0].message == "/priority: must be one of low, normal, high; got \"urgent\"");
}

namespace rule_order {
struct both {
    warden::field<std::string, warden::format<"email">, warden::pattern<"^x">, warden::max_length<12>> format_first;
    warden::field<std::string, warden::pattern<"^x">, warden::max_length<12>, warden::format<"email">> pattern_first;
};
BOOST_DESCRIBE_STRUCT(both, (), (format_first, pattern_first))
} // namespace rule_order

// One function reads every string field, with the field's rules as values: the errors still
// come in the order the field lists its pattern and format, after any length error.
TEST_CASE("a pattern and a format on one field are checked in the order written", "[decode]") {
    auto r = decode_text<rule_order::both>(R"({"format_first":"abc","pattern_first":"abc"})");
    REQUIRE(!r);
    CHECK(codes(r.errors()) ==
          std::vector<std::string>{"invalid_format", "pattern_mismatch", "pattern_mismatch", "invalid_format"});
    CHECK(r.errors()[0].path == "/format_first");
    CHECK(r.errors()[3].path == "/pattern_first");
    auto only_length = decode_text<rule_order::both>(R"({"format_first":"abcdefghijklm","pattern_first":"x@y.co"})");
    REQUIRE(!only_length);
    CHECK(codes(only_length.errors()) == std::vector<std::string>{"too_long"});
    CHECK(decode_text<rule_order::both>(R"({"format_first":"x@y.co","pattern_first":"x@y.co"})"));
}

TEST_CASE("patterns, formats and item counts", "[decode]") {
    auto base = [](std::string items, std::string email = "a@b.co") {
        return decode_text<shop::order>(R"({"orderId":"o","customerEmail":")" + email +
                                        R"(","priority":"low","giftWrap":false,"items":)" + items + "}");
    };
    auto r = base(R"([{"sku":"abc-1234","quantity":1,"unitPrice":2}])", "not-an-email");
    REQUIRE(!r);
    CHECK(codes(r.errors()) == std::vector<std::string>{"invalid_format", "pattern_mismatch"});
    CHECK(r.errors()[1].message == "/items/0/sku: must match the pattern ^[A-Z]{3}-[0-9]{4}$");
    auto empty = base("[]");
    REQUIRE(!empty);
    CHECK(empty.errors()[0].message == "/items: must have at least 1 item, got 0");
    std::string many = "[";
    for (int i = 0; i < 101; ++i) many += std::string(i ? "," : "") + R"({"sku":"ABC-1234","quantity":1,"unitPrice":2})";
    many += "]";
    CHECK(base(many).errors()[0].code == warden::error_code::too_many_items);
    // A too-long string is reported as too long, not also as a pattern mismatch.
    auto longsku = base(R"([{"sku":"ABCD-12345","quantity":1,"unitPrice":2}])");
    CHECK(codes(longsku.errors()) == std::vector<std::string>{"too_long"});
}

TEST_CASE("secrets are checked but never echoed", "[decode]") {
    auto r = decode_text<with_secret>(R"({"password":"hunter2","level":"hunter2-level"})");
    REQUIRE(!r);
    REQUIRE(r.errors().size() == 2);
    CHECK(r.errors()[0].message == "/password: must be at least 8 characters");
    CHECK(r.errors()[1].message == "/level: must be one of low, normal, high");
    for (const auto& e : r.errors()) CHECK(e.message.find("hunter2") == std::string::npos);
    auto ok = decode_text<with_secret>(R"({"password":"correct horse","level":"high"})");
    REQUIRE(ok);
    CHECK(*ok->password.reveal() == "correct horse");
}

TEST_CASE("the error list is bounded", "[decode]") {
    std::string doc = "{";
    for (int i = 0; i < 500; ++i) doc += "\"x" + std::to_string(i) + "\":1,";
    doc += R"("ticketId":"t","note":"n"})";
    auto r = decode_text<desk::note_input>(doc, {.max_errors = 10});
    REQUIRE(!r);
    CHECK(r.errors().size() == 10);
    CHECK(r.errors().back().code == warden::error_code::too_many_errors);
    auto all = decode_text<desk::note_input>(doc, {.max_errors = 0});
    CHECK(all.errors().size() == 500);
}

TEST_CASE("echoed strings are cut short", "[decode]") {
    auto r = decode_text<shop::order>(R"({"orderId":"o","customerEmail":"a@b.co","giftWrap":false,
        "items":[{"sku":"ABC-1234","quantity":1,"unitPrice":2}],"priority":")" + repeat("x", 5000) + R"("})");
    REQUIRE(!r);
    CHECK(r.errors()[0].message.size() < 120);
}

TEST_CASE("member names are compared byte for byte at every length, as memcmp compares them", "[decode]") {
    // same_bytes reads words from both ends for names up to 16 bytes: every length, and a
    // difference at every position, against memcmp.
    std::size_t checked = 0;
    for (std::size_t n = 0; n <= 40; ++n) {
        std::string a(n, 'k'), b(n, 'k');
        for (std::size_t i = 0; i < n; ++i) a[i] = b[i] = static_cast<char>('a' + (i * 7) % 26);
        CHECK(warden::detail::same_bytes(a.data(), b.data(), n));
        for (std::size_t at = 0; at < n; ++at) {
            std::string c = b;
            c[at] ^= 0x20;
            INFO("length " << n << ", difference at " << at);
            CHECK(!warden::detail::same_bytes(a.data(), c.data(), n));
            ++checked;
        }
    }
    CHECK(checked == 40 * 41 / 2);
    // Through the lookup: names of one length differ only in their middle byte.
    const std::string_view names[] = {"abcdefghij", "abcdeXghij", "abcdeYghij"};
    CHECK(warden::detail::find_name(names, 3, "abcdeYghij") == 2);
    CHECK(warden::detail::find_name(names, 3, "abcdeZghij") == 3);
    CHECK(warden::detail::find_name(names, 3, "abcdeXghi") == 3);
}
