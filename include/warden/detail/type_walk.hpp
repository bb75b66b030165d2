#ifndef WARDEN_DETAIL_TYPE_WALK_HPP
#define WARDEN_DETAIL_TYPE_WALK_HPP

// Compile-time walks over a type and everything it contains, for the checks that look deeper
// than one member: "every field is supported", "no secret in an output".

#include <warden/detail/aggregate_arity.hpp>
#include <warden/detail/type_traits.hpp>
#include <warden/schema/supported.hpp>

#include <boost/mp11/algorithm.hpp>

namespace warden::detail {

template<class T> struct children { using type = boost::mp11::mp_list<>; };

template<class T>
    requires field_like<T>
struct children<T> { using type = boost::mp11::mp_list<typename T::warden_field_base::value_type>; };

template<class T>
    requires secret_like<T>
struct children<T> { using type = boost::mp11::mp_list<typename T::warden_secret_of>; };

template<class T> struct children<std::optional<T>> { using type = boost::mp11::mp_list<T>; };
template<class T> struct children<std::vector<T>> { using type = boost::mp11::mp_list<T>; };
template<class V> struct children<std::map<std::string, V>> { using type = boost::mp11::mp_list<V>; };

template<class T, class L> struct member_types;
template<class T, template<class...> class L, class... D>
struct member_types<T, L<D...>> {
    using type = boost::mp11::mp_list<std::remove_cvref_t<decltype(std::declval<T&>().*D::pointer)>...>;
};

template<class T>
    requires(is_described_struct<T> && !field_like<T> && !secret_like<T>)
struct children<T> { using type = typename member_types<T, public_members<T>>::type; };

// The walks below are class templates joined by std::disjunction and std::conjunction: those
// stop instantiating at the first answer, and cost the compiler far less than a constexpr
// function with a lambda per level (the check runs for every tool).
template<class T, class... Ancestors> struct recursive_walk;
template<class T, class Children, class... Ancestors> struct recursive_children;
template<class T, class... C, class... Ancestors>
struct recursive_children<T, boost::mp11::mp_list<C...>, Ancestors...>
    : std::disjunction<recursive_walk<C, Ancestors..., T>...> {};
template<class T, class... Ancestors>
struct recursive_walk
    : std::disjunction<std::is_same<T, Ancestors>..., recursive_children<T, typename children<T>::type, Ancestors...>> {};

// True when T contains itself through a vector, optional, map or member: such a schema would
// be infinite, and the other walks below would never end.
template<class T>
constexpr bool is_recursive() { return recursive_walk<T>::value; }

template<class T> struct supported_walk;
template<class L> struct supported_children;
template<class... C> struct supported_children<boost::mp11::mp_list<C...>> : std::conjunction<supported_walk<C>...> {};
template<class T>
struct supported_walk
    : std::conjunction<std::bool_constant<is_supported<T>()>, supported_children<typename children<T>::type>> {};

template<class T>
constexpr bool every_type_supported() { return supported_walk<T>::value; }

template<class T> struct secret_walk;
template<class L> struct secret_children;
template<class... C> struct secret_children<boost::mp11::mp_list<C...>> : std::disjunction<secret_walk<C>...> {};
template<class T>
struct secret_walk : std::disjunction<std::bool_constant<secret_like<T>>, secret_children<typename children<T>::type>> {};

template<class T>
constexpr bool contains_secret() { return secret_walk<T>::value; }

template<class T>
constexpr bool fully_described() {
    if constexpr (is_described_struct<T> && !field_like<T> && !secret_like<T>) return describes_every_member<T>();
    else return true;
}

template<class T> struct described_walk;
template<class L> struct described_children;
template<class... C> struct described_children<boost::mp11::mp_list<C...>> : std::conjunction<described_walk<C>...> {};
template<class T>
struct described_walk
    : std::conjunction<std::bool_constant<fully_described<T>()>, described_children<typename children<T>::type>> {};

template<class T>
constexpr bool every_struct_fully_described() { return described_walk<T>::value; }

// The structs with a schema_name that T holds, itself included, each once.
template<class T> struct named_in;
template<class T> using named_in_t = typename named_in<T>::type;
template<class T> struct named_in {
    using own = boost::mp11::mp_if_c<named_schema<T>, boost::mp11::mp_list<T>, boost::mp11::mp_list<>>;
    using type = boost::mp11::mp_unique<boost::mp11::mp_apply<
        boost::mp11::mp_append, boost::mp11::mp_push_front<boost::mp11::mp_transform<named_in_t, typename children<T>::type>, own>>>;
};

template<class... Ts>
constexpr bool distinct_names(boost::mp11::mp_list<Ts...>*) {
    std::string_view names[] = {std::string_view(Ts::schema_name)..., {}};
    for (std::size_t i = 0; i < sizeof...(Ts); ++i)
        for (std::size_t j = i + 1; j < sizeof...(Ts); ++j)
            if (names[i] == names[j]) return false;
    return true;
}

// One name for one struct: $defs cannot hold two definitions under one name.
template<class T>
constexpr bool schema_names_distinct() { return distinct_names(static_cast<named_in_t<T>*>(nullptr)); }

template<class T> struct assert_fully_described_tree;

template<class... Ts>
constexpr bool assert_all_fully_described(boost::mp11::mp_list<Ts...>*) {
    return (assert_fully_described_tree<Ts>::value && ...);
}

// Stops at the first struct with an undescribed member, so the compiler's notes name it.
template<class T>
struct assert_fully_described_tree {
    static_assert(fully_described<T>(),
                  "warden: a member of this struct is missing from its BOOST_DESCRIBE_STRUCT list; list every "
                  "member, or it is silently left out of the schema and never decoded");
    static constexpr bool value = assert_all_fully_described(static_cast<typename children<T>::type*>(nullptr));
};

// Instantiating this for a tree with an unsupported type stops at that type, so the compiler's
// notes name it.
template<class T> struct assert_supported_tree;

template<class... Ts>
constexpr bool assert_all_supported(boost::mp11::mp_list<Ts...>*) {
    return (assert_supported_tree<Ts>::value && ...);
}

template<class T>
struct assert_supported_tree {
    WARDEN_ASSERT_SUPPORTED(T);
    static constexpr bool value = assert_all_supported(static_cast<typename children<T>::type*>(nullptr));
};

} // namespace warden::detail

#endif
