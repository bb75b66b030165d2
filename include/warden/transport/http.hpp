#ifndef WARDEN_TRANSPORT_HTTP_HPP
#define WARDEN_TRANSPORT_HTTP_HPP

// MCP over Streamable HTTP (revision 2025-11-25) on Boost.Beast: one endpoint, POST for every
// client message, an SSE response when a call sends notifications before its result, sessions
// named by a random Mcp-Session-Id, DELETE to end one. Loopback by default, with Host and Origin
// checked against DNS rebinding, and limits on headers, bodies, sessions, connections and idle
// time. One thread per connection: a slow call holds up only its own connection.

#include <warden/auth/token_verifier.hpp>
#include <warden/protocol/server.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <deque>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <poll.h>
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
    std::chrono::seconds read_timeout{30};      // a request must arrive whole within this
    std::chrono::seconds write_timeout{10};     // a client that stops reading an SSE stream loses it
    std::chrono::milliseconds sse_retry{1000};  // how long clients wait before resuming a stream
    std::size_t sse_replay_events = 256;        // events kept per stream for Last-Event-ID
    std::size_t max_streams_per_session = 32;   // POST streams kept for resumption
    std::vector<std::string> allowed_hosts;     // Host values accepted besides loopback names
    std::vector<std::string> allowed_origins;   // Origin values accepted besides loopback origins
    principal caller{"local", "local", {}};     // who calls when there is no authenticate hook
    // Who is calling, from the request's Authorization header (empty when absent): the principal,
    // or why not (401, the reason in the challenge's error_description). For bearer tokens use
    // bearer_authentication(verifier) (auth/token_verifier.hpp, auth/jwt.hpp). A session stays
    // with the principal that created it: a request of another user or tenant on it is refused
    // (403), and so is a tools/call whose tool needs a scope the caller lacks (403 insufficient_scope).
    std::function<token_check(std::string_view authorization)> authenticate{};

    // RFC 9728: this protected resource and who issues its tokens. When set, it is served at
    // /.well-known/oauth-protected-resource (and with the resource's path appended), and every
    // 401 points to it, so a client can find the authorization server.
    struct resource_metadata {
        std::string resource;                           // this server's resource URI, e.g. https://desk.example.com/mcp
        std::vector<std::string> authorization_servers; // issuers of its tokens
        std::vector<std::string> scopes_supported{};
    };
    std::optional<resource_metadata> protected_resource{};
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

// A connection: its socket and what has been read from it but not parsed yet. It moves to
// another thread when a call lets go of it (release_stream), so both travel together.
struct http_connection {
    explicit http_connection(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    boost::beast::flat_buffer buffer;
};

// Writes all of `bytes`, or fails: on a client that stops reading, within the send timeout set
// on the socket. Raw send because Asio's blocking writes wait without limit.
inline bool send_all(tcp::socket& s, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(s.native_handle(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// One chunk of a chunked body.
inline bool send_chunk(tcp::socket& s, std::string_view data) {
    char size[20];
    int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    std::string chunk(size, static_cast<std::size_t>(n));
    chunk.append(data).append("\r\n");
    return send_all(s, chunk);
}

inline bool send_last_chunk(tcp::socket& s) { return send_all(s, "0\r\n\r\n"); }

// Whether the peer has closed its side (or the connection broke).
inline bool peer_closed(tcp::socket& s) {
    pollfd p{s.native_handle(), POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

// One SSE stream of a session: the response to a POST that had to send messages before its
// reply, or the stream a GET opens. Its events are numbered "<stream>-<n>" and the recent ones
// kept, so a client that lost the connection (or was let go of: release_stream) reconnects with
// Last-Event-ID and misses nothing.
class sse_stream {
public:
    sse_stream(std::uint64_t number, std::size_t keep) : number_(number), keep_(keep) {}

    std::uint64_t number() const noexcept { return number_; }

    // Puts a connection behind the stream: the response head, a priming event (an id and no
    // data, so the client can resume before the first message arrives), then the events after
    // `after`, or those no connection has taken yet.
    bool attach(http_connection* c, unsigned version, std::string_view session_id, std::optional<std::uint64_t> after,
                std::chrono::milliseconds retry) {
        std::lock_guard lock(mutex_);
        std::string head = std::string(version == 10 ? "HTTP/1.0" : "HTTP/1.1") +
                           " 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                           "Transfer-Encoding: chunked\r\nMcp-Session-Id: " + std::string(session_id) + "\r\n\r\n";
        writer_ = nullptr;
        if (!send_all(c->socket, head) ||
            !send_chunk(c->socket, "id: " + event_id(last_) + "\nretry: " + std::to_string(retry.count()) + "\ndata: \n\n"))
            return false;
        std::uint64_t from = after.value_or(delivered_);
        for (const auto& e : kept_)
            if (e.first > from && !send_chunk(c->socket, e.second)) return false;
        delivered_ = std::max(delivered_, last_);
        writer_ = c;
        changed_.notify_all();
        return true;
    }

    void send(const boost::json::value& message) { send_text(boost::json::serialize(message)); }
    void send_text(std::string_view message) {
        std::lock_guard lock(mutex_);
        std::uint64_t n = ++last_;
        std::string event = "id: " + event_id(n) + "\nevent: message\ndata: ";
        event.append(message).append("\n\n");
        if (writer_ && send_chunk(writer_->socket, event)) delivered_ = n;
        else writer_ = nullptr; // broken: the event waits for a resume
        kept_.emplace_back(n, std::move(event));
        while (kept_.size() > keep_) kept_.pop_front();
    }

    // Ends the response on `c` with the last chunk, if `c` still carries the stream; the stream
    // itself stays, for a later resume. False when `c` no longer carried it.
    bool detach(http_connection* c) {
        std::lock_guard lock(mutex_);
        if (writer_ != c) return false;
        writer_ = nullptr;
        changed_.notify_all();
        return send_last_chunk(c->socket);
    }

    // Nothing more will be sent on this stream.
    void finish() {
        std::lock_guard lock(mutex_);
        finished_ = true;
        changed_.notify_all();
    }

    bool carried_by(http_connection* c) const {
        std::lock_guard lock(mutex_);
        return writer_ == c;
    }
    // Whether a live connection carries the stream; one whose client has gone is let go now
    // rather than at its thread's next look.
    bool attached() {
        std::lock_guard lock(mutex_);
        if (writer_ && peer_closed(writer_->socket)) {
            writer_ = nullptr;
            changed_.notify_all();
        }
        return writer_ != nullptr;
    }
    // Finished and every event taken by a connection.
    bool done() const {
        std::lock_guard lock(mutex_);
        return finished_ && delivered_ == last_;
    }

    void wait(std::chrono::milliseconds at_most) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, at_most);
    }

    // "3-17" -> stream 3, event 17.
    static std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_event_id(std::string_view id) {
        auto dash = id.find('-');
        if (dash == std::string_view::npos) return std::nullopt;
        std::uint64_t stream = 0, event = 0;
        auto a = std::from_chars(id.data(), id.data() + dash, stream);
        auto b = std::from_chars(id.data() + dash + 1, id.data() + id.size(), event);
        if (a.ec != std::errc{} || a.ptr != id.data() + dash || dash == 0 || b.ec != std::errc{} ||
            b.ptr != id.data() + id.size() || dash + 1 == id.size())
            return std::nullopt;
        return std::pair{stream, event};
    }

private:
    std::string event_id(std::uint64_t n) const { return std::to_string(number_) + "-" + std::to_string(n); }

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t number_;
    std::size_t keep_;
    std::uint64_t last_ = 0;      // the number of the newest event
    std::uint64_t delivered_ = 0; // events up to this one were written to a connection
    std::deque<std::pair<std::uint64_t, std::string>> kept_;
    http_connection* writer_ = nullptr;
    bool finished_ = false;
};

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
        wait_for_workers();
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    // Accepts connections until stop(); then waits for the requests in progress to be answered.
    void run() {
        std::thread watchdog([this] { close_slow_readers(); });
        while (!stopping_) {
            detail::tcp::socket socket(io_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec) {
                if (stopping_) break;
                continue;
            }
            {
                std::lock_guard lock(mutex_);
                if (connections_ >= options_.max_connections) {
                    reject_busy(socket);
                    continue;
                }
                ++connections_;
            }
            spawn(std::make_shared<detail::http_connection>(std::move(socket)));
        }
        wait_for_workers();
        watchdog.join();
    }

    // Stops accepting, closes idle connections and ends SSE streams; requests in progress finish
    // and are answered.
    void stop() {
        std::lock_guard lock(mutex_);
        if (stopping_.exchange(true)) return;
        ::shutdown(acceptor_.native_handle(), SHUT_RDWR); // wakes the blocked accept
        for (auto& [c, deadline] : reading_) ::shutdown(c->socket.native_handle(), SHUT_RDWR);
        stopped_.notify_all();
    }

private:
    using connection_ptr = std::shared_ptr<detail::http_connection>;
    // What a request leaves its connection in.
    enum class after { keep_alive, close, handed_off };

    struct http_session {
        http_session(principal caller, std::size_t keep) : standalone(std::make_shared<detail::sse_stream>(0, keep)),
            state(std::move(caller),
                  [this](const boost::json::object& m) {
                      // A message of a call goes on the call's stream; anything else (also what a
                      // call of another session sends here) on the GET stream.
                      if (auto* call = current_call; call && &call->ses == this) call->send(m);
                      else standalone->send(m);
                  },
                  [this] { return current_call && &current_call->ses == this && current_call->release(); }) {}

        std::shared_ptr<detail::sse_stream> standalone; // before state: state's sender uses it
        session state;
        std::atomic<std::chrono::steady_clock::rep> last_used{0};
        std::atomic<bool> ended{false};
        std::mutex streams_mutex;
        std::uint64_t next_stream = 1;
        std::map<std::uint64_t, std::shared_ptr<detail::sse_stream>> streams; // POST streams a client may resume

        void touch() { last_used = std::chrono::steady_clock::now().time_since_epoch().count(); }
    };

    // The response to one POSTed request: JSON, until a message has to go out before the reply;
    // then an SSE stream, which the call may let go of (release) to finish on a resumed GET.
    struct call_response {
        http_server& http;
        http_session& ses;
        connection_ptr conn;
        unsigned version;
        std::string session_id;
        std::mutex mutex{};
        std::shared_ptr<detail::sse_stream> sse{};
        bool released = false;
        bool handed_off = false; // the connection went on to another thread

        std::shared_ptr<detail::sse_stream> stream() {
            std::lock_guard lock(mutex);
            if (!sse) {
                sse = http.open_stream(ses);
                // A failed head leaves the stream without a connection: its events wait for a resume.
                sse->attach(conn.get(), version, session_id, std::nullopt, http.options_.sse_retry);
            }
            return sse;
        }
        void send(const boost::json::object& m) { stream()->send(m); }

        // Ends this response now; the connection goes back to serving requests on another thread
        // while the call goes on, and the rest of the stream waits for the client to resume it.
        bool release() {
            auto s = stream();
            std::lock_guard lock(mutex);
            if (released) return true;
            released = true;
            handed_off = s->detach(conn.get());
            if (handed_off) http.spawn(conn);
            return true;
        }
    };

    // The call this thread is serving, if any: its messages go to its response.
    static inline thread_local call_response* current_call = nullptr;

    void spawn(connection_ptr conn) {
        {
            std::lock_guard lock(mutex_);
            ++workers_;
        }
        std::thread([this, conn = std::move(conn)] {
            bool closed = serve_connection(conn);
            std::lock_guard done(mutex_);
            if (closed) --connections_;
            --workers_;
            idle_cv_.notify_all();
        }).detach();
    }

    void wait_for_workers() {
        std::unique_lock lock(mutex_);
        idle_cv_.wait(lock, [&] { return workers_ == 0; });
    }

    // A request must arrive whole within read_timeout of the last one: the slow and the silent
    // give their threads back.
    void close_slow_readers() {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            stopped_.wait_for(lock, std::chrono::milliseconds(250));
            auto now = std::chrono::steady_clock::now();
            for (auto& [c, deadline] : reading_)
                if (now > deadline) ::shutdown(c->socket.native_handle(), SHUT_RDWR);
        }
    }

    static void reject_busy(detail::tcp::socket& socket) {
        detail::http::response<detail::http::string_body> res{detail::http::status::service_unavailable, 11};
        res.set(detail::http::field::connection, "close");
        res.body() = "too many connections\n";
        res.prepare_payload();
        boost::system::error_code ec;
        detail::http::write(socket, res, ec);
    }

    // Serves requests on a connection until it closes (true) or a call takes it elsewhere (false).
    bool serve_connection(const connection_ptr& conn) {
        namespace http = detail::http;
        auto& socket = conn->socket;
        timeval send_timeout{static_cast<time_t>(options_.write_timeout.count()), 0};
        ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
        while (true) {
            {
                std::lock_guard lock(mutex_);
                if (stopping_) break;
                reading_[conn.get()] = std::chrono::steady_clock::now() + options_.read_timeout;
            }
            http::request_parser<http::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
            parser.body_limit(options_.max_body_bytes);
            boost::system::error_code ec;
            http::read(socket, conn->buffer, parser, ec);
            {
                std::lock_guard lock(mutex_);
                reading_.erase(conn.get());
            }
            if (ec == http::error::body_limit) {
                send_status(socket, 11, http::status::payload_too_large, "the body is larger than the limit", false);
                linger_close(socket);
                return true;
            }
            if (ec == http::error::header_limit) {
                send_status(socket, 11, http::status::request_header_fields_too_large, "the headers are too large", false);
                linger_close(socket);
                return true;
            }
            if (ec) break; // closed, timed out, or not HTTP: nothing to answer
            auto& req = parser.get();
            auto next = handle(conn, req);
            if (next == after::handed_off) return false;
            if (next == after::close || !req.keep_alive() || stopping_) break;
        }
        boost::system::error_code ignored;
        socket.shutdown(detail::tcp::socket::shutdown_both, ignored);
        return true;
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
    static after send_status(detail::tcp::socket& socket, unsigned version, detail::http::status status,
                             std::string_view why, bool keep_alive, std::string_view allow = {}) {
        return send_json(socket, version, status, jsonrpc::make_error(nullptr, jsonrpc::error_code::invalid_request, why),
                         {}, keep_alive, allow);
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

    after handle(const connection_ptr& conn, detail::http::request<detail::http::string_body>& req) {
        namespace http = detail::http;
        auto& socket = conn->socket;
        const unsigned v = req.version();
        // DNS rebinding: a page elsewhere must not reach a local server through a name it controls.
        if (!host_allowed(req[http::field::host]))
            return send_status(socket, v, http::status::forbidden, "the Host header names another server", false);
        if (auto origin = req[http::field::origin]; !origin.empty() && !origin_allowed(origin))
            return send_status(socket, v, http::status::forbidden, "requests from this Origin are not allowed", false);
        std::string_view target = req.target();
        std::string_view query;
        if (auto q = target.find('?'); q != std::string_view::npos) {
            query = target.substr(q + 1);
            target = target.substr(0, q);
        }
        if (options_.protected_resource && req.method() == http::verb::get &&
            (target == metadata_path || target == std::string(metadata_path) + resource_path()))
            return send_json(socket, v, http::status::ok, resource_metadata_document(), {}, true);
        if (target != options_.path) return send_status(socket, v, http::status::not_found, "no MCP endpoint here", true);
        // A token in the URL ends up in logs and histories: it is refused, never read (RFC 6750, 2.3).
        if (has_query_parameter(query, "access_token"))
            return send_unauthorized(socket, v, "invalid_request", "send the token in the Authorization header, not in the URL",
                                     http::status::bad_request);
        if (auto pv = req["MCP-Protocol-Version"]; !pv.empty() &&
            std::find(protocol_versions.begin(), protocol_versions.end(), pv) == protocol_versions.end())
            return send_status(socket, v, http::status::bad_request, "unsupported MCP-Protocol-Version", true);
        token_check caller = token_check::ok(options_.caller);
        if (options_.authenticate) {
            auto authorization = req[http::field::authorization];
            if (authorization.empty()) return send_unauthorized(socket, v, {}, "authentication required");
            caller = options_.authenticate(authorization);
            if (!caller) return send_unauthorized(socket, v, "invalid_token", caller.reason);
        }
        switch (req.method()) {
        case http::verb::post: return post(conn, req, *caller.who);
        case http::verb::get: return get(conn, req, *caller.who);
        case http::verb::delete_: return end_session(socket, req, *caller.who);
        default:
            return send_status(socket, v, http::status::method_not_allowed, "use POST, GET or DELETE", true,
                               "GET, POST, DELETE");
        }
    }

    std::shared_ptr<http_session> find_session(std::string_view id) {
        std::lock_guard lock(sessions_mutex_);
        auto it = sessions_.find(std::string(id));
        if (it == sessions_.end()) return nullptr;
        // Sweeps run when sessions are created: a session past its idle time is gone all the same.
        if (idle_too_long(*it->second, std::chrono::steady_clock::now().time_since_epoch())) {
            it->second->ended = true;
            sessions_.erase(it);
            return nullptr;
        }
        it->second->touch();
        return it->second;
    }

    // Unused for longer than the idle timeout, and no GET stream open on it.
    bool idle_too_long(const http_session& ses, std::chrono::steady_clock::duration now) const {
        auto limit = std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.session_idle_timeout);
        return now - std::chrono::steady_clock::duration(ses.last_used.load()) > limit && !ses.standalone->attached();
    }

    // The session a request names, or the error it gets (400 without an id, 404 for an unknown
    // one, 403 for one that belongs to someone else).
    std::shared_ptr<http_session> session_of(detail::http::request<detail::http::string_body>& req,
                                             detail::tcp::socket& socket, const principal& caller, after& refused) {
        namespace http = detail::http;
        auto id = req["Mcp-Session-Id"];
        if (id.empty()) {
            refused = send_status(socket, req.version(), http::status::bad_request, "Mcp-Session-Id is required", true);
            return nullptr;
        }
        auto ses = find_session(id);
        if (!ses) {
            refused = send_status(socket, req.version(), http::status::not_found, "unknown or expired session", true);
        } else if (ses->state.caller().user != caller.user || ses->state.caller().tenant != caller.tenant) {
            refused = send_status(socket, req.version(), http::status::forbidden, "this session belongs to another principal", true);
            return nullptr;
        }
        return ses;
    }

    static constexpr std::string_view metadata_path = "/.well-known/oauth-protected-resource";

    // The path of the resource URI ("https://desk.example.com/mcp" -> "/mcp").
    std::string resource_path() const {
        const std::string& r = options_.protected_resource->resource;
        auto scheme = r.find("://");
        auto slash = scheme == std::string::npos ? std::string::npos : r.find('/', scheme + 3);
        return slash == std::string::npos ? std::string() : r.substr(slash);
    }

    std::string resource_metadata_url() const {
        const std::string& r = options_.protected_resource->resource;
        auto path = resource_path();
        return r.substr(0, r.size() - path.size()) + std::string(metadata_path) + path;
    }

    boost::json::object resource_metadata_document() const {
        const auto& m = *options_.protected_resource;
        boost::json::array servers, scopes;
        for (const auto& a : m.authorization_servers) servers.emplace_back(a);
        for (const auto& sc : m.scopes_supported) scopes.emplace_back(sc);
        return {{"resource", m.resource},
                {"authorization_servers", std::move(servers)},
                {"scopes_supported", std::move(scopes)},
                {"bearer_methods_supported", boost::json::array{"header"}}};
    }

    // A challenge parameter keeps to RFC 6750's characters: no quotes, backslashes or controls
    // that could end it early or split the header.
    static std::string quotable(std::string_view text) {
        std::string out(text);
        for (char& c : out)
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') c = ' ';
        return out;
    }

    static bool has_query_parameter(std::string_view query, std::string_view name) {
        while (!query.empty()) {
            auto amp = query.find('&');
            auto item = query.substr(0, amp);
            if (item.substr(0, item.find('=')) == name) return true;
            if (amp == std::string_view::npos) break;
            query.remove_prefix(amp + 1);
        }
        return false;
    }

    // 401 (or the status given) with a Bearer challenge that says where the resource's metadata
    // is and which scopes to ask for (MCP authorization, RFC 6750): those the resource knows, or
    // `scopes` when given (the step-up's).
    after send_unauthorized(detail::tcp::socket& socket, unsigned version, std::string_view error, std::string_view why,
                            detail::http::status status = detail::http::status::unauthorized,
                            const std::vector<std::string>* scopes = nullptr) const {
        namespace http = detail::http;
        std::string challenge = "Bearer";
        std::string sep = " ";
        if (options_.protected_resource) {
            challenge += sep + "resource_metadata=\"" + resource_metadata_url() + "\"";
            sep = ", ";
        }
        if (!scopes && options_.protected_resource) scopes = &options_.protected_resource->scopes_supported;
        if (scopes && !scopes->empty()) {
            std::string list;
            for (const auto& sc : *scopes) list += (list.empty() ? "" : " ") + sc;
            challenge += sep + "scope=\"" + quotable(list) + "\"";
            sep = ", ";
        }
        if (!error.empty()) challenge += sep + "error=\"" + std::string(error) + "\", error_description=\"" + quotable(why) + "\"";
        http::response<http::string_body> res{status, version};
        res.set(http::field::content_type, "application/json");
        res.set(http::field::www_authenticate, challenge);
        res.keep_alive(true);
        res.body() = boost::json::serialize(jsonrpc::make_error(nullptr, jsonrpc::error_code::invalid_request, why));
        res.prepare_payload();
        boost::system::error_code ec;
        http::write(socket, res, ec);
        return ec ? after::close : after::keep_alive;
    }

    // Forgets sessions unused for longer than the idle timeout. It walks every session, under the
    // lock every request takes: so at most once a second, unless the server is full and a new
    // session needs the room.
    void sweep_sessions() {
        auto now = std::chrono::steady_clock::now().time_since_epoch();
        if (sessions_.size() < options_.max_sessions && now - last_sweep_ < std::chrono::seconds(1)) return;
        last_sweep_ = now;
        for (auto it = sessions_.begin(); it != sessions_.end();) {
            if (idle_too_long(*it->second, now)) {
                it->second->ended = true;
                it = sessions_.erase(it);
            } else {
                ++it;
            }
        }
    }

    // A new POST stream, kept for resumption; the oldest go when there are too many.
    std::shared_ptr<detail::sse_stream> open_stream(http_session& ses) {
        std::lock_guard lock(ses.streams_mutex);
        auto s = std::make_shared<detail::sse_stream>(ses.next_stream++, options_.sse_replay_events);
        ses.streams.emplace(s->number(), s);
        while (ses.streams.size() > options_.max_streams_per_session) ses.streams.erase(ses.streams.begin());
        return s;
    }

    void forget_stream(http_session& ses, std::uint64_t number) {
        std::lock_guard lock(ses.streams_mutex);
        ses.streams.erase(number);
    }

    after post(const connection_ptr& conn, detail::http::request<detail::http::string_body>& req, const principal& caller) {
        namespace http = detail::http;
        auto& socket = conn->socket;
        const unsigned v = req.version();
        if (!detail::lists_media_type(req[http::field::content_type], "application/json"))
            return send_status(socket, v, http::status::unsupported_media_type, "Content-Type must be application/json", true);
        auto accept = req[http::field::accept];
        if (!detail::lists_media_type(accept, "application/json") || !detail::lists_media_type(accept, "text/event-stream"))
            return send_status(socket, v, http::status::not_acceptable,
                               "Accept must list application/json and text/event-stream", true);

        auto message = srv_.read(req.body());
        if (auto* bad = std::get_if<jsonrpc::malformed>(&message))
            return send_json(socket, v, http::status::bad_request, jsonrpc::make_error(bad->id, bad->code, bad->message), {}, true);

        // The message is read once: what is needed of it is noted before it moves to the server.
        const auto* request = std::get_if<jsonrpc::request>(&message);
        const bool initialize = request && request->method == "initialize";
        // Else its only answer is 202. A batch may hold requests: it is served, and answered if need be.
        const bool answered = request ? !request->is_notification() : std::holds_alternative<jsonrpc::batch>(message);
        // Step-up (MCP authorization): a call of a tool whose scope the token lacks is refused
        // before it starts, with the scopes to ask the authorization server for.
        if (options_.authenticate && request && request->method == "tools/call") {
            if (const auto name = request->tool_name()) {
                auto needed = srv_.required_scopes(*name);
                for (const auto& scope : needed)
                    if (!caller.has_scope(scope))
                        return send_unauthorized(socket, v, "insufficient_scope", "this tool needs the scope " + scope,
                                                 http::status::forbidden, &needed);
            }
        }
        std::shared_ptr<http_session> ses;
        std::string session_id;
        if (initialize) {
            std::lock_guard lock(sessions_mutex_);
            sweep_sessions();
            if (sessions_.size() >= options_.max_sessions)
                return send_status(socket, v, http::status::service_unavailable, "too many sessions", true);
            session_id = detail::random_session_id();
            ses = std::make_shared<http_session>(caller, options_.sse_replay_events);
            ses->touch();
        } else {
            after refused = after::close;
            ses = session_of(req, socket, caller, refused);
            if (!ses) return refused;
            session_id = std::string(req["Mcp-Session-Id"]);
        }

        std::string reply;
        if (!answered) {
            srv_.handle(std::move(message), ses->state, reply);
            return send_empty(socket, v, http::status::accepted, true);
        }

        // A batch in a revision without batches is refused like any malformed message: 400.
        const bool refused_batch = std::holds_alternative<jsonrpc::batch>(message) && !ses->state.accepts_batches();
        call_response response{*this, *ses, conn, v, session_id};
        current_call = &response;
        const bool replied = srv_.handle(std::move(message), ses->state, reply);
        current_call = nullptr;

        if (initialize && ses->state.initialized()) { // the new session's initialize succeeded
            std::lock_guard lock(sessions_mutex_);
            sessions_.emplace(session_id, ses);
        }
        std::lock_guard lock(response.mutex); // release() may not run from here on
        if (!response.sse) {
            if (!replied) return send_empty(socket, v, http::status::accepted, true); // cancelled meanwhile
            return send_json_text(socket, v, refused_batch ? http::status::bad_request : http::status::ok, reply, session_id, true);
        }
        auto& sse = *response.sse;
        if (replied) sse.send_text(reply);
        sse.finish();
        if (response.released) return response.handed_off ? after::handed_off : after::close; // the reply waits for a resume
        // Written whole on this connection: no resume will ask for it. Otherwise it waits for one.
        bool whole = sse.carried_by(conn.get());
        if (whole) forget_stream(*ses, sse.number());
        return whole && sse.detach(conn.get()) ? after::keep_alive : after::close;
    }

    // GET opens the session's stream for messages outside calls; with Last-Event-ID it resumes a
    // stream (the GET stream or a POST's) after that event.
    after get(const connection_ptr& conn, detail::http::request<detail::http::string_body>& req, const principal& caller) {
        namespace http = detail::http;
        auto& socket = conn->socket;
        const unsigned v = req.version();
        if (!detail::lists_media_type(req[http::field::accept], "text/event-stream"))
            return send_status(socket, v, http::status::not_acceptable, "Accept must list text/event-stream", true);
        after refused = after::close;
        auto ses = session_of(req, socket, caller, refused);
        if (!ses) return refused;
        std::shared_ptr<detail::sse_stream> stream;
        std::optional<std::uint64_t> resume_after;
        if (auto last = req["Last-Event-ID"]; !last.empty()) {
            auto parsed = detail::sse_stream::parse_event_id(last);
            if (parsed && parsed->first == 0) stream = ses->standalone;
            else if (parsed) {
                std::lock_guard lock(ses->streams_mutex);
                if (auto it = ses->streams.find(parsed->first); it != ses->streams.end()) stream = it->second;
            }
            if (!stream) return send_status(socket, v, http::status::not_found, "no stream to resume with this Last-Event-ID", true);
            resume_after = parsed->second;
        } else {
            stream = ses->standalone;
            if (stream->attached())
                return send_status(socket, v, http::status::conflict, "this session's GET stream is already open", true);
        }
        if (!stream->attach(conn.get(), v, std::string(req["Mcp-Session-Id"]), resume_after, options_.sse_retry))
            return after::close;
        // Until the stream is done, the client leaves, the session ends or the server stops.
        while (stream->carried_by(conn.get()) && !stream->done() && !ses->ended && !stopping_) {
            if (detail::peer_closed(socket)) {
                stream->detach(conn.get());
                return after::close;
            }
            ses->touch();
            stream->wait(std::chrono::milliseconds(200));
        }
        if (stream != ses->standalone && stream->done()) forget_stream(*ses, stream->number());
        return stream->detach(conn.get()) ? after::keep_alive : after::close;
    }

    after end_session(detail::tcp::socket& socket, detail::http::request<detail::http::string_body>& req, const principal& caller) {
        namespace http = detail::http;
        after refused = after::close;
        if (!session_of(req, socket, caller, refused)) return refused;
        std::shared_ptr<http_session> gone;
        {
            std::lock_guard lock(sessions_mutex_);
            auto it = sessions_.find(std::string(req["Mcp-Session-Id"]));
            if (it != sessions_.end()) {
                gone = std::move(it->second);
                sessions_.erase(it);
            }
        }
        if (!gone) return send_status(socket, req.version(), http::status::not_found, "unknown or expired session", true);
        gone->ended = true; // its GET stream ends
        return send_empty(socket, req.version(), http::status::ok, true);
    }

    static after send_json(detail::tcp::socket& socket, unsigned version, detail::http::status status,
                           const boost::json::value& body, std::string_view session_id, bool keep_alive,
                           std::string_view allow = {}) {
        return send_json_text(socket, version, status, boost::json::serialize(body), session_id, keep_alive, allow);
    }
    static after send_json_text(detail::tcp::socket& socket, unsigned version, detail::http::status status,
                                std::string_view body, std::string_view session_id, bool keep_alive,
                                std::string_view allow = {}) {
        namespace http = detail::http;
        http::response<http::string_body> res{status, version};
        res.set(http::field::content_type, "application/json");
        if (!session_id.empty()) res.set("Mcp-Session-Id", session_id);
        if (!allow.empty()) res.set(http::field::allow, allow);
        res.keep_alive(keep_alive);
        res.body() = body;
        res.prepare_payload();
        boost::system::error_code ec;
        http::write(socket, res, ec);
        return !ec && keep_alive ? after::keep_alive : after::close;
    }

    static after send_empty(detail::tcp::socket& socket, unsigned version, detail::http::status status, bool keep_alive) {
        namespace http = detail::http;
        http::response<http::empty_body> res{status, version};
        res.keep_alive(keep_alive);
        res.prepare_payload();
        boost::system::error_code ec;
        http::write(socket, res, ec);
        return !ec && keep_alive ? after::keep_alive : after::close;
    }

    const server& srv_;
    http_options options_;
    boost::asio::io_context io_;
    detail::tcp::acceptor acceptor_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::condition_variable idle_cv_;
    std::condition_variable stopped_;
    std::size_t connections_ = 0; // open connections
    std::size_t workers_ = 0;     // threads serving a connection or finishing a released call
    std::map<detail::http_connection*, std::chrono::steady_clock::time_point> reading_; // waiting for a request, and until when
    std::mutex sessions_mutex_;
    std::chrono::steady_clock::duration last_sweep_{}; // under sessions_mutex_
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
