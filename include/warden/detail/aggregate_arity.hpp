#ifndef WARDEN_DETAIL_AGGREGATE_ARITY_HPP
#define WARDEN_DETAIL_AGGREGATE_ARITY_HPP

// Counts the initializers an aggregate takes, to catch a member left out of
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

template<class T, std::size_t N = 0>
constexpr std::size_t aggregate_arity() {
    if constexpr (N > 128 || !brace_initializable<T>(std::make_index_sequence<N + 1>{})) return N;
    else return aggregate_arity<T, N + 1>();
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
        return aggregate_arity<T>() == bases + own;
    }
}

} // namespace warden::detail

#endif
