#ifndef WARDEN_DECODE_RESULT_HPP
#define WARDEN_DECODE_RESULT_HPP

#include <warden/decode/error.hpp>

#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace warden {

// Thrown by result::value() when there is no value: reading a failed decode is a bug in the caller.
class bad_result_access : public std::logic_error {
public:
    bad_result_access() : std::logic_error("warden: result has no value; check errors() first") {}
};

// Either a T or every error found on the way to it, never both.
template<class T>
class result {
public:
    result(T value) : value_(std::move(value)) {}
    result(std::vector<error> errors) : errors_(std::move(errors)) {}

    bool ok() const noexcept { return value_.has_value(); }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return checked(); }
    const T& value() const& { return const_cast<result*>(this)->checked(); }
    T&& value() && { return std::move(checked()); }
    T& operator*() & { return checked(); }
    const T& operator*() const& { return const_cast<result*>(this)->checked(); }
    T* operator->() { return &checked(); }
    const T* operator->() const { return &const_cast<result*>(this)->checked(); }

    const std::vector<error>& errors() const noexcept { return errors_; }

private:
    T& checked() {
        if (!value_) throw bad_result_access();
        return *value_;
    }

    std::optional<T> value_;
    std::vector<error> errors_;
};

} // namespace warden

#endif
