#ifndef WARDEN_PIPELINE_TOOL_CALL_HPP
#define WARDEN_PIPELINE_TOOL_CALL_HPP

// One tools/call, from JSON arguments to the CallToolResult: strict decode, the handler, and an
// output of described fields only. Every failure is a result the model can read (isError: true
// with a machine-readable code); nothing internal leaks.

#include <warden/decode/decode.hpp>
#include <warden/encode/encode.hpp>
#include <warden/pipeline/content.hpp>
#include <warden/pipeline/context.hpp>
#include <warden/pipeline/tool_error.hpp>
#include <warden/tool/tool.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace warden {

// A tool the server can run: its handler takes the decoded input and the call's context, and
// returns the output, or a tool_result with the output and more content blocks (only content
// blocks when the output is void).
template<class T>
concept runnable_tool = is_tool<T> && requires(T& t, const typename T::input& in, context& ctx) {
    requires (!std::is_void_v<typename T::output> && std::convertible_to<decltype(t.call(in, ctx)), typename T::output>) ||
                 std::same_as<std::remove_cvref_t<decltype(t.call(in, ctx))>, tool_result<typename T::output>>;
};

// A tool execution error: the text block says it in words, structuredContent in fields.
inline boost::json::object tool_error_result(std::string_view code, std::string_view message,
                                             boost::json::object details = {}) {
    // Emplaced, with room reserved: initializer lists (value_ref) would copy the nested values,
    // and a refusal must cost no more than a call.
    boost::json::object structured;
    structured.reserve(2 + details.size());
    structured.emplace("code", code);
    structured.emplace("message", message);
    for (auto& kv : details) structured.insert_or_assign(kv.key(), std::move(kv.value()));
    boost::json::object block;
    block.reserve(2);
    block.emplace("type", "text");
    block.emplace("text", message);
    boost::json::array blocks;
    blocks.emplace_back(std::move(block));
    boost::json::object result;
    result.reserve(3);
    result.emplace("content", std::move(blocks));
    result.emplace("structuredContent", std::move(structured));
    result.emplace("isError", true);
    return result;
}

// The result for arguments that fail decoding: every issue, with its path, in both forms.
inline boost::json::object invalid_arguments_result(const std::vector<error>& errors) {
    std::string text = "The arguments are invalid; fix these and call again:";
    for (const auto& e : errors) {
        text += "\n- ";
        text += e.message;
    }
    return tool_error_result("invalid_arguments", text, boost::json::object{{"errors", to_json(errors)}});
}

// Success: the extra content blocks, then the structured output as JSON text (for clients that
// read only text), and structuredContent.
inline boost::json::object tool_success_result(boost::json::value structured, std::vector<boost::json::object> extra = {}) {
    boost::json::array blocks;
    for (auto& b : extra) blocks.push_back(std::move(b));
    blocks.push_back(content::text(boost::json::serialize(structured)));
    // Emplaced: an initializer list (value_ref) would copy both.
    boost::json::object result;
    result.reserve(2);
    result.emplace("content", std::move(blocks));
    result.emplace("structuredContent", std::move(structured));
    return result;
}

// Runs the handler on a decoded input and encodes what it returns as a CallToolResult.
// Exceptions go to the caller.
template<class Tool>
    requires runnable_tool<Tool>
boost::json::object run_handler(Tool& tool, const typename Tool::input& in, context& ctx) {
    using returned = std::remove_cvref_t<decltype(tool.call(in, ctx))>;
    if constexpr (std::is_void_v<typename Tool::output>) {
        auto result = tool.call(in, ctx);
        boost::json::array blocks;
        for (auto& block : result.content) blocks.push_back(std::move(block));
        boost::json::object content_only;
        content_only.emplace("content", std::move(blocks));
        return content_only;
    } else if constexpr (std::is_same_v<returned, tool_result<typename Tool::output>>) {
        auto result = tool.call(in, ctx);
        return tool_success_result(encode(result.output), std::move(result.content));
    } else {
        typename Tool::output out = tool.call(in, ctx);
        return tool_success_result(encode(out));
    }
}

// Decodes the arguments into the tool's input, runs it and encodes its output: a call without
// the server's pipeline (no authorization, limits or idempotency), for tests and tools.
template<class Tool>
    requires runnable_tool<Tool>
boost::json::object run_tool_call(Tool& tool, const boost::json::value& arguments, context& ctx) {
    auto in = decode<typename Tool::input>(arguments);
    if (!in) return invalid_arguments_result(in.errors());
    try {
        return run_handler(tool, *in, ctx);
    } catch (const tool_error& e) {
        return tool_error_result(e.code(), e.what());
    }
    // Anything else is a bug in the handler: the caller turns it into a generic internal_error,
    // so that no exception text reaches the model.
}

} // namespace warden

#endif
