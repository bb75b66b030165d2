#ifndef WARDEN_DECODE_ERROR_HPP
#define WARDEN_DECODE_ERROR_HPP

// What went wrong with one value: where (an RFC 6901 JSON Pointer), what kind (a stable code a
// program can branch on), and a sentence a model can act on.

#include <boost/describe/enum.hpp>
#include <boost/describe/enum_to_string.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value_from.hpp>

#include <string>
#include <vector>

namespace warden {

enum class error_code {
    invalid_json,     // the bytes are not JSON (or not UTF-8)
    too_large,        // the document is longer than the parse limit
    too_deep,         // the document nests deeper than the parse limit
    duplicate_key,    // an object names the same key twice
    unknown_field,    // a key the struct does not declare
    missing_field,    // a required member is absent
    wrong_type,       // e.g. a number where a string belongs
    too_short,        // fewer code points than min_length
    too_long,         // more code points than max_length
    out_of_range,     // a number outside minimum..maximum or its C++ type
    pattern_mismatch, // the string does not match pattern
    invalid_format,   // the string is not a valid `format` value
    not_in_enum,      // a string that names no enumerator
    too_few_items,    // fewer elements than min_items
    too_many_items,   // more elements than max_items
    too_many_errors,  // the list stops here; more errors were found
};
BOOST_DESCRIBE_ENUM(error_code, invalid_json, too_large, too_deep, duplicate_key, unknown_field, missing_field,
                    wrong_type, too_short, too_long, out_of_range, pattern_mismatch, invalid_format, not_in_enum,
                    too_few_items, too_many_items, too_many_errors)

inline const char* to_string(error_code c) noexcept { return boost::describe::enum_to_string(c, "unknown"); }

struct error {
    std::string path;    // JSON Pointer to the offending value; "" is the whole document
    error_code code;
    std::string message; // "/note: must be at most 2000 characters, got 2013"

    friend bool operator==(const error&, const error&) = default;
};

inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const error& e) {
    v = boost::json::object{{"path", e.path}, {"code", to_string(e.code)}, {"message", e.message}};
}

// The errors as a JSON array, the shape tool-call error results carry.
inline boost::json::array to_json(const std::vector<error>& errors) {
    boost::json::array a;
    a.reserve(errors.size());
    for (const auto& e : errors) {
        boost::json::object o; // emplaced into reserved room, without an initializer list in between
        o.reserve(3);
        o.emplace("path", e.path);
        o.emplace("code", to_string(e.code));
        o.emplace("message", e.message);
        a.emplace_back(std::move(o));
    }
    return a;
}

} // namespace warden

#endif
