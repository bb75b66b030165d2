#ifndef WARDEN_PROTOCOL_PROMPTS_HPP
#define WARDEN_PROTOCOL_PROMPTS_HPP

// Prompts a server offers: templates of messages, filled in from string arguments.

#include <warden/pipeline/context.hpp>
#include <warden/protocol/resources.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace warden {

struct prompt_argument {
    std::string name;
    std::string description{};
    bool required = false;
    completer complete{}; // optional: values for completion/complete
};

struct prompt {
    std::string name;
    std::string title{};
    std::string description{};
    std::vector<prompt_argument> arguments{};
};

// One message of a prompt; its content is any MCP content block ({"type":"text","text":...},
// an image, an embedded resource...).
struct prompt_message {
    std::string role; // "user" or "assistant"
    boost::json::object content;
};

inline prompt_message user_text(std::string text) {
    return {"user", boost::json::object{{"type", "text"}, {"text", std::move(text)}}};
}

using prompt_renderer = std::function<std::vector<prompt_message>(const std::map<std::string, std::string>& arguments, context&)>;

} // namespace warden

#endif
