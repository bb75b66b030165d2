#ifndef WARDEN_DETAIL_HELD_OUTPUT_HPP
#define WARDEN_DETAIL_HELD_OUTPUT_HPP

// Output held back while one thread serves messages it has already read, back to back: the audit
// lines and the replies of those calls go out together when the run ends, each file's lines in one
// write(2) and then the replies in one more. A call's audit line is held before its reply, and
// every release writes the audit lines first, so no reply is ever seen for a call the audit file
// lacks, however releases and holds interleave.
//
// The transport that serves this way points `holding` at its held_output on the serving thread;
// json_lines_sink holds its line there instead of writing it when the pointer is set.

#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::detail {

// Where held lines finally go.
class line_target {
public:
    virtual void put(std::string_view lines) = 0;

protected:
    ~line_target() = default;
};

class held_output {
public:
    explicit held_output(line_target& replies) : replies_(replies) {}
    held_output(const held_output&) = delete;
    held_output& operator=(const held_output&) = delete;

    // `line` ends with its newline.
    void hold(line_target& file, std::string_view line) {
        std::lock_guard lock(mutex_);
        for (auto& [target, text] : files_)
            if (target == &file) {
                text += line;
                return;
            }
        files_.emplace_back(&file, std::string(line));
    }
    void hold_reply(std::string_view line) {
        std::lock_guard lock(mutex_);
        replies_text_ += line;
    }

    std::size_t reply_bytes() const {
        std::lock_guard lock(mutex_);
        return replies_text_.size();
    }

    // Writes what is held: the audit lines first, then the replies. The lock stays held across the
    // writes, so two releases cannot put one's replies before the other's audit lines.
    void release() {
        std::lock_guard lock(mutex_);
        for (auto& [target, text] : files_)
            if (!text.empty()) {
                target->put(text);
                text.clear(); // keeps its capacity for the next run
            }
        if (!replies_text_.empty()) {
            replies_.put(replies_text_);
            replies_text_.clear();
        }
    }

private:
    line_target& replies_;
    mutable std::mutex mutex_;
    std::vector<std::pair<line_target*, std::string>> files_;
    std::string replies_text_;
};

// Set on the thread that is holding its output back; null everywhere else.
inline thread_local held_output* holding = nullptr;

} // namespace warden::detail

#endif
