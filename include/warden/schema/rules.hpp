#ifndef WARDEN_SCHEMA_RULES_HPP
#define WARDEN_SCHEMA_RULES_HPP

// The constraint vocabulary of a field. Each rule is an empty type that names one JSON Schema
// keyword; warden::field<T, Rules...> attaches rules to a member so that the schema, the decoder
// and the compile-time checks all read the same declaration.

#include <warden/detail/fixed_string.hpp>

#include <cstddef>
#include <string_view>

namespace warden {

// `description` of the field.
template<detail::fixed_string Text>
struct doc {
    static constexpr std::string_view value = Text.view();
};

// `minLength` / `maxLength`, counted in Unicode code points as JSON Schema counts.
template<std::size_t N>
struct min_length {
    static constexpr std::size_t value = N;
};
template<std::size_t N>
struct max_length {
    static constexpr std::size_t value = N;
};

// `minimum` / `maximum`, inclusive. Integer bounds only: clang 14 has no floating-point
// template arguments, and integer bounds cover the fields tools really have.
template<long long N>
struct minimum {
    static constexpr long long value = N;
};
template<long long N>
struct maximum {
    static constexpr long long value = N;
};

// `pattern`: an ECMAScript regular expression, searched (not anchored), as JSON Schema does.
template<detail::fixed_string Regex>
struct pattern {
    static constexpr std::string_view value = Regex.view();
};

// `format`: one of the formats warden validates (see docs/constraints.md).
template<detail::fixed_string Name>
struct format {
    static constexpr std::string_view value = Name.view();
};

// `minItems` / `maxItems` of a std::vector field.
template<std::size_t N>
struct min_items {
    static constexpr std::size_t value = N;
};
template<std::size_t N>
struct max_items {
    static constexpr std::size_t value = N;
};

} // namespace warden

#endif
