#ifndef WARDEN_DETAIL_DECODE_LEAF_HPP
#define WARDEN_DETAIL_DECODE_LEAF_HPP

// The strict decoder's leaves: a JSON number, boolean or null into its C++ type, the rules of
// fields (strings' included), and the messages of every problem. Strings, objects and arrays are
// read by value_reader (detail/value_reader.hpp), which calls these for what they hold.

#include <warden/decode/error.hpp>
#include <warden/detail/decode_context.hpp>
#include <warden/detail/formats.hpp>
#include <warden/detail/pattern.hpp>
#include <warden/detail/type_traits.hpp>
#include <warden/schema/field.hpp>

#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

namespace warden::detail {

template<class T> void decode_value(const boost::json::value& v, T& out, decode_context& ctx);

// "must be an integer, got a string": `got` is the kind_phrase of what came.
[[gnu::cold]] inline void fail_kind(decode_context& ctx, const char* expected, const char* got) {
    std::string what = "must be ";
    what += expected;
    what += ", got ";
    what += got;
    ctx.fail(error_code::wrong_type, what);
}

inline void fail_type(decode_context& ctx, const char* expected, const boost::json::value& v) {
    fail_kind(ctx, expected, kind_phrase(v));
}

inline std::string got_suffix(decode_context& ctx, const std::string& got) {
    return ctx.in_secret() ? std::string() : ", got " + got;
}

template<class T>
std::string integer_range_phrase() {
    return "must be an integer from " + std::to_string(std::numeric_limits<T>::min()) + " to " +
           std::to_string(std::numeric_limits<T>::max());
}

template<class T>
void decode_integer(const boost::json::value& v, T& out, decode_context& ctx) {
    using lim = std::numeric_limits<T>;
    if (v.is_int64()) {
        std::int64_t i = v.get_int64();
        if (std::in_range<T>(i)) { out = static_cast<T>(i); return; }
        ctx.fail(error_code::out_of_range, integer_range_phrase<T>() + got_suffix(ctx, std::to_string(i)));
    } else if (v.is_uint64()) {
        std::uint64_t u = v.get_uint64();
        if (std::in_range<T>(u)) { out = static_cast<T>(u); return; }
        ctx.fail(error_code::out_of_range, integer_range_phrase<T>() + got_suffix(ctx, std::to_string(u)));
    } else if (v.is_double()) {
        // JSON Schema's "integer" is any number with no fractional part, 1.0 and 1e3 included.
        double d = v.get_double();
        if (!std::isfinite(d) || std::trunc(d) != d) {
            ctx.fail(error_code::wrong_type, "must be an integer" + got_suffix(ctx, number_text(v)));
            return;
        }
        const double lo = std::is_signed_v<T> ? -std::ldexp(1.0, lim::digits) : 0.0;
        const double hi_exclusive = std::ldexp(1.0, lim::digits);
        if (d >= lo && d < hi_exclusive) { out = static_cast<T>(d); return; }
        ctx.fail(error_code::out_of_range, integer_range_phrase<T>() + got_suffix(ctx, number_text(v)));
    } else {
        fail_type(ctx, "an integer", v);
    }
}

template<class T>
void decode_number(const boost::json::value& v, T& out, decode_context& ctx) {
    double d;
    if (v.is_double()) d = v.get_double();
    else if (v.is_int64()) d = static_cast<double>(v.get_int64());
    else if (v.is_uint64()) d = static_cast<double>(v.get_uint64());
    else return fail_type(ctx, "a number", v);
    // Boost.JSON reads 1e400 as infinity, which no field should hold; ajv rejects it too.
    if (!std::isfinite(d)) {
        ctx.fail(error_code::out_of_range, "must be a finite number");
        return;
    }
    if constexpr (std::is_same_v<T, float>) {
        constexpr double m = std::numeric_limits<float>::max();
        if (d < -m || d > m) {
            ctx.fail(error_code::out_of_range, "must be a number within the range of a float" +
                                                   got_suffix(ctx, number_text(v)));
            return;
        }
    }
    out = static_cast<T>(d);
}

// For sizeof(Word) <= n <= 2 * sizeof(Word): one word from each end of a and b, which overlap.
template<class Word>
bool same_ends(const char* a, const char* b, std::size_t n) noexcept {
    Word a0, a1, b0, b1;
    std::memcpy(&a0, a, sizeof(Word));
    std::memcpy(&a1, a + n - sizeof(Word), sizeof(Word));
    std::memcpy(&b0, b, sizeof(Word));
    std::memcpy(&b1, b + n - sizeof(Word), sizeof(Word));
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

// Whether a[0..n) and b[0..n) hold the same bytes. Names are short: up to 16 bytes are compared
// with two loads from each end, without a call to memcmp.
inline bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    if (n >= 8) return same_ends<std::uint64_t>(a, b, n);
    if (n >= 4) return same_ends<std::uint32_t>(a, b, n);
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return false;
    return true;
}

// The index of `name` in names[0..n), or n.
inline std::size_t find_name(const std::string_view* names, std::size_t n, std::string_view name) noexcept {
    for (std::size_t i = 0; i < n; ++i)
        if (names[i].size() == name.size() && same_bytes(names[i].data(), name.data(), name.size())) return i;
    return n;
}

// "a, b, c": a list of names for a message.
inline void append_names(std::string& out, const std::string_view* names, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        if (i) out += ", ";
        out += names[i];
    }
}

[[gnu::cold]] inline void fail_enum(decode_context& ctx, const std::string_view* names, std::size_t n, std::string_view got) {
    std::string what = "must be one of ";
    append_names(what, names, n);
    if (!ctx.in_secret()) what += "; got " + quote_for_message(got);
    ctx.fail(error_code::not_in_enum, what);
}

template<class T, class L> struct member_names;
template<class T, template<class...> class L, class... D>
struct member_names<T, L<D...>> {
    static constexpr std::array<std::string_view, sizeof...(D)> value{std::string_view(D::name)...};
};

template<class T>
std::size_t member_index(std::string_view key) noexcept {
    constexpr auto& names = member_names<T, public_members<T>>::value;
    return find_name(names.data(), names.size(), key);
}

inline std::string unknown_field_text(const std::string_view* names, std::size_t n) {
    if (n == 0) return "unknown field; this object takes no fields";
    std::string what = "unknown field; allowed fields are ";
    append_names(what, names, n);
    return what;
}

// Built once per struct: a call with unknown fields is common enough (models guess).
template<class T>
std::string_view unknown_field_phrase() {
    constexpr auto& names = member_names<T, public_members<T>>::value;
    static const std::string phrase = unknown_field_text(names.data(), names.size());
    return phrase;
}

// Built once per pattern, on first use; field<> has checked it at compile time.
template<class Pattern>
const compiled_pattern& pattern_of() {
    static const compiled_pattern re(Pattern::value);
    return re;
}

inline const char* format_phrase(std::string_view format) noexcept {
    if (format == "date") return "must be a date like 2025-01-31";
    if (format == "time") return "must be a time with an offset, like 09:30:00Z";
    if (format == "date-time") return "must be a date-time with an offset, like 2025-01-31T09:30:00Z";
    if (format == "email") return "must be an email address like name@example.com";
    if (format == "uuid") return "must be a UUID like 123e4567-e89b-12d3-a456-426614174000";
    if (format == "ipv4") return "must be an IPv4 address like 192.0.2.1";
    return "must match its format";
}

inline const char* plural(std::size_t n, const char* one, const char* many) { return n == 1 ? one : many; }

// The messages of broken rules, compiled once rather than once per rule: breaking one is the
// rare case, and the checks themselves stay inline, with their bounds as constants.
[[gnu::cold]] inline void fail_length(decode_context& ctx, bool at_least, std::size_t bound, std::size_t got) {
    ctx.fail(at_least ? error_code::too_short : error_code::too_long,
             std::string(at_least ? "must be at least " : "must be at most ") + std::to_string(bound) +
                 plural(bound, " character", " characters") + got_suffix(ctx, std::to_string(got)));
}
[[gnu::cold]] inline void fail_pattern(decode_context& ctx, std::string_view pattern) {
    ctx.fail(error_code::pattern_mismatch, "must match the pattern " + std::string(pattern));
}
[[gnu::cold]] inline void fail_items(decode_context& ctx, bool at_least, std::size_t bound, std::size_t got) {
    ctx.fail(at_least ? error_code::too_few_items : error_code::too_many_items,
             std::string(at_least ? "must have at least " : "must have at most ") + std::to_string(bound) +
                 plural(bound, " item", " items") + ", got " + std::to_string(got));
}
[[gnu::cold]] inline void fail_bound(decode_context& ctx, bool at_least, long long bound, const boost::json::value& v) {
    ctx.fail(error_code::out_of_range, std::string(at_least ? "must be at least " : "must be at most ") +
                                           std::to_string(bound) + got_suffix(ctx, number_text(v)));
}

// A vector field's item counts, once the array is read whole.
inline void check_items(std::size_t n, decode_context& ctx, std::size_t min_items, std::size_t max_items) {
    if (n < min_items) fail_items(ctx, true, min_items, n);
    else if (n > max_items) fail_items(ctx, false, max_items, n);
}

// A JSON number against an integer bound, exactly, whatever its representation. For a double d
// and an integer b, d < b exactly when floor(d) < b, and d > b exactly when ceil(d) > b; the
// rounded value is compared as an integer once it is known to fit.
inline bool number_less(const boost::json::value& v, long long bound) {
    if (v.is_int64()) return v.get_int64() < bound;
    if (v.is_uint64()) return bound >= 0 && v.get_uint64() < static_cast<unsigned long long>(bound);
    double f = std::floor(v.get_double());
    if (f < -0x1p63) return true;
    if (f >= 0x1p63) return false;
    return static_cast<long long>(f) < bound;
}
inline bool number_greater(const boost::json::value& v, long long bound) {
    if (v.is_int64()) return v.get_int64() > bound;
    if (v.is_uint64()) return bound < 0 || v.get_uint64() > static_cast<unsigned long long>(bound);
    double c = std::ceil(v.get_double());
    if (c < -0x1p63) return false;
    if (c >= 0x1p63) return true;
    return static_cast<long long>(c) > bound;
}

// A number field's bounds as values, so that one function checks every field's.
struct number_bounds {
    bool integer;  // the field holds an integer type
    bool has_minimum, has_maximum;
    long long minimum, maximum;
};

template<class F, class... Rules>
inline constexpr number_bounds number_bounds_of{is_json_integer<F>, rule_count<4, Rules...> != 0, rule_count<5, Rules...> != 0,
                                                rule_value<4, 0LL, Rules...>(), rule_value<5, 0LL, Rules...>()};

// A number outside the field's own bounds is reported with those bounds, even when it would
// not fit the C++ type either: "must be at most 1000" helps more than the type's range. False
// when it is outside. (field<> allows no minimum above the maximum: at most one can fail.)
inline bool check_bounds_first(const boost::json::value& v, decode_context& ctx, const number_bounds& b) {
    if (!v.is_number()) return true;
    if (b.integer && v.is_double() && std::trunc(v.get_double()) != v.get_double()) return true;
    if (b.has_minimum && number_less(v, b.minimum)) {
        fail_bound(ctx, true, b.minimum, v);
        return false;
    }
    if (b.has_maximum && number_greater(v, b.maximum)) {
        fail_bound(ctx, false, b.maximum, v);
        return false;
    }
    return true;
}

// A string field's lengths, when the byte length alone cannot decide: n bytes of UTF-8 hold
// between ceil(n/4) and n code points. False when one is broken.
[[gnu::noinline]] inline bool check_lengths(const std::string& value, decode_context& ctx, std::size_t min_length,
                                            std::size_t max_length) {
    const std::size_t len = code_points(value);
    if (len < min_length) {
        fail_length(ctx, true, min_length, len);
        return false;
    }
    if (len > max_length) {
        fail_length(ctx, false, max_length, len);
        return false;
    }
    return true;
}

// Compiled once, not once per field: a format's check is long.
[[gnu::noinline]] inline void check_format(const std::string& value, decode_context& ctx, std::string_view format) {
    if (!matches_format(format, value)) ctx.fail(error_code::invalid_format, format_phrase(format));
}

// A string into a string field: its value, then its rules. Lengths first, whatever order the
// field lists its rules in: the pattern then never sees an over-long string and its message
// never repeats a length error; then the pattern and the format, in the order listed. The
// usual case (lengths decided by the byte count) stays inline with its bounds as constants.
template<class... Rules>
void read_text(std::string& out, std::string_view s, decode_context& ctx) {
    constexpr std::size_t min_length = rule_value<2, std::size_t{0}, Rules...>();
    constexpr std::size_t max_length = rule_value<3, ~std::size_t{0}, Rules...>();
    out.assign(s.data(), s.size());
    const std::size_t bytes = s.size();
    if ((bytes + 3) / 4 < min_length || bytes > max_length)
        if (!check_lengths(out, ctx, min_length, max_length)) return;
    ([&] {
        if constexpr (rule_kind<Rules>::value == 6) {
            if (!pattern_of<Rules>().search(out)) fail_pattern(ctx, Rules::value);
        } else if constexpr (rule_kind<Rules>::value == 7) {
            check_format(out, ctx, Rules::value);
        }
    }(), ...);
}

template<class F, class... Rules>
void decode_field(const boost::json::value& v, field<F, Rules...>& out, decode_context& ctx) {
    // minimum and maximum are checked on the JSON number itself, before it is narrowed. No
    // other rule applies to a number or a boolean.
    if constexpr (rule_count<4, Rules...> + rule_count<5, Rules...> != 0)
        if (!check_bounds_first(v, ctx, number_bounds_of<F, Rules...>)) return;
    decode_value(v, out.value, ctx);
}

// The usual number from text, stored without a JSON value around it: true when `i` (or `d`) is
// good for T, the field's bounds included, and is stored. False decides nothing: decode_value
// then gives the answer, errors and all, as it always has. Only types that read numbers call them.
template<class T> bool take_int64(T& out, std::int64_t i);
template<class T> bool take_double(T& out, double d);

// A bound the double compares with exactly: every integer up to 2^53 is one.
constexpr bool exact_in_double(long long b) noexcept { return b >= -(1LL << 53) && b <= (1LL << 53); }

template<class F, class... Rules>
bool take_field_int64(field<F, Rules...>& f, std::int64_t i) {
    constexpr number_bounds b = number_bounds_of<F, Rules...>;
    if constexpr (b.has_minimum) if (i < b.minimum) return false;
    if constexpr (b.has_maximum) if (i > b.maximum) return false;
    return take_int64(f.value, i);
}
template<class F, class... Rules>
bool take_field_double(field<F, Rules...>& f, double d) {
    constexpr number_bounds b = number_bounds_of<F, Rules...>;
    if constexpr (b.has_minimum) {
        if constexpr (!exact_in_double(b.minimum)) return false;
        if (!(d >= static_cast<double>(b.minimum))) return false;
    }
    if constexpr (b.has_maximum) {
        if constexpr (!exact_in_double(b.maximum)) return false;
        if (!(d <= static_cast<double>(b.maximum))) return false;
    }
    return take_double(f.value, d);
}

template<class T>
bool take_int64(T& out, std::int64_t i) {
    if constexpr (field_like<T>) {
        return take_field_int64(static_cast<typename T::warden_field_base&>(out), i);
    } else if constexpr (is_optional<T>::value) {
        return take_int64(out.emplace(), i);
    } else if constexpr (is_json_integer<T>) {
        if (!std::in_range<T>(i)) return false;
        out = static_cast<T>(i);
        return true;
    } else if constexpr (std::is_same_v<T, double>) {
        out = static_cast<double>(i);
        return true;
    } else {
        return false; // float, booleans, secrets: decode_value
    }
}

template<class T>
bool take_double(T& out, double d) {
    if constexpr (field_like<T>) {
        return take_field_double(static_cast<typename T::warden_field_base&>(out), d);
    } else if constexpr (is_optional<T>::value) {
        return take_double(out.emplace(), d);
    } else if constexpr (std::is_same_v<T, double>) {
        if (!std::isfinite(d)) return false;
        out = d;
        return true;
    } else {
        return false; // an integer type given a double, float, booleans, secrets: decode_value
    }
}

// A number, boolean or null into a number or boolean type (in a field, a secret or an optional),
// with a field's rules. value_reader reads strings itself (typed_value::string) and hands every
// other value here only where the type reads numbers or booleans.
template<class T>
void decode_value(const boost::json::value& v, T& out, decode_context& ctx) {
    if constexpr (field_like<T>) {
        decode_field(v, static_cast<typename T::warden_field_base&>(out), ctx);
    } else if constexpr (secret_like<T>) {
        ctx.enter_secret();
        decode_value(v, out.reveal(), ctx);
        ctx.leave_secret();
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_bool()) return fail_type(ctx, "a boolean", v);
        out = v.get_bool();
    } else if constexpr (is_json_integer<T>) {
        decode_integer(v, out, ctx);
    } else if constexpr (is_json_number<T>) {
        decode_number(v, out, ctx);
    } else if constexpr (is_optional<T>::value) {
        if (v.is_null()) {
            out.reset();
            return;
        }
        decode_value(v, out.emplace(), ctx);
    } else {
        static_assert(!sizeof(T), "decode_value reads numbers and booleans; value_reader reads the rest");
    }
}

} // namespace warden::detail

#endif
