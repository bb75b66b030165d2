#ifndef WARDEN_PIPELINE_CLIENT_REQUESTS_HPP
#define WARDEN_PIPELINE_CLIENT_REQUESTS_HPP

// Asking the client from inside a handler: elicitation (a form the user fills in) and sampling
// (a completion from the client's model). Each fails with a tool_error the model can read when
// the client lacks the capability, refuses, or does not answer before the call's deadline.

#include <warden/decode/decode.hpp>
#include <warden/pipeline/context.hpp>
#include <warden/pipeline/tool_error.hpp>
#include <warden/schema/schema_of.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

namespace warden {

enum class elicit_action { accept, decline, cancel };

template<class T>
struct elicited {
    elicit_action action;
    std::optional<T> content; // set when the user accepted
};

namespace detail {

template<class T>
constexpr bool is_form_value() {
    if constexpr (is_optional<T>::value) return is_form_value<typename T::value_type>();
    else if constexpr (field_like<T>) return is_form_value<typename T::warden_field_base::value_type>();
    else return std::is_same_v<T, std::string> || std::is_same_v<T, bool> || is_json_integer<T> || is_json_number<T> ||
                is_described_enum<T>;
}

template<class T>
constexpr bool is_flat_form() {
    bool flat = true;
    boost::mp11::mp_for_each<public_members<T>>([&](auto d) {
        flat = flat && is_form_value<std::remove_cvref_t<decltype(std::declval<T&>().*d.pointer)>>();
    });
    return flat;
}

// Elicitation allows only a restricted schema: flat properties of primitive types, where an
// optional field is simply not required (no "null" type, no additionalProperties).
template<class T>
boost::json::object form_schema() {
    boost::json::object props;
    boost::json::array required;
    schema_defs no_defs; // a form is flat: no struct to define
    boost::mp11::mp_for_each<public_members<T>>([&](auto d) {
        using M = std::remove_cvref_t<decltype(std::declval<T&>().*d.pointer)>;
        boost::json::object p;
        if constexpr (is_optional<M>::value) {
            write_schema<typename M::value_type>(p, no_defs);
        } else {
            write_schema<M>(p, no_defs);
            required.emplace_back(d.name);
        }
        props.emplace(d.name, std::move(p));
    });
    boost::json::object schema{{"type", "object"}, {"properties", std::move(props)}};
    if (!required.empty()) schema["required"] = std::move(required);
    return schema;
}

// A client's error text can be long (a validator's dump): the model gets the start of it.
inline void throw_reply_error(const client_reply& r) {
    constexpr std::size_t limit = 300;
    std::string message = r.error_message.size() > limit ? r.error_message.substr(0, limit) + "..." : r.error_message;
    throw tool_error(r.error_code, message);
}

} // namespace detail

// Asks the user to fill in the form T (a described struct of strings, numbers, booleans and
// enums) with `message` as the question, and waits for the answer.
template<class T>
elicited<T> elicit(context& ctx, std::string_view message) {
    static_assert(detail::is_described_struct<T>, "warden: elicit<T> needs a struct described with BOOST_DESCRIBE_STRUCT");
    static_assert(detail::is_flat_form<T>(),
                  "warden: an elicitation form takes only flat fields: strings, numbers, booleans and enums");
    if (!ctx.client_supports("elicitation"))
        throw tool_error("elicitation_unavailable", "The client cannot ask its user questions (no elicitation capability).");
    auto reply = ctx.ask_client("elicitation/create", boost::json::object{{"mode", "form"},
                                                                         {"message", message},
                                                                         {"requestedSchema", detail::form_schema<T>()}});
    if (!reply.ok) detail::throw_reply_error(reply);
    const auto* result = reply.result.if_object();
    const auto* action = result ? result->if_contains("action") : nullptr;
    if (!action || !action->is_string())
        throw tool_error("invalid_client_answer", "The client's answer to the question had no action.");
    if (action->get_string() == "decline") return {elicit_action::decline, std::nullopt};
    if (action->get_string() == "cancel") return {elicit_action::cancel, std::nullopt};
    if (action->get_string() != "accept")
        throw tool_error("invalid_client_answer", "The client's answer to the question had an unknown action.");
    static const boost::json::value empty = boost::json::object{};
    const auto* content = result->if_contains("content");
    auto decoded = decode<T>(content ? *content : empty);
    if (!decoded) throw tool_error("invalid_client_answer", "The answer to the question does not fit the form: " +
                                                                 decoded.errors().front().message);
    return {elicit_action::accept, std::move(*decoded)};
}

// Asks the client's model for a completion; params are those of sampling/createMessage
// (messages, maxTokens, ...). Returns the client's result (role, content, model, stopReason).
inline boost::json::object sample(context& ctx, boost::json::object params) {
    if (!ctx.client_supports("sampling"))
        throw tool_error("sampling_unavailable", "The client cannot run its model for this server (no sampling capability).");
    auto reply = ctx.ask_client("sampling/createMessage", std::move(params));
    if (!reply.ok) detail::throw_reply_error(reply);
    if (!reply.result.is_object()) throw tool_error("invalid_client_answer", "The client's sampling result is not an object.");
    return std::move(reply.result.get_object());
}

} // namespace warden

#endif
