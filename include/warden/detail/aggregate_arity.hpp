#ifndef WARDEN_DETAIL_AGGREGATE_ARITY_HPP
#define WARDEN_DETAIL_AGGREGATE_ARITY_HPP

// Checks how many initializers an aggregate takes, to catch a member left out of
// BOOST_DESCRIBE_STRUCT: Boost.Describe cannot see it, so without this check the schema would
// omit it and the decoder would leave it default-initialized without a word.

#include <warden/detail/type_traits.hpp>

#include <boost/describe/bases.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>

namespace warden::detail {

// Converts to any member type; used only in unevaluated contexts. Converting to references
// keeps class types with converting constructors (std::optional) unambiguous.
struct any_member {
    template<class T> operator T&() const&&;
    template<class T> operator T&&() const&&;
};

template<class T, std::size_t... I>
constexpr bool brace_initializable(std::index_sequence<I...>) {
    return requires { T{(void(I), any_member{})...}; };
}

// True when every member (and base) of an aggregate is in its description; classes that are not
// aggregates are taken at their word.
template<class T>
constexpr bool describes_every_member() {
    if constexpr (!std::is_aggregate_v<T>) {
        return true;
    } else {
        constexpr std::size_t bases =
            boost::mp11::mp_size<boost::describe::describe_bases<T, boost::describe::mod_any_access>>::value;
        constexpr std::size_t own =
            boost::mp11::mp_size<boost::describe::describe_members<T, boost::describe::mod_any_access>>::value;
        // Each initializer takes one whole member (any_member converts to any type, so no brace
        // elision), and fewer always do: the count is right when it fits and one more does not.
        // Two probes, where counting up from zero would take one per member.
        return brace_initializable<T>(std::make_index_sequence<bases + own>{}) &&
               !brace_initializable<T>(std::make_index_sequence<bases + own + 1>{});
    }
}

} // namespace warden::detail

#endif
