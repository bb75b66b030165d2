#ifndef WARDEN_TRACE_SINKS_HPP
#define WARDEN_TRACE_SINKS_HPP

// Where trace records go: a JSON-lines file (the audit log), memory (tests), or a callback.

#include <warden/detail/batched_writer.hpp>
#include <warden/detail/held_output.hpp>
#include <warden/trace/trace.hpp>

#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace warden {

class trace_sink {
public:
    virtual ~trace_sink() = default;
    // Called once per call, after its result is known; must be thread-safe.
    virtual void write(const trace_record& record) = 0;
};

// Appends one JSON object per line; each line is in the file before the call's reply goes out,
// so a crash loses at most the lines of the replies not yet sent. Where the transport holds a run
// of replies back to send them together (stdio, under load), the lines of those calls are held with
// them and written first, in one write(2).
class json_lines_sink final : public trace_sink {
public:
    explicit json_lines_sink(const std::string& path) : file_(path) {}

    void write(const trace_record& record) override {
        // Written into a buffer of this thread's, which the line leaves (held, or written) before
        // the thread's next call: no allocation per line.
        thread_local std::string line;
        line.clear();
        append_json_line(line, record);
        if (auto* held = detail::holding) held->hold(file_, line);
        else file_.put(line);
        detail::give_back_room(line);
    }

private:
    class file final : public detail::line_target {
    public:
        explicit file(const std::string& path) : file_(open(path)) {
            struct stat st{};
            // A regular file opened for appending takes each write(2) whole, from any number of
            // threads at once: no lock, and no thread waits for another's write. Anything else (a
            // pipe, a terminal) goes through one writer, which keeps lines whole.
            if (::fstat(::fileno(file_.get()), &st) != 0 || !S_ISREG(st.st_mode))
                shared_ = std::make_unique<detail::batched_writer>(file_.get(), true);
        }
        // Whole lines.
        void put(std::string_view lines) override {
            if (shared_) return shared_->write(lines);
            const int fd = ::fileno(file_.get());
            for (std::string_view rest = lines; !rest.empty();) {
                const ::ssize_t put = ::write(fd, rest.data(), rest.size());
                if (put < 0 && errno == EINTR) continue;
                if (put <= 0) return; // a full disk: the trace is best effort past this point
                rest.remove_prefix(static_cast<std::size_t>(put));
            }
        }

    private:
        struct closer {
            void operator()(std::FILE* f) const { std::fclose(f); }
        };
        static std::FILE* open(const std::string& path) {
            std::FILE* f = std::fopen(path.c_str(), "a");
            if (!f) throw std::runtime_error("warden: cannot open the trace file " + path);
            return f;
        }
        std::unique_ptr<std::FILE, closer> file_;
        std::unique_ptr<detail::batched_writer> shared_;
    };
    file file_;
};

// Keeps every record; for tests.
class memory_sink final : public trace_sink {
public:
    void write(const trace_record& record) override {
        std::lock_guard lock(mutex_);
        records_.push_back(record);
    }
    std::vector<trace_record> records() const {
        std::lock_guard lock(mutex_);
        return records_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<trace_record> records_;
};

// Hands each record to a function (an exporter of your own).
class callback_sink final : public trace_sink {
public:
    explicit callback_sink(std::function<void(const trace_record&)> fn) : fn_(std::move(fn)) {}
    void write(const trace_record& record) override { fn_(record); }

private:
    std::function<void(const trace_record&)> fn_;
};

} // namespace warden

#endif
