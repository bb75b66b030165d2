#ifndef WARDEN_TRANSPORT_STDIO_HPP
#define WARDEN_TRANSPORT_STDIO_HPP

// MCP over stdio: one JSON-RPC message per line in, one per line out. stdout carries protocol
// only. Messages are served by a pool of workers, so a slow tool never holds up a ping or
// another call; replies go out as they are ready.

#include <warden/detail/batched_writer.hpp>
#include <warden/protocol/server.hpp>

#include <boost/json/serialize.hpp>

#include <condition_variable>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace warden {

struct stdio_options {
    std::size_t max_line_bytes = 4 * 1024 * 1024; // a longer line is refused and skipped
    unsigned workers = 4;                         // calls served at the same time
    std::size_t max_queued = 1024;                // requests waiting for a worker; then reading pauses
    principal caller{"local", "local", {}};       // stdio has no authentication: configure who calls
};

namespace detail {

// One message per line, from any thread.
class line_writer {
public:
    explicit line_writer(std::FILE* out) : out_(out) {}
    void write(const boost::json::value& message) {
        std::string line = boost::json::serialize(message);
        line += '\n';
        out_.write(line);
    }

private:
    batched_writer out_;
};

} // namespace detail

// Serves `srv` on in/out until in ends. Then the calls in flight are asked to stop (their
// context's stop token), every message read is still answered, and the function returns.
inline void serve_stdio(const server& srv, const stdio_options& options = {}, std::FILE* in = stdin,
                        std::FILE* out = stdout) {
    detail::line_writer writer(out);
    session s(options.caller, [&writer](const boost::json::object& m) { writer.write(m); });
    std::mutex mutex;
    std::condition_variable ready;
    std::condition_variable space; // a client that never reads its answers must not grow the queue without end
    std::deque<jsonrpc::message> queue;
    bool closing = false;
    std::stop_source client_gone; // at end of input nobody waits for answers: running calls stop

    // Wake-ups cost more than the calls they start: a worker is woken only when one sleeps and
    // none is already on its way, and the reader only when it waits for room.
    std::size_t sleeping = 0, waking = 0;
    bool reader_waits = false;

    std::vector<std::jthread> workers;
    for (unsigned i = 0; i < std::max(1u, options.workers); ++i)
        workers.emplace_back([&](std::stop_token) {
            while (true) {
                std::optional<jsonrpc::message> message;
                bool wake_reader = false;
                {
                    std::unique_lock lock(mutex);
                    while (!closing && queue.empty()) {
                        ++sleeping;
                        ready.wait(lock);
                        --sleeping;
                        if (waking) --waking;
                    }
                    if (queue.empty()) return;
                    message.emplace(std::move(queue.front()));
                    queue.pop_front();
                    wake_reader = reader_waits;
                }
                if (wake_reader) space.notify_one();
                if (auto reply = srv.handle(std::move(*message), s, client_gone.get_token())) writer.write(*reply);
            }
        });

    auto submit = [&](const std::string& line) {
        auto message = srv.read(line);
        // Requests go to the workers once the session is initialized. Everything else is served
        // here, in order: initialize (a client that pipes requests right behind it must not see
        // them overtake it), notifications (a cancellation must not wait behind the call it
        // cancels) and responses (a handler waiting for the client's answer may hold the last
        // free worker).
        auto* request = std::get_if<jsonrpc::request>(&message);
        bool to_workers = s.initialized() && (request ? !request->is_notification() : std::holds_alternative<jsonrpc::batch>(message));
        if (!to_workers) {
            if (auto reply = srv.handle(std::move(message), s, client_gone.get_token())) writer.write(*reply);
            return;
        }
        bool wake = false;
        {
            std::unique_lock lock(mutex);
            reader_waits = true;
            space.wait(lock, [&] { return queue.size() < std::max<std::size_t>(options.max_queued, 1); });
            reader_waits = false;
            queue.push_back(std::move(message));
            if (sleeping > waking) {
                ++waking;
                wake = true;
            }
        }
        if (wake) ready.notify_one();
    };

    auto too_long = [&] {
        writer.write(jsonrpc::make_error(nullptr, jsonrpc::error_code::parse_error,
                                         "the message is longer than the limit of " +
                                             std::to_string(options.max_line_bytes) + " bytes"));
    };
    std::string line;
    bool overflow = false;
    char buffer[64 * 1024];
    // read(2), not fread: a message must be served as soon as its line arrives, not when a
    // buffer fills.
    while (true) {
        ssize_t got = ::read(::fileno(in), buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        for (const char *at = buffer, *end = buffer + got; at < end;) {
            const char* newline = static_cast<const char*>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)));
            const char* stop = newline ? newline : end;
            // Up to the limit, plus one '\r' past it that may still end a CRLF line.
            std::size_t room = line.size() < options.max_line_bytes ? options.max_line_bytes - line.size() : 0;
            std::size_t take = std::min(room, static_cast<std::size_t>(stop - at));
            line.append(at, take);
            if (at + take < stop) {
                if (take + 1 == static_cast<std::size_t>(stop - at) && at[take] == '\r' && !overflow &&
                    (line.empty() || line.back() != '\r') && line.size() == options.max_line_bytes)
                    line += '\r';
                else overflow = true;
            }
            at = stop + 1;
            if (!newline) break;
            if (overflow) {
                too_long();
            } else {
                if (!line.empty() && line.back() == '\r') line.pop_back();
                if (line.find_first_not_of(" \t") != std::string::npos) submit(line);
            }
            line.clear();
            overflow = false;
        }
    }
    if (overflow) too_long();
    else if (line.find_first_not_of(" \t\r") != std::string::npos) submit(line);
    {
        std::lock_guard lock(mutex);
        closing = true;
    }
    ready.notify_all();
    client_gone.request_stop();
    workers.clear(); // joins: queued messages are still served, running calls see their stop token
}

} // namespace warden

#endif
