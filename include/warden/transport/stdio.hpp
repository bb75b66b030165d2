#ifndef WARDEN_TRANSPORT_STDIO_HPP
#define WARDEN_TRANSPORT_STDIO_HPP

// MCP over stdio: one JSON-RPC message per line in, one per line out. stdout carries protocol
// only. Calls are served by a pool of threads, so a slow tool holds up a ping or another call
// for a millisecond at most; replies go out as they are ready, those of a run of short calls
// together.

#include <warden/detail/batched_writer.hpp>
#include <warden/detail/held_output.hpp>
#include <warden/protocol/server.hpp>

#include <boost/json/serialize.hpp>

#include <chrono>
#include <condition_variable>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
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

// One message per line, from any thread; a reply may be held back (held_output).
class line_writer final : public line_target {
public:
    explicit line_writer(std::FILE* out) : out_(out) {}
    void write(const boost::json::value& message, held_output* held = nullptr) {
        std::string line = boost::json::serialize(message);
        line += '\n';
        write_line(line, held);
    }
    // A message's text with its newline.
    void write_line(std::string_view line, held_output* held = nullptr) {
        if (held) held->hold_reply(line);
        else out_.write(line);
    }
    void put(std::string_view lines) override { out_.write(lines); }

private:
    batched_writer out_;
};

} // namespace detail

namespace detail {

// The lines of a file descriptor, for whichever thread holds the reading role. A line that lies
// whole in the read buffer is returned in place; the view lasts until the next call.
class line_source {
public:
    enum class got { line, too_long, end };

    line_source(int fd, std::size_t max_line_bytes) : fd_(fd), max_(max_line_bytes) {}

    // The next line that is not blank, without its line ending; `too_long` for one over the
    // limit (it is skipped); `end` once the input has ended. `before_wait()` runs before each
    // read(2), which may wait for the client.
    template<class F>
    got next(std::string_view& line, F&& before_wait) {
        while (true) {
            if (at_ == end_) {
                if (ended_) return got::end;
                before_wait();
                // read(2), not fread: a message must be served as soon as its line arrives, not
                // when a buffer fills.
                ssize_t n = ::read(fd_, buffer_.get(), size);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) {
                    ended_ = true;
                    if (overflow_) return finish(got::too_long);
                    if (partial_.find_first_not_of(" \t\r") == std::string::npos) return finish(got::end);
                    line = partial_; // the last line had no newline; kept until the next call
                    return got::line;
                }
                at_ = buffer_.get();
                end_ = at_ + n;
            }
            const char* newline = static_cast<const char*>(std::memchr(at_, '\n', static_cast<std::size_t>(end_ - at_)));
            const char* stop = newline ? newline : end_;
            const char* from = at_;
            at_ = newline ? newline + 1 : end_;
            std::string_view piece(from, static_cast<std::size_t>(stop - from));
            if (newline && partial_.empty() && !overflow_ && piece.size() <= max_ + 1) {
                // The common case: the whole line is in the buffer.
                // One '\r' past the limit may still end a CRLF line.
                if (piece.size() > max_ && (piece.back() != '\r' || (max_ > 0 && piece[max_ - 1] == '\r')))
                    return got::too_long;
                if (!piece.empty() && piece.back() == '\r') piece.remove_suffix(1);
                if (piece.find_first_not_of(" \t") == std::string_view::npos) continue;
                line = piece;
                return got::line;
            }
            // Up to the limit, plus one '\r' past it that may still end a CRLF line.
            std::size_t room = partial_.size() < max_ ? max_ - partial_.size() : 0;
            std::size_t take = std::min(room, piece.size());
            partial_.append(piece.data(), take);
            if (take < piece.size()) {
                if (take + 1 == piece.size() && piece[take] == '\r' && !overflow_ &&
                    (partial_.empty() || partial_.back() != '\r') && partial_.size() == max_)
                    partial_ += '\r';
                else overflow_ = true;
            }
            if (!newline) continue;
            if (overflow_) return finish(got::too_long);
            if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
            if (partial_.find_first_not_of(" \t") == std::string::npos) {
                partial_.clear();
                continue;
            }
            line_.swap(partial_); // both keep their capacity
            partial_.clear();
            line = line_;
            return got::line;
        }
    }

private:
    static constexpr std::size_t size = 64 * 1024;
    got finish(got g) {
        partial_.clear();
        overflow_ = false;
        return g;
    }

    int fd_;
    std::size_t max_;
    std::unique_ptr<char[]> buffer_{new char[size]};
    const char* at_ = nullptr;
    const char* end_ = nullptr;
    std::string partial_, line_;
    bool overflow_ = false, ended_ = false;
};

} // namespace detail

// Serves `srv` on in/out until in ends. Then the calls in flight are asked to stop (their
// context's stop token), every message read is still answered, and the function returns.
//
// A thread switch costs more than a short call, so the thread that reads a request runs it
// itself, unless `workers` calls already run or requests wait in the queue. If that call is still
// running after `handoff` (1 ms), a standby thread, the lookout, takes the reading over: a slow
// call holds up the messages behind it for about a millisecond, not until it ends. A call that
// cannot run yet waits in the queue for the first thread to come free.
inline void serve_stdio(const server& srv, const stdio_options& options = {}, std::FILE* in = stdin,
                        std::FILE* out = stdout) {
    using clock = std::chrono::steady_clock;
    constexpr auto handoff = std::chrono::milliseconds(1);
    detail::line_writer writer(out);
    session s(options.caller, [&writer](const boost::json::object& m) { writer.write(m); });
    detail::line_source source(::fileno(in), options.max_line_bytes);
    std::stop_source client_gone; // at end of input nobody waits for answers: running calls stop
    const std::size_t pool = std::max(1u, options.workers);
    const std::size_t max_queued = std::max<std::size_t>(options.max_queued, 1);

    std::mutex mutex;
    std::condition_variable idle;    // threads with nothing to do
    std::condition_variable lookout; // the one that watches the reader's call
    std::condition_variable space;   // the reader, waiting for room in the queue
    std::deque<jsonrpc::message> queue;
    std::size_t running = 0;        // calls under way, the reader's included
    std::uint64_t reading_turn = 0; // counts hand-overs of the reading role
    bool reader_in_call = false, input_ended = false, lookout_posted = false, lookout_waits = false,
         reader_waits = false;
    clock::time_point call_started{};

    // The reading thread holds its replies back while more requests are already read, and sends
    // them together (with their audit lines, see held_output) before it waits for input, after
    // 64 KiB of them, or after 200 us: under load a run of calls costs a write(2) or two, not two
    // per call. Replies from other threads, and messages to the client during a call, go out at once.
    detail::held_output held(writer);
    constexpr std::size_t max_held_bytes = 64 * 1024;
    constexpr auto max_hold = std::chrono::microseconds(200);

    auto answer = [&](jsonrpc::message&& message) {
        thread_local std::string reply; // its room is reused from call to call
        if (srv.handle(std::move(message), s, reply, client_gone.get_token())) {
            reply += '\n';
            writer.write_line(reply, detail::holding);
        }
        detail::give_back_room(reply);
    };

    // Holding the reading role: serves the input until it ends, or until another thread takes
    // the role over during a call (this thread then goes on as a worker).
    auto read_input = [&] {
        struct holding_output {
            detail::held_output& held;
            explicit holding_output(detail::held_output& h) : held(h) {
                detail::holding = &held;
                held.release(); // what a reader caught in a slow call was holding goes out now
            }
            ~holding_output() {
                detail::holding = nullptr;
                held.release();
            }
        } holding(held);
        auto run_started = clock::now();
        auto release = [&] {
            held.release();
            run_started = clock::now();
        };
        std::string_view line;
        while (true) {
            if (held.reply_bytes() >= max_held_bytes || call_started - run_started >= max_hold) release();
            auto got = source.next(line, release);
            if (got == detail::line_source::got::end) {
                {
                    std::lock_guard lock(mutex);
                    input_ended = true;
                }
                client_gone.request_stop();
                idle.notify_all();
                lookout.notify_all();
                return;
            }
            if (got == detail::line_source::got::too_long) {
                writer.write(jsonrpc::make_error(nullptr, jsonrpc::error_code::parse_error,
                                                 "the message is longer than the limit of " +
                                                     std::to_string(options.max_line_bytes) + " bytes"),
                             &held);
                continue;
            }
            auto message = srv.read(line);
            // Only requests, once the session is initialized, may run beside others or be queued.
            // Everything else is served here, in order: initialize (a client that pipes requests
            // right behind it must not see them overtake it), notifications (a cancellation must
            // not wait behind the call it cancels) and responses (a handler waiting for the
            // client's answer may hold the last free worker).
            auto* request = std::get_if<jsonrpc::request>(&message);
            if (!s.initialized() || (request ? request->is_notification() : !std::holds_alternative<jsonrpc::batch>(message))) {
                answer(std::move(message));
                continue;
            }
            std::uint64_t turn;
            {
                std::unique_lock lock(mutex);
                if (queue.size() >= max_queued) {
                    lock.unlock();
                    held.release(); // nothing held may wait on the workers
                    lock.lock();
                    reader_waits = true;
                    space.wait(lock, [&] { return queue.size() < max_queued; });
                    reader_waits = false;
                }
                if (!queue.empty() || running >= pool) {
                    queue.push_back(std::move(message));
                    // Rare: a thread is free but has not yet looked at the queue.
                    auto* wake = running < pool ? (lookout_posted ? &lookout : &idle) : nullptr;
                    lock.unlock();
                    if (wake) wake->notify_one();
                    continue;
                }
                ++running;
                reader_in_call = true;
                call_started = clock::now();
                turn = reading_turn;
                // Someone must watch this call: a standby becomes the lookout, or the lookout,
                // asleep while nothing ran, starts its watch.
                if (!lookout_posted) idle.notify_one();
                else if (lookout_waits) lookout.notify_one();
            }
            answer(std::move(message));
            {
                std::lock_guard lock(mutex);
                --running;
                if (reading_turn != turn) return;
                reader_in_call = false;
            }
        }
    };

    // A thread without the reading role: runs queued requests; one of those with nothing to do
    // is the lookout, the rest sleep.
    auto serve = [&](bool reading) {
        bool is_lookout = false;
        while (true) {
            if (reading) read_input();
            reading = false;
            std::optional<jsonrpc::message> message;
            {
                std::unique_lock lock(mutex);
                while (true) {
                    if (!queue.empty() && running < pool) {
                        message.emplace(std::move(queue.front()));
                        queue.pop_front();
                        ++running;
                        if (reader_waits) space.notify_one();
                        break;
                    }
                    if (input_ended) {
                        if (queue.empty()) {
                            if (is_lookout) lookout_posted = false;
                            // Those that slept while the queue drained must see it is empty.
                            idle.notify_all();
                            lookout.notify_all();
                            return;
                        }
                    } else if (reader_in_call && clock::now() - call_started >= handoff) {
                        ++reading_turn; // the reader's call goes on as a worker's
                        reader_in_call = false;
                        reading = true;
                        break;
                    }
                    if (is_lookout || !lookout_posted) {
                        is_lookout = lookout_posted = true;
                        lookout_waits = !reader_in_call;
                        if (reader_in_call) lookout.wait_until(lock, call_started + handoff);
                        else lookout.wait(lock);
                        lookout_waits = false;
                    } else {
                        idle.wait(lock);
                    }
                }
                // The next call the reader runs itself wakes a standby to watch it.
                if (is_lookout) is_lookout = lookout_posted = false;
            }
            if (message) {
                answer(std::move(*message));
                std::lock_guard lock(mutex);
                --running;
            }
        }
    };

    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < pool; ++i) threads.emplace_back([&] { serve(false); });
    serve(true);
    threads.clear(); // joins: queued messages are still served, running calls see their stop token
}

} // namespace warden

#endif
