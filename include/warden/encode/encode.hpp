#ifndef WARDEN_ENCODE_ENCODE_HPP
#define WARDEN_ENCODE_ENCODE_HPP

// encode() writes what a type declares and nothing else: described members only, empty
// optionals left out rather than null, and secrets as "[redacted]".

#include <warden/detail/json_text.hpp>
#include <warden/detail/type_traits.hpp>
#include <warden/schema/supported.hpp>
#include <warden/types/secret.hpp>

#include <boost/describe/enum.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <string>

namespace warden {

namespace detail {

// Out of line: Boost.JSON's insertions are long templates, and each member of each type would
// otherwise get a copy of one.
[[gnu::noinline]] inline void put_member(boost::json::object& o, std::string_view name, boost::json::value&& v) {
    o.emplace(name, std::move(v));
}
[[gnu::noinline]] inline boost::json::value encode_text(std::string_view s, const boost::json::storage_ptr& sp) {
    return boost::json::value(boost::json::string_view(s), sp);
}
[[gnu::noinline]] inline void put_element(boost::json::array& a, boost::json::value&& v) { a.push_back(std::move(v)); }

// reveal: secrets as their values, for what never leaves the server (an idempotency fingerprint).
// A flag, not a template parameter: an input type is encoded both ways, and compiled once.
template<class T>
boost::json::value encode_value(const T& v, const boost::json::storage_ptr& sp, bool reveal = false) {
    WARDEN_ASSERT_SUPPORTED(T);
    if constexpr (field_like<T>) {
        return encode_value(static_cast<const typename T::warden_field_base&>(v).value, sp, reveal);
    } else if constexpr (secret_like<T>) {
        if (reveal) return encode_value(v.reveal(), sp, reveal);
        return boost::json::value(redacted, sp);
    } else if constexpr (std::is_same_v<T, std::string>) {
        return encode_text(v, sp);
    } else if constexpr (std::is_same_v<T, bool> || is_json_integer<T> || is_json_number<T>) {
        return boost::json::value(v, sp);
    } else if constexpr (is_described_enum<T>) {
        // The first name with this value, or "" for a value no enumerator names (as enum_to_string).
        using table = enumerator_names<T>;
        for (std::size_t i = 0; i < table::values.size(); ++i)
            if (table::values[i] == v) return encode_text(table::value[i], sp);
        return encode_text({}, sp);
    } else if constexpr (is_optional<T>::value) {
        // Reached only for an optional inside a container; members skip empty optionals.
        if (!v) return boost::json::value(nullptr, sp);
        return encode_value(*v, sp, reveal);
    } else if constexpr (is_vector<T>::value) {
        boost::json::array a(sp);
        a.reserve(v.size());
        for (const auto& e : v) put_element(a, encode_value(e, sp, reveal));
        return a;
    } else if constexpr (is_string_map<T>::value) {
        boost::json::object o(sp);
        o.reserve(v.size());
        for (const auto& [k, e] : v) put_member(o, k, encode_value(e, sp, reveal));
        return o;
    } else if constexpr (is_described_struct<T>) {
        boost::json::object o(sp);
        o.reserve(boost::mp11::mp_size<public_members<T>>::value);
        boost::mp11::mp_for_each<public_members<T>>([&](auto d) {
            const auto& m = v.*d.pointer;
            if constexpr (is_optional<std::remove_cvref_t<decltype(m)>>::value) {
                if (!m) return;
            }
            put_member(o, d.name, encode_value(m, sp, reveal));
        });
        return o;
    }
}

// A member's key as written after another member, `,"name":`, made at compile time: one append
// per member, without a strlen of its name. (A C++ name: nothing to escape.)
template<class D>
struct member_key {
    static constexpr std::size_t length = std::char_traits<char>::length(D::name);
    static constexpr std::array<char, length + 4> text = [] {
        std::array<char, length + 4> a{};
        a[0] = ',';
        a[1] = '"';
        for (std::size_t i = 0; i < length; ++i) a[i + 2] = D::name[i];
        a[length + 2] = '"';
        a[length + 3] = ':';
        return a;
    }();
    static void append(std::string& out, bool first) {
        if (first) out.append(text.data() + 1, length + 3);
        else out.append(text.data(), length + 4);
    }
};

// encode_value's JSON, written as text: what a reply carries, without a DOM in between.
template<class T>
void write_json(std::string& out, const T& v, bool reveal = false) {
    WARDEN_ASSERT_SUPPORTED(T);
    if constexpr (field_like<T>) {
        write_json(out, static_cast<const typename T::warden_field_base&>(v).value, reveal);
    } else if constexpr (secret_like<T>) {
        if (reveal) write_json(out, v.reveal(), reveal);
        else append_json_string(out, redacted);
    } else if constexpr (std::is_same_v<T, std::string>) {
        append_json_string(out, v);
    } else if constexpr (std::is_same_v<T, bool>) {
        out += v ? "true"sv : "false"sv;
    } else if constexpr (is_json_integer<T>) {
        append_json_integer(out, v);
    } else if constexpr (is_json_number<T>) {
        append_json_number(out, static_cast<double>(v));
    } else if constexpr (is_described_enum<T>) {
        using table = enumerator_names<T>;
        std::string_view name;
        for (std::size_t i = table::values.size(); i-- > 0;)
            if (table::values[i] == v) name = table::value[i]; // the first with this value
        append_json_string(out, name);
    } else if constexpr (is_optional<T>::value) {
        if (!v) out += "null"sv;
        else write_json(out, *v, reveal);
    } else if constexpr (is_vector<T>::value) {
        out += '[';
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i) out += ',';
            write_json(out, v[i], reveal);
        }
        out += ']';
    } else if constexpr (is_string_map<T>::value) {
        out += '{';
        bool first = true;
        for (const auto& [k, e] : v) {
            if (!first) out += ',';
            first = false;
            append_json_string(out, k);
            out += ':';
            write_json(out, e, reveal);
        }
        out += '}';
    } else if constexpr (is_described_struct<T>) {
        out += '{';
        bool first = true;
        boost::mp11::mp_for_each<public_members<T>>([&](auto d) {
            const auto& m = v.*d.pointer;
            if constexpr (is_optional<std::remove_cvref_t<decltype(m)>>::value) {
                if (!m) return;
            }
            member_key<decltype(d)>::append(out, first);
            first = false;
            write_json(out, m, reveal);
        });
        out += '}';
    }
}

} // namespace detail

// The JSON form of a value of a supported type.
template<class T>
boost::json::value encode(const T& value, boost::json::storage_ptr sp = {}) {
    return detail::encode_value(value, sp);
}

} // namespace warden

#endif
