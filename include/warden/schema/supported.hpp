#ifndef WARDEN_SCHEMA_SUPPORTED_HPP
#define WARDEN_SCHEMA_SUPPORTED_HPP

#include <warden/detail/type_traits.hpp>

#include <string>

namespace warden::detail {

// True for the types warden maps to JSON; containers and wrappers are checked one level at a
// time, as schema_of, decode and encode instantiate their element types.
template<class T>
constexpr bool is_supported() {
    return field_like<T> || secret_like<T> || std::is_same_v<T, std::string> || std::is_same_v<T, bool> ||
           is_json_integer<T> || is_json_number<T> || is_described_enum<T> || is_optional<T>::value ||
           is_vector<T>::value || is_string_map<T>::value || is_described_struct<T>;
}

} // namespace warden::detail

// static_assert needs a literal; this macro keeps the one message in one place.
#define WARDEN_ASSERT_SUPPORTED(T)                                                                        \
    static_assert(::warden::detail::is_supported<T>(),                                                    \
                  "warden: this field type has no JSON mapping; describe your structs and enums with "    \
                  "BOOST_DESCRIBE_STRUCT / BOOST_DESCRIBE_ENUM in their own namespace, or use std::string, " \
                  "bool, an integer, double, float, std::optional, std::vector, std::map<std::string, T> " \
                  "or secret<T>")

#endif
