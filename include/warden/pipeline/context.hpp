#ifndef WARDEN_PIPELINE_CONTEXT_HPP
#define WARDEN_PIPELINE_CONTEXT_HPP

#include <warden/detail/deadline_timer.hpp>
#include <warden/pipeline/tool_error.hpp>
#include <warden/policy/principal.hpp>
#include <warden/trace/trace.hpp>

#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace warden {

// The severities of MCP logging (RFC 5424), lowest first.
enum class log_level { debug, info, notice, warning, error, critical, alert, emergency };

inline constexpr std::string_view to_string(log_level l) noexcept {
    constexpr std::string_view names[] = {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
    return names[static_cast<int>(l)];
}

inline std::optional<log_level> parse_log_level(std::string_view s) noexcept {
    for (int i = 0; i <= static_cast<int>(log_level::emergency); ++i)
        if (to_string(static_cast<log_level>(i)) == s) return static_cast<log_level>(i);
    return std::nullopt;
}

// The answer of the client to a request the server sent it (elicitation, sampling).
struct client_reply {
    bool ok = false;
    boost::json::value result;   // when ok
    std::string error_code;      // when not: client_unsupported, client_error, client_timeout, cancelled
    std::string error_message;
};

// How a running call talks back to its caller. The protocol layer implements it; a handler sees
// it only through context.
class call_channel {
public:
    virtual ~call_channel() = default;
    virtual void progress(double done, std::optional<double> total, std::string_view message) = 0;
    virtual void log(log_level level, const boost::json::value& data) = 0;
    virtual bool client_supports(std::string_view capability) const = 0;
    // Sends a request to the client and waits for its answer, the deadline or the stop token.
    virtual client_reply ask_client(std::string_view method, boost::json::object params,
                                    std::chrono::steady_clock::time_point deadline, std::stop_token stop) = 0;
    // Ends the connection carrying this call's messages, if the client can resume it later.
    virtual bool release_stream() { return false; }
};

// Thrown by an upstream function for a failure worth another try (a refused connection, a 503).
class upstream_unavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct upstream_options {
    int attempts = 1;                       // more than 1: retry, where that is safe
    bool idempotent = false;                // running it twice is harmless (a read, or a write keyed by
                                            // ctx.idempotency_key()): retries are safe even in a writing tool
    std::chrono::milliseconds timeout{0};   // per attempt; 0: until the call's deadline
    std::chrono::milliseconds backoff{50};  // before the second attempt, doubled after each
};

// One try of an upstream call: its number, until when it may run, and a token that fires then
// (or when the call is cancelled). Pass remaining() to the client library's own timeout.
class upstream_attempt {
public:
    using clock = std::chrono::steady_clock;
    upstream_attempt(int number, std::stop_token stop, clock::time_point deadline)
        : number_(number), stop_(std::move(stop)), deadline_(deadline) {}
    int number() const noexcept { return number_; }
    std::stop_token stop_token() const noexcept { return stop_; }
    clock::time_point deadline() const noexcept { return deadline_; }
    std::chrono::milliseconds remaining() const {
        return std::max(std::chrono::milliseconds(0), std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - clock::now()));
    }

private:
    int number_;
    std::stop_token stop_;
    clock::time_point deadline_;
};

// What the pipeline tells a handler's context besides the basics: where the trace goes, the
// timer that fires deadlines, whether retries are safe, the idempotency key.
struct call_details {
    trace_record* trace = nullptr;
    detail::deadline_timer* timer = nullptr;
    bool read_only = false;
    std::string idempotency_key{};
};

// What a handler knows about the call it serves: who asked, until when, whether the caller has
// given up (cancellation or deadline: check stop_requested() in long loops), and how to report
// progress and log messages back to the client.
class context {
public:
    using clock = std::chrono::steady_clock;

    context(const principal& caller, clock::time_point deadline, std::stop_token stop, call_channel* channel = nullptr,
            const call_details* details = nullptr)
        : caller_(caller), deadline_(deadline), stop_(std::move(stop)), channel_(channel), details_(details) {}

    const principal& caller() const noexcept { return caller_; }
    clock::time_point deadline() const noexcept { return deadline_; }
    std::stop_token stop_token() const noexcept { return stop_; }
    bool stop_requested() const noexcept { return stop_.stop_requested() || clock::now() >= deadline_; }

    // Sent only when the client asked for progress (a progressToken); `done` should grow.
    void report_progress(double done, std::optional<double> total = std::nullopt, std::string_view message = {}) {
        if (channel_) channel_->progress(done, total, message);
    }

    // Sent when the client's logging level lets it through (logging/setLevel).
    void log(log_level level, const boost::json::value& data) {
        if (channel_) channel_->log(level, data);
    }

    // Whether the client declared a capability at initialize ("elicitation", "sampling", ...).
    bool client_supports(std::string_view capability) const {
        return channel_ && channel_->client_supports(capability);
    }

    // A request to the client (elicitation/create, sampling/createMessage, ...), answered before
    // this call's deadline or not at all.
    client_reply ask_client(std::string_view method, boost::json::object params) {
        if (!channel_) return {false, nullptr, "client_unsupported", "This call has no client to ask."};
        return channel_->ask_client(method, std::move(params), deadline_, stop_);
    }

    // Lets go of the connection that carries this call's messages while the call goes on: on
    // Streamable HTTP the client reconnects (Last-Event-ID) and receives what follows, so a long
    // call holds no connection open (SSE polling). False where the transport cannot resume (stdio).
    bool release_stream() { return channel_ && channel_->release_stream(); }

    // The idempotency key of this call (writing tools): pass it to the system of record, so that
    // a write is not repeated even by a retry the server could not recognize.
    std::string_view idempotency_key() const noexcept {
        return details_ ? std::string_view(details_->idempotency_key) : std::string_view();
    }

    // Runs `fn(const upstream_attempt&)` against a system outside the server, under the call's
    // deadline (or options.timeout per attempt), and records its latency, attempts and outcome
    // in the trace. `fn` should stop when the attempt's token fires and may throw
    // upstream_unavailable for a failure worth another try; it is tried again only when that is
    // safe (a read-only tool, or options.idempotent). A timeout becomes the tool error
    // upstream_timeout, which the model reads as "try again later".
    template<class Fn>
    std::invoke_result_t<Fn&, const upstream_attempt&> upstream(std::string_view name, Fn fn, upstream_options options = {}) {
        using result_t = std::invoke_result_t<Fn&, const upstream_attempt&>;
        const auto started = clock::now();
        const bool retry_safe = options.idempotent || (details_ && details_->read_only);
        const int attempts = retry_safe ? std::max(1, options.attempts) : 1;
        auto backoff = options.backoff;
        upstream_record record{std::string(name), {}, 0, "ok"};
        auto finish = [&](const char* outcome) {
            record.outcome = outcome;
            record.latency = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started);
            if (details_ && details_->trace) details_->trace->add_upstream(record);
        };
        for (int n = 1;; ++n) {
            record.attempts = n;
            auto deadline = options.timeout.count() > 0 ? std::min(deadline_, clock::now() + options.timeout) : deadline_;
            std::stop_source attempt_stop;
            std::stop_callback cancelled(stop_, [&] { attempt_stop.request_stop(); });
            std::optional<detail::deadline_timer::scoped> timer;
            if (details_ && details_->timer) timer.emplace(*details_->timer, deadline, attempt_stop);
            bool retry = false;
            try {
                if (clock::now() >= deadline) attempt_stop.request_stop();
                if (attempt_stop.stop_requested()) throw upstream_unavailable("no time left");
                // An attempt that outlives its deadline has timed out, whatever it returns.
                if constexpr (std::is_void_v<result_t>) {
                    fn(upstream_attempt(n, attempt_stop.get_token(), deadline));
                    if (!attempt_stop.stop_requested()) {
                        finish("ok");
                        return;
                    }
                } else {
                    result_t r = fn(upstream_attempt(n, attempt_stop.get_token(), deadline));
                    if (!attempt_stop.stop_requested()) {
                        finish("ok");
                        return r;
                    }
                }
            } catch (const upstream_unavailable&) {
                if (!attempt_stop.stop_requested()) retry = n < attempts && clock::now() + backoff < deadline_;
                if (!retry && !attempt_stop.stop_requested()) {
                    finish("unavailable");
                    throw tool_error("upstream_unavailable", "The upstream service " + std::string(name) +
                                                                 " is unavailable. Try again later.");
                }
            } catch (...) {
                if (!attempt_stop.stop_requested()) {
                    finish("error");
                    throw;
                }
            }
            if (attempt_stop.stop_requested()) { // the attempt ran out of time, or the call was cancelled
                if (stop_.stop_requested() && clock::now() < deadline_) {
                    finish("cancelled");
                    throw tool_error("cancelled", "The call was cancelled.");
                }
                if (n < attempts && clock::now() + backoff < deadline_ && options.timeout.count() > 0) {
                    retry = true; // a per-attempt timeout with time left in the call: another try
                } else {
                    finish("timeout");
                    throw tool_error("upstream_timeout", "The upstream service timed out. Try again later.");
                }
            }
            if (retry) {
                std::mutex m;
                std::condition_variable_any cv;
                std::unique_lock lock(m);
                cv.wait_for(lock, stop_, backoff, [] { return false; });
                backoff *= 2;
            }
        }
    }

private:
    const principal& caller_;
    clock::time_point deadline_;
    std::stop_token stop_;
    call_channel* channel_;
    const call_details* details_;
};

} // namespace warden

#endif
