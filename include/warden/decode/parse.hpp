#ifndef WARDEN_DECODE_PARSE_HPP
#define WARDEN_DECODE_PARSE_HPP

// parse() reads untrusted JSON text with the limits a server needs. Unlike boost::json::parse,
// which keeps the last of two equal keys, it rejects duplicates: {"amount":1,"amount":1000} must
// not mean one thing to a validator and another to a handler.

#include <warden/decode/error.hpp>
#include <warden/decode/result.hpp>
#include <warden/detail/decode_context.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

struct parse_options {
    std::size_t max_bytes = 4 * 1024 * 1024;
    std::size_t max_depth = 64;
};

namespace detail {

// Boost.JSON's options for warden's limits: the depth (warden checks the size itself).
inline boost::json::parse_options boost_options(const parse_options& limits) {
    boost::json::parse_options po;
    po.max_depth = limits.max_depth;
    return po;
}

// What basic_parser asks of a handler besides its callbacks: the largest containers and strings.
struct parser_limits {
    static constexpr std::size_t max_object_size = boost::json::object::max_size();
    static constexpr std::size_t max_array_size = boost::json::array::max_size();
    static constexpr std::size_t max_key_size = boost::json::string::max_size();
    static constexpr std::size_t max_string_size = boost::json::string::max_size();
    using error_code = boost::system::error_code;
    using string_view = boost::json::string_view;
};

// Builds the DOM like boost::json::parse does, through value_stack, with two differences: doubles
// are converted with correct rounding, and keys are counted. Boost.JSON's object construction
// keeps the last of two equal keys, so a DOM with fewer members than keys read had a duplicate.
class dom_handler : public parser_limits {
public:

    dom_handler(unsigned char* temp, std::size_t temp_size) : st({}, temp, temp_size) {}

    boost::json::value_stack st;
    std::size_t keys = 0;

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_object_begin(error_code&) { return true; }
    bool on_object_end(std::size_t n, error_code&) {
        st.push_object(n);
        return true;
    }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t n, error_code&) {
        st.push_array(n);
        return true;
    }
    bool on_key_part(string_view s, std::size_t, error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_key(string_view s, std::size_t, error_code&) {
        ++keys;
        st.push_key(s);
        return true;
    }
    bool on_string_part(string_view s, std::size_t, error_code&) {
        st.push_chars(s);
        return true;
    }
    bool on_string(string_view s, std::size_t, error_code&) {
        st.push_string(s);
        return true;
    }
    bool on_number_part(string_view s, error_code&) {
        number_.append(s.data(), s.size());
        return true;
    }
    bool on_int64(std::int64_t i, string_view, error_code&) {
        number_.clear();
        st.push_int64(i);
        return true;
    }
    bool on_uint64(std::uint64_t u, string_view, error_code&) {
        number_.clear();
        st.push_uint64(u);
        return true;
    }
    bool on_double(double d, string_view s, error_code&) {
        if (number_.empty()) {
            d = exact_double(s, d);
        } else {
            number_.append(s.data(), s.size());
            d = exact_double(number_, d);
            number_.clear();
        }
        st.push_double(d);
        return true;
    }
    bool on_bool(bool b, error_code&) {
        st.push_bool(b);
        return true;
    }
    bool on_null(error_code&) {
        st.push_null();
        return true;
    }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }

    // Boost.JSON 1.81 converts decimals by multiplying by a power of ten, which can land one ulp
    // off (3.4028234663852886e38 is then not FLT_MAX) and turns 0e400 into NaN. std::from_chars
    // rounds correctly; only out-of-range values keep Boost's answer, which is then +-infinity,
    // or become a signed zero when they underflow.
    static double exact_double(std::string_view text, double approx) {
        // Short decimals without an exponent (at most 15 digits, at most 15 after the point) are
        // already right: Boost divides the exact digits by an exact power of ten.
        // (A loop, not find_first_of, which calls memchr once per character.)
        if (text.size() <= 16 && std::none_of(text.begin(), text.end(), [](char c) { return (c | 0x20) == 'e'; }))
            return approx;
        if (double fast; clinger_fast_path(text, fast)) return fast;
        double d = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
        if (ec == std::errc() && end == text.data() + text.size()) return d;
        if (ec == std::errc::result_out_of_range && std::isfinite(approx) && std::fabs(approx) < 1.0)
            return std::signbit(approx) || (!text.empty() && text[0] == '-') ? -0.0 : 0.0;
        return approx;
    }

    // Most numbers have at most 15 significant digits and a small exponent: then the digits and
    // the power of ten are exact doubles, and one multiplication or division rounds correctly
    // (Clinger, 1990). Returns false to leave the rest to std::from_chars.
    static bool clinger_fast_path(std::string_view t, double& out) noexcept {
        static constexpr double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                           1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
        std::size_t i = 0, n = t.size();
        bool negative = i < n && t[i] == '-';
        if (negative) ++i;
        std::uint64_t mantissa = 0;
        int significant = 0, exponent = 0;
        auto digit = [&](char c, bool fraction) {
            if (mantissa != 0 || c != '0') ++significant;
            mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
            if (fraction) --exponent;
        };
        for (; i < n && t[i] >= '0' && t[i] <= '9'; ++i) digit(t[i], false);
        if (i < n && t[i] == '.')
            for (++i; i < n && t[i] >= '0' && t[i] <= '9'; ++i) digit(t[i], true);
        if (significant > 15) return false;
        if (i < n && (t[i] == 'e' || t[i] == 'E')) {
            ++i;
            bool minus = i < n && t[i] == '-';
            if (i < n && (t[i] == '-' || t[i] == '+')) ++i;
            int e = 0;
            for (; i < n && t[i] >= '0' && t[i] <= '9'; ++i) {
                if (e > 1000) return false;
                e = e * 10 + (t[i] - '0');
            }
            exponent += minus ? -e : e;
        }
        if (i != n || exponent < -22 || exponent > 22) return false;
        double v = static_cast<double>(mantissa);
        v = exponent < 0 ? v / pow10[-exponent] : v * pow10[exponent];
        out = negative ? -v : v;
        return true;
    }

private:
    std::string number_; // a number split across input buffers
};

// Members in a DOM, counted the way dom_handler counts keys.
inline std::size_t member_count(const boost::json::value& v) noexcept {
    std::size_t n = 0;
    if (const auto* o = v.if_object()) {
        n = o->size();
        for (const auto& kv : *o)
            if (kv.value().is_structured()) n += member_count(kv.value());
    } else if (const auto* a = v.if_array()) {
        for (const auto& e : *a)
            if (e.is_structured()) n += member_count(e);
    }
    return n;
}

// The slow path, run only after a failure: keeps each open object's keys to name the
// duplicated one and each open container's position to say where it is.
class checked_handler : public dom_handler {
public:
    using dom_handler::dom_handler;

    std::string duplicate_path; // set when a duplicate key stopped the parse

    bool on_object_begin(error_code& ec) {
        enter_value();
        frames_.push_back({keys_.size(), arena_.size(), 0, false});
        return dom_handler::on_object_begin(ec);
    }
    bool on_object_end(std::size_t n, error_code& ec) {
        frame& f = frames_.back();
        if (has_duplicate(f)) {
            duplicate_path = pointer_to_duplicate(f);
            ec = boost::json::error::extra_data; // any error stops the parser; the path says why
            return false;
        }
        keys_.resize(f.first_key);
        arena_.resize(f.arena_start);
        frames_.pop_back();
        return dom_handler::on_object_end(n, ec);
    }
    bool on_array_begin(error_code& ec) {
        enter_value();
        frames_.push_back({keys_.size(), arena_.size(), 0, true});
        return dom_handler::on_array_begin(ec);
    }
    bool on_array_end(std::size_t n, error_code& ec) {
        frames_.pop_back();
        return dom_handler::on_array_end(n, ec);
    }
    bool on_key_part(string_view s, std::size_t n, error_code& ec) {
        if (!in_key_) {
            key_start_ = arena_.size();
            in_key_ = true;
        }
        arena_.append(s.data(), s.size());
        return dom_handler::on_key_part(s, n, ec);
    }
    bool on_key(string_view s, std::size_t n, error_code& ec) {
        if (!in_key_) key_start_ = arena_.size();
        in_key_ = false;
        arena_.append(s.data(), s.size());
        keys_.push_back({key_start_, arena_.size() - key_start_});
        return dom_handler::on_key(s, n, ec);
    }
    bool on_string_part(string_view s, std::size_t n, error_code& ec) {
        if (!in_string_) {
            enter_value();
            in_string_ = true;
        }
        return dom_handler::on_string_part(s, n, ec);
    }
    bool on_string(string_view s, std::size_t n, error_code& ec) {
        if (!in_string_) enter_value();
        in_string_ = false;
        return dom_handler::on_string(s, n, ec);
    }
    bool on_int64(std::int64_t i, string_view s, error_code& ec) {
        enter_value();
        return dom_handler::on_int64(i, s, ec);
    }
    bool on_uint64(std::uint64_t u, string_view s, error_code& ec) {
        enter_value();
        return dom_handler::on_uint64(u, s, ec);
    }
    bool on_double(double d, string_view s, error_code& ec) {
        enter_value();
        return dom_handler::on_double(d, s, ec);
    }
    bool on_bool(bool b, error_code& ec) {
        enter_value();
        return dom_handler::on_bool(b, ec);
    }
    bool on_null(error_code& ec) {
        enter_value();
        return dom_handler::on_null(ec);
    }

private:
    struct span {
        std::size_t offset, size;
    };
    struct frame {
        std::size_t first_key;   // index into keys_ of this object's first key
        std::size_t arena_start; // arena_ size when the object opened
        std::size_t next_index;  // arrays: index of the next element
        bool is_array;
    };

    std::string_view key_at(const span& k) const { return {arena_.data() + k.offset, k.size}; }

    // Counts array elements so that a path can name them.
    void enter_value() {
        if (!frames_.empty() && frames_.back().is_array) ++frames_.back().next_index;
    }

    bool has_duplicate(const frame& f) {
        std::size_t n = keys_.size() - f.first_key;
        if (n < 2) return false;
        auto first = keys_.begin() + static_cast<std::ptrdiff_t>(f.first_key);
        if (n <= 16) {
            for (auto i = first; i != keys_.end(); ++i)
                for (auto j = i + 1; j != keys_.end(); ++j)
                    if (key_at(*i) == key_at(*j)) {
                        dup_ = key_at(*i);
                        return true;
                    }
            return false;
        }
        // Large objects: sort a copy of the spans so the check stays O(n log n) for hostile input.
        sorted_.assign(first, keys_.end());
        std::sort(sorted_.begin(), sorted_.end(), [&](const span& a, const span& b) { return key_at(a) < key_at(b); });
        for (std::size_t i = 1; i < sorted_.size(); ++i)
            if (key_at(sorted_[i]) == key_at(sorted_[i - 1])) {
                dup_ = key_at(sorted_[i]);
                return true;
            }
        return false;
    }

    // The pointer to the second occurrence of the duplicated key.
    std::string pointer_to_duplicate(const frame& dup_frame) const {
        std::string p;
        for (const frame& f : frames_) {
            if (&f == &dup_frame) break;
            const frame& child = *(&f + 1);
            if (f.is_array) {
                p += '/';
                p += std::to_string(f.next_index - 1);
            } else {
                // The key of an open object that leads to the child is the last key it has read.
                append_pointer_token(p, key_at(keys_[child.first_key - 1]));
            }
        }
        append_pointer_token(p, dup_);
        return p;
    }

    std::vector<frame> frames_;
    std::vector<span> keys_;
    std::vector<span> sorted_;
    std::string arena_;
    std::string_view dup_;
    std::size_t key_start_ = 0;
    bool in_key_ = false;
    bool in_string_ = false;
};

inline error parse_error(error_code code, std::string message) { return error{"", code, std::move(message)}; }

} // namespace detail

// Parses JSON text into a value, enforcing options.max_bytes and options.max_depth and
// rejecting duplicate keys and invalid UTF-8. On failure the single error says what and where.
inline result<boost::json::value> parse(std::string_view text, const parse_options& options = {},
                                        boost::json::storage_ptr sp = {}) {
    if (text.size() > options.max_bytes)
        return std::vector<error>{detail::parse_error(
            error_code::too_large, "(root): the document is " + std::to_string(text.size()) +
                                       " bytes, more than the limit of " + std::to_string(options.max_bytes))};
    const boost::json::parse_options po = detail::boost_options(options);
    // Like boost::json::parse, keep the parser's scratch space on the stack.
    unsigned char temp[4096];
    {
        boost::json::basic_parser<detail::dom_handler> fast(po, temp, sizeof(temp));
        fast.handler().st.reset(sp);
        boost::system::error_code ec;
        std::size_t used = fast.write_some(false, text.data(), text.size(), ec);
        if (!ec && used == text.size()) {
            boost::json::value v = fast.handler().st.release();
            if (detail::member_count(v) == fast.handler().keys) return v;
        }
    }
    // Something is wrong: parse again, slowly, to say what and where.
    boost::json::basic_parser<detail::checked_handler> p(po, temp, sizeof(temp));
    p.handler().st.reset(std::move(sp));
    boost::system::error_code ec;
    std::size_t used = p.write_some(false, text.data(), text.size(), ec);
    if (!ec && used != text.size()) ec = boost::json::error::extra_data;
    if (ec) {
        if (!p.handler().duplicate_path.empty()) {
            std::string path = std::move(p.handler().duplicate_path);
            std::string message = path + ": duplicate key; each key may appear only once in an object";
            return std::vector<error>{error{std::move(path), error_code::duplicate_key, std::move(message)}};
        }
        if (ec == boost::json::error::too_deep)
            return std::vector<error>{detail::parse_error(
                error_code::too_deep,
                "(root): the document nests deeper than the limit of " + std::to_string(options.max_depth))};
        return std::vector<error>{detail::parse_error(
            error_code::invalid_json, "(root): not valid JSON at byte " + std::to_string(used) + " (" +
                                          ec.message() + ")")};
    }
    return p.handler().st.release();
}

} // namespace warden

#endif
