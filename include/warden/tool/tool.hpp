#ifndef WARDEN_TOOL_TOOL_HPP
#define WARDEN_TOOL_TOOL_HPP

// A tool is a type: a name, a description, an input and an output struct, and a policy. This
// header checks a tool's declaration (every rule is a static_assert whose message names the fix)
// and derives its MCP definition: name, title, description, schemas and annotations.

#include <warden/detail/type_walk.hpp>
#include <warden/policy/decision.hpp>
#include <warden/policy/principal.hpp>
#include <warden/policy/traits.hpp>
#include <warden/schema/schema_of.hpp>
#include <warden/types/idempotency_key.hpp>

#include <boost/json/object.hpp>
#include <boost/mp11/algorithm.hpp>

#include <concepts>
#include <optional>
#include <string>
#include <string_view>

namespace warden {

namespace detail {

template<class> inline constexpr bool dependent_false = false;

constexpr bool is_valid_tool_name(std::string_view n) noexcept {
    if (n.empty() || n.size() > 64) return false;
    for (char c : n)
        if (!(is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-')) return false;
    return true;
}

// The name and description are read at compile time, so they must be constant expressions.
template<std::size_t> struct constant_size {};
template<class T> concept has_name = requires {
    { T::name } -> std::convertible_to<std::string_view>;
    typename constant_size<std::string_view(T::name).size()>;
};
template<class T> concept has_description = requires {
    { T::description } -> std::convertible_to<std::string_view>;
    typename constant_size<std::string_view(T::description).size()>;
};
template<class T> concept has_title = requires { { T::title } -> std::convertible_to<std::string_view>; };
template<class T> concept has_io = requires { typename T::input; typename T::output; };
template<class T> concept has_policy = requires { typename T::policy; } && is_policy<typename T::policy>::value;

template<class T> concept has_key_function = requires(const T& t, const typename T::input& in) {
    { t.idempotency_key(in) } -> std::convertible_to<std::string>;
};
template<class T> concept has_preview = requires(const T& t, const typename T::input& in) {
    { t.preview(in) } -> std::convertible_to<std::string>;
};
template<class T> concept has_authorize = requires(const T& t, const typename T::input& in, const principal& p) {
    { t.authorize(in, p) } -> std::same_as<decision>;
};

template<class Input>
constexpr bool has_key_field() {
    bool found = false;
    boost::mp11::mp_for_each<public_members<Input>>([&](auto d) {
        using M = std::remove_cvref_t<decltype(std::declval<Input&>().*d.pointer)>;
        found = found || std::is_same_v<M, idempotency_key>;
    });
    return found;
}

template<class L>
constexpr bool all_policy_traits(L*) { return false; }
template<class... Ts>
constexpr bool all_policy_traits(boost::mp11::mp_list<Ts...>*) { return (is_policy_trait<Ts> && ...); }

// A tool whose output is void answers with content blocks only (no outputSchema); its output
// is checked as an empty struct.
struct no_output {};
BOOST_DESCRIBE_STRUCT(no_output, (), ())
template<class T>
using checked_output = std::conditional_t<std::is_void_v<typename T::output>, no_output, typename T::output>;

// One rule at a time, in the order a tool is written, so a broken tool gets one message.
template<class T>
constexpr bool check_tool() {
    if constexpr (!has_name<T>) {
        static_assert(dependent_false<T>, "warden: a tool needs `static constexpr std::string_view name`");
    } else if constexpr (!is_valid_tool_name(std::string_view(T::name))) {
        static_assert(dependent_false<T>, "warden: tool name must be 1 to 64 characters of A-Z a-z 0-9 _ . -; rename the tool");
    } else if constexpr (!has_description<T>) {
        static_assert(dependent_false<T>, "warden: a tool needs `static constexpr std::string_view description`");
    } else if constexpr (std::string_view(T::description).empty()) {
        static_assert(dependent_false<T>, "warden: tool description is empty; say what the tool does and when to use it");
    } else if constexpr (!has_io<T>) {
        static_assert(dependent_false<T>, "warden: a tool needs `using input = ...;` and `using output = ...;`");
    } else if constexpr (!is_described_struct<typename T::input>) {
        static_assert(dependent_false<T>, "warden: the tool's input struct is not described; add BOOST_DESCRIBE_STRUCT(input, (), (members...)) in the namespace that declares the struct");
    } else if constexpr (!is_described_struct<checked_output<T>>) {
        static_assert(dependent_false<T>, "warden: the tool's output struct is not described; add BOOST_DESCRIBE_STRUCT(output, (), (members...)) in the namespace that declares the struct");
    } else if constexpr (is_recursive<typename T::input>() || is_recursive<checked_output<T>>()) {
        static_assert(dependent_false<T>, "warden: a struct contains itself (through a member, vector, optional or map); recursive types have no finite schema, so flatten the structure");
    } else if constexpr (!every_type_supported<typename T::input>() || !every_type_supported<checked_output<T>>()) {
        static_assert(assert_supported_tree<typename T::input>::value && assert_supported_tree<checked_output<T>>::value);
    } else if constexpr (!every_struct_fully_described<typename T::input>() ||
                         !every_struct_fully_described<checked_output<T>>()) {
        static_assert(assert_fully_described_tree<typename T::input>::value &&
                      assert_fully_described_tree<checked_output<T>>::value);
    } else if constexpr (!schema_names_distinct<typename T::input>() || !schema_names_distinct<checked_output<T>>()) {
        static_assert(dependent_false<T>, "warden: two different structs of this tool use the same schema_name; $defs holds one struct per name, so rename one");
    } else if constexpr (contains_secret<checked_output<T>>()) {
        static_assert(dependent_false<T>, "warden: the output holds a secret<T>; secrets never leave the server, so remove the field or return a masked string");
    } else if constexpr (!has_policy<T>) {
        static_assert(dependent_false<T>, "warden: a tool needs `using policy = warden::policy<...>;` with read_only or mutating");
    } else if constexpr (!all_policy_traits(static_cast<typename T::policy::traits*>(nullptr))) {
        static_assert(dependent_false<T>, "warden: policy<...> takes only warden policy traits (read_only, mutating, requires_approval, external_side_effect, open_world, timeout_ms, required_scope)");
    } else {
        using P = policy_traits<typename T::policy>;
        if constexpr (P::is_read_only && P::template has<mutating>) {
            static_assert(dependent_false<T>, "warden: a tool cannot be both read_only and mutating; keep the one that is true");
        } else if constexpr (P::is_read_only && P::has_external_effect) {
            static_assert(dependent_false<T>, "warden: an external_side_effect tool changes the world, so it cannot be read_only");
        } else if constexpr (!P::is_read_only && !P::is_mutating) {
            static_assert(dependent_false<T>, "warden: say what the tool does to the world: add warden::read_only or warden::mutating to its policy");
        } else if constexpr (P::timeout_count > 1) {
            static_assert(dependent_false<T>, "warden: the policy lists timeout_ms twice; keep one");
        } else if constexpr (boost::mp11::mp_size<boost::mp11::mp_unique<typename P::traits>>::value !=
                             boost::mp11::mp_size<typename P::traits>::value) {
            static_assert(dependent_false<T>, "warden: the policy lists the same trait twice; keep one");
        } else if constexpr (P::timeout() && P::timeout()->count() <= 0) {
            static_assert(dependent_false<T>, "warden: timeout_ms must be positive");
        } else if constexpr (P::is_mutating && !has_key_field<typename T::input>() && !has_key_function<T>) {
            static_assert(dependent_false<T>, "warden: mutating tools need an idempotency key: add a warden::idempotency_key field or define idempotency_key(const input&)");
        } else if constexpr (P::has_external_effect && !has_preview<T>) {
            static_assert(dependent_false<T>, "warden: external_side_effect tools need preview(const input&) returning the text the human approves");
        } else if constexpr (P::template has<requires_approval> && !has_authorize<T>) {
            static_assert(dependent_false<T>, "warden: requires_approval tools need a policy check: define warden::decision authorize(const input&, const warden::principal&)");
        } else {
            return true;
        }
    }
    return false;
}

} // namespace detail

// True for a tool declared correctly; otherwise the build stops with the rule it breaks.
template<class T>
inline constexpr bool is_tool = detail::check_tool<T>();

// What the policy of a checked tool means (read-only, approval, timeout, scopes).
template<class T>
    requires is_tool<T>
using tool_policy = policy_traits<typename T::policy>;

namespace detail {
// What tool_definition and annotations_of write, compiled once rather than once per tool.
inline boost::json::object annotations(bool read_only, bool destructive, bool open_world) {
    boost::json::object a;
    a["readOnlyHint"] = read_only;
    if (!read_only) {
        a["destructiveHint"] = destructive;
        a["idempotentHint"] = true; // the server replays a retried key instead of running it again
    }
    a["openWorldHint"] = open_world;
    return a;
}

// MCP 2025-11-25 reads schemas without $schema as 2020-12; saying it costs little and lets
// other validators read them the same way.
inline boost::json::object with_dialect(boost::json::object schema) {
    boost::json::object s{{"$schema", "https://json-schema.org/draft/2020-12/schema"}};
    for (auto& kv : schema) s.emplace(kv.key(), std::move(kv.value()));
    return s;
}

[[gnu::noinline]] inline boost::json::object definition(std::string_view name, std::optional<std::string_view> title,
                                                        std::string_view description, boost::json::object input,
                                                        std::optional<boost::json::object> output,
                                                        boost::json::object annotations) {
    boost::json::object d;
    d["name"] = name;
    if (title) d["title"] = *title;
    d["description"] = description;
    d["inputSchema"] = with_dialect(std::move(input));
    if (output) d["outputSchema"] = with_dialect(std::move(*output));
    d["annotations"] = std::move(annotations);
    return d;
}
} // namespace detail

// The MCP tool annotations, derived from the policy so they cannot disagree with enforcement.
template<class T>
    requires is_tool<T>
boost::json::object annotations_of() {
    using P = tool_policy<T>;
    return detail::annotations(P::is_read_only, P::needs_approval, P::is_open_world);
}

// The entry of tools/list: name, title, description, inputSchema, outputSchema, annotations.
template<class T>
    requires is_tool<T>
boost::json::object tool_definition() {
    std::optional<std::string_view> title;
    if constexpr (detail::has_title<T>) title = std::string_view(T::title);
    std::optional<boost::json::object> output;
    if constexpr (!std::is_void_v<typename T::output>) output = schema_of<typename T::output>();
    return detail::definition(T::name, title, T::description, schema_of<typename T::input>(), std::move(output),
                              annotations_of<T>());
}

} // namespace warden

#endif
