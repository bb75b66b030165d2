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
#include <boost/json/parse.hpp>

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

namespace detail {

// A tool execution error, as the JSON text of a CallToolResult: the text block says it in words,
// structuredContent in fields (its code and message, then the details; a detail cannot replace
// either).
inline void write_tool_error(std::string& out, std::string_view code, std::string_view message,
                             const boost::json::object& details = {}) {
    out += R"({"content":[{"type":"text","text":)"sv;
    append_json_string(out, message);
    out += R"(}],"structuredContent":{"code":)"sv;
    append_json_string(out, code);
    out += R"(,"message":)"sv;
    append_json_string(out, message);
    for (const auto& kv : details) {
        if (kv.key() == "code" || kv.key() == "message") continue;
        out += ',';
        append_json_string(out, kv.key());
        out += ':';
        append_json(out, kv.value());
    }
    out += R"(},"isError":true})"sv;
}

// The result for arguments that fail decoding: every issue, with its path, in both forms.
inline void write_invalid_arguments(std::string& out, const std::vector<error>& errors) {
    static constexpr std::string_view intro = "The arguments are invalid; fix these and call again:";
    out += R"({"content":[{"type":"text","text":)"sv;
    const std::size_t text_at = out.size();
    out += '"';
    out += intro;
    for (const auto& e : errors) {
        out += "\\n- "sv;
        std::size_t at = out.size();
        append_json_string(out, e.message);
        out.erase(at, 1).pop_back(); // the message's quotes go
    }
    out += '"';
    const std::size_t text_size = out.size() - text_at;
    out += R"(}],"structuredContent":{"code":"invalid_arguments","message":)"sv;
    out.reserve(out.size() + text_size); // the copy below reads from `out` itself
    out.append(out.data() + text_at, text_size);
    out += R"(,"errors":[)"sv;
    for (std::size_t i = 0; i < errors.size(); ++i) {
        const auto& e = errors[i];
        out += i ? R"(,{"path":)"sv : R"({"path":)"sv;
        append_json_string(out, e.path);
        out += R"(,"code":)"sv;
        append_json_string(out, to_string(e.code));
        out += R"(,"message":)"sv;
        append_json_string(out, e.message);
        out += '}';
    }
    out += R"(]},"isError":true})"sv;
}

// A thread's room for the structured output's text, which a success writes twice (as
// structuredContent and, escaped, as its text block); given back past 64 KiB.
inline std::string& structured_text_of_this_thread() {
    thread_local std::string text;
    give_back_room(text);
    text.clear();
    return text;
}

// Success: the extra content blocks, then the structured output as JSON text (for clients that
// read only text), and structuredContent.
template<class Output>
void write_success(std::string& out, const Output& output, const std::vector<boost::json::object>& extra = {}) {
    std::string& structured = structured_text_of_this_thread();
    write_json(structured, output);
    out += R"({"content":[)"sv;
    for (const auto& block : extra) {
        append_json(out, block);
        out += ',';
    }
    out += R"({"type":"text","text":)"sv;
    append_json_string(out, structured);
    out += R"(}],"structuredContent":)"sv;
    out += structured;
    out += '}';
}

// Runs the handler on a decoded input and appends what it returns to `out`, as the JSON text of
// a CallToolResult. Exceptions go to the caller.
template<class Tool>
    requires runnable_tool<Tool>
void write_handler_result(Tool& tool, const typename Tool::input& in, context& ctx, std::string& out) {
    using returned = std::remove_cvref_t<decltype(tool.call(in, ctx))>;
    if constexpr (std::is_void_v<typename Tool::output>) {
        auto result = tool.call(in, ctx);
        out += R"({"content":[)"sv;
        for (std::size_t i = 0; i < result.content.size(); ++i) {
            if (i) out += ',';
            append_json(out, result.content[i]);
        }
        out += "]}"sv;
    } else if constexpr (std::is_same_v<returned, tool_result<typename Tool::output>>) {
        auto result = tool.call(in, ctx);
        write_success(out, result.output, result.content);
    } else {
        typename Tool::output output = tool.call(in, ctx);
        write_success(out, output);
    }
}

} // namespace detail

// Decodes the arguments into the tool's input, runs it and encodes its output: a call without
// the server's pipeline (no authorization, limits or idempotency), for tests and tools. A
// tool_error is a result with isError; anything else the handler throws goes to the caller (the
// server turns it into a generic internal_error, so that no exception text reaches the model).
template<class Tool>
    requires runnable_tool<Tool>
boost::json::object run_tool_call(Tool& tool, const boost::json::value& arguments, context& ctx) {
    std::string text;
    auto in = decode<typename Tool::input>(arguments);
    if (!in) {
        detail::write_invalid_arguments(text, in.errors());
    } else {
        try {
            detail::write_handler_result(tool, *in, ctx, text);
        } catch (const tool_error& e) {
            text.clear();
            detail::write_tool_error(text, e.code(), e.what());
        }
    }
    return boost::json::parse(text).as_object();
}

} // namespace warden

#endif
