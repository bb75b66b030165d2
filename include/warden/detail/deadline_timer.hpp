#ifndef WARDEN_DETAIL_DEADLINE_TIMER_HPP
#define WARDEN_DETAIL_DEADLINE_TIMER_HPP

// One thread that requests stop on stop sources when their deadlines pass, so that a call's
// stop token fires at its deadline and not only on cancellation.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <stop_token>
#include <thread>
#include <unordered_map>
#include <utility>

namespace warden::detail {

class deadline_timer {
public:
    using clock = std::chrono::steady_clock;

    deadline_timer() = default;
    deadline_timer(const deadline_timer&) = delete;
    deadline_timer& operator=(const deadline_timer&) = delete;
    ~deadline_timer() {
        {
            std::lock_guard lock(mutex_);
            closing_ = true;
        }
        changed_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    // Requests stop on `source` at `when`, unless cancel(id) comes first.
    std::uint64_t schedule(clock::time_point when, std::stop_source source) {
        std::lock_guard lock(mutex_);
        if (!thread_.joinable()) thread_ = std::thread([this] { run(); }); // started by the first call
        std::uint64_t id = next_id_++;
        auto it = due_.emplace(when, std::pair{id, std::move(source)});
        by_id_.emplace(id, it);
        if (it == due_.begin()) changed_.notify_all();
        return id;
    }

    void cancel(std::uint64_t id) {
        std::lock_guard lock(mutex_);
        auto it = by_id_.find(id);
        if (it == by_id_.end()) return;
        due_.erase(it->second);
        by_id_.erase(it);
    }

    // Cancels on destruction: a scope's deadline.
    class scoped {
    public:
        scoped(deadline_timer& t, clock::time_point when, std::stop_source s) : timer_(t), id_(t.schedule(when, std::move(s))) {}
        ~scoped() { timer_.cancel(id_); }
        scoped(const scoped&) = delete;
        scoped& operator=(const scoped&) = delete;

    private:
        deadline_timer& timer_;
        std::uint64_t id_;
    };

private:
    using queue = std::multimap<clock::time_point, std::pair<std::uint64_t, std::stop_source>>;

    void run() {
        std::unique_lock lock(mutex_);
        while (!closing_) {
            if (due_.empty()) {
                changed_.wait(lock);
                continue;
            }
            auto first = due_.begin();
            if (clock::now() < first->first) {
                changed_.wait_until(lock, first->first);
                continue;
            }
            auto source = std::move(first->second.second);
            by_id_.erase(first->second.first);
            due_.erase(first);
            lock.unlock();
            source.request_stop(); // its callbacks run here, outside the lock
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    queue due_;
    std::unordered_map<std::uint64_t, queue::iterator> by_id_;
    std::uint64_t next_id_ = 1;
    bool closing_ = false;
    std::thread thread_;
};

} // namespace warden::detail

#endif
