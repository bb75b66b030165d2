#ifndef WARDEN_DECODE_DECODE_HPP
#define WARDEN_DECODE_DECODE_HPP

// decode<T>(value) reads a JSON value into T and checks every constraint T declares. It never
// stops at the first problem: the model gets every error at once, each with its JSON Pointer.

#include <warden/decode/error.hpp>
#include <warden/decode/result.hpp>
#include <warden/detail/decode_context.hpp>
#include <warden/detail/value_reader.hpp>

#include <boost/json/value.hpp>

#include <cstddef>

namespace warden {

struct decode_options {
    // The error list stops here (the last entry says so): a hostile input cannot make the
    // error report larger than the input deserves. 0 means no limit.
    std::size_t max_errors = 64;
};

// Reads `v` into a T, checking types, unknown and missing fields and every declared constraint.
// Returns the T, or every error found (up to options.max_errors).
template<class T>
result<T> decode(const boost::json::value& v, const decode_options& options = {}) {
    detail::decode_context ctx(options.max_errors);
    T out{};
    {
        detail::value_reader reader(detail::typed_value<T>::ops, &out, ctx, false);
        detail::read_value(v, reader);
    }
    if (ctx.error_count() != 0) return result<T>(ctx.take_errors());
    return result<T>(std::move(out));
}

} // namespace warden

#endif
