#ifndef WARDEN_POLICY_TRAITS_HPP
#define WARDEN_POLICY_TRAITS_HPP

// Policy traits say what a tool does to the world. They are types, composed in
// warden::policy<...>, so the server enforces exactly what the annotations advertise.

#include <warden/detail/fixed_string.hpp>

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

namespace warden {

struct read_only {};            // reads only; no idempotency or approval needed
struct mutating {};             // changes state; needs an idempotency key source
struct requires_approval {};    // a human approves each call; needs an authorize() policy check
struct external_side_effect {}; // acts outside the system (email, payment); implies mutating and approval
struct open_world {};           // reaches systems beyond the server's own (sets openWorldHint)

// The deadline of one call, in milliseconds; the server default applies when absent.
template<long long Milliseconds>
struct timeout_ms {
    static constexpr long long value = Milliseconds;
};

// A scope the caller's token must carry to call the tool.
template<detail::fixed_string Scope>
struct required_scope {
    static constexpr std::string_view value = Scope.view();
};

template<class... Traits>
struct policy {
    using traits = boost::mp11::mp_list<Traits...>;
};

namespace detail {

template<class T> struct is_timeout : std::false_type {};
template<long long Ms> struct is_timeout<timeout_ms<Ms>> : std::true_type {};

template<class T> struct is_scope : std::false_type {};
template<fixed_string S> struct is_scope<required_scope<S>> : std::true_type {};

template<class T>
inline constexpr bool is_policy_trait =
    std::is_same_v<T, read_only> || std::is_same_v<T, mutating> || std::is_same_v<T, requires_approval> ||
    std::is_same_v<T, external_side_effect> || std::is_same_v<T, open_world> || is_timeout<T>::value ||
    is_scope<T>::value;

template<class T> struct is_policy : std::false_type {};
template<class... Ts> struct is_policy<policy<Ts...>> : std::true_type {};

template<class L> struct scope_array;
template<class... S>
struct scope_array<boost::mp11::mp_list<S...>> {
    static constexpr std::array<std::string_view, sizeof...(S)> value{S::value...};
};

} // namespace detail

// What a policy<...> means, spelled out once for the checks, the annotations and the server.
template<class Policy>
struct policy_traits {
    using traits = typename Policy::traits;

    template<class Trait>
    static constexpr bool has = boost::mp11::mp_contains<traits, Trait>::value;

    static constexpr bool is_read_only = has<read_only>;
    static constexpr bool has_external_effect = has<external_side_effect>;
    static constexpr bool is_mutating = has<mutating> || has_external_effect;
    static constexpr bool needs_approval = has<requires_approval> || has_external_effect;
    static constexpr bool is_open_world = has<open_world> || has_external_effect;

    static constexpr std::size_t timeout_count = boost::mp11::mp_count_if<traits, detail::is_timeout>::value;

    // The per-tool deadline, or nullopt for the server default.
    static constexpr std::optional<std::chrono::milliseconds> timeout() {
        using found = boost::mp11::mp_find_if<traits, detail::is_timeout>;
        if constexpr (found::value == boost::mp11::mp_size<traits>::value) return std::nullopt;
        else return std::chrono::milliseconds(boost::mp11::mp_at<traits, found>::value);
    }

    static constexpr auto scopes =
        detail::scope_array<boost::mp11::mp_copy_if<traits, detail::is_scope>>::value;
};

} // namespace warden

#endif
