// everything_server: what the official MCP conformance suite expects of a server under test
// (@modelcontextprotocol/conformance, server scenarios), built with warden. Every tool,
// resource and prompt below is one the suite calls by name.
//
//   everything_server --http 127.0.0.1:PORT    Streamable HTTP at http://127.0.0.1:PORT/mcp
//   everything_server --stdio                  newline-delimited JSON on stdin/stdout

#include <warden/transport/http.hpp>
#include <warden/warden.hpp>

#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace everything {

using namespace std::chrono_literals;

// A 1x1 PNG and a silent WAV, as base64.
constexpr const char* png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
constexpr const char* wav = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

struct no_arguments {};
BOOST_DESCRIBE_STRUCT(no_arguments, (), ())

// The tools below answer with content blocks only (output void): no outputSchema, no
// structuredContent, as the suite's reference server does.
struct content_tool {
    using input = no_arguments;
    using output = void;
    using policy = warden::policy<warden::read_only>;
};

warden::tool_result<void> text(std::string t) { return {{warden::content::text(std::move(t))}}; }

struct simple_text : content_tool {
    static constexpr std::string_view name = "test_simple_text";
    static constexpr std::string_view description = "Tests simple text content response";
    warden::tool_result<void> call(const input&, warden::context&) const {
        return text("This is a simple text response for testing.");
    }
};

struct image_content : content_tool {
    static constexpr std::string_view name = "test_image_content";
    static constexpr std::string_view description = "Tests image content response";
    warden::tool_result<void> call(const input&, warden::context&) const {
        return {{warden::content::image(png, "image/png")}};
    }
};

struct audio_content : content_tool {
    static constexpr std::string_view name = "test_audio_content";
    static constexpr std::string_view description = "Tests audio content response";
    warden::tool_result<void> call(const input&, warden::context&) const {
        return {{warden::content::audio(wav, "audio/wav")}};
    }
};

struct embedded_resource : content_tool {
    static constexpr std::string_view name = "test_embedded_resource";
    static constexpr std::string_view description = "Tests embedded resource content response";
    warden::tool_result<void> call(const input&, warden::context&) const {
        return {{warden::content::embedded_text("test://embedded-resource", "This is an embedded resource content.", "text/plain")}};
    }
};

struct multiple_content_types : content_tool {
    static constexpr std::string_view name = "test_multiple_content_types";
    static constexpr std::string_view description = "Tests response with multiple content types (text, image, resource)";
    warden::tool_result<void> call(const input&, warden::context&) const {
        return {{warden::content::text("Multiple content types test:"), warden::content::image(png, "image/png"),
                 warden::content::embedded_text("test://mixed-content-resource", R"({"test":"data","value":123})",
                                                "application/json")}};
    }
};

struct tool_with_logging : content_tool {
    static constexpr std::string_view name = "test_tool_with_logging";
    static constexpr std::string_view description = "Tests tool that emits log messages during execution";
    warden::tool_result<void> call(const input&, warden::context& ctx) const {
        ctx.log(warden::log_level::info, "Tool execution started");
        std::this_thread::sleep_for(50ms);
        ctx.log(warden::log_level::info, "Tool processing data");
        std::this_thread::sleep_for(50ms);
        ctx.log(warden::log_level::info, "Tool execution completed");
        return text("Tool with logging executed successfully");
    }
};

struct tool_with_progress : content_tool {
    static constexpr std::string_view name = "test_tool_with_progress";
    static constexpr std::string_view description = "Tests tool that reports progress notifications";
    warden::tool_result<void> call(const input&, warden::context& ctx) const {
        for (int done : {0, 50, 100}) {
            if (done) std::this_thread::sleep_for(50ms);
            ctx.report_progress(done, 100, "Completed step " + std::to_string(done) + " of 100");
        }
        return text("Progress reported: 0, 50 and 100 of 100.");
    }
};

struct error_handling : content_tool {
    static constexpr std::string_view name = "test_error_handling";
    static constexpr std::string_view description = "Tests error response handling";
    warden::tool_result<void> call(const input&, warden::context&) const {
        throw warden::tool_error("test_error", "This tool intentionally returns an error for testing");
    }
};

// The call lets go of its connection at once and answers a little later: the client resumes
// the stream (GET with Last-Event-ID) to receive the result.
struct reconnection : content_tool {
    static constexpr std::string_view name = "test_reconnection";
    static constexpr std::string_view description =
        "Tests SSE stream disconnection and client reconnection (SEP-1699). Server will close the stream mid-call and "
        "send the result after client reconnects.";
    warden::tool_result<void> call(const input&, warden::context& ctx) const {
        ctx.release_stream();
        std::this_thread::sleep_for(100ms);
        return text("Reconnection test completed successfully. If you received this, the client properly reconnected after "
                    "stream closure.");
    }
};

struct sampling_input {
    warden::field<std::string, warden::doc<"The prompt to send to the client's model">> prompt;
};
BOOST_DESCRIBE_STRUCT(sampling_input, (), (prompt))

struct sampling {
    static constexpr std::string_view name = "test_sampling";
    static constexpr std::string_view description = "Tests server-initiated sampling (LLM completion request)";
    using input = sampling_input;
    using output = void;
    using policy = warden::policy<warden::read_only>;
    warden::tool_result<void> call(const input& in, warden::context& ctx) const {
        auto result = warden::sample(
            ctx, {{"messages", boost::json::array{boost::json::object{
                                   {"role", "user"}, {"content", warden::content::text(*in.prompt)}}}},
                  {"maxTokens", 100}});
        const auto* content = result.if_contains("content");
        const auto* said = content && content->is_object() ? content->get_object().if_contains("text") : nullptr;
        return text("LLM response: " + (said && said->is_string() ? std::string(said->get_string()) : std::string("(no text)")));
    }
};

struct user_info {
    warden::field<std::string, warden::doc<"User's response">> username;
    warden::field<std::string, warden::doc<"User's email address">> email;
};
BOOST_DESCRIBE_STRUCT(user_info, (), (username, email))

struct elicitation_input {
    warden::field<std::string, warden::doc<"The message to show the user">> message;
};
BOOST_DESCRIBE_STRUCT(elicitation_input, (), (message))

struct elicitation {
    static constexpr std::string_view name = "test_elicitation";
    static constexpr std::string_view description = "Tests server-initiated elicitation (user input request)";
    using input = elicitation_input;
    using output = void;
    using policy = warden::policy<warden::read_only>;
    warden::tool_result<void> call(const input& in, warden::context& ctx) const {
        auto answer = warden::elicit<user_info>(ctx, *in.message);
        if (answer.action != warden::elicit_action::accept) return text("User response: action=declined or cancelled");
        return text("User response: action=accept, content=" + boost::json::serialize(warden::encode(*answer.content)));
    }
};

// The two forms below use what elicit<T> cannot express yet (defaults, titled and multi-select
// enums), so they ask with the raw request.
warden::tool_result<void> ask_form(warden::context& ctx, std::string_view message, boost::json::object properties) {
    auto reply = ctx.ask_client("elicitation/create",
                                {{"mode", "form"},
                                 {"message", message},
                                 {"requestedSchema", {{"type", "object"}, {"properties", std::move(properties)}, {"required", boost::json::array{}}}}});
    if (!reply.ok) throw warden::tool_error(reply.error_code, reply.error_message);
    const auto* result = reply.result.if_object();
    const auto* action = result ? result->if_contains("action") : nullptr;
    const auto* content = result ? result->if_contains("content") : nullptr;
    return text("Elicitation completed: action=" + (action ? boost::json::serialize(*action) : std::string("?")) +
                ", content=" + (content ? boost::json::serialize(*content) : std::string("{}")));
}

boost::json::array choices(std::initializer_list<std::pair<const char*, const char*>> items) {
    boost::json::array a;
    for (auto [value, title] : items) a.push_back({{"const", value}, {"title", title}});
    return a;
}

struct elicitation_defaults : content_tool {
    static constexpr std::string_view name = "test_elicitation_sep1034_defaults";
    static constexpr std::string_view description = "Tests elicitation with default values per SEP-1034";
    warden::tool_result<void> call(const input&, warden::context& ctx) const {
        return ask_form(ctx, "Please review and update the form fields with defaults",
                        {{"name", {{"type", "string"}, {"description", "User name"}, {"default", "John Doe"}}},
                         {"age", {{"type", "integer"}, {"description", "User age"}, {"default", 30}}},
                         {"score", {{"type", "number"}, {"description", "User score"}, {"default", 95.5}}},
                         {"status", {{"type", "string"}, {"description", "User status"},
                                     {"enum", {"active", "inactive", "pending"}}, {"default", "active"}}},
                         {"verified", {{"type", "boolean"}, {"description", "Verification status"}, {"default", true}}}});
    }
};

struct elicitation_enums : content_tool {
    static constexpr std::string_view name = "test_elicitation_sep1330_enums";
    static constexpr std::string_view description = "Tests elicitation with enum schema improvements per SEP-1330";
    warden::tool_result<void> call(const input&, warden::context& ctx) const {
        return ask_form(
            ctx, "Please select options from the enum fields",
            {{"untitledSingle", {{"type", "string"}, {"description", "Select one option"}, {"enum", {"option1", "option2", "option3"}}}},
             {"titledSingle", {{"type", "string"}, {"description", "Select one option with titles"},
                               {"oneOf", choices({{"value1", "First Option"}, {"value2", "Second Option"}, {"value3", "Third Option"}})}}},
             {"legacyEnum", {{"type", "string"}, {"description", "Select one option (legacy)"}, {"enum", {"opt1", "opt2", "opt3"}},
                             {"enumNames", {"Option One", "Option Two", "Option Three"}}}},
             {"untitledMulti", {{"type", "array"}, {"description", "Select multiple options"}, {"minItems", 1}, {"maxItems", 3},
                                {"items", {{"type", "string"}, {"enum", {"option1", "option2", "option3"}}}}}},
             {"titledMulti", {{"type", "array"}, {"description", "Select multiple options with titles"}, {"minItems", 1}, {"maxItems", 3},
                              {"items", {{"anyOf", choices({{"value1", "First Choice"}, {"value2", "Second Choice"}, {"value3", "Third Choice"}})}}}}}});
    }
};

// A nested struct with a schema_name is defined once in $defs and referenced with $ref.
struct address {
    static constexpr std::string_view schema_name = "address";
    std::optional<std::string> street;
    std::optional<std::string> city;
};
BOOST_DESCRIBE_STRUCT(address, (), (street, city))

struct person {
    std::optional<std::string> name;
    std::optional<everything::address> address;
};
BOOST_DESCRIBE_STRUCT(person, (), (name, address))

struct json_schema_2020_12 {
    static constexpr std::string_view name = "json_schema_2020_12_tool";
    static constexpr std::string_view description = "Tool with JSON Schema 2020-12 features ($schema, $defs, $ref)";
    using input = person;
    using output = void;
    using policy = warden::policy<warden::read_only>;
    warden::tool_result<void> call(const input& in, warden::context&) const {
        return text("JSON Schema 2020-12 tool called with: " + boost::json::serialize(warden::encode(in)));
    }
};

warden::resource_reader fixed_text(std::string mime, std::string body) {
    return [mime, body](const std::string& uri, warden::context&) {
        return std::vector<warden::resource_contents>{{.uri = uri, .mime_type = mime, .text = body}};
    };
}

void offer(warden::server& s) {
    s.add(simple_text{});
    s.add(image_content{});
    s.add(audio_content{});
    s.add(embedded_resource{});
    s.add(multiple_content_types{});
    s.add(tool_with_logging{});
    s.add(tool_with_progress{});
    s.add(error_handling{});
    s.add(reconnection{});
    s.add(sampling{});
    s.add(elicitation{});
    s.add(elicitation_defaults{});
    s.add(elicitation_enums{});
    s.add(json_schema_2020_12{});

    s.add_resource({.uri = "test://static-text", .name = "static-text", .title = "Static Text Resource",
                    .description = "A static text resource for testing", .mime_type = "text/plain"},
                   fixed_text("text/plain", "This is the content of the static text resource."));
    s.add_resource({.uri = "test://static-binary", .name = "static-binary", .title = "Static Binary Resource",
                    .description = "A static binary resource (image) for testing", .mime_type = "image/png"},
                   [](const std::string& uri, warden::context&) {
                       return std::vector<warden::resource_contents>{{.uri = uri, .mime_type = "image/png", .blob = png}};
                   });
    s.add_resource({.uri = "test://watched-resource", .name = "watched-resource", .title = "Watched Resource",
                    .description = "A resource that can be subscribed to for updates", .mime_type = "text/plain"},
                   fixed_text("text/plain", "Watched resource content"));
    s.add_resource_template(
        {.uri_template = "test://template/{id}/data", .name = "template", .title = "Resource Template",
         .description = "A resource template with parameter substitution", .mime_type = "application/json"},
        [](const std::string& uri, const std::map<std::string, std::string>& vars, warden::context&) {
            boost::json::object data{{"id", vars.at("id")}, {"templateTest", true}, {"data", "Data for ID: " + vars.at("id")}};
            return std::vector<warden::resource_contents>{
                {.uri = uri, .mime_type = "application/json", .text = boost::json::serialize(data)}};
        });

    s.add_prompt({.name = "test_simple_prompt", .title = "Simple Prompt", .description = "A simple prompt without arguments"},
                 [](const auto&, warden::context&) {
                     return std::vector<warden::prompt_message>{warden::user_text("This is a simple prompt for testing.")};
                 });
    auto suggest = [](std::string_view typed) {
        std::vector<std::string> out;
        for (std::string v : {"paris", "park", "test", "testing"})
            if (v.rfind(typed, 0) == 0) out.push_back(v);
        return out;
    };
    s.add_prompt({.name = "test_prompt_with_arguments",
                  .title = "Prompt With Arguments",
                  .description = "A prompt with required arguments",
                  .arguments = {{.name = "arg1", .description = "First test argument", .required = true, .complete = suggest},
                                {.name = "arg2", .description = "Second test argument", .required = true}}},
                 [](const std::map<std::string, std::string>& args, warden::context&) {
                     return std::vector<warden::prompt_message>{warden::user_text(
                         "Prompt with arguments: arg1='" + args.at("arg1") + "', arg2='" + args.at("arg2") + "'")};
                 });
    s.add_prompt({.name = "test_prompt_with_embedded_resource",
                  .title = "Prompt With Embedded Resource",
                  .description = "A prompt that includes an embedded resource",
                  .arguments = {{.name = "resourceUri", .description = "URI of the resource to embed", .required = true}}},
                 [](const std::map<std::string, std::string>& args, warden::context&) {
                     return std::vector<warden::prompt_message>{
                         {"user", warden::content::embedded_text(args.at("resourceUri"), "Embedded resource content for testing.", "text/plain")},
                         warden::user_text("Please process the embedded resource above.")};
                 });
    s.add_prompt({.name = "test_prompt_with_image", .title = "Prompt With Image", .description = "A prompt that includes image content"},
                 [](const auto&, warden::context&) {
                     return std::vector<warden::prompt_message>{{"user", warden::content::image(png, "image/png")},
                                                                warden::user_text("Please analyze the image above.")};
                 });
}

} // namespace everything

int main(int argc, char** argv) {
    warden::server server({.name = "warden-everything", .version = "0.1.0", .title = "warden conformance server",
                           .instructions = "Every tool, resource and prompt here exists for the MCP conformance suite."});
    everything::offer(server);
    std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "--stdio" && argc == 2) {
        warden::serve_stdio(server);
        return 0;
    }
    if (mode == "--http" && argc == 3) {
        std::string at = argv[2];
        auto colon = at.rfind(':');
        warden::http_options options;
        options.address = at.substr(0, colon);
        options.port = static_cast<unsigned short>(std::stoi(at.substr(colon + 1)));
        warden::serve_http(server, options, [&](unsigned short port) {
            std::fprintf(stderr, "everything_server: listening on http://%s:%u/mcp\n", options.address.c_str(), port);
            std::fflush(stderr);
        });
        return 0;
    }
    std::fprintf(stderr, "usage: everything_server --stdio | --http ADDRESS:PORT\n");
    return 2;
}
