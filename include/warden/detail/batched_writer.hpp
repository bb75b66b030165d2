#ifndef WARDEN_DETAIL_BATCHED_WRITER_HPP
#define WARDEN_DETAIL_BATCHED_WRITER_HPP

// Whole lines to a FILE from many threads. Lines that arrive while a write is under way are
// written together by the thread already writing (group commit): under load many lines cost one
// write(2), and no line waits for a later one. With `durable`, write() returns only once its line
// is in the file (for an audit log: nothing the caller saw done is lost to a crash after it).
// A reader that stops reading holds up at most `max_pending` bytes before writers wait.

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace warden::detail {

class batched_writer {
public:
    explicit batched_writer(std::FILE* out, bool durable = false, std::size_t max_pending = 1024 * 1024)
        : out_(out), durable_(durable), max_pending_(max_pending) {}

    // `line` ends with its newline.
    void write(std::string_view line) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return pending_.size() < max_pending_; });
        pending_ += line;
        const std::uint64_t mine = ++appended_;
        if (writing_) {
            if (durable_) changed_.wait(lock, [&] { return written_ >= mine; });
            return; // the writing thread takes it with its next batch
        }
        writing_ = true;
        std::string batch;
        while (!pending_.empty()) {
            batch.clear();
            batch.swap(pending_);
            const std::uint64_t last = appended_;
            lock.unlock();
            changed_.notify_all(); // room again
            std::fwrite(batch.data(), 1, batch.size(), out_);
            std::fflush(out_);
            lock.lock();
            written_ = last;
            if (durable_) changed_.notify_all();
        }
        writing_ = false;
    }

private:
    std::FILE* out_;
    bool durable_;
    std::size_t max_pending_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::string pending_;
    std::uint64_t appended_ = 0, written_ = 0;
    bool writing_ = false;
};

} // namespace warden::detail

#endif
