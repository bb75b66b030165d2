#ifndef WARDEN_TRANSPORT_STDIO_HPP
#define WARDEN_TRANSPORT_STDIO_HPP

// MCP over stdio: one JSON-RPC message per line in, one per line out. stdout carries protocol
// only. Messages are served by a pool of workers, so a slow tool never holds up a ping or
// another call; replies go out as they are ready.

#include <warden/detail/batched_writer.hpp>
#include <warden/protocol/server.hpp>

#include <boost/json/serialize.hpp>

#include <chrono>
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

    // Wake-ups cost more than short calls (two context switches each, on a pipe-fed server): a
    // worker that keeps taking from the queue serves it alone. Another is woken when none is
    // awake, when the backlog outgrows the awake ones, or when the queue has not moved for
    // `handoff` because the awake ones are in slow calls. That last case is also watched by one
    // sleeping worker, the lookout, which naps for `handoff` while calls run, so a call queued
    // behind a slow one waits that long at most. The reader is woken only when it waits for room.
    using clock = std::chrono::steady_clock;
    constexpr auto handoff = std::chrono::milliseconds(1);
    constexpr std::size_t backlog_per_worker = 16;
    const std::size_t pool = std::max(1u, options.workers);
    std::size_t sleeping = 0, waking = 0;
    bool lookout_posted = false, reader_waits = false;
    clock::time_point last_take{};
    // Under the mutex: whether a queued message needs one more worker than are awake.
    auto needs_worker = [&] {
        if (queue.empty() || sleeping <= waking) return false;
        const std::size_t awake = pool - sleeping + waking; // running, or woken and on their way
        return awake == 0 || queue.size() > backlog_per_worker * awake || clock::now() - last_take >= handoff;
    };

    std::vector<std::jthread> workers;
    for (std::size_t i = 0; i < pool; ++i)
        workers.emplace_back([&](std::stop_token) {
            while (true) {
                std::optional<jsonrpc::message> message;
                bool wake_reader = false, post_lookout = false;
                {
                    std::unique_lock lock(mutex);
                    bool nap = false; // a lookout that found the queue moving naps again
                    while (true) {
                        if (!queue.empty()) {
                            if (closing || !nap) break;
                        } else if (closing) {
                            return;
                        }
                        ++sleeping;
                        // With calls running, one sleeper is the lookout, and it never sleeps
                        // without a timeout.
                        const bool lookout = nap || (!lookout_posted && sleeping < pool);
                        auto woke = std::cv_status::no_timeout;
                        if (lookout) {
                            lookout_posted = true;
                            woke = ready.wait_for(lock, handoff);
                            lookout_posted = false;
                        } else {
                            ready.wait(lock);
                        }
                        --sleeping;
                        if (waking) --waking;
                        // Its nap over, the lookout takes the queue over unless another worker
                        // is awake and took from it within `handoff`.
                        nap = lookout && woke == std::cv_status::timeout && !queue.empty() && sleeping + 1 < pool &&
                              clock::now() - last_take < handoff;
                    }
                    message.emplace(std::move(queue.front()));
                    queue.pop_front();
                    last_take = clock::now();
                    wake_reader = reader_waits;
                    // This call may be slow: a sleeper must be the lookout while it runs.
                    post_lookout = !lookout_posted && sleeping > waking;
                }
                if (wake_reader) space.notify_one();
                if (post_lookout) ready.notify_one();
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
            if (needs_worker()) {
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
