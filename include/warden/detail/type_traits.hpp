#ifndef WARDEN_DETAIL_TYPE_TRAITS_HPP
#define WARDEN_DETAIL_TYPE_TRAITS_HPP

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace warden::detail {

template<class T> struct is_optional : std::false_type {};
template<class T> struct is_optional<std::optional<T>> : std::true_type {};

template<class T> struct is_vector : std::false_type {};
template<class T> struct is_vector<std::vector<T>> : std::true_type {};

template<class T> struct is_string_map : std::false_type {};
template<class V> struct is_string_map<std::map<std::string, V>> : std::true_type {};

// Character types are integers to C++ but never what a JSON field means.
template<class T>
inline constexpr bool is_json_integer =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
    !std::is_same_v<T, wchar_t> && !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> &&
    !std::is_same_v<T, char32_t>;

template<class T>
inline constexpr bool is_json_number = std::is_same_v<T, double> || std::is_same_v<T, float>;

template<class T>
inline constexpr bool is_described_struct =
    std::is_class_v<T> && boost::describe::has_describe_members<T>::value;

template<class T>
inline constexpr bool is_described_enum =
    std::is_enum_v<T> && boost::describe::has_describe_enumerators<T>::value;

template<class T>
using public_members = boost::describe::describe_members<T, boost::describe::mod_public | boost::describe::mod_inherited>;

// A described enum's names and values, in declaration order: one table for the decoder, the
// encoder and the schema.
template<class E, class L = boost::describe::describe_enumerators<E>> struct enumerator_names;
template<class E, template<class...> class L, class... D>
struct enumerator_names<E, L<D...>> {
    static constexpr std::array<std::string_view, sizeof...(D)> value{std::string_view(D::name)...};
    static constexpr std::array<E, sizeof...(D)> values{D::value...};
};

// Wrappers (field, secret, idempotency_key) say what they wrap through these members; a type
// derived from a wrapper keeps them, so it is handled like its base.
template<class T>
concept field_like = requires { typename T::warden_field_base; };

template<class T>
concept secret_like = requires { typename T::warden_secret_of; };

// A struct that names itself (static constexpr std::string_view schema_name) goes to $defs once
// and is referenced by $ref wherever it appears.
template<class T>
concept named_schema = is_described_struct<T> && !field_like<T> && !secret_like<T> && requires {
    { T::schema_name } -> std::convertible_to<std::string_view>;
};

} // namespace warden::detail

#endif
