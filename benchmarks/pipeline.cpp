// The pipeline's own cost: one tools/call handled in process (server::handle on the request's
// text), stage by stage, against the parts no server can skip.
//
//   parse_request     jsonrpc::read of the request: reading its bytes once, the yardstick;
//   direct_call       decode<T> of the arguments + the handler + its result written as JSON
//                     text: a call with no server around it;
//   server_bare       server::handle of a read-only tool with nothing configured: parse,
//                     dispatch, decode, authorize, sanitize, the handler, the reply;
//   server_invalid    server_bare's call with an unknown field, refused;
//   server_scoped     + a required scope and the tool's authorize();
//   server_limited    + a per-user rate limit;
//   server_staged     + a user stage;
//   server_traced     + a trace sink (a callback that drops the record);
//   server_full       a writing tool with all of the above + an idempotency key (fresh each
//                     call, counted up in the request's text: the store is written every time).
// The approval round trip is left out (it waits for a human) and so is any real work in the
// handler (it returns its input). The target: server_full - parse_request - direct_call, the
// pipeline's own work, costs no more than parse_request. benchmarks/run reports it.

#include <warden/warden.hpp>

#include <benchmark/benchmark.h>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

// Heap allocations per call: built a second time as bench_allocations with
// WARDEN_COUNT_ALLOCATIONS, which replaces the global operator new with one that counts on the
// calling thread. Each benchmark then reports allocs_per_call and bytes_per_call (the work done
// between timed iterations, such as making fresh requests, is left out of the count).
namespace bench {
thread_local std::size_t allocations = 0;
thread_local std::size_t allocated_bytes = 0;

class allocation_count {
public:
    // What `f` allocates is not the call's.
    template<class F> void exclude(F&& f) {
        auto count = allocations, bytes = allocated_bytes;
        f();
        excluded_ += allocations - count;
        excluded_bytes_ += allocated_bytes - bytes;
    }
    void report([[maybe_unused]] benchmark::State& state) const {
#ifdef WARDEN_COUNT_ALLOCATIONS
        auto per_call = [&](std::size_t total) { return benchmark::Counter(static_cast<double>(total), benchmark::Counter::kAvgIterations); };
        state.counters["allocs_per_call"] = per_call(allocations - start_ - excluded_);
        state.counters["bytes_per_call"] = per_call(allocated_bytes - start_bytes_ - excluded_bytes_);
#endif
    }

private:
    std::size_t start_ = allocations, start_bytes_ = allocated_bytes, excluded_ = 0, excluded_bytes_ = 0;
};
} // namespace bench

#ifdef WARDEN_COUNT_ALLOCATIONS
void* operator new(std::size_t n) {
    ++bench::allocations;
    bench::allocated_bytes += n;
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    ++bench::allocations;
    bench::allocated_bytes += n;
    return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return ::operator new(n, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace bench {

struct note_in {
    warden::text<1, 64> ticketId;
    warden::text<1, 2000> note;
};
BOOST_DESCRIBE_STRUCT(note_in, (), (ticketId, note))
struct note_out {
    std::string noteId;
    std::string status;
};
BOOST_DESCRIBE_STRUCT(note_out, (), (noteId, status))

struct read_note {
    static constexpr std::string_view name = "read_note";
    static constexpr std::string_view description = "Return the note it is given.";
    using input = note_in;
    using output = note_out;
    using policy = warden::policy<warden::read_only>;
    output call(const input& in, warden::context&) const { return {*in.ticketId, "read"}; }
};

struct scoped_note : read_note {
    static constexpr std::string_view name = "scoped_note";
    using policy = warden::policy<warden::read_only, warden::required_scope<"notes">, warden::requires_approval>;
    warden::decision authorize(const input& in, const warden::principal& who) const {
        return in.ticketId->empty() || who.user.empty() ? warden::decision::deny("p", "r") : warden::decision::allow();
    }
};
// The approval stage is left out of the timing: scoped_note runs through a server whose
// approver answers at once.
struct instant_approver : warden::approver {
    warden::approval_answer ask(const warden::approval_request&) override { return warden::approval_answer::approved; }
};

struct write_note : read_note {
    static constexpr std::string_view name = "write_note";
    using policy = warden::policy<warden::mutating, warden::required_scope<"notes">>;
    static std::string idempotency_key(const input& in) { return *in.ticketId; }
    output call(const input& in, warden::context&) const { return {*in.ticketId, "created"}; }
};

struct pass_stage : warden::stage {
    std::string_view name() const override { return "pass"; }
    std::optional<warden::rejection> check(warden::call_info& call) override {
        if (call.tool().empty()) return warden::rejection{"never", "never"};
        return std::nullopt;
    }
};

const std::string note(300, 'n'); // a typical note: a few sentences

std::string request(std::string_view tool, std::string_view ticket, long id) {
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"tools/call","params":{"name":")" + std::string(tool) +
           R"(","arguments":{"ticketId":")" + std::string(ticket) + R"(","note":")" + note + R"("}}})";
}

const warden::principal agent{"agent-7", "acme", {"notes"}};

struct detail_timer_holder {
    warden::detail::deadline_timer timer;
};

void initialize(const warden::server& srv, warden::session& s) {
    srv.handle(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}})", s);
}

void run_server(benchmark::State& state, const warden::server& srv, std::string_view tool, bool fresh_keys) {
    warden::session s(agent);
    initialize(srv, s);
    // For the writing tool, the ticket number (its idempotency key) is counted up in place, so
    // every call is a first call, which writes the store: one request buffer, in the cache as a
    // transport's reused read buffer is. (Requests made ahead, thousands of them, would stream
    // megabytes through the cache that no server reads, and evict the store's table.)
    std::string text = request(tool, "T-0000000000", 1);
    const std::size_t last_digit = text.find("T-0000000000") + 11;
    auto check = srv.handle(text, s);
    if (!check || check->as_object().at("result").as_object().contains("isError")) {
        state.SkipWithError("the call did not succeed");
        return;
    }
    std::string reply;
    allocation_count counted;
    for (auto _ : state) {
        if (fresh_keys)
            for (std::size_t d = last_digit;; --d) { // the next number, in decimal
                if (text[d] != '9') {
                    ++text[d];
                    break;
                }
                text[d] = '0';
            }
        srv.handle(text, s, reply); // the reply's text, as transports ask for it
        benchmark::DoNotOptimize(reply.data());
    }
    counted.report(state);
}

void parse_request(benchmark::State& state) {
    auto text = request("read_note", "T-1", 1);
    allocation_count counted;
    for (auto _ : state) {
        auto m = warden::jsonrpc::read(text);
        benchmark::DoNotOptimize(m);
    }
    counted.report(state);
}

void direct_call(benchmark::State& state) {
    auto args = boost::json::parse(R"({"ticketId":"T-1","note":")" + note + R"("})");
    read_note tool;
    std::stop_source stop;
    warden::context ctx(agent, warden::context::clock::now() + std::chrono::hours(1), stop.get_token());
    std::string result;
    allocation_count counted;
    for (auto _ : state) {
        // What run_tool_call does, with the result written as text, as the server writes it.
        result.clear();
        auto in = warden::decode<read_note::input>(args);
        warden::detail::write_handler_result(tool, *in, ctx, result);
        benchmark::DoNotOptimize(result.data());
    }
    counted.report(state);
}

void server_bare(benchmark::State& state) {
    warden::server srv;
    srv.add(read_note{});
    run_server(state, srv, "read_note", false);
}

// server_bare's call with one field the tool does not declare, as the end-to-end benchmark's
// invalid calls have: refused with the strict decoder's error, which must cost no more than a
// valid call.
void server_invalid(benchmark::State& state) {
    warden::server srv;
    srv.add(read_note{});
    warden::session s(agent);
    initialize(srv, s);
    std::string text = request("read_note", "T-1", 1);
    text.insert(text.size() - 3, R"(,"priority":"urgent")");
    auto check = srv.handle(text, s);
    if (!check || !check->as_object().at("result").as_object().contains("isError")) {
        state.SkipWithError("the call was not refused");
        return;
    }
    std::string reply;
    allocation_count counted;
    for (auto _ : state) {
        srv.handle(text, s, reply);
        benchmark::DoNotOptimize(reply.data());
    }
    counted.report(state);
}

void server_scoped(benchmark::State& state) {
    warden::server srv({.pipeline = {.approvals = std::make_shared<instant_approver>()}});
    srv.add(scoped_note{});
    run_server(state, srv, "scoped_note", false);
}

// A store that holds as many results as a busy server's recent minutes, not the whole run:
// an unbounded map timed over millions of calls measures cache misses, not the pipeline.
std::shared_ptr<warden::idempotency_store> bounded_store() {
    return std::make_shared<warden::memory_idempotency_store>(std::chrono::hours(24), 10000);
}

warden::pipeline_options limited() { return {.default_rate = {.per_user = {1u << 30, std::chrono::milliseconds(1)}}}; }

void server_limited(benchmark::State& state) {
    auto options = limited();
    options.approvals = std::make_shared<instant_approver>();
    warden::server srv({.pipeline = options});
    srv.add(scoped_note{});
    run_server(state, srv, "scoped_note", false);
}

void server_staged(benchmark::State& state) {
    auto options = limited();
    options.approvals = std::make_shared<instant_approver>();
    options.stages = {std::make_shared<pass_stage>()};
    warden::server srv({.pipeline = options});
    srv.add(scoped_note{});
    run_server(state, srv, "scoped_note", false);
}

void server_traced(benchmark::State& state) {
    auto options = limited();
    options.approvals = std::make_shared<instant_approver>();
    options.stages = {std::make_shared<pass_stage>()};
    options.sinks = {std::make_shared<warden::callback_sink>([](const warden::trace_record& r) { benchmark::DoNotOptimize(&r); })};
    warden::server srv({.pipeline = options});
    srv.add(scoped_note{});
    run_server(state, srv, "scoped_note", false);
}

void server_full(benchmark::State& state) {
    auto options = limited();
    options.idempotency = bounded_store();
    options.stages = {std::make_shared<pass_stage>()};
    options.sinks = {std::make_shared<warden::callback_sink>([](const warden::trace_record& r) { benchmark::DoNotOptimize(&r); })};
    warden::server srv({.pipeline = options});
    srv.add(write_note{});
    run_server(state, srv, "write_note", true);
}

// The stages alone, without the JSON-RPC layer around them (dispatch, the call's bookkeeping,
// the reply): run_pipeline on already parsed arguments, as server::handle runs it, with the
// trace record filled and handed to a sink as the server does.
void run_stages(benchmark::State& state, warden::pipeline_options options, bool write, bool traced) {
    auto args = boost::json::parse(R"({"ticketId":"T-1","note":")" + note + R"("})");
    std::vector<boost::json::value> keyed;
    for (int i = 0; i < 4096; ++i) keyed.push_back(boost::json::parse(R"({"ticketId":"T-)" + std::to_string(i) + R"(","note":")" + note + R"("})"));
    warden::rate_limiter limiter;
    detail_timer_holder timer;
    scoped_note reader;
    write_note writer;
    auto read_policy = warden::detail::summarize_policy<scoped_note>();
    auto write_policy = warden::detail::summarize_policy<write_note>();
    std::size_t i = 0;
    long round = 0;
    std::string result;
    allocation_count counted;
    for (auto _ : state) {
        if (write && ++i == keyed.size()) {
            state.PauseTiming();
            ++round;
            counted.exclude([&] {
                for (std::size_t k = 0; k < keyed.size(); ++k)
                    keyed[k].as_object()["ticketId"] = "T-" + std::to_string(round) + "-" + std::to_string(k);
            });
            i = 0;
            state.ResumeTiming();
        }
        std::stop_source stop;
        warden::trace_record trace;
        trace.enabled = traced;
        if (traced) {
            trace.trace_id = warden::new_trace_id();
            trace.started = std::chrono::system_clock::now();
            trace.tool = write ? "write_note" : "scoped_note";
            trace.user = agent.user;
            trace.tenant = agent.tenant;
        }
        warden::call_details details{&trace, &timer.timer, !write, {}};
        auto deadline = warden::context::clock::now() + std::chrono::seconds(30);
        warden::detail::deadline_timer::scoped timeout(timer.timer, deadline, stop);
        warden::context ctx(agent, deadline, stop.get_token(), nullptr, &details);
        warden::pipeline_call call{write ? keyed[i] : args, nullptr, nullptr, ctx, details, trace, options, limiter};
        result.clear();
        if (write) warden::run_pipeline(writer, write_policy, call, result);
        else warden::run_pipeline(reader, read_policy, call, result);
        if (traced)
            for (const auto& sink : options.sinks) sink->write(trace);
        benchmark::DoNotOptimize(result.data());
    }
    counted.report(state);
}

void stages_bare(benchmark::State& state) {
    warden::pipeline_options options;
    options.approvals = std::make_shared<instant_approver>();
    run_stages(state, options, false, false);
}

void stages_full(benchmark::State& state) {
    auto options = limited();
    options.idempotency = bounded_store();
    options.stages = {std::make_shared<pass_stage>()};
    options.sinks = {std::make_shared<warden::callback_sink>([](const warden::trace_record& r) { benchmark::DoNotOptimize(&r); })};
    run_stages(state, options, true, true);
}

} // namespace bench

namespace bench {
// Besides the median, the fastest repetition of each row: on a shared machine noise only ever
// adds time, so the fastest of several is the least disturbed (the report shows both).
void with_fastest(benchmark::internal::Benchmark* b) {
    b->ComputeStatistics("min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); });
}
} // namespace bench

BENCHMARK(bench::parse_request)->Apply(bench::with_fastest);
BENCHMARK(bench::direct_call)->Apply(bench::with_fastest);
BENCHMARK(bench::server_bare)->Apply(bench::with_fastest);
BENCHMARK(bench::server_invalid)->Apply(bench::with_fastest);
BENCHMARK(bench::server_scoped)->Apply(bench::with_fastest);
BENCHMARK(bench::server_limited)->Apply(bench::with_fastest);
BENCHMARK(bench::server_staged)->Apply(bench::with_fastest);
BENCHMARK(bench::server_traced)->Apply(bench::with_fastest);
BENCHMARK(bench::server_full)->Apply(bench::with_fastest);
BENCHMARK(bench::stages_bare)->Apply(bench::with_fastest);
BENCHMARK(bench::stages_full)->Apply(bench::with_fastest);
BENCHMARK_MAIN();
