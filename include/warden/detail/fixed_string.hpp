#ifndef WARDEN_DETAIL_FIXED_STRING_HPP
#define WARDEN_DETAIL_FIXED_STRING_HPP

#include <cstddef>
#include <string_view>

namespace warden::detail {

// A string literal usable as a template argument: pattern<"^[A-Z]+$">, doc<"...">.
template<std::size_t N>
struct fixed_string {
    char data[N]{};

    constexpr fixed_string(const char (&s)[N]) noexcept {
        for (std::size_t i = 0; i < N; ++i) data[i] = s[i];
    }
    constexpr std::string_view view() const noexcept { return {data, N - 1}; }
    constexpr std::size_t size() const noexcept { return N - 1; }
};

} // namespace warden::detail

#endif
