#include "examples/shared/orders.hpp"
#include "examples/shared/support_note.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

namespace {

boost::json::value json(std::string_view s) { return boost::json::parse(s); }

struct query {
    warden::text<1, 100> text;
};
BOOST_DESCRIBE_STRUCT(query, (), (text))

struct hits {
    std::vector<std::string> ids;
};
BOOST_DESCRIBE_STRUCT(hits, (), (ids))

struct search_orders {
    static constexpr std::string_view name = "search_orders";
    static constexpr std::string_view description = "Find orders by text.";
    using input = query;
    using output = hits;
    using policy = warden::policy<warden::read_only>;
};

struct web_search {
    static constexpr std::string_view name = "web.search";
    static constexpr std::string_view description = "Search the public web.";
    using input = query;
    using output = hits;
    using policy = warden::policy<warden::read_only, warden::open_world>;
};

struct refund_input {
    std::string orderId;
    warden::integer<1, 100000> amountCents;
    warden::idempotency_key key;
};
BOOST_DESCRIBE_STRUCT(refund_input, (), (orderId, amountCents, key))

struct issue_refund {
    static constexpr std::string_view name = "issue_refund";
    static constexpr std::string_view description = "Refund part of an order.";
    using input = refund_input;
    using output = hits;
    using policy = warden::policy<warden::mutating, warden::requires_approval, warden::required_scope<"refunds">,
                                  warden::timeout_ms<2000>>;
    static warden::decision authorize(const input& in, const warden::principal& who) {
        if (!who.has_scope("refunds")) return warden::decision::deny("refund_scope", "You may not issue refunds.");
        if (*in.amountCents > 50000) return warden::decision::deny("refund_limit", "Refunds above 500.00 need a manager.");
        return warden::decision::allow();
    }
};

struct email_input {
    warden::field<std::string, warden::max_length<254>, warden::format<"email">> to;
    warden::text<1, 5000> body;
    warden::idempotency_key dedupeKey;
};
BOOST_DESCRIBE_STRUCT(email_input, (), (to, body, dedupeKey))

struct send_email {
    static constexpr std::string_view name = "send_email";
    static constexpr std::string_view description = "Send an email to a customer.";
    using input = email_input;
    using output = hits;
    using policy = warden::policy<warden::external_side_effect>;
    static std::string preview(const input& in) { return "To: " + *in.to + "\n\n" + *in.body; }
};

} // namespace

static_assert(warden::is_tool<desk::create_support_note>);
static_assert(warden::is_tool<shop::place_order>);
static_assert(warden::is_tool<search_orders>);
static_assert(warden::is_tool<issue_refund>);
static_assert(warden::is_tool<send_email>);

TEST_CASE("annotations follow the policy", "[tool]") {
    CHECK(boost::json::value(warden::annotations_of<search_orders>()) ==
          json(R"({"readOnlyHint":true,"openWorldHint":false})"));
    CHECK(boost::json::value(warden::annotations_of<web_search>()) ==
          json(R"({"readOnlyHint":true,"openWorldHint":true})"));
    CHECK(boost::json::value(warden::annotations_of<desk::create_support_note>()) ==
          json(R"({"readOnlyHint":false,"destructiveHint":false,"idempotentHint":true,"openWorldHint":false})"));
    CHECK(boost::json::value(warden::annotations_of<issue_refund>()) ==
          json(R"({"readOnlyHint":false,"destructiveHint":true,"idempotentHint":true,"openWorldHint":false})"));
    CHECK(boost::json::value(warden::annotations_of<send_email>()) ==
          json(R"({"readOnlyHint":false,"destructiveHint":true,"idempotentHint":true,"openWorldHint":true})"));
}

TEST_CASE("policy traits spell out what the server must enforce", "[tool]") {
    using refund = warden::tool_policy<issue_refund>;
    STATIC_REQUIRE(refund::is_mutating);
    STATIC_REQUIRE(refund::needs_approval);
    STATIC_REQUIRE(!refund::has_external_effect);
    STATIC_REQUIRE(refund::timeout() == std::chrono::milliseconds(2000));
    STATIC_REQUIRE(refund::scopes.size() == 1);
    STATIC_REQUIRE(refund::scopes[0] == "refunds");

    using email = warden::tool_policy<send_email>;
    STATIC_REQUIRE(email::is_mutating); // external effects are writes
    STATIC_REQUIRE(email::needs_approval);
    STATIC_REQUIRE(email::is_open_world);
    STATIC_REQUIRE(!email::timeout().has_value());

    using search = warden::tool_policy<search_orders>;
    STATIC_REQUIRE(search::is_read_only);
    STATIC_REQUIRE(!search::is_mutating);
    STATIC_REQUIRE(!search::needs_approval);
    STATIC_REQUIRE(search::scopes.empty());
}

TEST_CASE("tool_definition is the tools/list entry", "[tool]") {
    auto d = warden::tool_definition<desk::create_support_note>();
    CHECK(d["name"] == "create_support_note");
    CHECK(d["description"] == "Append an internal note to an existing support ticket.");
    CHECK(!d.contains("title"));
    // The schemas say their dialect first, then are what schema_of gives.
    auto in = d["inputSchema"].as_object();
    REQUIRE(in.begin() != in.end());
    CHECK(in.begin()->key() == "$schema");
    CHECK(in["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    in.erase("$schema");
    CHECK(in == warden::schema_of<desk::note_input>());
    auto out = d["outputSchema"].as_object();
    CHECK(out["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    out.erase("$schema");
    CHECK(out == warden::schema_of<desk::note_output>());
    CHECK(d["annotations"] == boost::json::value(warden::annotations_of<desk::create_support_note>()));
    auto order = warden::tool_definition<shop::place_order>();
    CHECK(order["title"] == "Place an order");
}

TEST_CASE("policy hooks are callable as declared", "[tool]") {
    warden::principal agent{"u1", "acme", {"refunds"}};
    warden::principal viewer{"u2", "acme", {}};
    issue_refund::input in{"o-1", {100}, {{"k-1"}}};
    CHECK(issue_refund::authorize(in, agent).allowed());
    auto denied = issue_refund::authorize(in, viewer);
    CHECK(!denied);
    CHECK(denied.policy() == "refund_scope");
    in.amountCents.value = 60000;
    CHECK(issue_refund::authorize(in, agent).policy() == "refund_limit");
    CHECK(send_email::preview({{"a@b.co"}, {"Hello"}, {{"k"}}}) == "To: a@b.co\n\nHello");
}
