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

// A field's rules as values, in the order the field lists them: one function writes them all.
struct schema_rule {
    const char* keyword; // null: the end of the list
    enum { is_text, is_integer, is_count } kind;
    std::string_view text;
    long long integer;
    std::uint64_t count; // lengths and item counts, unsigned as declared
};

template<class Rule>
constexpr schema_rule schema_rule_of() {
    constexpr int kind = rule_kind<Rule>::value;
    constexpr const char* keywords[] = {nullptr,   "description", "minLength", "maxLength", "minimum",
                                        "maximum", "pattern",     "format",    "minItems",  "maxItems"};
    if constexpr (kind == 1 || kind == 6 || kind == 7) return {keywords[kind], schema_rule::is_text, Rule::value, 0, 0};
    else if constexpr (kind == 4 || kind == 5) return {keywords[kind], schema_rule::is_integer, {}, Rule::value, 0};
    else return {keywords[kind], schema_rule::is_count, {}, 0, Rule::value};
}

template<class... Rules>
inline constexpr schema_rule schema_rules[] = {schema_rule_of<Rules>()..., {nullptr, schema_rule::is_text, {}, 0, 0}};

[[gnu::noinline]] inline void write_rules(boost::json::object& s, const schema_rule* rules) {
    for (; rules->keyword; ++rules) {
        auto& v = s[rules->keyword];
        if (rules->kind == schema_rule::is_text) v = rules->text;
        else if (rules->kind == schema_rule::is_integer) v = rules->integer;
        else v = rules->count;
    }
}

template<class F, class... Rules>
void write_field_schema(boost::json::object& s, schema_defs& d, field<F, Rules...>*) {
    write_schema<F>(s, d);
    write_rules(s, schema_rules<Rules...>);
}

[[gnu::noinline]] inline void write_enum(boost::json::object& s, const std::string_view* names, std::size_t n) {
    s["type"] = "string";
    boost::json::array a;
    for (std::size_t i = 0; i < n; ++i) a.emplace_back(names[i]);
    s["enum"] = std::move(a);
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

// One member of a struct's schema: its name, how its schema is written, whether it is required.
struct member_schema {
    std::string_view name;
    void (*write)(boost::json::object& s, schema_defs& d);
    bool required;
};

template<class T, class L> struct member_schemas;
template<class T, template<class...> class L, class... D>
struct member_schemas<T, L<D...>> {
    template<class M> using type = std::remove_cvref_t<decltype(std::declval<T&>().*M::pointer)>;
    static constexpr member_schema value[] = {{D::name, &write_schema<type<D>>, !is_optional<type<D>>::value}...,
                                              {{}, nullptr, false}};
};

// Compiled once for all structs.
[[gnu::noinline]] inline void write_members(boost::json::object& s, schema_defs& d, const member_schema* members) {
    s["type"] = "object";
    boost::json::object props;
    boost::json::array required;
    for (; members->write; ++members) {
        boost::json::object ps;
        members->write(ps, d);
        props.emplace(members->name, std::move(ps));
        if (members->required) required.emplace_back(members->name);
    }
    s["properties"] = std::move(props);
    if (!required.empty()) s["required"] = std::move(required);
    s["additionalProperties"] = false;
}

template<class T>
void write_struct_schema(boost::json::object& s, schema_defs& d) {
    write_members(s, d, member_schemas<T, public_members<T>>::value);
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
        constexpr auto& names = enumerator_names<T>::value;
        write_enum(s, names.data(), names.size());
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
