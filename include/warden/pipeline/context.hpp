#ifndef WARDEN_PIPELINE_CONTEXT_HPP
#define WARDEN_PIPELINE_CONTEXT_HPP

#include <warden/policy/principal.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

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

// What a handler knows about the call it serves: who asked, until when, whether the caller has
// given up (cancellation or deadline: check stop_requested() in long loops), and how to report
// progress and log messages back to the client.
class context {
public:
    using clock = std::chrono::steady_clock;

    context(const principal& caller, clock::time_point deadline, std::stop_token stop, call_channel* channel = nullptr)
        : caller_(caller), deadline_(deadline), stop_(std::move(stop)), channel_(channel) {}

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

private:
    const principal& caller_;
    clock::time_point deadline_;
    std::stop_token stop_;
    call_channel* channel_;
};

} // namespace warden

#endif
