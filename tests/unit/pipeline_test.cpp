// The policy pipeline, stage by stage: each accept and reject path, through server::handle.
#include <warden/warden.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <random>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace pl {

struct note_in {
    warden::text<1, 50> ticketId;
    warden::text<1, 200> note;
    warden::secret<std::string> apiToken;
};
BOOST_DESCRIBE_STRUCT(note_in, (), (ticketId, note, apiToken))
struct note_out {
    std::string noteId;
};
BOOST_DESCRIBE_STRUCT(note_out, (), (noteId))

// A write keyed by its content; counts how often it really runs.
struct add_note {
    static constexpr std::string_view name = "add_note";
    static constexpr std::string_view description = "Add a note to a ticket.";
    using input = note_in;
    using output = note_out;
    using policy = warden::policy<warden::mutating, warden::required_scope<"notes">>;
    std::atomic<int>* runs;
    static std::string idempotency_key(const input& in) { return *in.ticketId + ":" + *in.note; }
    std::optional<warden::tool_error> validate(const input& in, warden::context&) const {
        if (*in.ticketId == "T-closed") return warden::tool_error("ticket_closed", "Ticket T-closed is closed; open a new one.");
        return std::nullopt;
    }
    output call(const input& in, warden::context&) const {
        int n = ++*runs;
        std::this_thread::sleep_for(std::chrono::milliseconds(20)); // long enough for duplicates to overlap
        if (*in.note == "fail") throw warden::tool_error("store_down", "The note store is down.");
        if (*in.note == "crash") throw std::runtime_error("segfault-ish detail with password hunter2");
        return {"N-" + std::to_string(n)};
    }
};

struct refund_in {
    warden::idempotency_key requestId;
    warden::text<1, 20> orderId;
    warden::integer<1, 100000> cents;
};
BOOST_DESCRIBE_STRUCT(refund_in, (), (requestId, orderId, cents))
struct refund_out {
    std::string status;
};
BOOST_DESCRIBE_STRUCT(refund_out, (), (status))

struct refund {
    static constexpr std::string_view name = "refund";
    static constexpr std::string_view description = "Refund part of an order.";
    using input = refund_in;
    using output = refund_out;
    using policy = warden::policy<warden::mutating, warden::requires_approval>;
    std::atomic<int>* runs;
    warden::decision authorize(const input& in, const warden::principal& who) const {
        if (!who.has_scope("refunds")) return warden::decision::deny("refunds_scope", "only refund agents may refund");
        if (*in.cents > 5000) return warden::decision::deny("refund_ceiling", "at most 5000 cents per refund");
        return warden::decision::allow();
    }
    std::string preview(const input& in) const { return "Refund " + std::to_string(*in.cents) + " cents on " + *in.orderId; }
    output call(const input&, warden::context&) const {
        ++*runs;
        return {"refunded"};
    }
};

struct big_in {
    warden::integer<0, 100000> size;
};
BOOST_DESCRIBE_STRUCT(big_in, (), (size))
struct big_out {
    std::string blob;
};
BOOST_DESCRIBE_STRUCT(big_out, (), (blob))

struct fetch {
    static constexpr std::string_view name = "fetch";
    static constexpr std::string_view description = "Read from a slow or flaky upstream.";
    using input = big_in;
    using output = big_out;
    using policy = warden::policy<warden::read_only, warden::timeout_ms<300>>;
    std::atomic<int>* attempts;
    output call(const input& in, warden::context& ctx) const {
        if (*in.size == 1) { // flaky: the first attempt fails, the retry succeeds
            return {ctx.upstream(
                "flaky",
                [&](const warden::upstream_attempt& a) {
                    ++*attempts;
                    if (a.number() == 1) throw warden::upstream_unavailable("503");
                    return std::string("second try");
                },
                {.attempts = 3, .backoff = std::chrono::milliseconds(5)})};
        }
        if (*in.size == 2) { // slow: waits until the attempt's token fires
            ctx.upstream("slow", [&](const warden::upstream_attempt& a) {
                std::mutex m;
                std::condition_variable_any cv;
                std::unique_lock lock(m);
                cv.wait_for(lock, a.stop_token(), std::chrono::seconds(10), [] { return false; });
            });
            return {"never"};
        }
        if (*in.size == 3) { // the handler's own stop token fires at the deadline
            std::mutex m;
            std::condition_variable_any cv;
            std::unique_lock lock(m);
            auto stop = ctx.stop_token();
            bool stopped = cv.wait_for(lock, stop, std::chrono::seconds(10), [] { return false; }), fired = stop.stop_requested();
            (void)stopped;
            return {fired ? "stopped at the deadline" : "not stopped"};
        }
        return {std::string(static_cast<std::size_t>(*in.size), 'x')};
    }
};

struct write_out {
    std::string done;
};
BOOST_DESCRIBE_STRUCT(write_out, (), (done))
struct upstream_write {
    static constexpr std::string_view name = "upstream_write";
    static constexpr std::string_view description = "Write to a flaky upstream.";
    using input = big_in;
    using output = write_out;
    using policy = warden::policy<warden::mutating>;
    static std::string idempotency_key(const input& in) { return std::to_string(*in.size); }
    std::atomic<int>* attempts;
    output call(const input& in, warden::context& ctx) const {
        return {ctx.upstream(
            "payments",
            [&](const warden::upstream_attempt& a) -> std::string {
                ++*attempts;
                if (a.number() == 1) throw warden::upstream_unavailable("503");
                return "ok";
            },
            {.attempts = 3, .idempotent = *in.size == 1, .backoff = std::chrono::milliseconds(5)})};
    }
};

// A stage of the user's: refuses calls whose arguments mention "forbidden-word".
struct word_filter : warden::stage {
    std::string_view name() const override { return "word_filter"; }
    std::optional<warden::rejection> check(warden::call_info& call) override {
        seen_tool = std::string(call.tool());
        if (boost::json::serialize(call.arguments()).find("forbidden-word") != std::string::npos)
            return warden::rejection{"word_refused", "That word is not allowed here.", {{"word", "forbidden-word"}}};
        return std::nullopt;
    }
    std::string seen_tool;
};

// An input larger than the buffer the pipeline decodes into on its stack (512 bytes): it goes to
// the heap instead. Its fields hold strings, so a destroy that missed would leak under ASan.
struct wide_in {
    std::string a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9;
};
BOOST_DESCRIBE_STRUCT(wide_in, (), (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9))
struct joined {
    std::string text;
};
BOOST_DESCRIBE_STRUCT(joined, (), (text))

struct join_wide {
    static constexpr std::string_view name = "join_wide";
    static constexpr std::string_view description = "Join twenty strings.";
    using input = wide_in;
    using output = joined;
    using policy = warden::policy<warden::read_only>;
    output call(const input& in, warden::context&) const { return {in.a0 + in.b9}; }
};

struct pass_stage : warden::stage {
    std::string_view name() const override { return "pass"; }
    std::optional<warden::rejection> check(warden::call_info&) override { return std::nullopt; }
};

// Answers elicitation/create requests as a human would; other messages are kept.
struct client {
    const warden::server* srv = nullptr;
    warden::session* ses = nullptr;
    std::string answer = "accept"; // accept | decline | yes-false
    std::vector<boost::json::object> sent;
    std::mutex m;

    warden::session::sender sender() {
        return [this](const boost::json::object& msg) {
            {
                std::lock_guard lock(m);
                sent.push_back(msg);
            }
            if (msg.contains("id") && msg.at("method") == "elicitation/create") {
                boost::json::object result{{"action", answer == "decline" ? "decline" : "accept"}};
                if (answer != "decline") result["content"] = boost::json::object{{"approve", answer == "accept"}};
                srv->handle(boost::json::serialize(boost::json::object{{"jsonrpc", "2.0"}, {"id", msg.at("id")}, {"result", result}}), *ses);
            }
        };
    }
};

boost::json::value call(const warden::server& srv, warden::session& s, std::string_view tool, std::string_view args,
                        std::string_view meta = {}) {
    static std::atomic<int> id{100};
    std::string req = R"({"jsonrpc":"2.0","id":)" + std::to_string(++id) + R"(,"method":"tools/call","params":{"name":")" +
                      std::string(tool) + R"(","arguments":)" + std::string(args);
    if (!meta.empty()) req += R"(,"_meta":)" + std::string(meta);
    req += "}}";
    auto reply = srv.handle(req, s);
    REQUIRE(reply);
    return reply->as_object().at("result");
}

void initialize(const warden::server& srv, warden::session& s, bool elicitation) {
    std::string caps = elicitation ? R"({"elicitation":{}})" : "{}";
    srv.handle(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":)" + caps + "}}", s);
}

std::string code_of(const boost::json::value& result) {
    if (!result.as_object().contains("isError")) return "ok";
    return std::string(result.at("structuredContent").at("code").as_string());
}

std::vector<std::string> stage_names(const warden::trace_record& t) {
    std::vector<std::string> out;
    for (const auto& s : t.stages) out.push_back(s.stage + ":" + s.decision);
    return out;
}

const char* note_args(const char* note) {
    static thread_local std::string s;
    s = std::string(R"({"ticketId":"T-1","note":")") + note + R"(","apiToken":"tok-SECRET-123"})";
    return s.c_str();
}

} // namespace pl

using namespace pl;

TEST_CASE("pipeline: a call passes every stage in order, and its trace says so with secrets redacted", "[pipeline]") {
    auto sink = std::make_shared<warden::memory_sink>();
    std::atomic<int> runs{0};
    warden::server srv({.pipeline = {.sinks = {sink}}});
    srv.add(add_note{&runs});
    warden::session s({"ann", "acme", {"notes"}});
    initialize(srv, s, false);
    auto r = call(srv, s, "add_note", note_args("hello"),
                  R"({"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})");
    CHECK(code_of(r) == "ok");
    REQUIRE(sink->records().size() == 1);
    auto t = sink->records()[0];
    CHECK(t.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
    CHECK(t.tool == "add_note");
    CHECK(t.user == "ann");
    CHECK(t.tenant == "acme");
    CHECK(stage_names(t) == std::vector<std::string>{"decode:allow", "validate:allow", "authorize:allow", "rate_limit:allow",
                                                     "idempotency:miss", "sanitize:allow"});
    CHECK(boost::json::parse(t.arguments_json).at("apiToken") == "[redacted]");
    CHECK(t.outcome == "ok");
    CHECK(t.result_bytes == boost::json::serialize(r).size());
    auto line = boost::json::serialize(warden::to_json(t));
    CHECK(line.find("SECRET") == std::string::npos);
    for (auto key : {"traceId", "time", "tool", "principal", "arguments", "stages", "upstream", "outcome", "replayed", "durationMs", "resultBytes"})
        CHECK(warden::to_json(t).contains(key));
    // A malformed traceparent starts a new trace.
    call(srv, s, "add_note", note_args("other"), R"({"traceparent":"00-00000000000000000000000000000000-00f067aa0ba902b7-01"})");
    CHECK(sink->records()[1].trace_id.size() == 32);
    CHECK(sink->records()[1].trace_id != std::string(32, '0'));
    // New trace ids are 32 lowercase hex digits, every one of them random.
    std::vector<std::set<char>> seen(32);
    for (int i = 0; i < 64; ++i) {
        const auto id = warden::new_trace_id();
        REQUIRE(id.size() == 32);
        CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
        for (std::size_t d = 0; d < 32; ++d) seen[d].insert(id[d]);
    }
    for (std::size_t d = 0; d < 32; ++d) CHECK(seen[d].size() >= 4);
    std::set<char> digits;
    for (const auto& d : seen) digits.insert(d.begin(), d.end());
    CHECK(digits.size() == 16);
    // Eight digits at once, lowest nibble in the lowest byte.
    CHECK(warden::detail::hex_digits(0x89abcdefu) == 0x3839616263646566u);
    CHECK(warden::detail::hex_digits(0x01234567u) == 0x3031323334353637u);
}

TEST_CASE("pipeline: decode, validate and authorize refuse before anything runs", "[pipeline]") {
    auto sink = std::make_shared<warden::memory_sink>();
    std::atomic<int> runs{0};
    warden::server srv({.pipeline = {.sinks = {sink}}});
    srv.add(add_note{&runs});
    srv.add(refund{&runs});
    warden::session agent({"ann", "acme", {"notes"}});
    initialize(srv, agent, true);

    CHECK(code_of(call(srv, agent, "add_note", R"({"ticketId":"T-1"})")) == "invalid_arguments");
    CHECK(sink->records().back().arguments_json.empty());
    CHECK(warden::to_json(sink->records().back()).at("arguments").is_null());
    auto closed = call(srv, agent, "add_note", R"({"ticketId":"T-closed","note":"n","apiToken":"t"})");
    CHECK(code_of(closed) == "ticket_closed");
    CHECK(stage_names(sink->records().back()).back() == "validate:deny");

    warden::session no_scope({"bob", "acme", {}});
    initialize(srv, no_scope, true);
    auto denied = call(srv, no_scope, "add_note", note_args("x"));
    CHECK(code_of(denied) == "forbidden");
    CHECK(denied.at("structuredContent").at("policy") == "required_scope");

    auto refused = call(srv, agent, "refund", R"({"requestId":"r-1","orderId":"O-1","cents":100})");
    CHECK(code_of(refused) == "forbidden");
    CHECK(refused.at("structuredContent").at("policy") == "refunds_scope");
    CHECK(sink->records().back().stages.back().detail == "refunds_scope: only refund agents may refund");
    warden::session refunder({"cy", "acme", {"refunds"}});
    initialize(srv, refunder, true);
    CHECK(call(srv, refunder, "refund", R"({"requestId":"r-2","orderId":"O-1","cents":6000})")
              .at("structuredContent").at("policy") == "refund_ceiling");
    CHECK(runs == 0);
}

TEST_CASE("pipeline: the rate limit trips at its count, per user, and says when to retry", "[pipeline]") {
    std::atomic<int> runs{0};
    warden::server srv({.pipeline = {.tools = {{"add_note", {.rate = warden::rate_limits{.per_user = {2, std::chrono::minutes(1)}}}}}}});
    srv.add(add_note{&runs});
    warden::session ann({"ann", "acme", {"notes"}}), bob({"bob", "acme", {"notes"}});
    initialize(srv, ann, false);
    initialize(srv, bob, false);
    CHECK(code_of(call(srv, ann, "add_note", note_args("1"))) == "ok");
    CHECK(code_of(call(srv, ann, "add_note", note_args("2"))) == "ok");
    auto third = call(srv, ann, "add_note", note_args("3"));
    CHECK(code_of(third) == "rate_limited");
    CHECK(third.at("structuredContent").at("limit") == "user");
    auto retry = third.at("structuredContent").at("retryAfterMs").as_int64();
    CHECK(retry > 0);
    CHECK(retry <= 30000);
    CHECK(code_of(call(srv, bob, "add_note", note_args("4"))) == "ok"); // another user has their own bucket
    CHECK(runs == 3);
}

TEST_CASE("rate_limiter: buckets refill over time and limits combine", "[pipeline]") {
    warden::rate_limiter limiter;
    warden::principal ann{"ann", "acme", {}}, bob{"bob", "acme", {}};
    warden::rate_limits limits{.per_user = {2, std::chrono::seconds(10)}, .per_tenant = {3, std::chrono::seconds(10)}};
    auto t0 = warden::rate_limiter::clock::now();
    CHECK(limiter.take("t", ann, limits, t0).allowed);
    CHECK(limiter.take("t", ann, limits, t0).allowed);
    auto v = limiter.take("t", ann, limits, t0);
    CHECK(!v.allowed);
    CHECK(v.scope == "user");
    CHECK(v.retry_after == std::chrono::milliseconds(5000));
    CHECK(limiter.take("t", bob, limits, t0).allowed);
    auto tenant = limiter.take("t", bob, limits, t0);
    CHECK(!tenant.allowed);
    CHECK(tenant.scope == "tenant");
    CHECK(limiter.take("other", bob, limits, t0).allowed); // per tool
    CHECK(limiter.take("t", ann, limits, t0 + std::chrono::seconds(5)).allowed); // one token back after 5 s

    // Buckets of different callers and tools never share a key, however their names run together.
    warden::rate_limits one{.per_user = {1, std::chrono::minutes(1)}};
    CHECK(limiter.take("t", {"bc", "a", {}}, one, t0).allowed);
    CHECK(limiter.take("t", {"c", "ab", {}}, one, t0).allowed);
    CHECK(limiter.take("yt", {"x", "a", {}}, one, t0).allowed);
    CHECK(limiter.take("t", {"xy", "a", {}}, one, t0).allowed);
    CHECK(!limiter.take("t", {"xy", "a", {}}, one, t0).allowed); // and the same caller does share one
}

// A thread remembers the last bucket of each kind it took from: the memory must never stand for
// another limiter's bucket, another caller's or tool's, or one a sweep has erased.
TEST_CASE("rate_limiter: what a thread remembers of its last bucket is only ever that bucket", "[pipeline]") {
    warden::rate_limits two{.per_user = {2, std::chrono::seconds(10)}};
    const warden::principal ann{"ann", "acme", {}};
    auto t0 = warden::rate_limiter::clock::now();
    {
        auto first = std::make_unique<warden::rate_limiter>(), second = std::make_unique<warden::rate_limiter>();
        for (int i = 0; i < 2; ++i) { // taken in turns, each limiter counts its own calls
            CHECK(first->take("t", ann, two, t0).allowed);
            CHECK(second->take("t", ann, two, t0).allowed);
        }
        CHECK(!first->take("t", ann, two, t0).allowed);
        CHECK(!second->take("t", ann, two, t0).allowed);
        // A limiter made where the last one was (likely the same address) starts empty.
        first.reset();
        first = std::make_unique<warden::rate_limiter>();
        CHECK(first->take("t", ann, two, t0).allowed);
        CHECK(first->take("t", ann, two, t0).allowed);
        CHECK(!first->take("t", ann, two, t0).allowed);
    }
    // Another tool, tenant or user right after: its own bucket.
    warden::rate_limiter limiter;
    CHECK(limiter.take("t", ann, two, t0).allowed);
    CHECK(limiter.take("u", ann, two, t0).allowed);
    CHECK(limiter.take("t", {"ann", "other", {}}, two, t0).allowed);
    CHECK(limiter.take("t", {"bob", "acme", {}}, two, t0).allowed);
    CHECK(limiter.take("t", ann, two, t0).allowed);
    CHECK(!limiter.take("t", ann, two, t0).allowed);
    // Another thread's callers, enough for a sweep a minute later: ann's bucket, full again by
    // then, is erased, while this thread still remembers it. Asked again (at a time when her old
    // bucket would hold one token), she gets a new bucket with two.
    warden::rate_limiter swept;
    CHECK(swept.take("t", ann, two, t0).allowed);
    std::thread others([&] {
        for (int i = 0; i < 600; ++i) swept.take("t", {"u" + std::to_string(i), "acme", {}}, two, t0 + std::chrono::minutes(1));
    });
    others.join();
    const auto soon = t0 + std::chrono::seconds(1);
    CHECK(swept.take("t", ann, two, soon).allowed);
    CHECK(swept.take("t", ann, two, soon).allowed);
    CHECK(!swept.take("t", ann, two, soon).allowed);
}

TEST_CASE("pipeline: your stage runs after authorization and before the rate limit", "[pipeline]") {
    auto filter = std::make_shared<word_filter>();
    std::atomic<int> runs{0};
    auto sink = std::make_shared<warden::memory_sink>();
    warden::server srv({.pipeline = {.default_rate = {.per_user = {1, std::chrono::minutes(1)}}, .sinks = {sink}, .stages = {filter}}});
    srv.add(add_note{&runs});
    warden::session s({"ann", "acme", {"notes"}});
    initialize(srv, s, false);
    auto refused = call(srv, s, "add_note", note_args("forbidden-word"));
    CHECK(code_of(refused) == "word_refused");
    CHECK(refused.at("structuredContent").at("word") == "forbidden-word");
    CHECK(filter->seen_tool == "add_note");
    CHECK(stage_names(sink->records().back()).back() == "word_filter:deny");
    // The refused call took nothing from the rate limit: the next call still passes.
    CHECK(code_of(call(srv, s, "add_note", note_args("fine"))) == "ok");
    CHECK(stage_names(sink->records().back())[3] == "word_filter:allow");
    warden::session outsider({"eve", "acme", {}});
    initialize(srv, outsider, false);
    filter->seen_tool.clear();
    CHECK(code_of(call(srv, outsider, "add_note", note_args("x"))) == "forbidden");
    CHECK(filter->seen_tool.empty()); // never reached
}

TEST_CASE("pipeline: approval asks the human: declined or unavailable runs nothing", "[pipeline]") {
    std::atomic<int> runs{0};
    warden::server srv;
    srv.add(refund{&runs});
    client human;
    warden::session s({"cy", "acme", {"refunds"}}, human.sender());
    human.srv = &srv;
    human.ses = &s;
    initialize(srv, s, true);

    CHECK(code_of(call(srv, s, "refund", R"({"requestId":"r-1","orderId":"O-1","cents":100})")) == "ok");
    CHECK(runs == 1);
    REQUIRE(!human.sent.empty());
    auto ask = human.sent.back();
    CHECK(ask.at("method") == "elicitation/create");
    CHECK(std::string(ask.at("params").at("message").as_string()).find("Refund 100 cents on O-1") != std::string::npos);

    human.answer = "decline";
    CHECK(code_of(call(srv, s, "refund", R"({"requestId":"r-2","orderId":"O-1","cents":100})")) == "approval_declined");
    human.answer = "yes-false"; // accepted the form but left approve unticked
    CHECK(code_of(call(srv, s, "refund", R"({"requestId":"r-3","orderId":"O-1","cents":100})")) == "approval_declined");
    CHECK(runs == 1);

    warden::session blind({"cy", "acme", {"refunds"}}); // a client without elicitation
    initialize(srv, blind, false);
    CHECK(code_of(call(srv, blind, "refund", R"({"requestId":"r-4","orderId":"O-1","cents":100})")) == "approval_unavailable");
    CHECK(runs == 1);
}

TEST_CASE("pipeline: an out-of-band approver answers for clients that cannot elicit", "[pipeline]") {
    struct desk_lead : warden::approver {
        std::vector<std::string> previews;
        warden::approval_answer ask(const warden::approval_request& r) override {
            previews.push_back(r.preview);
            return r.arguments.at("cents").as_int64() < 1000 ? warden::approval_answer::approved : warden::approval_answer::declined;
        }
    };
    auto lead = std::make_shared<desk_lead>();
    std::atomic<int> runs{0};
    warden::server srv({.pipeline = {.approvals = lead}});
    srv.add(refund{&runs});
    warden::session s({"cy", "acme", {"refunds"}});
    initialize(srv, s, false);
    CHECK(code_of(call(srv, s, "refund", R"({"requestId":"r-1","orderId":"O-7","cents":100})")) == "ok");
    CHECK(code_of(call(srv, s, "refund", R"({"requestId":"r-2","orderId":"O-7","cents":2000})")) == "approval_declined");
    CHECK(lead->previews == std::vector<std::string>{"Refund 100 cents on O-7", "Refund 2000 cents on O-7"});
    CHECK(runs == 1);
}

TEST_CASE("pipeline: the idempotency fingerprint tells secrets apart that the trace redacts", "[pipeline]") {
    // The trace's arguments are redacted; the fingerprint must still see the secret itself.
    for (bool traced : {true, false}) {
        INFO("traced: " << traced);
        auto sink = std::make_shared<warden::memory_sink>();
        std::atomic<int> runs{0};
        warden::server_options options;
        if (traced) options.pipeline.sinks = {sink};
        warden::server srv(options);
        srv.add(pl::add_note{&runs});
        warden::session s({"ann", "acme", {"notes"}});
        initialize(srv, s, false);
        const std::string args = R"({"ticketId":"T-1","note":"same","apiToken":"a"})";
        CHECK(code_of(call(srv, s, "add_note", args)) == "ok");
        CHECK(call(srv, s, "add_note", args).at("_meta").at("warden/replayed") == true);
        CHECK(code_of(call(srv, s, "add_note", R"({"ticketId":"T-1","note":"same","apiToken":"b"})")) == "idempotency_key_reused");
        CHECK(runs == 1);
        if (traced) CHECK(sink->records().front().arguments_json.find("\"a\"") == std::string::npos);
    }
}

TEST_CASE("pipeline: a retried write runs once: other arguments under the same key are refused", "[pipeline]") {
    auto sink = std::make_shared<warden::memory_sink>();
    std::atomic<int> runs{0};
    warden::server srv({.pipeline = {.sinks = {sink}}});
    srv.add(refund{&runs});
    auto lead = std::make_shared<warden::memory_sink>();
    client human;
    warden::session s({"cy", "acme", {"refunds"}}, human.sender());
    human.srv = &srv;
    human.ses = &s;
    initialize(srv, s, true);
    auto first = call(srv, s, "refund", R"({"requestId":"r-9","orderId":"O-1","cents":100})");
    auto again = call(srv, s, "refund", R"({"requestId":"r-9","orderId":"O-1","cents":100})");
    CHECK(runs == 1);
    CHECK(again.at("_meta").at("warden/replayed") == true);
    CHECK(again.at("structuredContent") == first.at("structuredContent"));
    CHECK(sink->records().back().replayed);
    auto reused = call(srv, s, "refund", R"({"requestId":"r-9","orderId":"O-1","cents":200})");
    CHECK(code_of(reused) == "idempotency_key_reused");
    CHECK(runs == 1);
    // Keys belong to a tenant: the same key elsewhere is another operation.
    warden::session other({"cy", "globex", {"refunds"}}, human.sender());
    human.ses = &other;
    initialize(srv, other, true);
    CHECK(code_of(call(srv, other, "refund", R"({"requestId":"r-9","orderId":"O-1","cents":100})")) == "ok");
    CHECK(runs == 2);

    // Without a store, idempotency is off: a retry runs again and nothing says replayed.
    warden::server bare({.pipeline = {.idempotency = nullptr}});
    bare.add(refund{&runs});
    warden::session third({"cy", "acme", {"refunds"}}, human.sender());
    human.srv = &bare;
    human.ses = &third;
    initialize(bare, third, true);
    CHECK(code_of(call(bare, third, "refund", R"({"requestId":"r-9","orderId":"O-1","cents":100})")) == "ok");
    auto twice = call(bare, third, "refund", R"({"requestId":"r-9","orderId":"O-1","cents":100})");
    CHECK(code_of(twice) == "ok");
    CHECK_FALSE(twice.as_object().contains("_meta"));
    CHECK(runs == 4);
}

TEST_CASE("pipeline: concurrent duplicates never both run: failures are forgotten so a retry runs", "[pipeline]") {
    std::atomic<int> runs{0};
    warden::server srv;
    srv.add(add_note{&runs});
    warden::session s({"ann", "acme", {"notes"}});
    initialize(srv, s, false);
    std::vector<std::thread> callers;
    std::vector<std::string> ids(10);
    for (int i = 0; i < 10; ++i)
        callers.emplace_back([&, i] {
            auto reply = srv.handle(R"({"jsonrpc":"2.0","id":")" + std::to_string(i) +
                                        R"(","method":"tools/call","params":{"name":"add_note","arguments":)" + note_args("dup") + "}}",
                                    s);
            ids[static_cast<std::size_t>(i)] = boost::json::serialize(reply->as_object().at("result").at("structuredContent"));
        });
    for (auto& t : callers) t.join();
    CHECK(runs == 1);
    for (const auto& id : ids) CHECK(id == ids[0]);

    CHECK(code_of(call(srv, s, "add_note", note_args("fail"))) == "store_down");
    CHECK(code_of(call(srv, s, "add_note", note_args("fail"))) == "store_down");
    CHECK(runs == 3); // not replayed: the failure was not kept
    auto crash = call(srv, s, "add_note", note_args("crash"));
    CHECK(code_of(crash) == "internal_error");
    CHECK(boost::json::serialize(crash).find("hunter2") == std::string::npos);

    // A key from _meta names the operation instead of the derived one.
    auto a = call(srv, s, "add_note", note_args("same text"), R"({"warden/idempotencyKey":"op-1"})");
    auto b = call(srv, s, "add_note", note_args("same text"), R"({"warden/idempotencyKey":"op-2"})");
    CHECK(a.at("structuredContent") != b.at("structuredContent"));
    CHECK(code_of(call(srv, s, "add_note", note_args("x"), R"({"warden/idempotencyKey":"bad key!"})")) == "invalid_idempotency_key");
}

TEST_CASE("idempotency store: a waiting duplicate gives up at its deadline", "[pipeline]") {
    warden::memory_idempotency_store store;
    auto soon = std::chrono::steady_clock::now() + std::chrono::milliseconds(30);
    CHECK(store.begin("k", "f", soon).kind == warden::idempotency_claim::fresh);
    CHECK(store.begin("k", "f", soon).kind == warden::idempotency_claim::busy);
    CHECK(store.begin("k", "g", soon).kind == warden::idempotency_claim::conflict);
    store.finish("k", R"({"ok":true})");
    auto replay = store.begin("k", "f", soon);
    CHECK(replay.kind == warden::idempotency_claim::replay);
    CHECK(replay.result.at("ok") == true);
    // At most max_results results: the oldest go first, and a key stored again is kept.
    warden::memory_idempotency_store small(std::chrono::hours(1), 2);
    for (const char* k : {"a", "b", "c"}) {
        small.begin(k, "f", soon);
        small.finish(k, R"({"k":")" + std::string(k) + "\"}");
    }
    CHECK(small.size() == 2);
    CHECK(small.begin("a", "f", soon).kind == warden::idempotency_claim::fresh); // evicted: runs again
    small.finish("a", R"({"k":"a2"})");
    CHECK(small.begin("c", "f", soon).kind == warden::idempotency_claim::replay);
    CHECK(small.begin("a", "f", soon).result.at("k") == "a2");
    warden::memory_idempotency_store short_lived(std::chrono::seconds(0));
    short_lived.begin("k", "f", soon);
    short_lived.finish("k", "{}");
    CHECK(short_lived.begin("k", "f", soon).kind == warden::idempotency_claim::fresh); // expired
    // Expired results go as calls come, whether or not their keys come back.
    for (int i = 0; i < 100; ++i) {
        const std::string key = "e" + std::to_string(i);
        short_lived.begin(key, "f", soon);
        short_lived.finish(key, "{}");
    }
    short_lived.finish("k", "{}");
    CHECK(short_lived.begin("last", "f", soon).kind == warden::idempotency_claim::fresh);
    CHECK(short_lived.size() == 1); // "last", running

    // Keys are kept as digests: long keys that differ in one character stay apart; the same one replays.
    const std::string long_key(300, 'k');
    std::string other_key = long_key;
    other_key[150] = 'j';
    CHECK(store.begin(long_key, "f", soon).kind == warden::idempotency_claim::fresh);
    store.finish(long_key, R"({"which":"long"})");
    CHECK(store.begin(other_key, "f", soon).kind == warden::idempotency_claim::fresh);
    store.abandon(other_key);
    auto long_replay = store.begin(long_key, "f", soon);
    REQUIRE(long_replay.kind == warden::idempotency_claim::replay);
    CHECK(long_replay.result.at("which") == "long");
    CHECK(store.begin(long_key, "g", soon).kind == warden::idempotency_claim::conflict);
    // Every length up to past the word size, differing in the last byte only or by a trailing zero byte.
    for (std::size_t n = 1; n <= 81; ++n) {
        std::string a(n, 'q'), b = a, c = a + '\0';
        b.back() = 'r';
        CHECK(store.begin(a, "f", soon).kind == warden::idempotency_claim::fresh);
        store.finish(a, "{}");
        CHECK(store.begin(b, "f", soon).kind == warden::idempotency_claim::fresh);
        store.finish(b, "{}");
        CHECK(store.begin(c, "f", soon).kind == warden::idempotency_claim::fresh);
        store.finish(c, "{}");
        CHECK(store.begin(a, "f", soon).kind == warden::idempotency_claim::replay);
    }
    // So are fingerprints: arguments that differ in one byte, or by a trailing zero byte, conflict.
    for (std::size_t n = 0; n <= 40; ++n) {
        const std::string key = "fp-" + std::to_string(n);
        std::string print(n, 'p'), other = print + '\0', changed = print + 'x';
        if (n > 0) changed = print.substr(0, n - 1) + 'o';
        CHECK(store.begin(key, print, soon).kind == warden::idempotency_claim::fresh);
        store.finish(key, "{}");
        CHECK(store.begin(key, other, soon).kind == warden::idempotency_claim::conflict);
        CHECK(store.begin(key, changed, soon).kind == warden::idempotency_claim::conflict);
        CHECK(store.begin(key, print, soon).kind == warden::idempotency_claim::replay);
    }
    // A difference at any place conflicts, in whole blocks and in the padded last one.
    for (std::size_t n = 1; n <= 100; ++n) {
        const std::string key = "at-" + std::to_string(n), print(n, 'p');
        REQUIRE(store.begin(key, print, soon).kind == warden::idempotency_claim::fresh);
        store.finish(key, "{}");
        for (std::size_t at = 0; at < n; ++at) {
            std::string changed = print;
            changed[at] = 'o';
            REQUIRE(store.begin(key, changed, soon).kind == warden::idempotency_claim::conflict);
        }
    }
}

namespace {

// What the in-memory store must answer, written the plain way: keys and fingerprints as strings,
// in a std::map, every result kept until it expires or is among the oldest over the bound.
class model_store {
public:
    model_store(std::chrono::seconds ttl, std::size_t max_results) : ttl_(ttl), max_(max_results) {}
    warden::idempotency_claim::kind_t begin(const std::string& key, const std::string& print, std::string& result) {
        const auto now = std::chrono::steady_clock::now();
        while (!finished_.empty() && now >= finished_.front().expires) drop_oldest();
        auto [it, fresh] = entries_.try_emplace(key);
        if (fresh || (!it->second.running && now >= it->second.expires)) {
            it->second = {print, true, {}, {}, 0};
            return warden::idempotency_claim::fresh;
        }
        if (it->second.print != print) return warden::idempotency_claim::conflict;
        if (it->second.running) return warden::idempotency_claim::busy;
        result = it->second.result;
        return warden::idempotency_claim::replay;
    }
    void finish(const std::string& key, const std::string& result) {
        auto it = entries_.find(key);
        if (it == entries_.end()) return;
        it->second.running = false;
        it->second.result = result;
        it->second.expires = std::chrono::steady_clock::now() + ttl_;
        it->second.generation = ++generation_;
        finished_.push_back({key, generation_, it->second.expires});
        while (finished_.size() > max_) drop_oldest();
    }
    void abandon(const std::string& key) { entries_.erase(key); }
    std::size_t size() const { return entries_.size(); }

private:
    struct entry {
        std::string print;
        bool running;
        std::string result;
        std::chrono::steady_clock::time_point expires;
        std::uint64_t generation;
    };
    struct stored {
        std::string key;
        std::uint64_t generation;
        std::chrono::steady_clock::time_point expires;
    };
    void drop_oldest() {
        auto it = entries_.find(finished_.front().key);
        if (it != entries_.end() && !it->second.running && it->second.generation == finished_.front().generation)
            entries_.erase(it);
        finished_.pop_front();
    }
    std::chrono::seconds ttl_;
    std::size_t max_;
    std::uint64_t generation_ = 0;
    std::map<std::string, entry> entries_;
    std::deque<stored> finished_;
};

} // namespace

TEST_CASE("idempotency store: answers as the plain model does over random claims, results, failures and evictions", "[pipeline]") {
    // Many keys over a small bound, so that the table grows, its runs collide, and keys are
    // removed from the middle of runs (abandon, eviction, expiry) while others are looked up.
    struct setting {
        std::chrono::seconds ttl;
        std::size_t max_results;
    };
    for (auto [ttl, max_results] : {setting{std::chrono::hours(1), 40}, setting{std::chrono::hours(1), 5000},
                                    setting{std::chrono::seconds(0), 1000}}) {
        INFO("ttl " << ttl.count() << " s, at most " << max_results);
        warden::memory_idempotency_store store(ttl, max_results);
        model_store model(ttl, max_results);
        std::mt19937 random(7);
        const auto past = std::chrono::steady_clock::now(); // a duplicate of a running call does not wait
        int mismatches = 0, replays = 0;
        for (int step = 0; step < 60000 && mismatches < 5; ++step) {
            const std::string key = "k" + std::to_string(random() % 600);
            const std::string print = "f" + std::to_string(random() % 2);
            switch (random() % 3) {
            case 0: {
                std::string expected;
                const auto want = model.begin(key, print, expected);
                const auto got = store.begin(key, print, past);
                if (got.kind != want || (want == warden::idempotency_claim::replay &&
                                         boost::json::serialize(got.result) != expected)) {
                    ++mismatches;
                    FAIL_CHECK("step " << step << ", key " << key << ": kind " << got.kind << ", the model says " << want);
                }
                replays += want == warden::idempotency_claim::replay;
                break;
            }
            case 1: {
                const std::string result = R"({"step":)" + std::to_string(step) + "}";
                model.finish(key, result);
                store.finish(key, result);
                break;
            }
            default:
                model.abandon(key);
                store.abandon(key);
            }
            if (store.size() != model.size()) {
                ++mismatches;
                FAIL_CHECK("step " << step << ": " << store.size() << " entries, the model has " << model.size());
            }
        }
        CHECK(mismatches == 0);
        if (ttl.count() > 0) CHECK(replays > 200); // the run did exercise replays
    }
}

TEST_CASE("pipeline: upstream calls time out, retry only where safe, and are traced", "[pipeline]") {
    auto sink = std::make_shared<warden::memory_sink>();
    std::atomic<int> attempts{0};
    warden::server srv({.pipeline = {.sinks = {sink}}});
    srv.add(fetch{&attempts});
    srv.add(upstream_write{&attempts});
    warden::session s({"ann", "acme", {}});
    initialize(srv, s, false);

    auto flaky = call(srv, s, "fetch", R"({"size":1})");
    CHECK(flaky.at("structuredContent").at("blob") == "second try");
    CHECK(attempts == 2);
    REQUIRE(sink->records().back().upstream.size() == 1);
    CHECK(sink->records().back().upstream[0].attempts == 2);
    CHECK(sink->records().back().upstream[0].outcome == "ok");

    auto begin = std::chrono::steady_clock::now();
    auto slow = call(srv, s, "fetch", R"({"size":2})");
    auto took = std::chrono::steady_clock::now() - begin;
    CHECK(code_of(slow) == "upstream_timeout");
    CHECK(slow.at("content").at(0).at("text") == "The upstream service timed out. Try again later.");
    CHECK(took < std::chrono::seconds(3)); // the 300 ms deadline, not the 10 s wait
    CHECK(sink->records().back().upstream[0].outcome == "timeout");
    CHECK(sink->records().back().outcome == "upstream_timeout");

    CHECK(call(srv, s, "fetch", R"({"size":3})").at("structuredContent").at("blob") == "stopped at the deadline");

    attempts = 0;
    CHECK(code_of(call(srv, s, "upstream_write", R"({"size":0})")) == "upstream_unavailable"); // a write: no retry
    CHECK(attempts == 1);
    attempts = 0;
    CHECK(code_of(call(srv, s, "upstream_write", R"({"size":1})")) == "ok"); // declared idempotent: retried
    CHECK(attempts == 2);
}

TEST_CASE("pipeline: a result over the output limit is refused, per tool or for all", "[pipeline]") {
    std::atomic<int> attempts{0};
    warden::server srv({.pipeline = {.tools = {{"fetch", {.max_output_bytes = 200}}}, .max_output_bytes = 1000}});
    srv.add(fetch{&attempts});
    warden::session s({"ann", "acme", {}});
    initialize(srv, s, false);
    CHECK(code_of(call(srv, s, "fetch", R"({"size":50})")) == "ok");
    auto big = call(srv, s, "fetch", R"({"size":150})");
    CHECK(code_of(big) == "output_too_large");
    CHECK(big.at("structuredContent").at("limitBytes") == 200);
}

TEST_CASE("json_lines_sink writes one parseable line per call", "[pipeline]") {
    char path[] = "/tmp/warden-trace-XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    std::atomic<int> runs{0};
    {
        warden::server srv({.pipeline = {.sinks = {std::make_shared<warden::json_lines_sink>(path)}}});
        srv.add(add_note{&runs});
        warden::session s({"ann", "acme", {"notes"}});
        initialize(srv, s, false);
        call(srv, s, "add_note", note_args("one"));
        call(srv, s, "add_note", note_args("two"));
    }
    std::ifstream in(path);
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
        ++lines;
        auto v = boost::json::parse(line);
        CHECK(v.at("tool") == "add_note");
        CHECK(v.at("arguments").at("apiToken") == "[redacted]");
        CHECK(line.find("SECRET") == std::string::npos);
    }
    CHECK(lines == 2);
    std::remove(path);
}

TEST_CASE("append_json_line writes what to_json gives, for any record", "[pipeline]") {
    warden::trace_record t;
    std::string odd = "quote \" backslash \\ slash / newline \n tab \t cr \r bell \x07 nul ";
    odd += '\0';
    odd += " \x1f e\xC3\xA9 emoji \xF0\x9F\x98\x80 del \x7f";
    auto check = [&] {
        std::string line;
        warden::append_json_line(line, t);
        REQUIRE(!line.empty());
        CHECK(line.back() == '\n');
        CHECK(line.find('\n') == line.size() - 1); // one line
        CHECK(boost::json::parse(line) == boost::json::value(warden::to_json(t)));
    };
    check(); // everything empty
    t.trace_id = "0123456789abcdef0123456789abcdef";
    t.started = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764115200123));
    t.tool = odd;
    t.user = odd;
    t.tenant = "acme";
    t.arguments_json = boost::json::serialize(boost::json::object{{"note", odd}, {"n", 1.5}, {"list", boost::json::array{1, "two", nullptr}}});
    t.stages = {{"decode", "allow"}, {"authorize", "deny", odd}, {"idempotency", "hit", ""}};
    t.upstream = {{"crm", std::chrono::microseconds(1234), 2, "ok"}, {odd, std::chrono::microseconds(1), 1, "timeout"}};
    t.outcome = "forbidden";
    t.replayed = true;
    t.duration = std::chrono::microseconds(98765);
    t.result_bytes = 123456789;
    check();
    t.duration = std::chrono::microseconds(1);
    t.upstream[0].latency = std::chrono::microseconds(333333333);
    t.replayed = false;
    check();
}

TEST_CASE("json_lines_sink keeps lines whole when threads write at once, to a file or a pipe", "[pipeline]") {
    // A record with a long argument, so that lines are large enough to tear if written in pieces.
    warden::trace_record record;
    record.tool = "add_note";
    record.arguments_json = R"({"note":")" + std::string(6000, 'x') + "\"}";
    auto write_from_threads = [&](warden::json_lines_sink& sink, int threads, int each) {
        std::vector<std::thread> writers;
        for (int t = 0; t < threads; ++t)
            writers.emplace_back([&, t] {
                warden::trace_record mine = record;
                for (int i = 0; i < each; ++i) {
                    mine.trace_id = std::to_string(t) + "-" + std::to_string(i);
                    sink.write(mine);
                }
            });
        for (auto& w : writers) w.join();
    };
    auto check_lines = [&](std::istream& in, std::size_t expected) {
        std::set<std::string> ids;
        std::string line;
        while (std::getline(in, line)) {
            auto v = boost::json::parse(line); // throws on a torn line
            CHECK(v.at("arguments").at("note").as_string().size() == 6000);
            ids.insert(std::string(v.at("traceId").as_string()));
        }
        CHECK(ids.size() == expected);
    };

    char path[] = "/tmp/warden-trace-XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    {
        warden::json_lines_sink sink(path);
        write_from_threads(sink, 8, 300);
    }
    std::ifstream file(path);
    check_lines(file, 8 * 300);
    std::remove(path);

    // A FIFO: writes over PIPE_BUF bytes are not atomic there, so the sink must take turns.
    std::string fifo = std::string(path) + ".fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::string received;
    std::thread reader([&] {
        std::ifstream in(fifo);
        received.assign(std::istreambuf_iterator<char>(in), {});
    });
    {
        warden::json_lines_sink sink(fifo);
        write_from_threads(sink, 4, 100);
    }
    reader.join();
    std::istringstream piped(received);
    check_lines(piped, 4 * 100);
    std::remove(fifo.c_str());
}

// A server with a stage of yours reads arguments as sent, so the pipeline decodes them itself:
// into a buffer on its stack when the input fits, on the heap when it does not.
TEST_CASE("pipeline: decoding from a parsed value works for small and large inputs alike", "[pipeline]") {
    static_assert(sizeof(wide_in) > 512, "the test needs an input larger than the pipeline's buffer");
    std::atomic<int> runs{0};
    warden::server srv({.pipeline = {.stages = {std::make_shared<pass_stage>()}}});
    srv.add(add_note{&runs});
    srv.add(join_wide{});
    warden::session s({"ann", "acme", {"notes"}});
    initialize(srv, s, false);
    std::string wide = "{";
    for (const char* k : {"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "b0", "b1", "b2", "b3", "b4", "b5",
                          "b6", "b7", "b8", "b9"})
        wide += std::string(wide.size() > 1 ? "," : "") + "\"" + k + "\":\"" + k + std::string(40, 'x') + "\"";
    auto joined_result = call(srv, s, "join_wide", wide + "}");
    REQUIRE(code_of(joined_result) == "ok");
    CHECK(joined_result.at("structuredContent").at("text").as_string() == "a0" + std::string(40, 'x') + "b9" + std::string(40, 'x'));
    auto unknown = call(srv, s, "join_wide", wide + R"(,"c0":"?"})");
    CHECK(code_of(unknown) == "invalid_arguments");
    CHECK(unknown.at("structuredContent").at("errors").at(0).at("path") == "/c0");
    CHECK(code_of(call(srv, s, "add_note", note_args("small"))) == "ok");
    auto refused = call(srv, s, "add_note", R"({"ticketId":"T-1","note":""})");
    CHECK(code_of(refused) == "invalid_arguments");
    CHECK(runs == 1);
}

// The arguments' exact text is the call's own: a stage (or an approver) that serves a call of
// its own on the same thread must not change what the outer call's idempotency fingerprint is.
TEST_CASE("pipeline: a stage that serves a call of its own does not change the outer call's fingerprint", "[pipeline]") {
    struct nesting : warden::stage {
        const warden::server* srv = nullptr;
        warden::session* inner = nullptr;
        bool done = false;
        std::string_view name() const override { return "nesting"; }
        std::optional<warden::rejection> check(warden::call_info& call) override {
            if (done || call.arguments().at("ticketId") != "T-1") return std::nullopt;
            done = true; // once: the retry below passes this stage without a call of its own
            CHECK(code_of(pl::call(*srv, *inner, "add_note", R"({"ticketId":"T-2","note":"other","apiToken":"zzz"})")) == "ok");
            return std::nullopt;
        }
    };
    auto stage = std::make_shared<nesting>();
    std::atomic<int> runs{0};
    warden::server srv({.pipeline = {.stages = {stage}}}); // no sink: the exact text is written for the stage
    srv.add(pl::add_note{&runs});
    warden::session outer({"ann", "acme", {"notes"}}), inner({"bob", "acme", {"notes"}});
    initialize(srv, outer, false);
    initialize(srv, inner, false);
    stage->srv = &srv;
    stage->inner = &inner;
    const std::string args = R"({"ticketId":"T-1","note":"same","apiToken":"a"})";
    CHECK(code_of(pl::call(srv, outer, "add_note", args)) == "ok");
    CHECK(runs == 2); // the outer call and the one its stage served
    auto again = pl::call(srv, outer, "add_note", args);
    CHECK(code_of(again) == "ok");
    CHECK(again.at("_meta").at("warden/replayed") == true);
    CHECK(runs == 2); // the outer call did not run again
}

// The server reuses each thread's trace records: a record must come back as a new one would be,
// and a call served inside another (here by a stage) must get a record of its own.
TEST_CASE("trace records are reused clean, and a call inside another keeps its own", "[pipeline]") {
    const warden::trace_record fresh;
    {
        warden::detail::reused_trace used;
        auto& t = *used;
        t.trace_id = "0123456789abcdef0123456789abcdef";
        t.started = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764115200123));
        t.tool = "tool";
        t.user = "user";
        t.tenant = "tenant";
        t.arguments_json = R"({"a":1})";
        t.stages = {{"decode", "allow"}, {"authorize", "deny", "why"}};
        t.upstream = {{"crm", std::chrono::microseconds(12), 2, "timeout"}};
        t.outcome = "forbidden";
        t.replayed = true;
        t.duration = std::chrono::microseconds(98765);
        t.result_bytes = 123;
        t.enabled = false;
    }
    {
        warden::detail::reused_trace again;
        CHECK(warden::to_json(*again) == warden::to_json(fresh));
        CHECK((*again).enabled);
        CHECK((*again).stages.capacity() >= 2); // the room stays
        warden::detail::reused_trace inner;
        CHECK(&*inner != &*again);
    }

    struct nesting : warden::stage {
        const warden::server* srv = nullptr;
        warden::session* inner = nullptr;
        std::string_view name() const override { return "nesting"; }
        std::optional<warden::rejection> check(warden::call_info& call) override {
            if (call.arguments().at("ticketId") == "T-1")
                CHECK(code_of(pl::call(*srv, *inner, "add_note", R"({"ticketId":"T-2","note":"inner","apiToken":"zzz"})")) == "ok");
            return std::nullopt;
        }
    };
    auto stage = std::make_shared<nesting>();
    auto sink = std::make_shared<warden::memory_sink>();
    std::atomic<int> runs{0};
    warden::server srv({.pipeline = {.sinks = {sink}, .stages = {stage}}});
    srv.add(pl::add_note{&runs});
    warden::session outer({"ann", "acme", {"notes"}}), inner({"bob", "acme", {"notes"}});
    initialize(srv, outer, false);
    initialize(srv, inner, false);
    stage->srv = &srv;
    stage->inner = &inner;
    CHECK(code_of(pl::call(srv, outer, "add_note", R"({"ticketId":"T-1","note":"outer","apiToken":"a"})")) == "ok");
    auto records = sink->records();
    REQUIRE(records.size() == 2); // the inner call ends first
    CHECK(records[0].user == "bob");
    CHECK(boost::json::parse(records[0].arguments_json).at("note") == "inner");
    CHECK(records[1].user == "ann");
    CHECK(boost::json::parse(records[1].arguments_json).at("note") == "outer");
    CHECK(stage_names(records[1]) == std::vector<std::string>{"decode:allow", "validate:allow", "authorize:allow", "nesting:allow",
                                                              "rate_limit:allow", "idempotency:miss", "sanitize:allow"});
    CHECK(records[0].trace_id != records[1].trace_id);
}

TEST_CASE("a trace's start time is the wall-clock time of the call's steady start", "[pipeline]") {
    using namespace std::chrono;
    const auto steady = steady_clock::now();
    const auto wall = system_clock::now();
    const auto mapped = warden::detail::wall_time_of(steady);
    CHECK(mapped - wall < milliseconds(50));
    CHECK(wall - mapped < milliseconds(50));
    // One difference between the two clocks within the second: steady intervals stay as they are.
    CHECK(warden::detail::wall_time_of(steady + milliseconds(10)) - warden::detail::wall_time_of(steady) == milliseconds(10));
    // Read again when a second has passed; a time before the reading maps with it too.
    const auto later = steady + seconds(5);
    CHECK(warden::detail::wall_time_of(later) - mapped > seconds(4));
    CHECK(warden::detail::wall_time_of(steady) - mapped < milliseconds(50));
    CHECK(mapped - warden::detail::wall_time_of(steady) < milliseconds(50));
}

// Keys are written on the stack up to its room, then on the heap: the same text either way.
TEST_CASE("key_text spells the same key on the stack and past its room", "[pipeline]") {
    for (std::size_t a = 0; a <= 200; ++a)
        for (std::size_t b : {std::size_t{0}, std::size_t{1}, std::size_t{150}, std::size_t{170}}) {
            const std::string first(a, 'a'), second(b, 'b');
            warden::detail::key_text k;
            k.plain('u').counted(first).counted(second).plain("tool");
            const std::string expected = "u" + std::to_string(a) + ":" + first + std::to_string(b) + ":" + second + "tool";
            REQUIRE(k.view() == expected);
        }
    // Lengths first: parts that run together the same way still make different keys.
    warden::detail::key_text x, y;
    x.counted("ab").counted("c");
    y.counted("a").counted("bc");
    CHECK(x.view() != y.view());
}
