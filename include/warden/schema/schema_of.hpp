#ifndef WARDEN_SCHEMA_SCHEMA_OF_HPP
#define WARDEN_SCHEMA_SCHEMA_OF_HPP

// schema_of<T>() turns a described type into its JSON Schema (draft 2020-12). Properties keep
// declaration order and every object closes with additionalProperties: false. A struct with a
// schema_name is defined once in $defs and referenced with $ref.

#include <warden/detail/type_traits.hpp>
#include <warden/schema/field.hpp>
#include <warden/schema/supported.hpp>

#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace warden {

namespace detail {

// The definitions of named structs met so far, by name.
struct schema_defs {
    boost::json::object defs;
};

template<class T> void write_schema(boost::json::object& s, schema_defs& d);

template<class T>
void write_integer_range(boost::json::object& s) {
    using lim = std::numeric_limits<T>;
    if constexpr (std::is_signed_v<T>) {
        s["minimum"] = static_cast<std::int64_t>(lim::min());
        s["maximum"] = static_cast<std::int64_t>(lim::max());
    } else {
        s["minimum"] = 0;
        s["maximum"] = static_cast<std::uint64_t>(lim::max());
    }
}

template<class Rule>
void write_rule(boost::json::object& s) {
    constexpr int kind = rule_kind<Rule>::value;
    if constexpr (kind == 1) s["description"] = Rule::value;
    else if constexpr (kind == 2) s["minLength"] = Rule::value;
    else if constexpr (kind == 3) s["maxLength"] = Rule::value;
    else if constexpr (kind == 4) s["minimum"] = Rule::value;
    else if constexpr (kind == 5) s["maximum"] = Rule::value;
    else if constexpr (kind == 6) s["pattern"] = Rule::value;
    else if constexpr (kind == 7) s["format"] = Rule::value;
    else if constexpr (kind == 8) s["minItems"] = Rule::value;
    else if constexpr (kind == 9) s["maxItems"] = Rule::value;
}

template<class F, class... Rules>
void write_field_schema(boost::json::object& s, schema_defs& d, field<F, Rules...>*) {
    write_schema<F>(s, d);
    (write_rule<Rules>(s), ...);
}

// Optional means "may be absent or null": null joins the allowed types (and enum values).
inline void allow_null(boost::json::object& s) {
    if (s.contains("$ref")) { // a reference keeps its target whole: null is the other branch
        boost::json::object ref = std::move(s);
        s = boost::json::object{{"anyOf", boost::json::array{std::move(ref), boost::json::object{{"type", "null"}}}}};
        return;
    }
    if (auto* t = s.if_contains("type")) {
        if (t->is_string()) {
            boost::json::array both{t->get_string(), "null"};
            *t = std::move(both);
        }
    }
    if (auto* e = s.if_contains("enum")) e->as_array().emplace_back(nullptr);
}

template<class T>
void write_struct_schema(boost::json::object& s, schema_defs& d) {
    s["type"] = "object";
    boost::json::object props;
    boost::json::array required;
    boost::mp11::mp_for_each<public_members<T>>([&](auto member) {
        using M = std::remove_cvref_t<decltype(std::declval<T&>().*member.pointer)>;
        boost::json::object ps;
        write_schema<M>(ps, d);
        props.emplace(member.name, std::move(ps));
        if constexpr (!is_optional<M>::value) required.emplace_back(member.name);
    });
    s["properties"] = std::move(props);
    if (!required.empty()) s["required"] = std::move(required);
    s["additionalProperties"] = false;
}

template<class T>
void write_schema(boost::json::object& s, schema_defs& d) {
    WARDEN_ASSERT_SUPPORTED(T);
    if constexpr (field_like<T>) {
        write_field_schema(s, d, static_cast<typename T::warden_field_base*>(nullptr));
    } else if constexpr (secret_like<T>) {
        write_schema<typename T::warden_secret_of>(s, d);
        s["writeOnly"] = true;
    } else if constexpr (std::is_same_v<T, std::string>) {
        s["type"] = "string";
    } else if constexpr (std::is_same_v<T, bool>) {
        s["type"] = "boolean";
    } else if constexpr (is_json_integer<T>) {
        s["type"] = "integer";
        write_integer_range<T>(s);
    } else if constexpr (std::is_same_v<T, float>) {
        s["type"] = "number";
        s["minimum"] = -static_cast<double>(std::numeric_limits<float>::max());
        s["maximum"] = static_cast<double>(std::numeric_limits<float>::max());
    } else if constexpr (std::is_same_v<T, double>) {
        s["type"] = "number";
    } else if constexpr (is_described_enum<T>) {
        s["type"] = "string";
        boost::json::array names;
        boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>(
            [&](auto e) { names.emplace_back(e.name); });
        s["enum"] = std::move(names);
    } else if constexpr (is_optional<T>::value) {
        write_schema<typename T::value_type>(s, d);
        allow_null(s);
    } else if constexpr (is_vector<T>::value) {
        s["type"] = "array";
        boost::json::object items;
        write_schema<typename T::value_type>(items, d);
        s["items"] = std::move(items);
    } else if constexpr (is_string_map<T>::value) {
        s["type"] = "object";
        boost::json::object values;
        write_schema<typename T::mapped_type>(values, d);
        s["additionalProperties"] = std::move(values);
    } else if constexpr (named_schema<T>) {
        std::string_view name = T::schema_name;
        if (!d.defs.contains(name)) {
            d.defs[name] = boost::json::object{}; // taken before the members are written
            boost::json::object def;
            write_struct_schema<T>(def, d);
            d.defs[name] = std::move(def);
        }
        s["$ref"] = "#/$defs/" + std::string(name);
    } else if constexpr (is_described_struct<T>) {
        write_struct_schema<T>(s, d);
    }
}

} // namespace detail

// The JSON Schema of a type warden can decode. Properties appear in declaration order.
template<class T>
boost::json::object schema_of() {
    boost::json::object s;
    detail::schema_defs d;
    // The root is written in place even when named: a document that is only a $ref says less.
    if constexpr (detail::named_schema<T>) detail::write_struct_schema<T>(s, d);
    else detail::write_schema<T>(s, d);
    if (!d.defs.empty()) s["$defs"] = std::move(d.defs);
    return s;
}

} // namespace warden

#endif
