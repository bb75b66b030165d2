// server::read decodes a tools/call's arguments straight into the tool's input. Its answers must
// be those of jsonrpc::read + the DOM decode, for every message: valid calls, every way a message
// can be odd (orders, escapes, repeated keys, wrong shapes) and thousands of mangled copies.
// Calls as clients send them must take the one pass.

#include "examples/shared/orders.hpp"
#include "examples/shared/support_note.hpp"
#include "tests/unit/sample_types.hpp"

#include <warden/warden.hpp>

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cr {

using everything_input = sample::everything;

struct echo_output {
    std::string echo;
};
BOOST_DESCRIBE_STRUCT(echo_output, (), (echo))

// Answers with everything it was given (secrets too), so both ways must have decoded the same.
struct echo_everything {
    static constexpr std::string_view name = "echo_everything";
    static constexpr std::string_view description = "Echoes its input.";
    using input = everything_input;
    using output = echo_output;
    using policy = warden::policy<warden::read_only>;
    output call(const input& in, warden::context&) const {
        return {boost::json::serialize(warden::detail::encode_value(in, {}, true))};
    }
};

struct echo_note : desk::create_support_note {
    output call(const input& in, warden::context& ctx) const { return {*in.ticketId + ":" + ctx.caller().user, *in.note}; }
};

struct count_order {
    static constexpr std::string_view name = "count_order";
    static constexpr std::string_view description = "Counts an order's items.";
    using input = shop::order;
    using output = echo_output;
    using policy = warden::policy<warden::read_only>;
    output call(const input& in, warden::context&) const { return {std::to_string(in.items->size())}; }
};

// Another tool named create_support_note, with another input.
struct other_note {
    static constexpr std::string_view name = "create_support_note";
    static constexpr std::string_view description = "Another tool of the same name.";
    using input = everything_input;
    using output = echo_output;
    using policy = warden::policy<warden::read_only>;
    output call(const input&, warden::context&) const { return {"ran"}; }
};

const char* init = R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}})";

// Two servers alike: one reads the new way, one the usual way.
struct pair_of_servers {
    warden::server fast, slow;
    warden::session fast_session{{"ann", "acme", {}}}, slow_session{{"ann", "acme", {}}};
    std::size_t one_pass = 0; // messages the fast one read with their arguments decoded
    std::size_t refused = 0;  // of those, arguments refused there with decode's errors

    pair_of_servers() {
        for (auto* srv : {&fast, &slow}) {
            srv->add(echo_everything{});
            srv->add(echo_note{});
            srv->add(count_order{});
        }
        REQUIRE(fast.handle(init, fast_session));
        REQUIRE(slow.handle(init, slow_session));
    }

    void same_answer(std::string_view text) {
        INFO(text);
        auto message = fast.read(text);
        if (auto* r = std::get_if<warden::jsonrpc::request>(&message); r && r->decoded) {
            ++one_pass;
            refused += r->decoded.refused();
            CHECK_FALSE(r->params.contains("arguments")); // it never became a JSON value
        }
        auto a = fast.handle(std::move(message), fast_session);
        auto b = slow.handle(warden::jsonrpc::read(text, slow.options().limits), slow_session);
        REQUIRE(a.has_value() == b.has_value());
        if (a) CHECK(boost::json::serialize(*a) == boost::json::serialize(*b));
    }

    // Copies with one byte cut off, deleted or replaced, at every `step`-th byte.
    void mangle(const std::string& text, std::size_t step) {
        for (std::size_t i = 0; i < text.size(); i += step) {
            same_answer(text.substr(0, i));
            std::string gone = text;
            gone.erase(i, 1);
            same_answer(gone);
            for (char c : std::string("\"}],:{[1x\\ e0n")) {
                std::string changed = text;
                changed[i] = c;
                same_answer(changed);
            }
        }
    }
};

std::string call(std::string_view tool, std::string_view arguments, std::string_view id = "1") {
    return R"({"method":"tools/call","params":{"name":")" + std::string(tool) + R"(","arguments":)" + std::string(arguments) +
           R"(},"jsonrpc":"2.0","id":)" + std::string(id) + "}";
}

const char* valid_everything = R"({"name":"a\u00e9\n","on":true,"hue":"green","at":{"x":-100,"y":1.5e3},"grid":[[1,2],[],[-9007199254740993]],)"
                               R"("named":{"":{"x":0,"y":0},"b":{"x":100,"y":-0.0}},"tags":["abc","d"],"token":"s3cret","small":255})";

} // namespace cr

TEST_CASE("server::read: calls as clients send them take the one pass and answer as the DOM does", "[server][read]") {
    cr::pair_of_servers p;
    p.same_answer(cr::call("echo_everything", cr::valid_everything));
    p.same_answer(cr::call("create_support_note", R"({"ticketId":"T-1","note":"hello"})", R"("a")"));
    // The official SDK's order: method, params (name, arguments, _meta), jsonrpc, id.
    p.same_answer(R"({"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"T-2","note":"x"},)"
                  R"("_meta":{"progressToken":3}},"jsonrpc":"2.0","id":2})");
    // Python's: jsonrpc, id, method, params.
    p.same_answer(R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo_everything","arguments":)" +
                  std::string(cr::valid_everything) + "}}");
    p.same_answer(cr::call("count_order", sample::read_file(WARDEN_SOURCE_DIR "/benchmarks/data/order50.json")));
    CHECK(p.one_pass == 5);
}

TEST_CASE("server::read: the envelope is kept as it came: params without the arguments, and without the name when nothing else is left", "[server][read]") {
    warden::server srv;
    srv.add(cr::echo_note{});
    using warden::jsonrpc::request;
    // name and arguments only: params is empty, and the input carries the tool's name.
    auto plain = srv.read(cr::call("create_support_note", R"({"ticketId":"T","note":"n"})", R"("a-1")"));
    const auto& r = std::get<request>(plain);
    CHECK(r.decoded);
    CHECK(r.params.empty());
    CHECK(r.tool_name() == "create_support_note");
    CHECK(r.id == boost::json::value("a-1"));
    CHECK(r.method == "tools/call");
    // Anything else in params keeps the name there with it.
    auto with_meta = srv.read(R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"create_support_note","arguments":)"
                              R"({"ticketId":"T","note":"n"},"_meta":{"progressToken":3}}})");
    const auto& m = std::get<request>(with_meta);
    CHECK(m.decoded);
    CHECK(m.params == boost::json::object{{"name", "create_support_note"}, {"_meta", {{"progressToken", 3}}}});
    CHECK(m.decoded.tool().empty());
    CHECK(m.tool_name() == "create_support_note");
    CHECK(m.id == boost::json::value(9));
    // A tool it does not know: the arguments stay in params, and so does the name.
    auto unknown = srv.read(cr::call("no_such_tool", R"({"a":1})"));
    const auto& u = std::get<request>(unknown);
    CHECK_FALSE(u.decoded);
    CHECK(u.params == boost::json::object{{"name", "no_such_tool"}, {"arguments", {{"a", 1}}}});
    CHECK(u.tool_name() == "no_such_tool");
    // A notification, and a name that is not a string (read the usual way).
    auto note = srv.read(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":4}})");
    CHECK(std::get<request>(note).is_notification());
    CHECK(std::get<request>(note).params == boost::json::object{{"requestId", 4}});
    auto numbered = srv.read(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":5,"arguments":{}}})");
    CHECK_FALSE(std::get<request>(numbered).tool_name());
}

TEST_CASE("server::read: odd but valid messages, and every kind of wrong one, answer as the DOM does", "[server][read]") {
    cr::pair_of_servers p;
    const std::string everything = cr::valid_everything;
    for (const std::string& text : std::vector<std::string>{
             // the usual way, for lack of what the one pass needs first (or despite escapes, the one pass)
             R"({"params":{"name":"echo_everything","arguments":)" + everything + R"(},"method":"tools/call","jsonrpc":"2.0","id":1})",
             R"({"method":"tools/call","params":{"arguments":)" + everything + R"(,"name":"echo_everything"},"jsonrpc":"2.0","id":1})",
             R"({"method":"tools/call","params":{"name":"echo_everything","\u0061rguments":)" + everything + R"(},"jsonrpc":"2.0","id":1})",
             R"({"method":"tools\/call","params":{"name":"echo_everythin\u0067","arguments":)" + everything + R"(},"jsonrpc":"2.0","id":1})",
             R"({"method":"tools/call","params":{"name":"create_support_note"},"jsonrpc":"2.0","id":1})",
             // repeated keys, in the envelope and in the arguments
             R"({"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"},"arguments":{"ticketId":"T","note":"n"}},"jsonrpc":"2.0","id":1})",
             R"({"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"},"name":"echo_everything"},"jsonrpc":"2.0","id":1})",
             R"({"method":"tools/call","method":"ping","params":{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"}},"jsonrpc":"2.0","id":1})",
             R"({"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"}},"params":{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"}},"jsonrpc":"2.0","id":1})",
             R"({"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"T","ticketId":"U","note":"n"}},"jsonrpc":"2.0","id":1})",
             R"({"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"},"_meta":{"a":1,"a":2}},"jsonrpc":"2.0","id":1})",
             // arguments of the wrong shape or content
             cr::call("create_support_note", "null"), cr::call("create_support_note", "[]"), cr::call("create_support_note", "5"),
             cr::call("create_support_note", R"("x")"), cr::call("create_support_note", "{}"),
             cr::call("create_support_note", R"({"ticketId":"T","note":""})"),
             cr::call("create_support_note", R"({"ticketId":"T","note":")" + std::string(2001, 'n') + R"("})"),
             cr::call("create_support_note", R"({"ticketId":"T","note":"n","extra":1})"),
             cr::call("create_support_note", R"({"ticketId":7,"note":"n"})"),
             cr::call("echo_everything", R"({"name":"x","on":true,"hue":"blue","grid":[],"named":{},"tags":["x"],"small":1})"),
             cr::call("echo_everything", R"({"name":"x","on":true,"hue":"red","grid":[[1,"2"]],"named":{},"tags":["x"],"small":1})"),
             cr::call("echo_everything", R"({"name":"x","on":true,"hue":"red","grid":[],"named":{},"tags":["x"],"small":1,"at":{"x":101,"y":0}})"),
             cr::call("echo_everything", R"({"name":"x","on":true,"hue":"red","grid":[],"named":{},"tags":["x"],"small":1,"at":)" +
                                             std::string(40, '[') + std::string(40, ']') + "}"),
             cr::call("no_such_tool", R"({"a":1})"),
             // the syntax, inside the arguments and out
             cr::call("create_support_note", R"({"ticketId":"T","note":"n")"), cr::call("create_support_note", R"({"ticketId":"T",})"),
             cr::call("create_support_note", "{\"ticketId\":\"\xff\",\"note\":\"n\"}"), cr::call("create_support_note", R"({"ticketId":"T","note":"n"}} )"),
             cr::call("create_support_note", R"({"ticketId":"T","note":"n"})") + "x",
             // other methods and shapes
             R"({"method":"prompts/get","params":{"name":"p","arguments":{"a":"b"}},"jsonrpc":"2.0","id":1})",
             R"({"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"}},"jsonrpc":"2.0"})",
             R"({"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"}},"jsonrpc":"1.0","id":1})",
             R"({"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"}},"jsonrpc":"2.0","id":{}})",
             R"({"method":"tools/call","params":[{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"}}],"jsonrpc":"2.0","id":1})",
             R"([{"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"}},"jsonrpc":"2.0","id":1}])",
             R"({"method":{"params":{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"}}},"jsonrpc":"2.0","id":1})",
             R"({"result":{"params":{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"}}},"jsonrpc":"2.0","id":1})",
             "", "{", "[]", "null"})
        p.same_answer(text);
    // Escapes in the key "arguments", in the method and the name, and a notification are read in
    // one pass too, and so are the ten invalid arguments that are JSON objects or scalars (refused
    // there with decode's errors); the rest lack what the one pass needs, or are not JSON.
    CHECK(p.one_pass == 14);
}

TEST_CASE("server::read: thousands of mangled calls answer as the DOM does", "[server][read]") {
    cr::pair_of_servers p;
    p.mangle(cr::call("echo_everything", cr::valid_everything), 1);
    p.mangle(R"({"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"T-2","note":"x"},)"
             R"("_meta":{"progressToken":3}},"jsonrpc":"2.0","id":2})", 1);
    p.mangle(cr::call("count_order", sample::read_file(WARDEN_SOURCE_DIR "/benchmarks/data/order50.json")), 7);
    CHECK(p.one_pass > 100); // mangled bytes outside the arguments still leave them whole
    CHECK(p.refused > 50);   // a mangled key is an unknown field
}

TEST_CASE("server::read: a tool replaced while its call waits is not handed the other tool's input", "[server][read]") {
    warden::server srv;
    srv.add(cr::echo_note{});
    warden::session s({"ann", "acme", {}});
    REQUIRE(srv.handle(cr::init, s));
    auto waiting = srv.read(cr::call("create_support_note", R"({"ticketId":"T","note":"n"})"));
    REQUIRE(std::get<warden::jsonrpc::request>(waiting).decoded);

    REQUIRE(srv.remove_tool("create_support_note"));
    srv.add(cr::other_note{});
    auto reply = srv.handle(std::move(waiting), s);
    REQUIRE(reply);
    CHECK(reply->at("error").at("code") == -32602);
    CHECK(reply->at("error").at("message") == "the tool create_support_note changed while this call waited; call it again");

    auto removed = srv.read(cr::call("create_support_note", cr::valid_everything));
    REQUIRE(std::get<warden::jsonrpc::request>(removed).decoded);
    REQUIRE(srv.remove_tool("create_support_note"));
    reply = srv.handle(std::move(removed), s);
    REQUIRE(reply);
    CHECK(reply->at("error").at("message") == "unknown tool: create_support_note");
}

TEST_CASE("server::read: with stages of your own too, arguments go straight into the input: stages see it as JSON", "[server][read]") {
    struct looks : warden::stage {
        std::string_view name() const override { return "looks"; }
        std::optional<warden::rejection> check(warden::call_info& call) override {
            seen = boost::json::serialize(call.arguments());
            CHECK(boost::json::parse(call.arguments_json()) == call.arguments());
            return std::nullopt;
        }
        std::string seen;
    };
    auto stage = std::make_shared<looks>();
    warden::server_options options;
    options.pipeline.stages.push_back(stage);
    warden::server srv(options);
    srv.add(cr::echo_note{});
    warden::session s({"ann", "acme", {}});
    REQUIRE(srv.handle(cr::init, s));
    const std::string text = cr::call("create_support_note", R"({ "note" : "n", "ticketId" : "T" })");
    auto message = srv.read(text);
    auto& r = std::get<warden::jsonrpc::request>(message);
    CHECK(r.decoded);
    CHECK_FALSE(r.params.contains("arguments"));
    REQUIRE(srv.handle(std::move(message), s));
    CHECK(stage->seen == R"({"ticketId":"T","note":"n"})"); // the input, in its struct's order
    // Read the usual way (the arguments before the name), the stage sees the same.
    stage->seen.clear();
    const std::string reordered = R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"arguments":{ "note" : "n", "ticketId" : "T" },"name":"create_support_note"}})";
    auto usual = srv.read(reordered);
    CHECK_FALSE(std::get<warden::jsonrpc::request>(usual).decoded);
    REQUIRE(srv.handle(std::move(usual), s));
    CHECK(stage->seen == R"({"ticketId":"T","note":"n"})");
}
