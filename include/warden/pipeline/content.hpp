#ifndef WARDEN_PIPELINE_CONTENT_HPP
#define WARDEN_PIPELINE_CONTENT_HPP

// MCP content blocks, for what a tool returns besides its structured output (an image, a link to
// a resource, ...): warden::tool_result<Output>{output, {warden::content::image(...)}}.

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace warden {

namespace content {

inline boost::json::object text(std::string t) {
    boost::json::object block;
    block.reserve(2);
    block.emplace("type", "text");
    block.emplace("text", boost::json::string(t)); // (an initializer list would copy the text twice)
    return block;
}

// Binary data is base64, as MCP carries it.
inline boost::json::object image(std::string base64, std::string mime_type) {
    return {{"type", "image"}, {"data", std::move(base64)}, {"mimeType", std::move(mime_type)}};
}

inline boost::json::object audio(std::string base64, std::string mime_type) {
    return {{"type", "audio"}, {"data", std::move(base64)}, {"mimeType", std::move(mime_type)}};
}

inline boost::json::object resource_link(std::string uri, std::string name, std::string mime_type = {},
                                         std::string description = {}) {
    boost::json::object o{{"type", "resource_link"}, {"uri", std::move(uri)}, {"name", std::move(name)}};
    if (!mime_type.empty()) o["mimeType"] = std::move(mime_type);
    if (!description.empty()) o["description"] = std::move(description);
    return o;
}

// A resource's contents embedded in the result: text, or binary as base64.
inline boost::json::object embedded_text(std::string uri, std::string text, std::string mime_type = {}) {
    boost::json::object r{{"uri", std::move(uri)}, {"text", std::move(text)}};
    if (!mime_type.empty()) r["mimeType"] = std::move(mime_type);
    return {{"type", "resource"}, {"resource", std::move(r)}};
}

inline boost::json::object embedded_blob(std::string uri, std::string base64, std::string mime_type = {}) {
    boost::json::object r{{"uri", std::move(uri)}, {"blob", std::move(base64)}};
    if (!mime_type.empty()) r["mimeType"] = std::move(mime_type);
    return {{"type", "resource"}, {"resource", std::move(r)}};
}

} // namespace content

// What a handler may return instead of its bare output: the output, plus content blocks that go
// before the output's JSON text block.
template<class Output>
struct tool_result {
    Output output;
    std::vector<boost::json::object> content{};
};

// The result of a tool whose output is void: content blocks only, no structuredContent.
template<>
struct tool_result<void> {
    std::vector<boost::json::object> content{};
};

} // namespace warden

#endif
