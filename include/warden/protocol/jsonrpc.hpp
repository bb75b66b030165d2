#ifndef WARDEN_PROTOCOL_JSONRPC_HPP
#define WARDEN_PROTOCOL_JSONRPC_HPP

// JSON-RPC 2.0 as MCP uses it: one message per call, ids that are strings or integers, and the
// standard error codes. Reading a message never throws; a malformed one gets a clear error.

#include <warden/decode/parse.hpp>
#include <warden/detail/decoded_input.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace warden::jsonrpc {

enum class error_code : int {
    parse_error = -32700,
    invalid_request = -32600,
    method_not_found = -32601,
    invalid_params = -32602,
    internal_error = -32603,
};

// A request (with an id) or a notification (without).
struct request {
    std::optional<boost::json::value> id; // empty for a notification
    std::string method;
    boost::json::object params;           // {} when absent
    detail::decoded_input decoded;        // a tools/call's arguments, already decoded (then not in params)

    bool is_notification() const noexcept { return !id.has_value(); }

    // A tools/call's tool: params' name, or, when the arguments were decoded as the message was
    // read and params held nothing else, the name they were decoded for (params is then empty).
    // None when there is no name, or it is not a string.
    std::optional<std::string_view> tool_name() const noexcept {
        if (!decoded.tool().empty()) return decoded.tool();
        const auto* name = params.if_contains("name");
        if (!name || !name->is_string()) return std::nullopt;
        return std::string_view(name->get_string());
    }
};

// A response to a request the server sent (elicitation, sampling, ...).
struct response {
    boost::json::value id;
    boost::json::value result; // null when error is set
    std::optional<boost::json::object> error;
};

// A message that cannot be served: the error to send back, to `id` when it could be read.
struct malformed {
    boost::json::value id; // null when unknown
    error_code code;
    std::string message;
};

// Several messages in one array (JSON-RPC 2.0). MCP 2025-03-26 allows them; later revisions
// removed them, so the server decides by the session's revision. Items are read one by one.
struct batch {
    boost::json::array items;
};

using message = std::variant<request, response, malformed, batch>;

inline boost::json::object make_result(const boost::json::value& id, boost::json::value result) {
    // Emplaced, not an initializer list: value_ref would copy the whole result.
    boost::json::object o(result.storage());
    o.reserve(3);
    o.emplace("jsonrpc", "2.0");
    o.emplace("id", id);
    o.emplace("result", std::move(result));
    return o;
}

inline boost::json::object make_error(const boost::json::value& id, error_code code, std::string_view message,
                                      std::optional<boost::json::value> data = std::nullopt) {
    boost::json::object error{{"code", static_cast<int>(code)}, {"message", message}};
    if (data) error["data"] = std::move(*data);
    return boost::json::object{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

inline boost::json::object make_notification(std::string_view method, boost::json::object params) {
    boost::json::object o(params.storage());
    o.reserve(3);
    o.emplace("jsonrpc", "2.0");
    o.emplace("method", method);
    o.emplace("params", std::move(params));
    return o;
}

namespace detail {

inline bool valid_id(const boost::json::value& id) noexcept { return id.is_string() || id.is_int64() || id.is_uint64(); }

} // namespace detail

// Classifies one parsed message.
inline message classify(boost::json::value v) {
    if (v.is_array()) {
        if (v.get_array().empty()) return malformed{nullptr, error_code::invalid_request, "an empty batch"};
        return batch{std::move(v.get_array())};
    }
    auto* o = v.if_object();
    if (!o) return malformed{nullptr, error_code::invalid_request, "a JSON-RPC message must be an object"};
    boost::json::value id = nullptr;
    bool has_id = false;
    if (auto* i = o->if_contains("id")) {
        if (!detail::valid_id(*i))
            return malformed{nullptr, error_code::invalid_request, "id must be a string or an integer"};
        id = *i;
        has_id = true;
    }
    auto* version = o->if_contains("jsonrpc");
    if (!version || !version->is_string() || version->get_string() != "2.0")
        return malformed{id, error_code::invalid_request, "jsonrpc must be \"2.0\""};
    if (auto* m = o->if_contains("method")) {
        if (!m->is_string()) return malformed{id, error_code::invalid_request, "method must be a string"};
        request r;
        if (has_id) r.id = id;
        r.method = std::string(m->get_string());
        if (auto* p = o->if_contains("params")) {
            if (!p->is_object()) return malformed{id, error_code::invalid_request, "params must be an object"};
            r.params = std::move(p->get_object());
        }
        return r;
    }
    if (!has_id) return malformed{nullptr, error_code::invalid_request, "a message needs a method or an id"};
    auto* result = o->if_contains("result");
    auto* error = o->if_contains("error");
    if ((result == nullptr) == (error == nullptr))
        return malformed{id, error_code::invalid_request, "a response has exactly one of result and error"};
    if (error && !error->is_object()) return malformed{id, error_code::invalid_request, "error must be an object"};
    response r{id, result ? *result : boost::json::value(nullptr), std::nullopt};
    if (error) r.error = error->get_object();
    return r;
}

// Parses and classifies one message of text, with warden's parse limits.
inline message read(std::string_view text, const parse_options& limits = {}) {
    auto parsed = warden::parse(text, limits);
    if (!parsed) {
        const auto& e = parsed.errors().front();
        // Duplicate keys and limits make a message unreadable just like bad syntax does.
        return malformed{nullptr, error_code::parse_error, e.message};
    }
    return classify(std::move(*parsed));
}

} // namespace warden::jsonrpc

#endif
