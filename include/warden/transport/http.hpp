#ifndef WARDEN_TRANSPORT_HTTP_HPP
#define WARDEN_TRANSPORT_HTTP_HPP

// MCP over Streamable HTTP (revision 2025-11-25) on Boost.Beast: one endpoint, POST for every
// client message, an SSE response when a call sends notifications before its result, sessions
// named by a random Mcp-Session-Id, DELETE to end one. Loopback by default, with Host and Origin
// checked against DNS rebinding, and limits on headers, bodies, sessions, connections and idle
// time. One thread per connection: a slow call holds up only its own connection.

#include <warden/protocol/server.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>

namespace warden {

struct http_options {
    std::string address = "127.0.0.1";          // loopback unless you say otherwise
    unsigned short port = 8080;                 // 0 picks a free port: see http_server::port()
    std::string path = "/mcp";                  // the one MCP endpoint
    std::size_t max_body_bytes = 4 * 1024 * 1024;
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_sessions = 1024;
    std::size_t max_connections = 256;
    std::chrono::seconds session_idle_timeout{30 * 60}; // an unused session is forgotten after this
    std::vector<std::string> allowed_hosts;     // Host values accepted besides loopback names
    std::vector<std::string> allowed_origins;   // Origin values accepted besides loopback origins
    principal caller{"local", "local", {}};     // who calls, until authentication is configured
};

namespace detail {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// 128 bits from the kernel's CSPRNG, as hex: a session id nobody can guess.
inline std::string random_session_id() {
    unsigned char bytes[16];
    std::size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
        if (n > 0) got += static_cast<std::size_t>(n);
        else if (errno != EINTR) throw std::runtime_error("warden: getrandom failed");
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string id;
    for (unsigned char b : bytes) {
        id += hex[b >> 4];
        id += hex[b & 15];
    }
    return id;
}

// "localhost:8080" -> "localhost"; "[::1]:8080" -> "[::1]".
inline std::string_view host_name(std::string_view host) {
    if (!host.empty() && host.front() == '[') {
        auto end = host.find(']');
        return end == std::string_view::npos ? host : host.substr(0, end + 1);
    }
    auto colon = host.rfind(':');
    return colon == std::string_view::npos ? host : host.substr(0, colon);
}

inline bool is_loopback_name(std::string_view name) {
    return name == "localhost" || name == "127.0.0.1" || name == "[::1]";
}

// Whether a header lists a media type (Accept: application/json, text/event-stream).
inline bool lists_media_type(std::string_view header, std::string_view type) {
    std::size_t pos = 0;
    while (pos <= header.size()) {
        auto next = header.find(',', pos);
        auto item = header.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
        auto semi = item.find(';');
        if (semi != std::string_view::npos) item = item.substr(0, semi);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item == type || item == "*/*") return true;
        if (next == std::string_view::npos) break;
        pos = next + 1;
    }
    return false;
}

// The response to one POSTed request: plain JSON, or an SSE stream once a notification has to go
// out before the result.
struct request_stream {
    request_stream(tcp::socket& s, unsigned v, std::string id) : socket(s), version(v), session_id(std::move(id)) {}

    tcp::socket& socket;
    unsigned version;
    std::string session_id;
    bool sse = false;
    bool broken = false;
    std::mutex mutex;

    void start_sse() {
        http::response<http::empty_body> res{http::status::ok, version};
        res.set(http::field::content_type, "text/event-stream");
        res.set(http::field::cache_control, "no-cache");
        res.set("Mcp-Session-Id", session_id);
        res.chunked(true);
        http::response_serializer<http::empty_body> sr{res};
        boost::system::error_code ec;
        http::write_header(socket, sr, ec);
        broken = broken || ec.failed();
        sse = true;
    }

    void send_event(const boost::json::object& message) {
        std::lock_guard lock(mutex);
        if (broken) return;
        if (!sse) start_sse();
        std::string event = "event: message\ndata: " + boost::json::serialize(message) + "\n\n";
        boost::system::error_code ec;
        boost::asio::write(socket, http::make_chunk(boost::asio::buffer(event)), ec);
        broken = broken || ec.failed();
    }
};

// The stream of the request this thread is serving: notifications of a call go to it.
inline thread_local request_stream* current_stream = nullptr;

} // namespace detail

class http_server {
public:
    http_server(const server& srv, http_options options)
        : srv_(srv), options_(std::move(options)), acceptor_(io_) {
        detail::tcp::endpoint at(boost::asio::ip::make_address(options_.address), options_.port);
        acceptor_.open(at.protocol());
        acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
        acceptor_.bind(at);
        acceptor_.listen();
    }

    ~http_server() {
        stop();
        wait_for_connections();
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    // Accepts connections until stop(); then waits for the requests in progress to be answered.
    void run() {
        while (!stopping_) {
            detail::tcp::socket socket(io_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec) {
                if (stopping_) break;
                continue;
            }
            std::unique_lock lock(mutex_);
            if (connections_ >= options_.max_connections) {
                lock.unlock();
                reject_busy(socket);
                continue;
            }
            ++connections_;
            lock.unlock();
            std::thread([this, s = std::move(socket)]() mutable {
                serve_connection(s);
                std::lock_guard done(mutex_);
                --connections_;
                idle_cv_.notify_all();
            }).detach();
        }
        wait_for_connections();
    }

    // Stops accepting and closes idle connections; requests in progress finish and are answered.
    void stop() {
        std::lock_guard lock(mutex_);
        if (stopping_.exchange(true)) return;
        ::shutdown(acceptor_.native_handle(), SHUT_RDWR); // wakes the blocked accept
        for (auto* s : idle_) ::shutdown(s->native_handle(), SHUT_RDWR);
    }

private:
    struct http_session {
        explicit http_session(principal caller) : state(std::move(caller), [](const boost::json::object& m) {
            if (detail::current_stream) detail::current_stream->send_event(m);
        }) {}
        session state;
        std::atomic<std::chrono::steady_clock::rep> last_used{0};
    };

    void wait_for_connections() {
        std::unique_lock lock(mutex_);
        idle_cv_.wait(lock, [&] { return connections_ == 0; });
    }

    static void reject_busy(detail::tcp::socket& socket) {
        detail::http::response<detail::http::string_body> res{detail::http::status::service_unavailable, 11};
        res.set(detail::http::field::connection, "close");
        res.body() = "too many connections\n";
        res.prepare_payload();
        boost::system::error_code ec;
        detail::http::write(socket, res, ec);
    }

    void serve_connection(detail::tcp::socket& socket) {
        namespace http = detail::http;
        boost::beast::flat_buffer buffer;
        while (true) {
            {
                std::lock_guard lock(mutex_);
                if (stopping_) break;
                idle_.insert(&socket);
            }
            http::request_parser<http::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
            parser.body_limit(options_.max_body_bytes);
            boost::system::error_code ec;
            http::read(socket, buffer, parser, ec);
            {
                std::lock_guard lock(mutex_);
                idle_.erase(&socket);
            }
            if (ec == http::error::body_limit) {
                send_status(socket, 11, http::status::payload_too_large, "the body is larger than the limit", false);
                linger_close(socket);
                return;
            }
            if (ec == http::error::header_limit) {
                send_status(socket, 11, http::status::request_header_fields_too_large, "the headers are too large", false);
                linger_close(socket);
                return;
            }
            if (ec) break; // closed, or not HTTP: nothing to answer
            auto& req = parser.get();
            bool keep_alive = handle(socket, req) && req.keep_alive() && !stopping_;
            if (!keep_alive) break;
        }
        boost::system::error_code ignored;
        socket.shutdown(detail::tcp::socket::shutdown_both, ignored);
    }

    // Closing a socket with unread input makes the kernel reset the connection, and a client
    // still sending its body then never reads the error we sent (RFC 9112, 9.6). So: stop
    // sending, read and drop what is left for a little while, then close.
    static void linger_close(detail::tcp::socket& socket) {
        boost::system::error_code ec;
        socket.shutdown(detail::tcp::socket::shutdown_send, ec);
        timeval tv{0, 200 * 1000}; // each read waits at most 200 ms
        ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char sink[64 * 1024];
        std::size_t drained = 0;
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (drained < 16 * 1024 * 1024 && std::chrono::steady_clock::now() < until) {
            ssize_t n = ::recv(socket.native_handle(), sink, sizeof sink, 0);
            if (n <= 0) break;
            drained += static_cast<std::size_t>(n);
        }
        socket.close(ec);
    }

    // A plain response; the body is a JSON-RPC error, which clients can show.
    static bool send_status(detail::tcp::socket& socket, unsigned version, detail::http::status status,
                            std::string_view why, bool keep_alive, std::string_view allow = {}) {
        namespace http = detail::http;
        http::response<http::string_body> res{status, version};
        res.set(http::field::content_type, "application/json");
        if (!allow.empty()) res.set(http::field::allow, allow);
        res.keep_alive(keep_alive);
        res.body() = boost::json::serialize(jsonrpc::make_error(nullptr, jsonrpc::error_code::invalid_request, why));
        res.prepare_payload();
        boost::system::error_code ec;
        http::write(socket, res, ec);
        return !ec && keep_alive;
    }

    bool host_allowed(std::string_view host) const {
        auto name = detail::host_name(host);
        if (detail::is_loopback_name(name)) return true;
        for (const auto& h : options_.allowed_hosts)
            if (h == host || h == name) return true;
        return false;
    }

    bool origin_allowed(std::string_view origin) const {
        for (std::string_view scheme : {"http://", "https://"})
            if (origin.substr(0, scheme.size()) == scheme &&
                detail::is_loopback_name(detail::host_name(origin.substr(scheme.size()))))
                return true;
        return std::find(options_.allowed_origins.begin(), options_.allowed_origins.end(), origin) !=
               options_.allowed_origins.end();
    }

    // Answers one request; false when the connection must close.
    bool handle(detail::tcp::socket& socket, detail::http::request<detail::http::string_body>& req) {
        namespace http = detail::http;
        const unsigned v = req.version();
        // DNS rebinding: a page elsewhere must not reach a local server through a name it controls.
        if (!host_allowed(req[http::field::host]))
            return send_status(socket, v, http::status::forbidden, "the Host header names another server", false);
        if (auto origin = req[http::field::origin]; !origin.empty() && !origin_allowed(origin))
            return send_status(socket, v, http::status::forbidden, "requests from this Origin are not allowed", false);
        std::string_view target = req.target();
        if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
        if (target != options_.path) return send_status(socket, v, http::status::not_found, "no MCP endpoint here", true);
        switch (req.method()) {
        case http::verb::post: return post(socket, req);
        case http::verb::delete_: return end_session(socket, req);
        case http::verb::get:
            // No standalone SSE stream yet: the specification allows 405 for that.
            return send_status(socket, v, http::status::method_not_allowed,
                               "this server offers no SSE stream on GET", true, "POST, DELETE");
        default:
            return send_status(socket, v, http::status::method_not_allowed, "use POST, GET or DELETE", true,
                               "GET, POST, DELETE");
        }
    }

    std::shared_ptr<http_session> find_session(std::string_view id) {
        std::lock_guard lock(sessions_mutex_);
        auto it = sessions_.find(std::string(id));
        if (it == sessions_.end()) return nullptr;
        it->second->last_used = std::chrono::steady_clock::now().time_since_epoch().count();
        return it->second;
    }

    // Forgets sessions unused for longer than the idle timeout.
    void sweep_sessions() {
        auto now = std::chrono::steady_clock::now().time_since_epoch();
        auto limit = std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.session_idle_timeout);
        for (auto it = sessions_.begin(); it != sessions_.end();) {
            auto last = std::chrono::steady_clock::duration(it->second->last_used.load());
            it = now - last > limit ? sessions_.erase(it) : std::next(it);
        }
    }

    bool post(detail::tcp::socket& socket, detail::http::request<detail::http::string_body>& req) {
        namespace http = detail::http;
        const unsigned v = req.version();
        if (!detail::lists_media_type(req[http::field::content_type], "application/json"))
            return send_status(socket, v, http::status::unsupported_media_type, "Content-Type must be application/json", true);
        auto accept = req[http::field::accept];
        if (!detail::lists_media_type(accept, "application/json") || !detail::lists_media_type(accept, "text/event-stream"))
            return send_status(socket, v, http::status::not_acceptable,
                               "Accept must list application/json and text/event-stream", true);
        if (auto pv = req["MCP-Protocol-Version"]; !pv.empty() &&
            std::find(protocol_versions.begin(), protocol_versions.end(), pv) == protocol_versions.end())
            return send_status(socket, v, http::status::bad_request, "unsupported MCP-Protocol-Version", true);

        auto message = jsonrpc::read(req.body(), srv_.options().limits);
        if (auto* bad = std::get_if<jsonrpc::malformed>(&message))
            return send_json(socket, v, http::status::bad_request, jsonrpc::make_error(bad->id, bad->code, bad->message), {}, true);

        // The message is read once: what is needed of it is noted before it moves to the server.
        const auto* request = std::get_if<jsonrpc::request>(&message);
        const bool initialize = request && request->method == "initialize";
        const bool answered = request && !request->is_notification(); // else its only answer is 202
        std::shared_ptr<http_session> ses;
        std::string session_id;
        if (initialize) {
            std::lock_guard lock(sessions_mutex_);
            sweep_sessions();
            if (sessions_.size() >= options_.max_sessions)
                return send_status(socket, v, http::status::service_unavailable, "too many sessions", true);
            session_id = detail::random_session_id();
            ses = std::make_shared<http_session>(options_.caller);
            ses->last_used = std::chrono::steady_clock::now().time_since_epoch().count();
        } else {
            auto id = req["Mcp-Session-Id"];
            if (id.empty()) return send_status(socket, v, http::status::bad_request, "Mcp-Session-Id is required", true);
            ses = find_session(id);
            if (!ses) return send_status(socket, v, http::status::not_found, "unknown or expired session", true);
            session_id = std::string(id);
        }

        if (!answered) {
            srv_.handle(std::move(message), ses->state);
            return send_empty(socket, v, http::status::accepted, true);
        }

        detail::request_stream stream{socket, v, session_id};
        detail::current_stream = &stream;
        auto reply = srv_.handle(std::move(message), ses->state);
        detail::current_stream = nullptr;

        if (initialize && reply && reply->contains("result")) {
            std::lock_guard lock(sessions_mutex_);
            sessions_.emplace(session_id, ses);
        }
        if (stream.sse) {
            if (reply) stream.send_event(*reply);
            boost::system::error_code ec;
            boost::asio::write(socket, http::make_chunk_last(), ec);
            return !ec && !stream.broken;
        }
        if (!reply) return send_empty(socket, v, http::status::accepted, true); // cancelled meanwhile
        return send_json(socket, v, http::status::ok, *reply, session_id, true);
    }

    bool end_session(detail::tcp::socket& socket, detail::http::request<detail::http::string_body>& req) {
        namespace http = detail::http;
        auto id = req["Mcp-Session-Id"];
        if (id.empty()) return send_status(socket, req.version(), http::status::bad_request, "Mcp-Session-Id is required", true);
        std::size_t erased;
        {
            std::lock_guard lock(sessions_mutex_);
            erased = sessions_.erase(std::string(id));
        }
        if (!erased) return send_status(socket, req.version(), http::status::not_found, "unknown or expired session", true);
        return send_empty(socket, req.version(), http::status::ok, true);
    }

    static bool send_json(detail::tcp::socket& socket, unsigned version, detail::http::status status,
                          const boost::json::object& body, std::string_view session_id, bool keep_alive) {
        namespace http = detail::http;
        http::response<http::string_body> res{status, version};
        res.set(http::field::content_type, "application/json");
        if (!session_id.empty()) res.set("Mcp-Session-Id", session_id);
        res.keep_alive(keep_alive);
        res.body() = boost::json::serialize(body);
        res.prepare_payload();
        boost::system::error_code ec;
        http::write(socket, res, ec);
        return !ec && keep_alive;
    }

    static bool send_empty(detail::tcp::socket& socket, unsigned version, detail::http::status status, bool keep_alive) {
        namespace http = detail::http;
        http::response<http::empty_body> res{status, version};
        res.keep_alive(keep_alive);
        res.prepare_payload();
        boost::system::error_code ec;
        http::write(socket, res, ec);
        return !ec && keep_alive;
    }

    const server& srv_;
    http_options options_;
    boost::asio::io_context io_;
    detail::tcp::acceptor acceptor_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::condition_variable idle_cv_;
    std::size_t connections_ = 0;
    std::set<detail::tcp::socket*> idle_;
    std::mutex sessions_mutex_;
    std::map<std::string, std::shared_ptr<http_session>> sessions_;
};

// Serves until SIGINT or SIGTERM, then finishes the requests in progress and returns.
inline void serve_http(const server& srv, http_options options,
                       std::function<void(unsigned short)> on_listening = {}) {
    http_server http(srv, std::move(options));
    boost::asio::io_context signals_io;
    boost::asio::signal_set signals(signals_io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (!ec) http.stop();
    });
    std::thread waiter([&] { signals_io.run(); });
    if (on_listening) on_listening(http.port());
    http.run();
    signals_io.stop();
    waiter.join();
}

} // namespace warden

#endif
