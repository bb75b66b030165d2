#ifndef WARDEN_PROTOCOL_SERVER_HPP
#define WARDEN_PROTOCOL_SERVER_HPP

// The MCP server: the tools it offers and how it answers each method. It reads and writes JSON
// messages and knows nothing of the transport that carries them.

#include <warden/pipeline/context.hpp>
#include <warden/pipeline/tool_call.hpp>
#include <warden/policy/principal.hpp>
#include <warden/protocol/jsonrpc.hpp>

#include <boost/json/object.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

namespace warden {

// The protocol revisions warden speaks, newest first.
inline constexpr std::array<std::string_view, 3> protocol_versions{"2025-11-25", "2025-06-18", "2025-03-26"};

struct server_options {
    std::string name = "warden-server";
    std::string version = "0.1.0";
    std::string title{};      // optional, shown by clients
    std::string instructions{}; // optional, how to use this server's tools
    std::size_t page_size = 100;                    // tools per tools/list page
    std::chrono::milliseconds default_timeout{30000}; // for tools without timeout_ms
    parse_options limits{};                         // for every incoming message
};

// The state of one connection: negotiated revision, who is calling, the client's logging level,
// the calls in flight (to cancel them), and how to send the client a message outside a reply.
class session {
public:
    using sender = std::function<void(const boost::json::object&)>;

    explicit session(principal caller, sender send = {}) : caller_(std::move(caller)), send_(std::move(send)) {}

    bool initialized() const noexcept { return initialized_.load(); }
    std::string protocol_version() const {
        std::lock_guard lock(mutex_);
        return version_;
    }
    const principal& caller() const noexcept { return caller_; }

private:
    friend class server;

    void send(const boost::json::object& message) const {
        if (send_) send_(message);
    }

    // A request the server sent the client, waiting for its response.
    struct outgoing {
        std::mutex mutex;
        std::condition_variable answered;
        std::optional<jsonrpc::response> reply;
    };

    principal caller_;
    sender send_;
    std::atomic<std::int64_t> next_request_id_{1};
    std::unordered_map<std::string, std::shared_ptr<outgoing>> outgoing_; // by serialized id, under mutex_
    std::atomic<bool> initialized_{false};
    std::atomic<int> log_level_{static_cast<int>(log_level::info)};
    mutable std::mutex mutex_;
    std::string version_;
    boost::json::object client_capabilities_;
    std::unordered_map<std::string, std::stop_source> in_flight_; // by serialized request id
};

class server {
public:
    explicit server(server_options options = {}) : options_(std::move(options)) {}

    // Offers a tool. Its declaration is checked at compile time; a second tool with the same
    // name is a programming error.
    template<class Tool>
        requires runnable_tool<Tool>
    void add(Tool tool = Tool{}) {
        std::string name(Tool::name);
        if (by_name_.count(name)) throw std::logic_error("warden: a tool named " + name + " is already registered");
        auto shared = std::make_shared<Tool>(std::move(tool));
        entry e;
        e.definition = tool_definition<Tool>();
        e.timeout = tool_policy<Tool>::timeout().value_or(options_.default_timeout);
        e.call = [shared](const boost::json::value& args, context& ctx) { return run_tool_call(*shared, args, ctx); };
        by_name_.emplace(name, tools_.size());
        tools_.push_back(std::move(e));
    }

    // Answers one message of text: the reply to send, or nothing (notifications, responses).
    std::optional<boost::json::object> handle(std::string_view text, session& s, std::stop_token stop = {}) const {
        return handle(jsonrpc::read(text, options_.limits), s, std::move(stop));
    }

    // The same for a message already read (a transport that looks at messages before serving them).
    std::optional<boost::json::object> handle(jsonrpc::message message, session& s, std::stop_token stop = {}) const {
        if (auto* bad = std::get_if<jsonrpc::malformed>(&message)) return jsonrpc::make_error(bad->id, bad->code, bad->message);
        if (auto* r = std::get_if<jsonrpc::request>(&message)) return dispatch(*r, s, std::move(stop));
        deliver(std::get<jsonrpc::response>(std::move(message)), s);
        return std::nullopt;
    }

    const server_options& options() const noexcept { return options_; }

private:
    struct entry {
        boost::json::object definition;
        std::chrono::milliseconds timeout{};
        std::function<boost::json::object(const boost::json::value&, context&)> call;
    };

    std::optional<boost::json::object> dispatch(const jsonrpc::request& r, session& s, std::stop_token stop) const {
        if (r.is_notification()) {
            if (r.method == "notifications/cancelled") cancel(r.params, s);
            // notifications/initialized needs no action: initialize has set the session up.
            return std::nullopt;
        }
        const auto& id = *r.id;
        if (r.method == "ping") return jsonrpc::make_result(id, boost::json::object{});
        if (r.method == "initialize") return initialize(id, r.params, s);
        if (!s.initialized())
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_request,
                                       "the session is not initialized: send initialize first");
        if (r.method == "tools/list") return list_tools(id, r.params);
        if (r.method == "tools/call") return call_tool(id, r.params, s, std::move(stop));
        if (r.method == "logging/setLevel") return set_log_level(id, r.params, s);
        return jsonrpc::make_error(id, jsonrpc::error_code::method_not_found, "method not found: " + r.method);
    }

    boost::json::object initialize(const boost::json::value& id, const boost::json::object& params, session& s) const {
        const auto* requested = params.if_contains("protocolVersion");
        if (!requested || !requested->is_string())
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "initialize needs protocolVersion (a string)");
        if (s.initialized())
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_request, "the session is already initialized");
        // A revision we speak is echoed; otherwise we offer our newest and the client decides.
        std::string_view version = protocol_versions.front();
        for (auto v : protocol_versions)
            if (requested->get_string() == v) version = v;
        {
            std::lock_guard lock(s.mutex_);
            s.version_ = std::string(version);
            if (const auto* caps = params.if_contains("capabilities"); caps && caps->is_object())
                s.client_capabilities_ = caps->get_object();
        }
        s.initialized_ = true;
        boost::json::object info{{"name", options_.name}, {"version", options_.version}};
        if (!options_.title.empty()) info["title"] = options_.title;
        boost::json::object result{
            {"protocolVersion", version},
            {"capabilities", boost::json::object{{"tools", boost::json::object{{"listChanged", false}}},
                                                 {"logging", boost::json::object{}}}},
            {"serverInfo", std::move(info)}};
        if (!options_.instructions.empty()) result["instructions"] = options_.instructions;
        return jsonrpc::make_result(id, std::move(result));
    }

    // The cursor is the index of the next tool, as a decimal string; clients treat it as opaque.
    boost::json::object list_tools(const boost::json::value& id, const boost::json::object& params) const {
        std::size_t start = 0;
        if (const auto* cursor = params.if_contains("cursor"); cursor && !cursor->is_null()) {
            std::string_view c = cursor->is_string() ? std::string_view(cursor->get_string()) : std::string_view();
            std::size_t value = 0;
            bool ok = !c.empty() && c.size() <= 9;
            for (char ch : c) {
                ok = ok && ch >= '0' && ch <= '9';
                value = value * 10 + static_cast<std::size_t>(ch - '0');
            }
            if (!ok || value > tools_.size())
                return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "invalid cursor");
            start = value;
        }
        std::size_t end = std::min(tools_.size(), start + std::max<std::size_t>(options_.page_size, 1));
        boost::json::array page;
        for (std::size_t i = start; i < end; ++i) page.push_back(tools_[i].definition);
        boost::json::object result{{"tools", std::move(page)}};
        if (end < tools_.size()) result["nextCursor"] = std::to_string(end);
        return jsonrpc::make_result(id, std::move(result));
    }

    std::optional<boost::json::object> call_tool(const boost::json::value& id, const boost::json::object& params, session& s,
                                  std::stop_token stop) const {
        const auto* name = params.if_contains("name");
        if (!name || !name->is_string())
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "tools/call needs name (a string)");
        auto it = by_name_.find(std::string(name->get_string()));
        if (it == by_name_.end())
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params,
                                       "unknown tool: " + std::string(name->get_string()));
        const entry& tool = tools_[it->second];
        static const boost::json::value no_arguments = boost::json::object{};
        const auto* args = params.if_contains("arguments");

        // The call stops when the client cancels it or the transport shuts down.
        in_flight call(s, id);
        std::stop_callback forward(stop, [&] { call.source.request_stop(); });
        channel reporter(s, progress_token(params));
        context ctx(s.caller(), context::clock::now() + tool.timeout, call.source.get_token(), &reporter);
        boost::json::object result;
        try {
            result = tool.call(args ? *args : no_arguments, ctx);
        } catch (...) {
            // Whatever the handler threw stays here; the model gets a reference to quote.
            result = tool_error_result("internal_error",
                                       "The tool failed unexpectedly. Reference: " + make_reference() + ".");
        }
        // A cancelled request gets no response: the client has stopped waiting for it.
        if (call.cancelled()) return std::nullopt;
        return jsonrpc::make_result(id, std::move(result));
    }

    // Registers a call in its session for the time it runs, so notifications/cancelled finds it.
    struct in_flight {
        session& s;
        std::string key;
        std::stop_source source;

        in_flight(session& ses, const boost::json::value& id) : s(ses), key(boost::json::serialize(id)) {
            std::lock_guard lock(s.mutex_);
            s.in_flight_[key] = source;
        }
        ~in_flight() {
            std::lock_guard lock(s.mutex_);
            auto it = s.in_flight_.find(key);
            if (it != s.in_flight_.end() && it->second == source) s.in_flight_.erase(it);
        }
        bool cancelled() const {
            std::lock_guard lock(s.mutex_);
            return !s.in_flight_.count(key) || s.in_flight_.at(key) != source;
        }
    };

    // A response from the client goes to the call waiting for it; an unexpected one is dropped.
    static void deliver(jsonrpc::response r, session& s) {
        std::shared_ptr<session::outgoing> waiting;
        {
            std::lock_guard lock(s.mutex_);
            auto it = s.outgoing_.find(boost::json::serialize(r.id));
            if (it == s.outgoing_.end()) return;
            waiting = it->second;
            s.outgoing_.erase(it);
        }
        std::lock_guard lock(waiting->mutex);
        waiting->reply = std::move(r);
        waiting->answered.notify_all();
    }

    static void cancel(const boost::json::object& params, session& s) {
        const auto* id = params.if_contains("requestId");
        if (!id || !jsonrpc::detail::valid_id(*id)) return;
        std::lock_guard lock(s.mutex_);
        auto it = s.in_flight_.find(boost::json::serialize(*id));
        if (it == s.in_flight_.end()) return; // finished already, or never known: nothing to do
        it->second.request_stop();
        s.in_flight_.erase(it);
    }

    static std::optional<boost::json::value> progress_token(const boost::json::object& params) {
        const auto* meta = params.if_contains("_meta");
        if (!meta || !meta->is_object()) return std::nullopt;
        const auto* token = meta->get_object().if_contains("progressToken");
        if (!token || !jsonrpc::detail::valid_id(*token)) return std::nullopt;
        return *token;
    }

    // Progress and log messages of one call, sent on the session.
    class channel final : public call_channel {
    public:
        channel(session& s, std::optional<boost::json::value> token) : s_(s), token_(std::move(token)) {}

        void progress(double done, std::optional<double> total, std::string_view message) override {
            if (!token_) return;
            boost::json::object p{{"progressToken", *token_}, {"progress", number(done)}};
            if (total) p["total"] = number(*total);
            if (!message.empty()) p["message"] = message;
            s_.send(jsonrpc::make_notification("notifications/progress", std::move(p)));
        }
        void log(log_level level, const boost::json::value& data) override {
            if (static_cast<int>(level) < s_.log_level_.load()) return;
            s_.send(jsonrpc::make_notification("notifications/message",
                                               boost::json::object{{"level", to_string(level)}, {"data", data}}));
        }

        bool client_supports(std::string_view capability) const override {
            std::lock_guard lock(s_.mutex_);
            return s_.client_capabilities_.contains(capability);
        }

        client_reply ask_client(std::string_view method, boost::json::object params,
                                std::chrono::steady_clock::time_point deadline, std::stop_token stop) override {
            boost::json::value id = s_.next_request_id_++;
            std::string key = boost::json::serialize(id);
            auto waiting = std::make_shared<session::outgoing>();
            {
                std::lock_guard lock(s_.mutex_);
                s_.outgoing_[key] = waiting;
            }
            s_.send(boost::json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
            // Registered before the lock is taken: the callback runs at once if stop is requested.
            std::stop_callback wake(stop, [&] {
                std::lock_guard inner(waiting->mutex);
                waiting->answered.notify_all();
            });
            std::unique_lock lock(waiting->mutex);
            waiting->answered.wait_until(lock, deadline, [&] { return waiting->reply.has_value() || stop.stop_requested(); });
            if (!waiting->reply) {
                lock.unlock();
                std::lock_guard forget(s_.mutex_);
                s_.outgoing_.erase(key);
                bool cancelled = stop.stop_requested();
                // Tell the client to stop asking its user.
                s_.send(jsonrpc::make_notification("notifications/cancelled",
                                                   boost::json::object{{"requestId", id}, {"reason", cancelled ? "cancelled" : "timeout"}}));
                if (cancelled) return {false, nullptr, "cancelled", "The call was cancelled."};
                return {false, nullptr, "client_timeout", "The client did not answer before the call's deadline."};
            }
            if (waiting->reply->error) {
                const auto* m = waiting->reply->error->if_contains("message");
                return {false, nullptr, "client_error",
                        m && m->is_string() ? std::string(m->get_string()) : std::string("The client refused the request.")};
            }
            return {true, std::move(waiting->reply->result), {}, {}};
        }

    private:
        // Whole numbers go out as integers (3, not 3E0), which is how clients write them too.
        static boost::json::value number(double d) {
            if (d == std::trunc(d) && std::fabs(d) < 0x1p53) return static_cast<std::int64_t>(d);
            return d;
        }

        session& s_;
        std::optional<boost::json::value> token_;
    };

    static boost::json::object set_log_level(const boost::json::value& id, const boost::json::object& params, session& s) {
        const auto* level = params.if_contains("level");
        auto parsed = level && level->is_string() ? parse_log_level(level->get_string()) : std::nullopt;
        if (!parsed)
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params,
                                       "level must be one of debug, info, notice, warning, error, critical, alert, emergency");
        s.log_level_ = static_cast<int>(*parsed);
        return jsonrpc::make_result(id, boost::json::object{});
    }

    static std::string make_reference() {
        thread_local std::mt19937_64 gen(std::random_device{}());
        static constexpr char hex[] = "0123456789abcdef";
        std::string r(16, '0');
        std::uint64_t v = gen();
        for (auto& c : r) {
            c = hex[v & 15];
            v >>= 4;
        }
        return r;
    }

    server_options options_;
    std::vector<entry> tools_;
    std::unordered_map<std::string, std::size_t> by_name_;
};

} // namespace warden

#endif
