#ifndef WARDEN_PROTOCOL_RESOURCES_HPP
#define WARDEN_PROTOCOL_RESOURCES_HPP

// Resources a server exposes: fixed URIs and URI templates (RFC 6570 level 1: "test://items/{id}"),
// each with a reader that returns the contents.

#include <warden/pipeline/context.hpp>

#include <boost/json/object.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

struct resource {
    std::string uri;
    std::string name;
    std::string title{};
    std::string description{};
    std::string mime_type{};
};

struct resource_template {
    std::string uri_template; // "test://template/{id}/data"
    std::string name;
    std::string title{};
    std::string description{};
    std::string mime_type{};
};

// One item of a resources/read result: text, or binary data as base64.
struct resource_contents {
    std::string uri;
    std::string mime_type{};
    std::optional<std::string> text{};
    std::optional<std::string> blob{}; // base64
};

using resource_reader = std::function<std::vector<resource_contents>(const std::string& uri, context&)>;
using template_reader = std::function<std::vector<resource_contents>(
    const std::string& uri, const std::map<std::string, std::string>& variables, context&)>;
// Values for a partially typed argument or template variable (completion/complete).
using completer = std::function<std::vector<std::string>(std::string_view typed)>;

namespace detail {

// Matches a URI against a level-1 template; a variable matches one or more characters other
// than '/'. Returns the variables, or nothing.
inline std::optional<std::map<std::string, std::string>> match_uri_template(std::string_view tmpl, std::string_view uri) {
    std::map<std::string, std::string> vars;
    std::size_t t = 0, u = 0;
    while (t < tmpl.size()) {
        if (tmpl[t] != '{') {
            if (u >= uri.size() || uri[u] != tmpl[t]) return std::nullopt;
            ++t;
            ++u;
            continue;
        }
        auto close = tmpl.find('}', t);
        if (close == std::string_view::npos) return std::nullopt;
        std::string name(tmpl.substr(t + 1, close - t - 1));
        t = close + 1;
        // The variable runs to the next literal character of the template (or the end).
        char stop = t < tmpl.size() ? tmpl[t] : '\0';
        std::size_t start = u;
        while (u < uri.size() && uri[u] != '/' && (stop == '\0' || uri[u] != stop)) ++u;
        if (u == start) return std::nullopt;
        vars[name] = std::string(uri.substr(start, u - start));
    }
    if (u != uri.size()) return std::nullopt;
    return vars;
}

inline boost::json::object to_json(const resource_contents& c) {
    boost::json::object o{{"uri", c.uri}};
    if (!c.mime_type.empty()) o["mimeType"] = c.mime_type;
    if (c.text) o["text"] = *c.text;
    if (c.blob) o["blob"] = *c.blob;
    return o;
}

} // namespace detail

} // namespace warden

#endif
