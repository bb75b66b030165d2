#ifndef WARDEN_DETAIL_DECODE_CONTEXT_HPP
#define WARDEN_DETAIL_DECODE_CONTEXT_HPP

#include <warden/decode/error.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace warden::detail {

// Appends s to out as an RFC 6901 reference token: '~' becomes "~0" and '/' becomes "~1".
inline void append_pointer_token(std::string& out, std::string_view s) {
    out += '/';
    for (char c : s) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
}

// Code points in a UTF-8 string: every byte that does not continue a sequence starts one.
inline std::size_t code_points(std::string_view s) noexcept {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

inline const char* kind_phrase(const boost::json::value& v) noexcept {
    switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
    }
    return "a value";
}

// A number as a person writes it: 1.5, not boost::json's 1.5E0.
inline std::string number_text(double d) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof(buf), d);
    return std::string(buf, r.ptr);
}

inline std::string number_text(const boost::json::value& v) {
    if (v.is_int64()) return std::to_string(v.get_int64());
    if (v.is_uint64()) return std::to_string(v.get_uint64());
    if (v.is_double()) return number_text(v.get_double());
    return kind_phrase(v);
}

// A short, printable rendering of a value for messages; long strings are cut so that an error
// never echoes a whole payload back.
inline std::string quote_for_message(std::string_view s) {
    constexpr std::size_t limit = 40;
    std::string out = "\"";
    if (code_points(s) <= limit) {
        out += s;
    } else {
        std::size_t cps = 0, i = 0;
        for (; i < s.size(); ++i) {
            if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && cps++ == limit) break;
        }
        out.append(s.data(), i);
        out += "...";
    }
    out += '"';
    return out;
}

class decode_context {
public:
    explicit decode_context(std::size_t max_errors) : max_errors_(max_errors) {}

    struct segment {
        std::string_view key;
        std::size_t index;
        bool is_index;
    };

    // One path segment for the lifetime of the guard: a node on the caller's stack, linked to its
    // parent, so that the path costs nothing until an error needs it spelled out.
    class scope {
    public:
        scope(decode_context& c, std::string_view key) : c_(c), parent_(c.top_), seg_{key, 0, false} { c_.top_ = this; }
        scope(decode_context& c, std::size_t index) : c_(c), parent_(c.top_), seg_{{}, index, true} { c_.top_ = this; }
        ~scope() { c_.top_ = parent_; }
        scope(const scope&) = delete;
        scope& operator=(const scope&) = delete;

    private:
        friend class decode_context;
        decode_context& c_;
        const scope* parent_;
        segment seg_;
    };

    // The path above the scopes, when another walker keeps it (value_reader).
    struct path_prefix {
        void (*write)(const void* self, std::string& out) = nullptr;
        const void* self = nullptr;
    };
    void set_path_prefix(path_prefix p) noexcept { prefix_ = p; }

    std::string pointer() const {
        std::vector<const segment*> segs;
        for (const scope* s = top_; s; s = s->parent_) segs.push_back(&s->seg_);
        std::string p;
        if (prefix_.write) prefix_.write(prefix_.self, p);
        for (auto it = segs.rbegin(); it != segs.rend(); ++it) {
            if ((*it)->is_index) {
                p += '/';
                p += std::to_string((*it)->index);
            } else {
                append_pointer_token(p, (*it)->key);
            }
        }
        return p;
    }

    void fail(error_code code, std::string_view what) {
        if (full()) return;
        std::string where = pointer();
        if (errors_.size() + 1 == max_errors_) {
            errors_.push_back({where, error_code::too_many_errors,
                               (where.empty() ? std::string("(root)") : where) +
                                   ": too many errors; fix these and try again to see the rest"});
            return;
        }
        std::string message = where.empty() ? std::string("(root)") : where;
        message += ": ";
        message += what;
        errors_.push_back({std::move(where), code, std::move(message)});
    }

    bool full() const noexcept { return max_errors_ != 0 && errors_.size() >= max_errors_; }
    std::size_t max_errors() const noexcept { return max_errors_; }
    std::size_t error_count() const noexcept { return errors_.size(); }
    std::vector<error> take_errors() { return std::move(errors_); }

    // Inside a secret, messages say what is wrong but never show the value.
    bool in_secret() const noexcept { return secret_depth_ > 0; }
    void enter_secret() noexcept { ++secret_depth_; }
    void leave_secret() noexcept { --secret_depth_; }

private:
    std::vector<error> errors_;
    const scope* top_ = nullptr;
    path_prefix prefix_{};
    std::size_t max_errors_;
    int secret_depth_ = 0;
};

} // namespace warden::detail

#endif
