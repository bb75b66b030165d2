#include "examples/shared/support_note.hpp"

#include <warden/transport/http.hpp>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>
#include <poll.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace {

struct echo_note : desk::create_support_note {
    output call(const input& in, warden::context& ctx) const {
        if (*in.note == "boom") throw std::runtime_error("db password is hunter2");
        if (*in.note == "refuse") throw warden::tool_error("ticket_closed", "The ticket is closed; open a new one.");
        return {*in.ticketId + ":" + ctx.caller().user, "created"};
    }
};

struct ping_input {};
BOOST_DESCRIBE_STRUCT(ping_input, (), ())
struct ping_output {
    std::string pong;
};
BOOST_DESCRIBE_STRUCT(ping_output, (), (pong))

template<int N>
struct numbered {
    static constexpr std::string_view name = N == 1 ? "t1" : N == 2 ? "t2" : "t3";
    static constexpr std::string_view description = "A numbered tool.";
    using input = ping_input;
    using output = ping_output;
    using policy = warden::policy<warden::read_only>;
    output call(const input&, warden::context&) const { return {std::string(name)}; }
};

boost::json::value ask(const warden::server& srv, warden::session& s, std::string_view text) {
    auto reply = srv.handle(text, s);
    REQUIRE(reply);
    return *reply;
}

const char* init = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}})";

// serve_stdio on its own thread, between two pipes: the test writes to `input` and reads `replies`.
struct piped_stdio {
    int in_pipe[2], out_pipe[2];
    std::FILE* in;
    std::FILE* out;
    std::FILE* replies;
    std::thread serving;

    piped_stdio(const warden::server& srv, unsigned workers) {
        REQUIRE(::pipe(in_pipe) == 0);
        REQUIRE(::pipe(out_pipe) == 0);
        in = ::fdopen(in_pipe[0], "r");
        out = ::fdopen(out_pipe[1], "w");
        serving = std::thread([this, &srv, workers] {
            warden::serve_stdio(srv, {.workers = workers}, in, out);
            std::fclose(out);
        });
        replies = ::fdopen(out_pipe[0], "r");
    }
    int input() const { return in_pipe[1]; }
    // Ends the input and waits for the server to answer all and return.
    void finish() {
        ::close(in_pipe[1]);
        serving.join();
        std::fclose(in);
        std::fclose(replies);
    }
};

} // namespace

TEST_CASE("initialize negotiates the revision and refuses work before it", "[server]") {
    warden::server srv({.name = "t", .version = "1.2.3", .title = "Test", .instructions = "Be nice."});
    srv.add(echo_note{});
    warden::session s({"ann", "acme", {}});
    auto early = ask(srv, s, R"({"jsonrpc":"2.0","id":"a","method":"tools/list"})");
    CHECK(early.at("error").at("code") == -32600);
    CHECK(early.at("id") == "a");
    CHECK(ask(srv, s, R"({"jsonrpc":"2.0","id":0,"method":"ping"})").at("result") == boost::json::object{});

    auto r = ask(srv, s, init).at("result");
    CHECK(r.at("protocolVersion") == "2025-06-18");
    CHECK(r.at("serverInfo") == boost::json::parse(R"({"name":"t","version":"1.2.3","title":"Test"})"));
    CHECK(r.at("instructions") == "Be nice.");
    CHECK(r.at("capabilities").at("tools").at("listChanged") == true);
    CHECK(s.protocol_version() == "2025-06-18");
    CHECK(ask(srv, s, init).at("error").at("code") == -32600); // only once

    warden::session other({"bob", "acme", {}});
    auto future = ask(srv, other, R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2099-01-01"}})");
    CHECK(future.at("result").at("protocolVersion") == "2025-11-25");
    warden::session third({"cy", "acme", {}});
    CHECK(ask(srv, third, R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})").at("error").at("code") == -32602);
}

TEST_CASE("JSON-RPC shapes get the standard errors", "[server]") {
    warden::server srv;
    warden::session s({});
    ask(srv, s, init);
    CHECK(ask(srv, s, "{").at("error").at("code") == -32700);
    CHECK(ask(srv, s, R"({"jsonrpc":"2.0","id":1,"id":2,"method":"ping"})").at("error").at("code") == -32700);
    CHECK(ask(srv, s, "[]").at("error").at("code") == -32600);
    CHECK(ask(srv, s, R"({"id":1,"method":"ping"})").at("error").at("code") == -32600);
    CHECK(ask(srv, s, R"({"jsonrpc":"2.0","id":{},"method":"ping"})").at("error").at("code") == -32600);
    CHECK(ask(srv, s, R"({"jsonrpc":"2.0","id":1,"method":7})").at("error").at("code") == -32600);
    CHECK(ask(srv, s, R"({"jsonrpc":"2.0","id":1,"method":"ping","params":[1]})").at("error").at("code") == -32600);
    auto unknown = ask(srv, s, R"({"jsonrpc":"2.0","id":9,"method":"resources/teleport"})");
    CHECK(unknown.at("error").at("code") == -32601);
    CHECK(unknown.at("id") == 9);
    // Notifications and responses get no reply.
    CHECK(!srv.handle(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", s));
    CHECK(!srv.handle(R"({"jsonrpc":"2.0","method":"notifications/whatever"})", s));
    CHECK(!srv.handle(R"({"jsonrpc":"2.0","id":5,"result":{}})", s));
    // 2025-06-18 removed batches.
    auto batch = ask(srv, s, R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
    CHECK(batch.at("error").at("code") == -32600);
    CHECK(batch.at("id") == nullptr);
}

TEST_CASE("a 2025-03-26 session may send batches: they are served in order and answered in one array", "[server]") {
    warden::server srv;
    srv.add(numbered<1>{});
    warden::session s({});
    CHECK(ask(srv, s, R"([{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-03-26"}}])")
              .at("error").at("code") == -32600); // not before initialize
    ask(srv, s, R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{}}})");
    auto replies = ask(srv, s, R"([{"jsonrpc":"2.0","id":"a","method":"ping"},
                                   {"jsonrpc":"2.0","method":"notifications/initialized"},
                                   {"jsonrpc":"2.0","id":"b","method":"tools/call","params":{"name":"t1"}},
                                   {"jsonrpc":"2.0","id":"c","method":"nope"},
                                   7,
                                   [],
                                   {"jsonrpc":"2.0","id":"d","method":"initialize","params":{"protocolVersion":"2025-03-26"}}])");
    REQUIRE(replies.is_array());
    auto& r = replies.as_array();
    REQUIRE(r.size() == 6); // the notification has no reply
    CHECK(r[0] == boost::json::parse(R"({"jsonrpc":"2.0","id":"a","result":{}})"));
    CHECK(r[1].at("result").at("structuredContent").at("pong") == "t1");
    CHECK(r[2].at("error").at("code") == -32601);
    CHECK(r[3].at("error").at("code") == -32600);
    CHECK(r[4].at("error").at("code") == -32600);
    CHECK(r[5].at("error").at("code") == -32600);
    CHECK(r[5].at("id") == "d");
    CHECK(!srv.handle(R"([{"jsonrpc":"2.0","method":"notifications/initialized"}])", s)); // nothing to answer
    CHECK(ask(srv, s, "[]").at("error").at("code") == -32600);
}

TEST_CASE("tools/list pages with an opaque cursor", "[server]") {
    warden::server srv({.page_size = 2});
    srv.add(numbered<1>{});
    srv.add(numbered<2>{});
    srv.add(numbered<3>{});
    warden::session s({});
    ask(srv, s, init);
    auto first = ask(srv, s, R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})").at("result");
    REQUIRE(first.at("tools").as_array().size() == 2);
    CHECK(first.at("tools").at(1).at("name") == "t2");
    auto cursor = boost::json::serialize(first.at("nextCursor"));
    auto second = ask(srv, s, R"({"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"cursor":)" + cursor + "}}").at("result");
    REQUIRE(second.at("tools").as_array().size() == 1);
    CHECK(second.at("tools").at(0).at("name") == "t3");
    CHECK(!second.as_object().contains("nextCursor"));
    for (std::string bad : {R"("x")", R"("99")", "7", R"("-1")"})
        CHECK(ask(srv, s, R"({"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"cursor":)" + bad + "}}")
                  .at("error").at("code") == -32602);
    CHECK_THROWS_AS(srv.add(numbered<1>{}), std::logic_error);
}

// A tool error's details come after its code and message, and cannot replace them.
TEST_CASE("a tool error is written as one CallToolResult, whatever its details say", "[server]") {
    std::string text = "{\"before\":1,\"r\":";
    warden::detail::write_tool_error(text, "rate_limited", "Too \"many\"\ncalls",
                                     {{"code", "other"}, {"retryAfterMs", 5}, {"message", "x"}, {"list", {1, "a\\"}}});
    text += "}";
    auto r = boost::json::parse(text).at("r");
    CHECK(r.at("isError") == true);
    CHECK(r.at("content") == boost::json::parse(R"([{"type":"text","text":"Too \"many\"\ncalls"}])"));
    CHECK(r.at("structuredContent") ==
          boost::json::parse(R"({"code":"rate_limited","message":"Too \"many\"\ncalls","retryAfterMs":5,"list":[1,"a\\"]})"));
}

TEST_CASE("tools/call: results, validation errors, deliberate and accidental failures", "[server]") {
    warden::server srv;
    srv.add(echo_note{});
    warden::session s({"ann", "acme", {}});
    ask(srv, s, init);
    auto call = [&](std::string_view args) {
        return ask(srv, s, R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"create_support_note","arguments":)" +
                               std::string(args) + "}}");
    };
    auto ok = call(R"({"ticketId":"T-1","note":"hi"})").at("result");
    CHECK(ok.at("structuredContent") == boost::json::parse(R"({"noteId":"T-1:ann","status":"created"})"));
    CHECK(boost::json::parse(ok.at("content").at(0).at("text").as_string()) == ok.at("structuredContent"));
    CHECK(!ok.as_object().contains("isError"));

    auto invalid = call(R"({"note":"","x":1})").at("result");
    CHECK(invalid.at("isError") == true);
    CHECK(invalid.at("structuredContent").at("code") == "invalid_arguments");
    CHECK(invalid.at("structuredContent").at("errors").as_array().size() == 3);
    CHECK(invalid.at("content").at(0).at("text").as_string().find("/ticketId: required field is missing") !=
          std::string::npos);
    CHECK(call("[1]").at("result").at("structuredContent").at("errors").at(0).at("message") ==
          "(root): must be an object, got an array");
    // The reply is written as text: the text block says what the errors say, however odd the
    // names they quote.
    auto odd = call(R"({"ticketId":"T-1","note":"hi","x\"y\\z\n\u0001\/":1,"ø":2})").at("result");
    std::string listed = "The arguments are invalid; fix these and call again:";
    for (const auto& e : odd.at("structuredContent").at("errors").as_array())
        listed += "\n- " + std::string(e.at("message").as_string());
    CHECK(odd.at("structuredContent").at("errors").as_array().size() == 2);
    CHECK(listed.find("x\"y\\z\n\x01") != std::string::npos);
    CHECK(odd.at("content").at(0).at("text").as_string() == listed);
    CHECK(odd.at("structuredContent").at("message").as_string() == listed);

    auto refused = call(R"({"ticketId":"T-1","note":"refuse"})").at("result");
    CHECK(refused.at("isError") == true);
    CHECK(refused.at("structuredContent").at("code") == "ticket_closed");
    CHECK(refused.at("content").at(0).at("text") == "The ticket is closed; open a new one.");

    auto crashed = call(R"({"ticketId":"T-1","note":"boom"})").at("result");
    CHECK(crashed.at("isError") == true);
    CHECK(crashed.at("structuredContent").at("code") == "internal_error");
    CHECK(boost::json::serialize(crashed).find("hunter2") == std::string::npos);

    auto no_args = ask(srv, s, R"({"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"create_support_note"}})");
    CHECK(no_args.at("result").at("isError") == true);
    auto unknown = ask(srv, s, R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"nope"}})");
    CHECK(unknown.at("error").at("code") == -32602);
    CHECK(ask(srv, s, R"({"jsonrpc":"2.0","id":10,"method":"tools/call","params":{}})").at("error").at("code") == -32602);
}

TEST_CASE("stdio: a line per message, garbage answered, clean exit at end of input", "[server][stdio]") {
    warden::server srv;
    srv.add(echo_note{});
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::string input = std::string(init) + "\n\n  \nnot json\r\n" +
                        R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"T","note":"n"}}})" +
                        "\n" + std::string(200, 'x') + "\n" + R"({"jsonrpc":"2.0","id":3,"method":"ping"})";
    std::thread feeder([&] {
        (void)::write(fds[1], input.data(), input.size());
        ::close(fds[1]);
    });
    std::FILE* in = ::fdopen(fds[0], "r");
    std::FILE* out = std::tmpfile();
    warden::serve_stdio(srv, {.max_line_bytes = 150, .workers = 2}, in, out);
    feeder.join();
    std::fclose(in);
    std::rewind(out);
    std::vector<boost::json::value> replies;
    char line[4096];
    while (std::fgets(line, sizeof line, out)) replies.push_back(boost::json::parse(line));
    std::fclose(out);
    REQUIRE(replies.size() == 5);
    int parse_errors = 0;
    bool called = false, pinged = false;
    for (const auto& r : replies) {
        if (r.as_object().contains("error") && r.at("error").at("code") == -32700) ++parse_errors;
        if (r.at("id") == 2) called = r.at("result").at("structuredContent").at("status") == "created";
        if (r.at("id") == 3) pinged = true;
    }
    CHECK(parse_errors == 2); // "not json" and the over-long line
    CHECK(called);
    CHECK(pinged);
}

TEST_CASE("stdio: a call queued behind a slow one is served by another worker, for any pool size", "[server][stdio]") {
    // The awake worker serves the queue alone while it keeps taking from it; behind a call that
    // does not return, another worker must take over. t3 blocks until t1's answer is out.
    static std::atomic<bool> release{false};
    struct blocker : numbered<3> {
        output call(const input&, warden::context&) const {
            auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (!release && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::microseconds(200));
            return {"released"};
        }
    };
    for (unsigned workers : {2u, 4u}) {
        INFO("workers: " << workers);
        release = false;
        warden::server srv;
        srv.add(blocker{});
        srv.add(numbered<1>{});
        piped_stdio io(srv, workers);
        auto send = [&](const std::string& line) { REQUIRE(::write(io.input(), (line + "\n").data(), line.size() + 1) == static_cast<ssize_t>(line.size() + 1)); };
        std::FILE* replies = io.replies;
        char line[4096];
        send(init);
        REQUIRE(std::fgets(line, sizeof line, replies));
        const auto started = std::chrono::steady_clock::now();
        send(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"t3"}})");
        send(R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"t1"}})");
        REQUIRE(std::fgets(line, sizeof line, replies));
        auto first = boost::json::parse(line);
        CHECK(first.at("id") == 3); // t1, while t3 still runs
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
        release = true;
        REQUIRE(std::fgets(line, sizeof line, replies));
        CHECK(boost::json::parse(line).at("id") == 2);
        io.finish();
    }
}

TEST_CASE("stdio: a reply never goes out before its trace line is in the file", "[server][stdio]") {
    const std::string path = "stdio_trace_order_test.jsonl";
    std::remove(path.c_str());
    for (unsigned workers : {1u, 2u, 4u}) {
        INFO("workers: " << workers);
        warden::server srv({.pipeline = {.sinks = {std::make_shared<warden::json_lines_sink>(path)}}});
        srv.add(echo_note{});
        piped_stdio io(srv, workers);
        std::FILE* replies = io.replies;
        std::string burst = std::string(init) + "\n";
        const int calls = 300;
        for (int id = 0; id < calls; ++id)
            burst += R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
                     R"(,"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"w)" +
                     std::to_string(workers) + "-T" + std::to_string(id) + R"(","note":"n"}}})" "\n";
        std::thread sending([&] {
            std::size_t at = 0;
            while (at < burst.size()) {
                ssize_t put = ::write(io.input(), burst.data() + at, burst.size() - at);
                if (put <= 0) break;
                at += static_cast<std::size_t>(put);
            }
        });
        char line[4096];
        REQUIRE(std::fgets(line, sizeof line, replies)); // initialize
        int missing = 0;
        for (int i = 0; i < calls; ++i) {
            REQUIRE(std::fgets(line, sizeof line, replies));
            auto reply = boost::json::parse(line);
            INFO(line);
            REQUIRE(reply.at("result").at("structuredContent").at("status") == "created");
            // The trace names the ticket in its arguments; the file must have it already.
            const std::string ticket = "\"w" + std::to_string(workers) + "-T" + std::to_string(reply.at("id").as_int64()) + "\"";
            std::FILE* f = std::fopen(path.c_str(), "r");
            REQUIRE(f);
            std::string text;
            char chunk[65536];
            for (std::size_t got; (got = std::fread(chunk, 1, sizeof chunk, f)) > 0;) text.append(chunk, got);
            std::fclose(f);
            if (text.find(ticket) == std::string::npos) ++missing;
        }
        CHECK(missing == 0);
        sending.join();
        io.finish();
    }
    std::remove(path.c_str());
}

namespace {

struct steps_input {
    warden::integer<1, 100, int> steps;
};
BOOST_DESCRIBE_STRUCT(steps_input, (), (steps))
struct steps_output {
    int done;
};
BOOST_DESCRIBE_STRUCT(steps_output, (), (done))

std::atomic<int> started{0};

// Reports each step; on the last one, waits until it is cancelled (or a second passes).
struct stepper {
    static constexpr std::string_view name = "stepper";
    static constexpr std::string_view description = "Counts steps, reporting progress.";
    using input = steps_input;
    using output = steps_output;
    using policy = warden::policy<warden::read_only, warden::timeout_ms<5000>>;
    output call(const input& in, warden::context& ctx) const {
        int i = 0;
        for (; i < *in.steps; ++i) {
            ctx.report_progress(i + 1, *in.steps, "step");
            ctx.log(warden::log_level::debug, boost::json::value("a debug line"));
            ctx.log(warden::log_level::warning, boost::json::object{{"step", i + 1}});
        }
        ++started;
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        while (!ctx.stop_requested() && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return {ctx.stop_requested() ? -1 : i};
    }
};

struct recorder {
    std::mutex m;
    std::vector<boost::json::object> sent;
    warden::session::sender sender() {
        return [this](const boost::json::object& o) {
            std::lock_guard lock(m);
            sent.push_back(o);
        };
    }
};

} // namespace

TEST_CASE("progress and log notifications travel on the session", "[server]") {
    warden::server srv;
    srv.add(stepper{});
    recorder rec;
    warden::session s({}, rec.sender());
    ask(srv, s, init);
    CHECK(ask(srv, s, R"({"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"warning"}})").at("result") ==
          boost::json::object{});
    CHECK(ask(srv, s, R"({"jsonrpc":"2.0","id":3,"method":"logging/setLevel","params":{"level":"loud"}})")
              .at("error").at("code") == -32602);
    auto r = ask(srv, s, R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"stepper","arguments":{"steps":2},"_meta":{"progressToken":"p-1"}}})");
    CHECK(r.at("result").at("structuredContent").at("done") == 2);
    std::vector<std::string> kinds;
    for (const auto& m : rec.sent) kinds.push_back(std::string(m.at("method").as_string()));
    CHECK(kinds == std::vector<std::string>{"notifications/progress", "notifications/message", "notifications/progress",
                                            "notifications/message"});
    CHECK(rec.sent[0].at("params") == boost::json::parse(R"({"progressToken":"p-1","progress":1,"total":2,"message":"step"})"));
    CHECK(rec.sent[1].at("params") == boost::json::parse(R"({"level":"warning","data":{"step":1}})"));

    // Without a progress token, no progress is sent.
    rec.sent.clear();
    ask(srv, s, R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"stepper","arguments":{"steps":1}}})");
    REQUIRE(rec.sent.size() == 1);
    CHECK(rec.sent[0].at("method") == "notifications/message");
}

TEST_CASE("notifications/cancelled stops the handler and suppresses its response", "[server]") {
    warden::server srv;
    srv.add(stepper{});
    warden::session s({});
    ask(srv, s, init);
    started = 0;
    std::optional<boost::json::value> reply = boost::json::object{{"unset", true}};
    std::thread call([&] {
        reply = srv.handle(R"({"jsonrpc":"2.0","id":"c-1","method":"tools/call","params":{"name":"stepper","arguments":{"steps":1}}})", s);
    });
    while (started == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    auto begin = std::chrono::steady_clock::now();
    CHECK(!srv.handle(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c-1","reason":"user"}})", s));
    call.join();
    CHECK(std::chrono::steady_clock::now() - begin < std::chrono::milliseconds(500));
    CHECK(!reply.has_value());
    // Cancelling what is not running is harmless, and the server keeps serving.
    CHECK(!srv.handle(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c-1"}})", s));
    CHECK(!srv.handle(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{}})", s));
    CHECK(ask(srv, s, R"({"jsonrpc":"2.0","id":"p","method":"ping"})").at("result") == boost::json::object{});
}

TEST_CASE("stdio: a cancellation reaches a call that the reading thread runs, for any pool size", "[server][stdio]") {
    // The thread that reads a request runs it; while it does, another takes the reading over, or
    // the cancellation behind the call would wait the whole second the call lasts.
    for (unsigned workers : {1u, 2u, 4u}) {
        INFO("workers: " << workers);
        warden::server srv;
        srv.add(stepper{});
        piped_stdio io(srv, workers);
        auto send = [&](const std::string& line) { REQUIRE(::write(io.input(), (line + "\n").data(), line.size() + 1) == static_cast<ssize_t>(line.size() + 1)); };
        char line[4096];
        send(init);
        REQUIRE(std::fgets(line, sizeof line, io.replies));
        started = 0;
        const auto begin = std::chrono::steady_clock::now();
        send(R"({"jsonrpc":"2.0","id":"c-1","method":"tools/call","params":{"name":"stepper","arguments":{"steps":1}}})");
        while (started == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c-1"}})");
        send(R"({"jsonrpc":"2.0","id":"p","method":"ping"})");
        boost::json::value reply;
        do { // the stepper's log lines go first
            REQUIRE(std::fgets(line, sizeof line, io.replies));
            reply = boost::json::parse(line);
        } while (reply.as_object().contains("method"));
        CHECK(reply.at("id") == "p"); // the cancelled call answers nothing
        CHECK(std::chrono::steady_clock::now() - begin < std::chrono::milliseconds(500));
        io.finish();
    }
}

TEST_CASE("stdio: as many calls run at once as there are workers, never more", "[server][stdio]") {
    static std::atomic<int> now{0}, most{0};
    struct slow : numbered<2> {
        output call(const input&, warden::context&) const {
            int here = ++now;
            for (int seen = most; here > seen && !most.compare_exchange_weak(seen, here);) {}
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            --now;
            return {"slow"};
        }
    };
    for (unsigned workers : {1u, 2u, 3u}) {
        INFO("workers: " << workers);
        most = 0;
        warden::server srv;
        srv.add(slow{});
        piped_stdio io(srv, workers);
        std::string burst = std::string(init) + "\n";
        const int calls = 12;
        for (int id = 1; id <= calls; ++id)
            burst += R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"tools/call","params":{"name":"t2"}})" "\n";
        REQUIRE(::write(io.input(), burst.data(), burst.size()) == static_cast<ssize_t>(burst.size()));
        char line[4096];
        REQUIRE(std::fgets(line, sizeof line, io.replies)); // initialize
        std::set<std::int64_t> answered;
        for (int i = 0; i < calls; ++i) {
            REQUIRE(std::fgets(line, sizeof line, io.replies));
            auto reply = boost::json::parse(line);
            CHECK(reply.at("result").at("structuredContent").at("pong") == "slow");
            answered.insert(reply.at("id").as_int64());
        }
        CHECK(answered.size() == calls);
        CHECK(most == static_cast<int>(workers));
        io.finish();
    }
}

TEST_CASE("stdio: while the audit file takes no more lines, no reply goes out ahead of its line", "[server][stdio]") {
    // The audit file is a FIFO nobody reads until the replies are counted: once it is full, the
    // trace lines wait, and so must the replies of their calls, whichever thread serves them.
    const std::string fifo = "stdio_audit_fifo_test";
    std::remove(fifo.c_str());
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const int audit = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK); // first, so the sink's open does not wait
    REQUIRE(audit >= 0);
    {
        warden::server srv({.pipeline = {.sinks = {std::make_shared<warden::json_lines_sink>(fifo)}}});
        srv.add(echo_note{});
        piped_stdio io(srv, 2);
        const int replies = ::fileno(io.replies);
        REQUIRE(::fcntl(replies, F_SETFL, O_NONBLOCK) == 0);
        const int calls = 400; // about 1 KiB of trace each: far more than a pipe holds
        std::string burst = std::string(init) + "\n";
        for (int id = 1; id <= calls; ++id)
            burst += R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
                     R"(,"method":"tools/call","params":{"name":"create_support_note","arguments":{"ticketId":"T","note":")" +
                     std::string(500, 'n') + R"("}}})" "\n";
        std::thread sending([&] { (void)::write(io.input(), burst.data(), burst.size()); });
        auto lines_in = [](int fd, std::string& text) {
            char chunk[65536];
            for (ssize_t got; (got = ::read(fd, chunk, sizeof chunk)) > 0;) text.append(chunk, static_cast<std::size_t>(got));
            return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
        };
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        std::string reply_text, audit_text;
        const int answered = lines_in(replies, reply_text) - 1; // initialize has no trace line
        const int audited = lines_in(audit, audit_text);
        CHECK(audited < calls); // the FIFO did fill up
        CHECK(answered <= audited);
        // Then everything flows: every call answered, every line written.
        int total_replies = answered + 1, total_lines = audited;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while ((total_replies < calls + 1 || total_lines < calls) && std::chrono::steady_clock::now() < until) {
            total_lines = lines_in(audit, audit_text);
            total_replies = lines_in(replies, reply_text);
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        CHECK(total_replies == calls + 1);
        CHECK(total_lines == calls);
        sending.join();
        ::fcntl(replies, F_SETFL, 0);
        io.finish();
    }
    ::close(audit);
    std::remove(fifo.c_str());
}

TEST_CASE("stdio: replies held during a burst all go out before the server waits for more input", "[server][stdio]") {
    // The reading thread holds the replies of the requests it has already read; whatever the
    // burst ends with (a blank line, a notification, a line too long), they must go out before
    // it waits for the next line, with the input still open.
    const std::string ends[] = {"\n\n  \n", R"({"jsonrpc":"2.0","method":"notifications/initialized"})" "\n",
                                std::string(300, 'x') + "\n"};
    for (const auto& end : ends) {
        INFO("the burst ends with: " << end.substr(0, 60));
        warden::server srv;
        srv.add(numbered<1>{});
        int in_pipe[2], out_pipe[2];
        REQUIRE(::pipe(in_pipe) == 0);
        REQUIRE(::pipe(out_pipe) == 0);
        std::FILE* in = ::fdopen(in_pipe[0], "r");
        std::FILE* out = ::fdopen(out_pipe[1], "w");
        std::thread serving([&] {
            warden::serve_stdio(srv, {.max_line_bytes = 200, .workers = 2}, in, out);
            std::fclose(out);
        });
        std::string burst = std::string(init) + "\n";
        const int calls = 40;
        for (int id = 1; id <= calls; ++id)
            burst += R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"tools/call","params":{"name":"t1"}})" "\n";
        burst += end;
        REQUIRE(::write(in_pipe[1], burst.data(), burst.size()) == static_cast<ssize_t>(burst.size()));
        // Counts reply lines for up to 5 s, the input left open.
        const int expected = calls + 1 + (end[0] == 'x' ? 1 : 0); // initialize, the calls, the too-long line's error
        int lines = 0;
        std::string text;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (lines < expected && std::chrono::steady_clock::now() < until) {
            pollfd p{out_pipe[0], POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            char chunk[4096];
            ssize_t got = ::read(out_pipe[0], chunk, sizeof chunk);
            if (got <= 0) break;
            text.append(chunk, static_cast<std::size_t>(got));
            lines = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
        }
        CHECK(lines == expected);
        ::close(in_pipe[1]);
        serving.join();
        std::fclose(in);
        ::close(out_pipe[0]);
    }
}

TEST_CASE("URI templates match level-1 variables", "[server][resources]") {
    using warden::detail::match_uri_template;
    auto m = match_uri_template("test://template/{id}/data", "test://template/42/data");
    REQUIRE(m);
    CHECK(m->at("id") == "42");
    auto two = match_uri_template("db://{table}/{row}", "db://users/7");
    REQUIRE(two);
    CHECK(two->at("table") == "users");
    CHECK(two->at("row") == "7");
    CHECK(!match_uri_template("test://template/{id}/data", "test://template//data"));
    CHECK(!match_uri_template("test://template/{id}/data", "test://template/4/2/data"));
    CHECK(!match_uri_template("test://template/{id}/data", "test://template/42/datum"));
    CHECK(!match_uri_template("test://template/{id}", "test://other/42"));
}

TEST_CASE("subscribed sessions hear of resource updates, and only while they live", "[server][resources]") {
    warden::server srv;
    srv.add_resource({.uri = "test://watched", .name = "watched"}, [](const std::string& uri, warden::context&) {
        return std::vector<warden::resource_contents>{{.uri = uri, .text = "v1"}};
    });
    recorder a_rec, b_rec;
    warden::session a({}, a_rec.sender());
    ask(srv, a, init);
    {
        warden::session b({}, b_rec.sender());
        ask(srv, b, init);
        CHECK(ask(srv, a, R"({"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"test://watched"}})")
                  .at("result") == boost::json::object{});
        srv.notify_resource_updated("test://watched");
        srv.notify_resource_updated("test://other");
        REQUIRE(a_rec.sent.size() == 1);
        CHECK(a_rec.sent[0] == boost::json::parse(
                                   R"({"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"test://watched"}})"));
        CHECK(b_rec.sent.empty());
    } // b is gone: the server must not reach it any more
    ask(srv, a, R"({"jsonrpc":"2.0","id":3,"method":"resources/unsubscribe","params":{"uri":"test://watched"}})");
    srv.notify_resource_updated("test://watched");
    CHECK(a_rec.sent.size() == 1);
    auto read = ask(srv, a, R"({"jsonrpc":"2.0","id":4,"method":"resources/read","params":{"uri":"test://watched"}})");
    CHECK(read.at("result").at("contents").at(0).at("text") == "v1");
    auto missing = ask(srv, a, R"({"jsonrpc":"2.0","id":5,"method":"resources/read","params":{"uri":"test://gone"}})");
    CHECK(missing.at("error").at("code") == -32002);
    CHECK(missing.at("error").at("data").at("uri") == "test://gone");
}

TEST_CASE("prompts: arguments are checked before the renderer runs", "[server][prompts]") {
    warden::server srv;
    int rendered = 0;
    srv.add_prompt({.name = "p", .arguments = {{.name = "x", .required = true}}},
                   [&](const std::map<std::string, std::string>& args, warden::context&) {
                       ++rendered;
                       return std::vector<warden::prompt_message>{warden::user_text(args.at("x"))};
                   });
    CHECK_THROWS_AS(srv.add_prompt({.name = "p"}, {}), std::logic_error);
    warden::session s({});
    ask(srv, s, init);
    auto get = [&](std::string_view args) {
        return ask(srv, s, R"({"jsonrpc":"2.0","id":2,"method":"prompts/get","params":{"name":"p","arguments":)" + std::string(args) + "}}");
    };
    CHECK(get(R"({"x":"hi"})").at("result").at("messages").at(0).at("content").at("text") == "hi");
    CHECK(get("{}").at("error").at("message") == "missing required argument: x");
    CHECK(get(R"({"x":"hi","y":"no"})").at("error").at("message") == "unknown argument: y");
    CHECK(get(R"({"x":5})").at("error").at("code") == -32602);
    CHECK(rendered == 1);
}

TEST_CASE("a second request with the id of one in flight is refused, not lost", "[server]") {
    warden::server srv;
    srv.add(stepper{});
    warden::session s({});
    ask(srv, s, init);
    started = 0;
    std::optional<boost::json::value> first;
    std::thread call([&] {
        first = srv.handle(R"({"jsonrpc":"2.0","id":"same","method":"tools/call","params":{"name":"stepper","arguments":{"steps":1}}})", s);
    });
    while (started == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    auto second = ask(srv, s, R"({"jsonrpc":"2.0","id":"same","method":"tools/call","params":{"name":"stepper","arguments":{"steps":1}}})");
    CHECK(second.at("error").at("code") == -32600);
    srv.handle(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"same"}})", s);
    call.join();
    CHECK(!first.has_value()); // the first was cancelled, so it has no response; the refusal did not disturb it
}

namespace {

struct picture {
    static constexpr std::string_view name = "picture";
    static constexpr std::string_view description = "Return a picture and a link with its caption.";
    using input = ping_input;
    using output = ping_output;
    using policy = warden::policy<warden::read_only>;
    warden::tool_result<output> call(const input&, warden::context&) const {
        return {{"a red pixel"},
                {warden::content::image("iVBORw0KGgo=", "image/png"),
                 warden::content::resource_link("test://pixel", "pixel", "image/png"),
                 warden::content::embedded_text("test://caption", "A red pixel.", "text/plain")}};
    }
};

} // namespace

TEST_CASE("a tool_result carries content blocks before the output's JSON text", "[server]") {
    warden::server srv;
    srv.add(picture{});
    warden::session s({});
    ask(srv, s, init);
    auto r = ask(srv, s, R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"picture","arguments":{}}})").at("result");
    CHECK(r.at("structuredContent") == boost::json::parse(R"({"pong":"a red pixel"})"));
    CHECK(r.at("content") == boost::json::parse(R"([
        {"type":"image","data":"iVBORw0KGgo=","mimeType":"image/png"},
        {"type":"resource_link","uri":"test://pixel","name":"pixel","mimeType":"image/png"},
        {"type":"resource","resource":{"uri":"test://caption","text":"A red pixel.","mimeType":"text/plain"}},
        {"type":"text","text":"{\"pong\":\"a red pixel\"}"}])"));
}

TEST_CASE("changing what the server offers tells open sessions, and a running call keeps its tool", "[server]") {
    warden::server srv;
    srv.add(numbered<1>{});
    recorder rec;
    warden::session s({}, rec.sender());
    warden::session fresh({}, [](const boost::json::object&) { FAIL("an uninitialized session hears nothing"); });
    ask(srv, s, init);
    srv.add(numbered<2>{});
    REQUIRE(rec.sent.size() == 1);
    CHECK(rec.sent[0] == boost::json::parse(R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed","params":{}})"));
    CHECK(ask(srv, s, R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})").at("result").at("tools").as_array().size() == 2);

    CHECK(srv.remove_tool("t1"));
    CHECK_FALSE(srv.remove_tool("t1")); // nothing changed: nothing is sent
    REQUIRE(rec.sent.size() == 2);
    auto gone = ask(srv, s, R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"t1","arguments":{}}})");
    CHECK(gone.at("error").at("code") == -32602);
    // The index was rebuilt: t2 moved to the front and is still found.
    auto t2 = ask(srv, s, R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"t2","arguments":{}}})");
    CHECK(t2.at("result").at("structuredContent").at("pong") == "t2");
    CHECK_THROWS_AS(srv.add(numbered<2>{}), std::logic_error);

    srv.add_resource({.uri = "test://a", .name = "a"}, {});
    srv.add_prompt({.name = "p"}, {});
    CHECK(srv.remove_prompt("p"));
    CHECK(srv.remove_resource("test://a"));
    CHECK_FALSE(srv.remove_resource_template("test://{x}"));
    std::vector<std::string> methods;
    for (auto& m : rec.sent) methods.emplace_back(m.at("method").as_string());
    CHECK(methods == std::vector<std::string>{"notifications/tools/list_changed", "notifications/tools/list_changed",
                                              "notifications/resources/list_changed", "notifications/prompts/list_changed",
                                              "notifications/prompts/list_changed", "notifications/resources/list_changed"});
}

TEST_CASE("a tool removed while its call runs finishes that call", "[server]") {
    static std::atomic<int> stage{0};
    struct slow : numbered<3> {
        output call(const input&, warden::context&) const {
            stage = 1;
            while (stage != 2) std::this_thread::yield();
            return {"finished"};
        }
    };
    warden::server srv;
    srv.add(slow{});
    warden::session s({});
    ask(srv, s, init);
    std::optional<boost::json::value> reply;
    std::thread caller([&] { reply = srv.handle(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"t3"}})", s); });
    while (stage != 1) std::this_thread::yield();
    CHECK(srv.remove_tool("t3"));
    stage = 2;
    caller.join();
    REQUIRE(reply);
    CHECK(reply->at("result").at("structuredContent").at("pong") == "finished");
}

namespace {
struct show_text {
    static constexpr std::string_view name = "show_text";
    static constexpr std::string_view description = "Answers with content blocks only.";
    using input = ping_input;
    using output = void;
    using policy = warden::policy<warden::read_only>;
    warden::tool_result<void> call(const input&, warden::context&) const {
        return {{warden::content::text("hello"), warden::content::image("aGk=", "image/png")}};
    }
};
} // namespace

TEST_CASE("a tool whose output is void has no outputSchema and answers with its content blocks only", "[server]") {
    CHECK_FALSE(warden::tool_definition<show_text>().contains("outputSchema"));
    warden::server srv;
    srv.add(show_text{});
    warden::session s({});
    ask(srv, s, init);
    // No "arguments" at all is the same as {}.
    auto r = ask(srv, s, R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"show_text"}})").at("result");
    CHECK(r == boost::json::parse(R"({"content":[{"type":"text","text":"hello"},{"type":"image","data":"aGk=","mimeType":"image/png"}]})"));
    auto bad = ask(srv, s, R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"show_text","arguments":{"x":1}}})");
    CHECK(bad.at("result").at("isError") == true);
}

namespace {

// One HTTP/1.1 request on a fresh connection; the status and the Mcp-Session-Id of the answer.
std::pair<int, std::string> http_post(unsigned short port, const std::string& body, const std::string& session) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(port);
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) == 0);
    std::string req = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                      "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                      "Connection: close\r\nMCP-Protocol-Version: 2025-06-18\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n" + (session.empty() ? "" : "Mcp-Session-Id: " + session + "\r\n") + "\r\n" + body;
    REQUIRE(::send(fd, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size()));
    std::string got;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    REQUIRE(got.size() > 12);
    std::string id;
    if (auto h = got.find("Mcp-Session-Id: "); h != std::string::npos) id = got.substr(h + 16, got.find("\r\n", h) - h - 16);
    return {std::stoi(got.substr(9, 3)), id};
}

} // namespace

TEST_CASE("http: a session unused past the idle timeout is gone, though no new session swept it", "[server][http]") {
    warden::server srv;
    warden::http_options options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.session_idle_timeout = std::chrono::seconds(1);
    warden::http_server http(srv, options);
    std::thread serving([&] { http.run(); });
    const std::string init_body =
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}})";
    const std::string ping = R"({"jsonrpc":"2.0","id":2,"method":"ping"})";
    auto [status, id] = http_post(http.port(), init_body, "");
    CHECK(status == 200);
    REQUIRE(!id.empty());
    CHECK(http_post(http.port(), R"({"jsonrpc":"2.0","method":"notifications/initialized"})", id).first == 202);
    CHECK(http_post(http.port(), ping, id).first == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    CHECK(http_post(http.port(), ping, id).first == 200); // used within the timeout: still there
    std::this_thread::sleep_for(std::chrono::milliseconds(1300));
    CHECK(http_post(http.port(), ping, id).first == 404);
    CHECK(http_post(http.port(), ping, id).first == 404);
    http.stop();
    serving.join();
}
