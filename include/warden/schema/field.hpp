#ifndef WARDEN_SCHEMA_FIELD_HPP
#define WARDEN_SCHEMA_FIELD_HPP

// field<T, Rules...> is a member of a tool's input or output struct that carries its own
// constraints. The rules are checked here, when the struct is declared, so a constraint that
// cannot hold never reaches run time.

#include <warden/detail/formats.hpp>
#include <warden/detail/pattern.hpp>
#include <warden/detail/type_traits.hpp>
#include <warden/schema/rules.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

namespace warden {

namespace detail {

template<class Rule> struct rule_kind { static constexpr int value = 0; };
template<fixed_string S> struct rule_kind<doc<S>> { static constexpr int value = 1; };
template<std::size_t N> struct rule_kind<min_length<N>> { static constexpr int value = 2; };
template<std::size_t N> struct rule_kind<max_length<N>> { static constexpr int value = 3; };
template<long long N> struct rule_kind<minimum<N>> { static constexpr int value = 4; };
template<long long N> struct rule_kind<maximum<N>> { static constexpr int value = 5; };
template<fixed_string S> struct rule_kind<pattern<S>> { static constexpr int value = 6; };
template<fixed_string S> struct rule_kind<format<S>> { static constexpr int value = 7; };
template<std::size_t N> struct rule_kind<min_items<N>> { static constexpr int value = 8; };
template<std::size_t N> struct rule_kind<max_items<N>> { static constexpr int value = 9; };

template<int Kind, class... Rules>
inline constexpr int rule_count = ((rule_kind<Rules>::value == Kind ? 1 : 0) + ... + 0);

// The value of the rule of a kind, or `fallback` when the field has none.
template<int Kind, auto Fallback, class... Rules>
constexpr auto rule_value() {
    auto v = Fallback;
    ([&] {
        if constexpr (rule_kind<Rules>::value == Kind) v = Rules::value;
    }(), ...);
    return v;
}

template<class Rule> inline constexpr bool is_string_rule = false;
template<std::size_t N> inline constexpr bool is_string_rule<min_length<N>> = true;
template<std::size_t N> inline constexpr bool is_string_rule<max_length<N>> = true;
template<fixed_string S> inline constexpr bool is_string_rule<pattern<S>> = true;
template<fixed_string S> inline constexpr bool is_string_rule<format<S>> = true;

template<class Rule> inline constexpr bool is_number_rule = false;
template<long long N> inline constexpr bool is_number_rule<minimum<N>> = true;
template<long long N> inline constexpr bool is_number_rule<maximum<N>> = true;

template<class Rule> inline constexpr bool is_array_rule = false;
template<std::size_t N> inline constexpr bool is_array_rule<min_items<N>> = true;
template<std::size_t N> inline constexpr bool is_array_rule<max_items<N>> = true;

template<class Rule> inline constexpr bool is_pattern_supported = true;
template<fixed_string S> inline constexpr bool is_pattern_supported<pattern<S>> = pattern_problem(S.view()) == nullptr;

template<class Rule> inline constexpr bool is_format_known = true;
template<fixed_string S> inline constexpr bool is_format_known<format<S>> = is_known_format(S.view());

template<class T, long long N>
constexpr bool fits() {
    if constexpr (is_json_integer<T>) {
        if constexpr (std::is_signed_v<T>)
            return N >= static_cast<long long>(std::numeric_limits<T>::min()) &&
                   N <= static_cast<long long>(std::numeric_limits<T>::max());
        else
            return N >= 0 && static_cast<unsigned long long>(N) <= std::numeric_limits<T>::max();
    } else {
        return true;
    }
}

template<class T, class Rule> inline constexpr bool bound_fits = true;
template<class T, long long N> inline constexpr bool bound_fits<T, minimum<N>> = fits<T, N>();
template<class T, long long N> inline constexpr bool bound_fits<T, maximum<N>> = fits<T, N>();

template<class T>
inline constexpr bool is_std_string = std::is_same_v<T, std::string>;

} // namespace detail

template<class T, class... Rules>
struct field {
    using value_type = T;
    using warden_field_base = field;

    // The rules are checked in order, so the first broken one is the only message.
    static_assert(((detail::rule_kind<Rules>::value != 0) && ...),
                  "warden: field<T, Rules...> takes only warden rules (doc, min_length, max_length, "
                  "minimum, maximum, pattern, format, min_items, max_items)");
    static_assert(((detail::rule_count<detail::rule_kind<Rules>::value, Rules...> == 1) && ...),
                  "warden: a field lists the same kind of rule twice; keep one");
    static_assert(detail::is_std_string<T> || !(detail::is_string_rule<Rules> || ...),
                  "warden: min_length, max_length, pattern and format apply to std::string fields only");
    static_assert(detail::is_json_integer<T> || detail::is_json_number<T> ||
                      !(detail::is_number_rule<Rules> || ...),
                  "warden: minimum and maximum apply to integer and floating-point fields only");
    static_assert(detail::is_vector<T>::value || !(detail::is_array_rule<Rules> || ...),
                  "warden: min_items and max_items apply to std::vector fields only");
    static_assert((detail::bound_fits<T, Rules> && ...),
                  "warden: minimum or maximum lies outside the range of the field's integer type; "
                  "widen the type or fix the bound");
    static_assert((detail::is_format_known<Rules> && ...),
                  "warden: unknown format; use date, time, date-time, email, uuid or ipv4");
    static_assert((detail::is_pattern_supported<Rules> && ...),
                  "warden: the pattern is not a regular expression warden supports (ECMAScript with the u flag, "
                  "without backreferences, lookaround or \\b); detail::pattern_problem(\"...\") says why");
    static_assert(detail::rule_count<6, Rules...> == 0 || detail::rule_count<3, Rules...> == 1,
                  "warden: a pattern needs a max_length on the same field, so that matching stays bounded");
    static_assert(detail::rule_value<2, std::size_t{0}, Rules...>() <=
                      detail::rule_value<3, ~std::size_t{0}, Rules...>(),
                  "warden: min_length is greater than max_length; the constraint can never hold");
    static_assert(detail::rule_value<4, std::numeric_limits<long long>::min(), Rules...>() <=
                      detail::rule_value<5, std::numeric_limits<long long>::max(), Rules...>(),
                  "warden: minimum is greater than maximum; the constraint can never hold");
    static_assert(detail::rule_value<8, std::size_t{0}, Rules...>() <=
                      detail::rule_value<9, ~std::size_t{0}, Rules...>(),
                  "warden: min_items is greater than max_items; the constraint can never hold");

    T value{};

    constexpr const T& operator*() const& noexcept { return value; }
    constexpr T& operator*() & noexcept { return value; }
    constexpr const T* operator->() const noexcept { return &value; }
    constexpr T* operator->() noexcept { return &value; }
    constexpr operator const T&() const noexcept { return value; }

    friend bool operator==(const field&, const field&) = default;
};

// A string of Min..Max code points: text<1, 2000>.
template<std::size_t Min, std::size_t Max, class... Rules>
using text = field<std::string, min_length<Min>, max_length<Max>, Rules...>;

// An integer in [Min, Max]: integer<1, 1000>, or integer<0, 255, std::uint8_t>.
template<long long Min, long long Max, class Int = std::int64_t, class... Rules>
using integer = field<Int, minimum<Min>, maximum<Max>, Rules...>;

} // namespace warden

#endif
