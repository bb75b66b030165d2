// A server for the interop tests: a slow tool that reports progress and honours cancellation, and
// a fast one to show that the slow one blocks nothing.
#include <warden/transport/http.hpp>
#include <warden/warden.hpp>

#include <cstdio>
#include <map>
#include <string>
#include <thread>

namespace probe {

struct count_input {
    warden::integer<1, 1000, int, warden::doc<"How many steps to count.">> steps;
    warden::integer<0, 1000, int, warden::doc<"Milliseconds per step.">> delayMs;
};
BOOST_DESCRIBE_STRUCT(count_input, (), (steps, delayMs))

struct count_output {
    int counted;
    bool stopped;
};
BOOST_DESCRIBE_STRUCT(count_output, (), (counted, stopped))

struct slow_count {
    static constexpr std::string_view name = "slow_count";
    static constexpr std::string_view description = "Count slowly, reporting progress at each step.";
    using input = count_input;
    using output = count_output;
    using policy = warden::policy<warden::read_only, warden::timeout_ms<60000>>;

    output call(const input& in, warden::context& ctx) const {
        int i = 0;
        for (; i < *in.steps && !ctx.stop_requested(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(*in.delayMs));
            ctx.report_progress(i + 1, *in.steps);
            ctx.log(warden::log_level::info, boost::json::object{{"counted", i + 1}});
        }
        return {i, ctx.stop_requested()};
    }
};

struct echo_input {
    warden::text<0, 100> text;
};
BOOST_DESCRIBE_STRUCT(echo_input, (), (text))
struct echo_output {
    std::string text;
};
BOOST_DESCRIBE_STRUCT(echo_output, (), (text))

struct echo {
    static constexpr std::string_view name = "echo";
    static constexpr std::string_view description = "Return the text unchanged.";
    using input = echo_input;
    using output = echo_output;
    using policy = warden::policy<warden::read_only>;
    output call(const input& in, warden::context&) const { return {*in.text}; }
};

enum class urgency { low, high };
BOOST_DESCRIBE_ENUM(urgency, low, high)

// The form the user fills in.
struct confirmation {
    warden::field<bool, warden::doc<"Go ahead?">> confirm;
    std::optional<warden::text<1, 200>> reason;
    std::optional<urgency> level;
};
BOOST_DESCRIBE_STRUCT(confirmation, (), (confirm, reason, level))

struct ask_input {
    warden::text<1, 200> question;
};
BOOST_DESCRIBE_STRUCT(ask_input, (), (question))
struct ask_output {
    std::string action;
    bool confirmed;
    std::string reason;
};
BOOST_DESCRIBE_STRUCT(ask_output, (), (action, confirmed, reason))

struct ask_user {
    static constexpr std::string_view name = "ask_user";
    static constexpr std::string_view description = "Ask the user to confirm, through elicitation.";
    using input = ask_input;
    using output = ask_output;
    using policy = warden::policy<warden::read_only, warden::timeout_ms<3000>>;

    output call(const input& in, warden::context& ctx) const {
        auto answer = warden::elicit<confirmation>(ctx, *in.question);
        switch (answer.action) {
        case warden::elicit_action::accept:
            return {"accept", *answer.content->confirm, answer.content->reason ? **answer.content->reason : ""};
        case warden::elicit_action::decline: return {"decline", false, ""};
        case warden::elicit_action::cancel: break;
        }
        return {"cancel", false, ""};
    }
};

struct summarize_input {
    warden::text<1, 2000> text;
};
BOOST_DESCRIBE_STRUCT(summarize_input, (), (text))
struct summarize_output {
    std::string summary;
    std::string model;
};
BOOST_DESCRIBE_STRUCT(summarize_output, (), (summary, model))

struct summarize {
    static constexpr std::string_view name = "summarize";
    static constexpr std::string_view description = "Summarize a text with the client's model, through sampling.";
    using input = summarize_input;
    using output = summarize_output;
    using policy = warden::policy<warden::read_only, warden::timeout_ms<3000>>;

    output call(const input& in, warden::context& ctx) const {
        boost::json::object params{
            {"messages", boost::json::array{boost::json::object{
                             {"role", "user"},
                             {"content", boost::json::object{{"type", "text"}, {"text", "Summarize: " + *in.text}}}}}},
            {"maxTokens", 100}};
        auto result = warden::sample(ctx, std::move(params));
        const auto* content = result.if_contains("content");
        const auto* text = content && content->is_object() ? content->get_object().if_contains("text") : nullptr;
        const auto* model = result.if_contains("model");
        if (!text || !text->is_string()) throw warden::tool_error("invalid_client_answer", "The sample has no text.");
        return {std::string(text->get_string()), model && model->is_string() ? std::string(model->get_string()) : ""};
    }
};

// Tells the sessions subscribed to a resource that it changed: a message outside any call of
// theirs, which over HTTP travels on their GET stream.
struct uri_input {
    warden::text<1, 200> uri;
};
BOOST_DESCRIBE_STRUCT(uri_input, (), (uri))
struct done_output {
    bool done;
};
BOOST_DESCRIBE_STRUCT(done_output, (), (done))

struct announce {
    static constexpr std::string_view name = "announce";
    static constexpr std::string_view description = "Tell the subscribers of a resource that it changed.";
    using input = uri_input;
    using output = done_output;
    using policy = warden::policy<warden::read_only>;
    const warden::server* server = nullptr;
    output call(const input& in, warden::context&) const {
        server->notify_resource_updated(*in.uri);
        return {true};
    }
};

// Adds or removes the prompt "extra": every session hears notifications/prompts/list_changed.
struct presence_input {
    bool present;
};
BOOST_DESCRIBE_STRUCT(presence_input, (), (present))

struct set_extra_prompt {
    static constexpr std::string_view name = "set_extra_prompt";
    static constexpr std::string_view description = "Offer the prompt 'extra', or withdraw it.";
    using input = presence_input;
    using output = done_output;
    using policy = warden::policy<warden::mutating>;
    static std::string idempotency_key(const input& in) { return in.present ? "present" : "absent"; }
    warden::server* server = nullptr;
    output call(const input& in, warden::context&) const {
        if (!in.present) return {server->remove_prompt("extra")};
        try {
            server->add_prompt({.name = "extra", .description = "A prompt that comes and goes."},
                               [](const auto&, warden::context&) { return std::vector<warden::prompt_message>{warden::user_text("extra")}; });
        } catch (const std::logic_error&) {
            return {false}; // already there
        }
        return {true};
    }
};

struct whoami_output {
    std::string user;
    std::string tenant;
};
BOOST_DESCRIBE_STRUCT(whoami_output, (), (user, tenant))
struct no_input {};
BOOST_DESCRIBE_STRUCT(no_input, (), ())

struct whoami {
    static constexpr std::string_view name = "whoami";
    static constexpr std::string_view description = "Say who the server thinks is calling.";
    using input = no_input;
    using output = whoami_output;
    using policy = warden::policy<warden::read_only>;
    output call(const input&, warden::context& ctx) const { return {ctx.caller().user, ctx.caller().tenant}; }
};

} // namespace probe

// interop_server [--stdio | --http ADDRESS:PORT]; with --http, "listening on PORT" goes to stderr.
int main(int argc, char** argv) {
    warden::server server({.name = "interop", .version = "0.1.0"});
    server.add(probe::slow_count{});
    server.add(probe::echo{});
    server.add(probe::ask_user{});
    server.add(probe::summarize{});
    server.add(probe::announce{.server = &server});
    server.add(probe::set_extra_prompt{.server = &server});
    server.add(probe::whoami{});
    server.add_resource({.uri = "test://static-text", .name = "static-text", .description = "A fixed text.", .mime_type = "text/plain"},
                        [](const std::string& uri, warden::context&) {
                            return std::vector<warden::resource_contents>{{.uri = uri, .mime_type = "text/plain", .text = "Hello from warden."}};
                        });
    server.add_resource_template(
        {.uri_template = "test://items/{id}/data", .name = "item", .mime_type = "application/json"},
        [](const std::string& uri, const std::map<std::string, std::string>& vars, warden::context&) {
            if (vars.at("id") == "missing") throw warden::tool_error("not_found", "No such item.");
            return std::vector<warden::resource_contents>{
                {.uri = uri, .mime_type = "application/json", .text = "{\"id\":\"" + vars.at("id") + "\"}"}};
        },
        {{"id", [](std::string_view typed) {
              std::vector<std::string> out;
              for (std::string v : {"apple", "apricot", "banana"})
                  if (v.rfind(typed, 0) == 0) out.push_back(v);
              return out;
          }}});
    server.add_prompt({.name = "greet",
                       .description = "Greet someone.",
                       .arguments = {{.name = "name", .description = "Who to greet.", .required = true,
                                      .complete = [](std::string_view typed) {
                                          return std::vector<std::string>{std::string(typed) + "a", std::string(typed) + "b"};
                                      }},
                                     {.name = "style"}}},
                      [](const std::map<std::string, std::string>& args, warden::context&) {
                          auto style = args.count("style") ? args.at("style") : std::string("plain");
                          return std::vector<warden::prompt_message>{warden::user_text("Greet " + args.at("name") + " (" + style + ").")};
                      });
    if ((argc == 3 || argc == 4) && std::string(argv[1]) == "--http") {
        std::string at = argv[2];
        auto colon = at.rfind(':');
        warden::http_options options;
        options.address = at.substr(0, colon);
        options.port = static_cast<unsigned short>(std::stoi(at.substr(colon + 1)));
        if (argc == 4 && std::string(argv[3]) == "--auth") // a stand-in for token verification: "Bearer <user>"
        {
            options.authenticate = [](std::string_view authorization) {
                if (authorization.substr(0, 7) != "Bearer " || authorization.size() == 7)
                    return warden::token_check::refused("the token was not accepted");
                return warden::token_check::ok({std::string(authorization.substr(7)), "acme", {}});
            };
            options.protected_resource = {{"https://desk.example.com/mcp", {"https://auth.example.com"}, {"notes", "refunds"}}};
        }
        warden::serve_http(server, options, [](unsigned short port) {
            std::fprintf(stderr, "listening on %u\n", port);
            std::fflush(stderr);
        });
        return 0;
    }
    warden::serve_stdio(server);
}
