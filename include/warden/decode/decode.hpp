#ifndef WARDEN_DECODE_DECODE_HPP
#define WARDEN_DECODE_DECODE_HPP

// decode<T>(value) reads a JSON value into T and checks every constraint T declares. It never
// stops at the first problem: the model gets every error at once, each with its JSON Pointer.

#include <warden/decode/error.hpp>
#include <warden/decode/result.hpp>
#include <warden/detail/decode_context.hpp>
#include <warden/detail/formats.hpp>
#include <warden/detail/pattern.hpp>
#include <warden/detail/type_traits.hpp>
#include <warden/schema/field.hpp>
#include <warden/schema/supported.hpp>

#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <bitset>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace warden {

struct decode_options {
    // The error list stops here (the last entry says so): a hostile input cannot make the
    // error report larger than the input deserves. 0 means no limit.
    std::size_t max_errors = 64;
};

namespace detail {

template<class T> void decode_value(const boost::json::value& v, T& out, decode_context& ctx);

inline void fail_type(decode_context& ctx, const char* expected, const boost::json::value& v) {
    std::string what = "must be ";
    what += expected;
    what += ", got ";
    what += kind_phrase(v);
    ctx.fail(error_code::wrong_type, what);
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

template<class E>
void decode_enum(const boost::json::value& v, E& out, decode_context& ctx) {
    if (!v.is_string()) return fail_type(ctx, "a string", v);
    std::string_view s = v.get_string();
    bool found = false;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto e) {
        if (!found && s == e.name) {
            out = e.value;
            found = true;
        }
    });
    if (found) return;
    std::string what = "must be one of ";
    bool first = true;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto e) {
        if (!first) what += ", ";
        what += e.name;
        first = false;
    });
    if (!ctx.in_secret()) what += "; got " + quote_for_message(s);
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
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == key) return i;
    return names.size();
}

// Built once per struct: a call with unknown fields is common enough (models guess).
template<class T>
std::string_view unknown_field_phrase() {
    static const std::string phrase = [] {
        constexpr auto& names = member_names<T, public_members<T>>::value;
        if (names.empty()) return std::string("unknown field; this object takes no fields");
        std::string what = "unknown field; allowed fields are ";
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (i) what += ", ";
            what += names[i];
        }
        return what;
    }();
    return phrase;
}

template<class T>
void decode_struct(const boost::json::value& v, T& out, decode_context& ctx) {
    if (!v.is_object()) return fail_type(ctx, "an object", v);
    using members = public_members<T>;
    constexpr std::size_t n = boost::mp11::mp_size<members>::value;
    std::bitset<n> seen;
    for (const auto& kv : v.get_object()) {
        if (ctx.full()) return;
        std::size_t i = member_index<T>(kv.key());
        if (i == n) {
            decode_context::scope at(ctx, kv.key());
            ctx.fail(error_code::unknown_field, unknown_field_phrase<T>());
            continue;
        }
        if constexpr (n > 0) {
            seen.set(i);
            boost::mp11::mp_with_index<n>(i, [&](auto I) {
                constexpr auto d = boost::mp11::mp_at_c<members, I>();
                decode_context::scope at(ctx, d.name);
                decode_value(kv.value(), out.*d.pointer, ctx);
            });
        }
    }
    std::size_t i = 0;
    boost::mp11::mp_for_each<members>([&](auto d) {
        using M = std::remove_cvref_t<decltype(out.*d.pointer)>;
        if (!seen.test(i++) && !is_optional<M>::value) {
            decode_context::scope at(ctx, d.name);
            ctx.fail(error_code::missing_field, "required field is missing");
        }
    });
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

// minimum and maximum are checked on the JSON number itself, before it is narrowed: see
// check_bounds_first.
template<class Rule, class T>
void check_rule(const T& value, decode_context& ctx) {
    constexpr int kind = rule_kind<Rule>::value;
    if constexpr (kind == 2 || kind == 3) {
        // n bytes of UTF-8 hold between ceil(n/4) and n code points: count only when the byte
        // length cannot decide.
        const std::size_t bytes = value.size();
        if (kind == 2 ? (bytes + 3) / 4 >= Rule::value : bytes <= Rule::value) return;
        std::size_t len = code_points(value);
        bool bad = kind == 2 ? len < Rule::value : len > Rule::value;
        if (bad)
            ctx.fail(kind == 2 ? error_code::too_short : error_code::too_long,
                     std::string(kind == 2 ? "must be at least " : "must be at most ") + std::to_string(Rule::value) +
                         plural(Rule::value, " character", " characters") + got_suffix(ctx, std::to_string(len)));
    } else if constexpr (kind == 6) {
        if (!pattern_of<Rule>().search(value))
            ctx.fail(error_code::pattern_mismatch, "must match the pattern " + std::string(Rule::value));
    } else if constexpr (kind == 7) {
        if (!matches_format(Rule::value, value)) ctx.fail(error_code::invalid_format, format_phrase(Rule::value));
    } else if constexpr (kind == 8 || kind == 9) {
        std::size_t n = value.size();
        bool bad = kind == 8 ? n < Rule::value : n > Rule::value;
        if (bad)
            ctx.fail(kind == 8 ? error_code::too_few_items : error_code::too_many_items,
                     std::string(kind == 8 ? "must have at least " : "must have at most ") +
                         std::to_string(Rule::value) + plural(Rule::value, " item", " items") +
                         ", got " + std::to_string(n));
    }
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

// A number outside the field's own bounds is reported with those bounds, even when it would
// not fit the C++ type either: "must be at most 1000" helps more than the type's range.
template<class F, class... Rules>
bool check_bounds_first(const boost::json::value& v, decode_context& ctx) {
    if constexpr (is_json_integer<F> || is_json_number<F>) {
        if (!v.is_number()) return true;
        if (is_json_integer<F> && v.is_double() && std::trunc(v.get_double()) != v.get_double()) return true;
        bool ok = true;
        ([&] {
            if constexpr (rule_kind<Rules>::value == 4 || rule_kind<Rules>::value == 5) {
                bool bad = rule_kind<Rules>::value == 4 ? number_less(v, Rules::value) : number_greater(v, Rules::value);
                if (ok && bad) {
                    ok = false;
                    ctx.fail(error_code::out_of_range,
                             std::string(rule_kind<Rules>::value == 4 ? "must be at least " : "must be at most ") +
                                 std::to_string(Rules::value) + got_suffix(ctx, number_text(v)));
                }
            }
        }(), ...);
        return ok;
    } else {
        return true;
    }
}

// Length rules run before pattern and format, whatever order they were written in: the pattern
// then never sees an over-long string and its message never repeats a length error.
template<class F, class... Rules>
void decode_field(const boost::json::value& v, field<F, Rules...>& out, decode_context& ctx) {
    std::size_t before = ctx.error_count();
    if (!check_bounds_first<F, Rules...>(v, ctx)) return;
    decode_value(v, out.value, ctx);
    if (ctx.error_count() != before) return;
    ((rule_kind<Rules>::value != 6 && rule_kind<Rules>::value != 7 ? check_rule<Rules>(out.value, ctx) : void()), ...);
    if (ctx.error_count() != before) return;
    ((rule_kind<Rules>::value == 6 || rule_kind<Rules>::value == 7 ? check_rule<Rules>(out.value, ctx) : void()), ...);
}

template<class T>
void decode_value(const boost::json::value& v, T& out, decode_context& ctx) {
    WARDEN_ASSERT_SUPPORTED(T);
    if constexpr (field_like<T>) {
        decode_field(v, static_cast<typename T::warden_field_base&>(out), ctx);
    } else if constexpr (secret_like<T>) {
        ctx.enter_secret();
        decode_value(v, out.reveal(), ctx);
        ctx.leave_secret();
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (!v.is_string()) return fail_type(ctx, "a string", v);
        out.assign(v.get_string().data(), v.get_string().size());
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_bool()) return fail_type(ctx, "a boolean", v);
        out = v.get_bool();
    } else if constexpr (is_json_integer<T>) {
        decode_integer(v, out, ctx);
    } else if constexpr (is_json_number<T>) {
        decode_number(v, out, ctx);
    } else if constexpr (is_described_enum<T>) {
        decode_enum(v, out, ctx);
    } else if constexpr (is_optional<T>::value) {
        if (v.is_null()) {
            out.reset();
            return;
        }
        decode_value(v, out.emplace(), ctx);
    } else if constexpr (is_vector<T>::value) {
        if (!v.is_array()) return fail_type(ctx, "an array", v);
        const auto& a = v.get_array();
        out.clear();
        out.resize(a.size());
        for (std::size_t i = 0; i < a.size() && !ctx.full(); ++i) {
            decode_context::scope at(ctx, i);
            decode_value(a[i], out[i], ctx);
        }
    } else if constexpr (is_string_map<T>::value) {
        if (!v.is_object()) return fail_type(ctx, "an object", v);
        out.clear();
        for (const auto& kv : v.get_object()) {
            if (ctx.full()) return;
            decode_context::scope at(ctx, kv.key());
            decode_value(kv.value(), out[std::string(kv.key())], ctx);
        }
    } else if constexpr (is_described_struct<T>) {
        decode_struct(v, out, ctx);
    }
}

} // namespace detail

// Reads `v` into a T, checking types, unknown and missing fields and every declared constraint.
// Returns the T, or every error found (up to options.max_errors).
template<class T>
result<T> decode(const boost::json::value& v, const decode_options& options = {}) {
    detail::decode_context ctx(options.max_errors);
    T out{};
    detail::decode_value(v, out, ctx);
    if (ctx.error_count() != 0) return result<T>(ctx.take_errors());
    return result<T>(std::move(out));
}

} // namespace warden

#endif
