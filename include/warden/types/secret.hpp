#ifndef WARDEN_TYPES_SECRET_HPP
#define WARDEN_TYPES_SECRET_HPP

// secret<T> is decoded like T but never printed: streams, traces and encode() show
// "[redacted]", and a secret anywhere in an output struct is a compile error.

#include <ostream>
#include <string_view>

namespace warden {

inline constexpr std::string_view redacted = "[redacted]";

template<class T>
class secret {
public:
    using warden_secret_of = T;

    secret() = default;
    explicit secret(T v) : value_(std::move(v)) {}

    // The only way to the value: a name that stands out in review.
    const T& reveal() const noexcept { return value_; }
    T& reveal() noexcept { return value_; }

    friend bool operator==(const secret&, const secret&) = default;
    friend std::ostream& operator<<(std::ostream& os, const secret&) { return os << redacted; }

private:
    T value_{};
};

} // namespace warden

#endif
