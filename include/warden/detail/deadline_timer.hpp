#ifndef WARDEN_DETAIL_DEADLINE_TIMER_HPP
#define WARDEN_DETAIL_DEADLINE_TIMER_HPP

// One thread that requests stop on stop sources when their deadlines pass, so that a call's
// stop token fires at its deadline and not only on cancellation. A deadline is a node on the
// scheduling scope's stack, linked into a list: scheduling allocates nothing and, unless the
// deadline is nearer than the thread's next wake-up, wakes nobody.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
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

    // Requests stop on `source` at `when`, unless the scope ends first.
    class scoped {
    public:
        scoped(deadline_timer& t, clock::time_point when, std::stop_source s) : timer_(t), when_(when), source_(std::move(s)) {
            timer_.link(this);
        }
        ~scoped() { timer_.unlink(this); }
        scoped(const scoped&) = delete;
        scoped& operator=(const scoped&) = delete;

    private:
        friend class deadline_timer;
        deadline_timer& timer_;
        clock::time_point when_;
        std::stop_source source_;
        scoped* prev_ = nullptr;
        scoped* next_ = nullptr;
        bool linked_ = false;
    };

private:
    void link(scoped* n) {
        std::lock_guard lock(mutex_);
        if (!thread_.joinable()) thread_ = std::thread([this] { run(); }); // started by the first deadline
        n->next_ = head_;
        if (head_) head_->prev_ = n;
        head_ = n;
        n->linked_ = true;
        // Waking the thread costs a context switch: only when it would otherwise sleep past `when`.
        if (n->when_ < wake_at_) changed_.notify_all();
    }

    void unlink(scoped* n) {
        std::lock_guard lock(mutex_);
        remove(n);
    }

    void remove(scoped* n) {
        if (!n->linked_) return;
        if (n->prev_) n->prev_->next_ = n->next_;
        else head_ = n->next_;
        if (n->next_) n->next_->prev_ = n->prev_;
        n->linked_ = false;
    }

    void run() {
        std::unique_lock lock(mutex_);
        while (!closing_) {
            auto now = clock::now();
            // Fire what is due; the sources are copied, so a scope may end meanwhile.
            std::optional<std::stop_source> due;
            auto next = now + std::chrono::seconds(1); // idle, look again every second
            for (scoped* n = head_; n; n = n->next_) {
                if (n->when_ <= now) {
                    due = n->source_;
                    remove(n);
                    break;
                }
                if (n->when_ < next) next = n->when_;
            }
            if (due) {
                lock.unlock();
                due->request_stop(); // its callbacks run here, outside the lock
                lock.lock();
                continue;
            }
            wake_at_ = next;
            changed_.wait_until(lock, next);
            wake_at_ = clock::time_point::min(); // awake: nobody needs to wake it
        }
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    scoped* head_ = nullptr;
    bool closing_ = false;
    clock::time_point wake_at_ = clock::time_point::min(); // when the sleeping thread wakes up by itself
    std::thread thread_;
};

} // namespace warden::detail

#endif
