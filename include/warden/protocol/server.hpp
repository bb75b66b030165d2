#ifndef WARDEN_PROTOCOL_SERVER_HPP
#define WARDEN_PROTOCOL_SERVER_HPP

// The MCP server: the tools it offers and how it answers each method. It reads and writes JSON
// messages and knows nothing of the transport that carries them.

#include <warden/detail/call_reader.hpp>
#include <warden/detail/deadline_timer.hpp>
#include <warden/pipeline/context.hpp>
#include <warden/pipeline/pipeline.hpp>
#include <warden/pipeline/tool_call.hpp>
#include <warden/policy/principal.hpp>
#include <warden/protocol/jsonrpc.hpp>
#include <warden/protocol/prompts.hpp>
#include <warden/protocol/resources.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <stop_token>
#include <type_traits>
#include <string>
#include <unordered_map>
#include <vector>

namespace warden {

// The protocol revisions warden speaks, newest first.
inline constexpr std::array<std::string_view, 3> protocol_versions{"2025-11-25", "2025-06-18", "2025-03-26"};

struct server_options {
    std::string name = "warden-server";
    std::string version = "0.1.0";
    std::string title{};      // optional, shown by clients
    std::string instructions{}; // optional, how to use this server's tools
    std::size_t page_size = 100;                    // tools per tools/list page
    std::chrono::milliseconds default_timeout{30000}; // for tools without timeout_ms
    parse_options limits{};                         // for every incoming message
    pipeline_options pipeline{};                    // what every tools/call passes: limits, approval, idempotency, traces
};

// The state of one connection: negotiated revision, who is calling, the client's logging level,
// the calls in flight (to cancel them), and how to send the client a message outside a reply.
class session {
public:
    using sender = std::function<void(const boost::json::object&)>;
    // Ends the current call's response stream early, if the transport can resume it.
    using releaser = std::function<bool()>;

    explicit session(principal caller, sender send = {}, releaser release = {})
        : caller_(std::move(caller)), send_(std::move(send)), release_(std::move(release)) {}
    ~session() {
        if (forget_) forget_(this);
    }
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    bool initialized() const noexcept { return initialized_.load(); }
    std::string protocol_version() const {
        std::lock_guard lock(mutex_);
        return version_;
    }
    const principal& caller() const noexcept { return caller_; }
    // Batches exist only in revision 2025-03-26.
    bool accepts_batches() const { return protocol_version() == "2025-03-26"; }

private:
    friend class server;

    void send(const boost::json::object& message) const {
        if (send_) send_(message);
    }

    // A request the server sent the client, waiting for its response.
    struct outgoing {
        std::mutex mutex;
        std::condition_variable answered;
        std::optional<jsonrpc::response> reply;
    };

    principal caller_;
    sender send_;
    releaser release_;
    std::atomic<std::int64_t> next_request_id_{1};
    std::unordered_map<std::string, std::shared_ptr<outgoing>> outgoing_; // by serialized id, under mutex_
    std::atomic<bool> initialized_{false};
    std::atomic<int> log_level_{static_cast<int>(log_level::info)};
    mutable std::mutex mutex_;
    std::string version_;
    boost::json::object client_capabilities_;
    // A request being served: its stop source, and whether the client cancelled it.
    struct running {
        std::stop_source source;
        std::atomic<bool> cancelled{false};
    };
    using running_calls = std::unordered_map<std::string, running*>;
    running_calls in_flight_; // by serialized request id; each lives on its call's stack
    running_calls::node_type spare_call_; // the last call's map node, for the next one: no allocation per call
    std::set<std::string> subscriptions_;                         // resource URIs
    std::function<void(session*)> forget_;                        // set by the server at initialize;
                                                                  // the server outlives its sessions
};

class server {
    struct catalog; // the registered tools, resources and prompts: below

public:
    explicit server(server_options options = {}) : options_(std::move(options)) {}

    // Offers a tool. Its declaration is checked at compile time; a second tool with the same
    // name is a programming error. Sessions already open get notifications/tools/list_changed.
    template<class Tool>
    void add(Tool tool = Tool{}) {
        static_assert(is_tool<Tool>); // a broken declaration stops here with its own rule's message
        static_assert(runnable_tool<Tool>, "warden: a served tool needs output call(const input&, warden::context&) "
                                           "(or one returning warden::tool_result<output>; tool_result<void> when "
                                           "the output is void)");
        auto e = std::make_shared<entry>();
        e->name = std::string(Tool::name);
        e->definition = tool_definition<Tool>();
        e->timeout = tool_policy<Tool>::timeout().value_or(options_.default_timeout);
        e->policy = detail::summarize_policy<Tool>();
        e->steps = &detail::steps_of<Tool>;
        e->instance = {new Tool(std::move(tool)), [](void* p) { delete static_cast<Tool*>(p); }};
        add_tool(std::move(e));
    }

    // Withdraws a tool; calls already running finish. False when there was none of that name.
    bool remove_tool(std::string_view name) {
        return change("notifications/tools/list_changed", [&](catalog& c) {
            if (!erase_if_named(c.tools, [&](const entry& e) { return e.name == name; })) return false;
            c.reindex();
            return true;
        });
    }

    // Offers a resource at a fixed URI.
    void add_resource(resource info, resource_reader read) {
        auto e = std::make_shared<const resource_entry>(resource_entry{std::move(info), std::move(read)});
        change("notifications/resources/list_changed", [&](catalog& c) { c.resources.push_back(std::move(e)); });
    }

    bool remove_resource(std::string_view uri) {
        return change("notifications/resources/list_changed", [&](catalog& c) {
            return erase_if_named(c.resources, [&](const resource_entry& e) { return e.info.uri == uri; });
        });
    }

    // Offers the resources a URI template describes; `complete` gives values for its variables.
    void add_resource_template(resource_template info, template_reader read,
                               std::map<std::string, completer> complete = {}) {
        auto e = std::make_shared<const template_entry>(template_entry{std::move(info), std::move(read), std::move(complete)});
        change("notifications/resources/list_changed", [&](catalog& c) { c.templates.push_back(std::move(e)); });
    }

    bool remove_resource_template(std::string_view uri_template) {
        return change("notifications/resources/list_changed", [&](catalog& c) {
            return erase_if_named(c.templates, [&](const template_entry& e) { return e.info.uri_template == uri_template; });
        });
    }

    void add_prompt(prompt info, prompt_renderer render) {
        auto e = std::make_shared<const prompt_entry>(prompt_entry{std::move(info), std::move(render)});
        change("notifications/prompts/list_changed", [&](catalog& c) {
            if (find_named(c.prompts, e->info.name))
                throw std::logic_error("warden: a prompt named " + e->info.name + " is already registered");
            c.prompts.push_back(std::move(e));
        });
    }

    bool remove_prompt(std::string_view name) {
        return change("notifications/prompts/list_changed", [&](catalog& c) {
            return erase_if_named(c.prompts, [&](const prompt_entry& e) { return e.info.name == name; });
        });
    }

    // The scopes a tool requires of its caller (none for a tool that is not there): lets a
    // transport refuse a call before it starts, as HTTP does with its 403 step-up challenge.
    std::vector<std::string> required_scopes(std::string_view tool) const {
        const auto cat = snapshot();
        auto it = cat->by_name.find(tool);
        return it == cat->by_name.end() ? std::vector<std::string>{} : cat->tools[it->second]->policy.scopes;
    }

    // Tells every session subscribed to `uri` that it changed (notifications/resources/updated).
    void notify_resource_updated(const std::string& uri) const {
        broadcast(jsonrpc::make_notification("notifications/resources/updated", boost::json::object{{"uri", uri}}),
                  [&](const session& s) { return s.subscriptions_.count(uri) != 0; });
    }

    // Reads one message of text, as jsonrpc::read does, except that a tools/call's arguments go
    // straight into the input of the tool it names, without a JSON value in between.
    jsonrpc::message read(std::string_view text) const {
        std::shared_ptr<const catalog> cat;
        return read(text, cat);
    }

    // Answers one message of text: writes the reply's JSON text (an object, or an array for a
    // batch) into `reply`, or returns false when there is none (notifications, responses). What
    // transports call: a tools/call's reply is written as text, without a DOM in between.
    bool handle(std::string_view text, session& s, std::string& reply, std::stop_token stop = {}) const {
        std::shared_ptr<const catalog> cat; // what the reading looked the tool up in: the call uses it too
        auto message = read(text, cat);
        reply.clear();
        if (auto* b = std::get_if<jsonrpc::batch>(&message)) return handle_batch(b->items, s, reply, stop);
        return handle_one(std::move(message), s, reply, stop, cat.get());
    }

    // The same for a message already read (a transport that looks at messages before serving them).
    bool handle(jsonrpc::message message, session& s, std::string& reply, std::stop_token stop = {}) const {
        reply.clear();
        if (auto* b = std::get_if<jsonrpc::batch>(&message)) return handle_batch(b->items, s, reply, stop);
        return handle_one(std::move(message), s, reply, stop);
    }

    // The reply as a JSON value: the same, read back (for tests, and code that looks into replies).
    std::optional<boost::json::value> handle(std::string_view text, session& s, std::stop_token stop = {}) const {
        return handle(read(text), s, std::move(stop));
    }
    std::optional<boost::json::value> handle(jsonrpc::message message, session& s, std::stop_token stop = {}) const {
        std::string reply;
        if (!handle(std::move(message), s, reply, std::move(stop))) return std::nullopt;
        return boost::json::parse(reply);
    }

    const server_options& options() const noexcept { return options_; }

private:
    // Appends the reply to `out`; false (and `out` as it was) when there is none.
    bool handle_one(jsonrpc::message&& message, session& s, std::string& out, const std::stop_token& stop,
                    const catalog* read_with = nullptr) const {
        if (auto* bad = std::get_if<jsonrpc::malformed>(&message)) return put(out, jsonrpc::make_error(bad->id, bad->code, bad->message));
        if (auto* r = std::get_if<jsonrpc::request>(&message)) {
            if (r->id && r->method == "tools/call" && s.initialized()) // the hot one, written as text
                return call_tool(read_with ? *read_with : *snapshot(), *r, s, stop, out);
            return put(out, dispatch(*r, s, stop));
        }
        if (auto* r = std::get_if<jsonrpc::response>(&message)) deliver(std::move(*r), s);
        return false;
    }

    static bool put(std::string& out, const std::optional<boost::json::object>& reply) {
        if (!reply) return false;
        detail::append_json(out, *reply);
        return true;
    }

    // A batch is served in order and answered with one array, in sessions of revision 2025-03-26;
    // later revisions removed batches, and initialize may not be part of one.
    bool handle_batch(boost::json::array& items, session& s, std::string& out, const std::stop_token& stop) const {
        auto version = s.protocol_version();
        if (!s.accepts_batches())
            return put(out, jsonrpc::make_error(nullptr, jsonrpc::error_code::invalid_request,
                                                version.empty() ? "batches are not accepted before initialize; send one message at a time"
                                                                : "revision " + version + " has no batches; send one message at a time"));
        out += '[';
        bool any = false;
        auto separate = [&] {
            if (any) out += ',';
        };
        for (auto& item : items) {
            auto message = item.is_array() ? jsonrpc::message(jsonrpc::malformed{nullptr, jsonrpc::error_code::invalid_request,
                                                                                 "a batch cannot contain a batch"})
                                           : jsonrpc::classify(std::move(item));
            auto* r = std::get_if<jsonrpc::request>(&message);
            const std::size_t before = out.size();
            separate();
            if (r && r->method == "initialize" && r->id)
                any = put(out, jsonrpc::make_error(*r->id, jsonrpc::error_code::invalid_request,
                                                   "initialize cannot be part of a batch"));
            else if (handle_one(std::move(message), s, out, stop))
                any = true;
            else
                out.resize(before); // no reply: no comma either
        }
        if (!any) { // only notifications and responses
            out.clear();
            return false;
        }
        out += ']';
        return true;
    }

    struct entry {
        std::string name;
        boost::json::object definition;
        std::chrono::milliseconds timeout{};
        policy_summary policy;
        const detail::typed_steps* steps = nullptr; // the tool's types, for the pipeline and server::read
        std::unique_ptr<void, void (*)(void*)> instance{nullptr, nullptr}; // the tool
    };
    struct resource_entry {
        resource info;
        resource_reader read;
    };
    struct template_entry {
        resource_template info;
        template_reader read;
        std::map<std::string, completer> complete;
    };
    struct prompt_entry {
        prompt info;
        prompt_renderer render;
    };

    // What the server offers. A change builds a new catalog and swaps it in, so a request works
    // on one consistent snapshot and a call keeps its tool alive while it runs.
    struct catalog {
        std::vector<std::shared_ptr<const entry>> tools;
        std::unordered_map<std::string_view, std::size_t> by_name; // views into the entries' names
        std::vector<std::shared_ptr<const resource_entry>> resources;
        std::vector<std::shared_ptr<const template_entry>> templates;
        std::vector<std::shared_ptr<const prompt_entry>> prompts;

        void reindex() {
            by_name.clear();
            for (std::size_t i = 0; i < tools.size(); ++i) by_name.emplace(tools[i]->name, i);
        }
    };

    std::shared_ptr<const catalog> snapshot() const {
        std::lock_guard lock(catalog_mutex_);
        return catalog_;
    }

    // read(), keeping the catalog it looked in (null when it did not look).
    jsonrpc::message read(std::string_view text, std::shared_ptr<const catalog>& cat) const {
        // The catalog is looked at only by a tools/call that names its tool before its arguments.
        auto lookup = [&](std::string_view name) -> const detail::input_decoder* {
            if (!cat) cat = snapshot();
            auto it = cat->by_name.find(name);
            return it == cat->by_name.end() ? nullptr : cat->tools[it->second]->steps->decoder;
        };
        jsonrpc::message message; // one object, returned by every path (no move on the way out)
        try {
            if (detail::read_call(text, options_.limits, lookup, message)) return message;
        } catch (const std::exception&) {
            // Out of memory on the way: the usual way says what it can.
        }
        message = jsonrpc::read(text, options_.limits);
        return message;
    }

    // add's part that does not depend on the tool's type, compiled once.
    void add_tool(std::shared_ptr<entry> e) {
        change("notifications/tools/list_changed", [&](catalog& c) {
            if (c.by_name.count(e->name)) throw std::logic_error("warden: a tool named " + e->name + " is already registered");
            c.by_name.emplace(e->name, c.tools.size());
            c.tools.push_back(std::move(e));
        });
    }

    // Applies an edit to a copy of the catalog, swaps it in and tells the open sessions. An edit
    // may return false for "nothing changed": then nothing is swapped or sent.
    template<class Edit>
    bool change(std::string_view list_changed, Edit edit) {
        {
            std::lock_guard writer(change_mutex_);
            auto next = std::make_shared<catalog>(*snapshot());
            if constexpr (std::is_void_v<decltype(edit(*next))>) edit(*next);
            else if (!edit(*next)) return false;
            std::lock_guard lock(catalog_mutex_);
            catalog_ = std::move(next);
        }
        broadcast(jsonrpc::make_notification(list_changed, boost::json::object{}), [](const session&) { return true; });
        return true;
    }

    template<class Item, class Pred>
    static bool erase_if_named(std::vector<std::shared_ptr<const Item>>& items, Pred pred) {
        auto it = std::find_if(items.begin(), items.end(), [&](const auto& p) { return pred(*p); });
        if (it == items.end()) return false;
        items.erase(it);
        return true;
    }

    static const prompt_entry* find_named(const std::vector<std::shared_ptr<const prompt_entry>>& prompts, std::string_view name) {
        for (const auto& p : prompts)
            if (p->info.name == name) return p.get();
        return nullptr;
    }

    // Sends a message to every initialized session that wants it.
    template<class Wants>
    void broadcast(const boost::json::object& message, Wants wants) const {
        std::lock_guard lock(sessions_mutex_);
        for (session* s : live_sessions_) {
            bool wanted;
            {
                std::lock_guard inner(s->mutex_);
                wanted = wants(*s);
            }
            if (wanted) s->send(message);
        }
    }

    // Every request but an initialized session's tools/call (handle_one writes that one as text).
    std::optional<boost::json::object> dispatch(const jsonrpc::request& r, session& s, const std::stop_token& stop) const {
        if (r.is_notification()) {
            if (r.method == "notifications/cancelled") cancel(r.params, s);
            // notifications/initialized needs no action: initialize has set the session up.
            return std::nullopt;
        }
        const auto& id = *r.id;
        if (r.method == "ping") return jsonrpc::make_result(id, boost::json::object{});
        if (r.method == "initialize") return initialize(id, r.params, s);
        if (!s.initialized())
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_request,
                                       "the session is not initialized: send initialize first");
        const auto cat = snapshot(); // this request sees one version of the catalog
        if (r.method == "tools/list")
            return page(id, r.params, cat->tools, "tools", [](const entry& e) { return e.definition; });
        if (r.method == "resources/list")
            return page(id, r.params, cat->resources, "resources", [](const resource_entry& e) { return describe(e.info); });
        if (r.method == "resources/templates/list")
            return page(id, r.params, cat->templates, "resourceTemplates", [](const template_entry& e) { return describe(e.info); });
        if (r.method == "resources/read") return read_resource(*cat, id, r.params, s, stop);
        if (r.method == "resources/subscribe" || r.method == "resources/unsubscribe")
            return subscribe(id, r.params, s, r.method == "resources/subscribe");
        if (r.method == "prompts/list")
            return page(id, r.params, cat->prompts, "prompts", [](const prompt_entry& e) { return describe(e.info); });
        if (r.method == "prompts/get") return get_prompt(*cat, id, r.params, s, stop);
        if (r.method == "completion/complete") return complete(*cat, id, r.params);
        if (r.method == "logging/setLevel") return set_log_level(id, r.params, s);
        return jsonrpc::make_error(id, jsonrpc::error_code::method_not_found, "method not found: " + r.method);
    }

    boost::json::object initialize(const boost::json::value& id, const boost::json::object& params, session& s) const {
        const auto* requested = params.if_contains("protocolVersion");
        if (!requested || !requested->is_string())
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "initialize needs protocolVersion (a string)");
        if (s.initialized())
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_request, "the session is already initialized");
        // A revision we speak is echoed; otherwise we offer our newest and the client decides.
        std::string_view version = protocol_versions.front();
        for (auto v : protocol_versions)
            if (requested->get_string() == v) version = v;
        {
            std::lock_guard lock(s.mutex_);
            s.version_ = std::string(version);
            if (const auto* caps = params.if_contains("capabilities"); caps && caps->is_object())
                s.client_capabilities_ = caps->get_object();
        }
        s.initialized_ = true;
        {
            std::lock_guard lock(sessions_mutex_);
            live_sessions_.insert(&s);
        }
        s.forget_ = [this](session* gone) {
            std::lock_guard lock(sessions_mutex_);
            live_sessions_.erase(gone);
        };
        boost::json::object info{{"name", options_.name}, {"version", options_.version}};
        if (!options_.title.empty()) info["title"] = options_.title;
        boost::json::object result{
            {"protocolVersion", version},
            {"capabilities", boost::json::object{{"tools", boost::json::object{{"listChanged", true}}},
                                                 {"resources", boost::json::object{{"subscribe", true}, {"listChanged", true}}},
                                                 {"prompts", boost::json::object{{"listChanged", true}}},
                                                 {"completions", boost::json::object{}},
                                                 {"logging", boost::json::object{}}}},
            {"serverInfo", std::move(info)}};
        if (!options_.instructions.empty()) result["instructions"] = options_.instructions;
        return jsonrpc::make_result(id, std::move(result));
    }

    // One page of a list. The cursor is the index of the next item, as a decimal string;
    // clients treat it as opaque.
    template<class Item, class Describe>
    boost::json::object page(const boost::json::value& id, const boost::json::object& params,
                             const std::vector<std::shared_ptr<const Item>>& items,
                             std::string_view key, Describe describe) const {
        std::size_t start = 0;
        if (const auto* cursor = params.if_contains("cursor"); cursor && !cursor->is_null()) {
            std::string_view c = cursor->is_string() ? std::string_view(cursor->get_string()) : std::string_view();
            std::size_t value = 0;
            bool ok = !c.empty() && c.size() <= 9;
            for (char ch : c) {
                ok = ok && ch >= '0' && ch <= '9';
                value = value * 10 + static_cast<std::size_t>(ch - '0');
            }
            if (!ok || value > items.size())
                return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "invalid cursor");
            start = value;
        }
        std::size_t end = std::min(items.size(), start + std::max<std::size_t>(options_.page_size, 1));
        boost::json::array listed;
        for (std::size_t i = start; i < end; ++i) listed.push_back(describe(*items[i]));
        boost::json::object result{{key, std::move(listed)}};
        if (end < items.size()) result["nextCursor"] = std::to_string(end);
        return jsonrpc::make_result(id, std::move(result));
    }

    // Appends the reply to a tools/call to `out`, as text; false (and `out` as it was) when the
    // call was cancelled, since the client has stopped waiting for it.
    bool call_tool(const catalog& cat, const jsonrpc::request& r, session& s, const std::stop_token& stop, std::string& out) const {
        using namespace std::string_view_literals;
        const boost::json::value& id = *r.id;
        const boost::json::object& params = r.params;
        const detail::decoded_input& decoded = r.decoded;
        const auto name = r.tool_name();
        if (!name) return put(out, jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "tools/call needs name (a string)"));
        auto it = cat.by_name.find(*name);
        if (it == cat.by_name.end())
            return put(out, jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "unknown tool: " + std::string(*name)));
        const entry& tool = *cat.tools[it->second];
        // Read for a tool of that name that has since been replaced by one with another input.
        if (decoded && decoded.type() != tool.steps->decoder->type)
            return put(out, jsonrpc::make_error(id, jsonrpc::error_code::invalid_params,
                                                "the tool " + tool.name + " changed while this call waited; call it again"));
        static const boost::json::value no_arguments = boost::json::object{};
        const auto* args = params.if_contains("arguments");

        // The call stops when the client cancels it, the transport shuts down or its deadline passes.
        in_flight call(s, id);
        if (call.duplicate) return put(out, duplicate_id(id));
        std::stop_callback forward(stop, [&] { call.source.request_stop(); });
        const auto* meta = params.if_contains("_meta");
        const auto* meta_object = meta && meta->is_object() ? &meta->get_object() : nullptr;
        const auto started = std::chrono::steady_clock::now();
        detail::reused_trace record;
        trace_record& trace = *record;
        trace.enabled = !options_.pipeline.sinks.empty(); // unread, a trace is not written at all
        if (trace.enabled) {
            detail::write_trace_id(trace.trace_id, meta_object);
            trace.started = detail::wall_time_of(started);
            trace.tool = tool.name;
            trace.user = s.caller().user;
            trace.tenant = s.caller().tenant;
        }
        const auto deadline = started + tool.timeout;
        detail::deadline_timer::scoped timeout(timer_, deadline, call.source);
        channel reporter(s, progress_token(params));
        call_details details{&trace, &timer_, tool.policy.read_only, {}};
        context ctx(s.caller(), deadline, call.source.get_token(), &reporter, &details);
        const std::size_t start = out.size();
        out += R"({"jsonrpc":"2.0","id":)"sv;
        detail::append_json(out, id);
        out += R"(,"result":)"sv;
        const std::size_t result_at = out.size();
        try {
            detail::run_steps(tool.name, *tool.steps, tool.instance.get(), tool.policy,
                              {args ? *args : no_arguments, decoded ? &decoded : nullptr, meta_object, ctx, details, trace,
                               options_.pipeline, limiter_, started},
                              out);
        } catch (...) {
            // A stage or store failed: nothing of it reaches the model but the trace id.
            out.resize(result_at);
            if (trace.trace_id.empty()) trace.trace_id = trace_id_for(meta_object);
            detail::write_tool_error(out, "internal_error", "The call failed unexpectedly. Reference: " + trace.trace_id + ".");
            trace.outcome = "internal_error";
        }
        if (trace.result_bytes == 0) trace.result_bytes = out.size() - result_at;
        if (call.cancelled()) trace.outcome = "cancelled";
        write_trace(trace, started);
        // A cancelled request gets no response: the client has stopped waiting for it.
        if (call.cancelled()) {
            out.resize(start);
            return false;
        }
        out += '}';
        return true;
    }

    // A resource or a template: where it is, then what it is called and holds.
    template<class R>
    static boost::json::object describe_resource(std::string_view where_key, const std::string& where, const R& r) {
        boost::json::object o{{where_key, where}, {"name", r.name}};
        if (!r.title.empty()) o["title"] = r.title;
        if (!r.description.empty()) o["description"] = r.description;
        if (!r.mime_type.empty()) o["mimeType"] = r.mime_type;
        return o;
    }
    static boost::json::object describe(const resource& r) { return describe_resource("uri", r.uri, r); }
    static boost::json::object describe(const resource_template& r) {
        return describe_resource("uriTemplate", r.uri_template, r);
    }
    static boost::json::object describe(const prompt& p) {
        boost::json::object o{{"name", p.name}};
        if (!p.title.empty()) o["title"] = p.title;
        if (!p.description.empty()) o["description"] = p.description;
        boost::json::array args;
        for (const auto& a : p.arguments) {
            boost::json::object arg{{"name", a.name}, {"required", a.required}};
            if (!a.description.empty()) arg["description"] = a.description;
            args.push_back(std::move(arg));
        }
        o["arguments"] = std::move(args);
        return o;
    }

    static const std::string* string_param(const boost::json::object& params, std::string_view key, std::string& out) {
        const auto* v = params.if_contains(key);
        if (!v || !v->is_string()) return nullptr;
        out = std::string(v->get_string());
        return &out;
    }

    // Runs a reader or renderer like a tool handler: exceptions stay here.
    template<class Fn>
    std::optional<boost::json::object> guarded(const boost::json::value& id, session& s, std::stop_token stop, Fn fn) const {
        in_flight call(s, id);
        if (call.duplicate) return duplicate_id(id);
        std::stop_callback forward(stop, [&] { call.source.request_stop(); });
        context ctx(s.caller(), context::clock::now() + options_.default_timeout, call.source.get_token());
        std::optional<boost::json::object> reply;
        try {
            reply = fn(ctx);
        } catch (const tool_error& e) {
            reply = jsonrpc::make_error(id, jsonrpc::error_code::internal_error, e.what());
        } catch (...) {
            reply = jsonrpc::make_error(id, jsonrpc::error_code::internal_error,
                                        "the server failed unexpectedly; reference " + detail::random_hex(16));
        }
        if (call.cancelled()) return std::nullopt;
        return reply;
    }

    std::optional<boost::json::object> read_resource(const catalog& cat, const boost::json::value& id,
                                                     const boost::json::object& params, session& s,
                                                     std::stop_token stop) const {
        std::string uri;
        if (!string_param(params, "uri", uri))
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "resources/read needs uri (a string)");
        return guarded(id, s, std::move(stop), [&](context& ctx) -> boost::json::object {
            std::vector<resource_contents> contents;
            bool found = false;
            for (const auto& r : cat.resources)
                if (r->info.uri == uri) {
                    contents = r->read(uri, ctx);
                    found = true;
                    break;
                }
            for (std::size_t i = 0; !found && i < cat.templates.size(); ++i)
                if (auto vars = detail::match_uri_template(cat.templates[i]->info.uri_template, uri)) {
                    contents = cat.templates[i]->read(uri, *vars, ctx);
                    found = true;
                }
            if (!found)
                return jsonrpc::make_error(id, static_cast<jsonrpc::error_code>(-32002), "resource not found",
                                           boost::json::object{{"uri", uri}});
            boost::json::array items;
            for (const auto& c : contents) items.push_back(detail::to_json(c));
            return jsonrpc::make_result(id, boost::json::object{{"contents", std::move(items)}});
        });
    }

    boost::json::object subscribe(const boost::json::value& id, const boost::json::object& params, session& s, bool on) const {
        std::string uri;
        if (!string_param(params, "uri", uri))
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "needs uri (a string)");
        std::lock_guard lock(s.mutex_);
        if (on) s.subscriptions_.insert(uri);
        else s.subscriptions_.erase(uri);
        return jsonrpc::make_result(id, boost::json::object{});
    }

    static std::map<std::string, std::string> string_arguments(const boost::json::object& params, std::string& bad) {
        std::map<std::string, std::string> args;
        const auto* a = params.if_contains("arguments");
        if (!a || a->is_null()) return args;
        if (!a->is_object()) {
            bad = "arguments must be an object of strings";
            return args;
        }
        for (const auto& kv : a->get_object()) {
            if (!kv.value().is_string()) bad = "argument " + std::string(kv.key()) + " must be a string";
            else args[std::string(kv.key())] = std::string(kv.value().get_string());
        }
        return args;
    }

    std::optional<boost::json::object> get_prompt(const catalog& cat, const boost::json::value& id,
                                                  const boost::json::object& params, session& s, std::stop_token stop) const {
        std::string name;
        if (!string_param(params, "name", name))
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "prompts/get needs name (a string)");
        const prompt_entry* it = find_named(cat.prompts, name);
        if (!it) return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "unknown prompt: " + name);
        std::string bad;
        auto args = string_arguments(params, bad);
        if (!bad.empty()) return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, bad);
        for (const auto& declared : it->info.arguments)
            if (declared.required && !args.count(declared.name))
                return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "missing required argument: " + declared.name);
        for (const auto& given : args) // not a structured binding: clang 14 cannot capture one
            if (std::none_of(it->info.arguments.begin(), it->info.arguments.end(),
                             [&](const prompt_argument& a) { return a.name == given.first; }))
                return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "unknown argument: " + given.first);
        return guarded(id, s, std::move(stop), [&](context& ctx) {
            boost::json::array messages;
            for (auto& m : it->render(args, ctx))
                messages.push_back(boost::json::object{{"role", m.role}, {"content", std::move(m.content)}});
            boost::json::object result{{"messages", std::move(messages)}};
            if (!it->info.description.empty()) result["description"] = it->info.description;
            return jsonrpc::make_result(id, std::move(result));
        });
    }

    boost::json::object complete(const catalog& cat, const boost::json::value& id, const boost::json::object& params) const {
        const auto* ref = params.if_contains("ref");
        const auto* argument = params.if_contains("argument");
        if (!ref || !ref->is_object() || !argument || !argument->is_object())
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "completion/complete needs ref and argument");
        std::string type, arg_name, typed;
        string_param(ref->get_object(), "type", type);
        if (!string_param(argument->get_object(), "name", arg_name) || !string_param(argument->get_object(), "value", typed))
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "argument needs name and value (strings)");
        const completer* fn = nullptr;
        std::string target;
        if (type == "ref/prompt" && string_param(ref->get_object(), "name", target)) {
            const prompt_entry* it = find_named(cat.prompts, target);
            if (!it) return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "unknown prompt: " + target);
            for (const auto& a : it->info.arguments)
                if (a.name == arg_name && a.complete) fn = &a.complete;
        } else if (type == "ref/resource" && string_param(ref->get_object(), "uri", target)) {
            auto it = std::find_if(cat.templates.begin(), cat.templates.end(),
                                   [&](const auto& t) { return t->info.uri_template == target; });
            if (it == cat.templates.end())
                return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "unknown resource template: " + target);
            if (auto c = (*it)->complete.find(arg_name); c != (*it)->complete.end() && c->second) fn = &c->second;
        } else {
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params, "ref must be ref/prompt or ref/resource");
        }
        std::vector<std::string> values;
        if (fn) values = (*fn)(typed);
        constexpr std::size_t max_values = 100; // the specification's limit per response
        boost::json::array listed;
        for (std::size_t i = 0; i < values.size() && i < max_values; ++i) listed.push_back(boost::json::string(values[i]));
        return jsonrpc::make_result(
            id, boost::json::object{{"completion", boost::json::object{{"values", std::move(listed)},
                                                                       {"total", values.size()},
                                                                       {"hasMore", values.size() > max_values}}}});
    }

    // Registers a call in its session for the time it runs, so notifications/cancelled finds it.
    // A second request with the id of one still running is refused: both must get an answer.
    struct in_flight {
        session& s;
        std::string key;
        session::running state;
        std::stop_source& source = state.source;
        bool duplicate = false;

        in_flight(session& ses, const boost::json::value& id) : s(ses), key(id_key(id)) {
            std::lock_guard lock(s.mutex_);
            if (s.spare_call_.empty()) {
                duplicate = !s.in_flight_.try_emplace(key, &state).second;
                return;
            }
            s.spare_call_.key() = key;
            s.spare_call_.mapped() = &state;
            auto put = s.in_flight_.insert(std::move(s.spare_call_));
            duplicate = !put.inserted;
            if (duplicate) s.spare_call_ = std::move(put.node);
        }
        ~in_flight() {
            if (duplicate) return;
            std::lock_guard lock(s.mutex_); // after this, cancel() cannot reach `state` any more
            auto node = s.in_flight_.extract(key);
            if (s.spare_call_.empty()) s.spare_call_ = std::move(node);
        }
        bool cancelled() const { return !duplicate && state.cancelled.load(); }
    };

    // A request id as a map key: 7 and "7" differ, so strings keep a quote in front.
    static std::string id_key(const boost::json::value& id) {
        if (id.is_int64()) return std::to_string(id.get_int64());
        if (id.is_uint64()) return std::to_string(id.get_uint64());
        if (id.is_string()) return '"' + std::string(id.get_string());
        return boost::json::serialize(id);
    }

    // A response from the client goes to the call waiting for it; an unexpected one is dropped.
    static void deliver(jsonrpc::response r, session& s) {
        std::shared_ptr<session::outgoing> waiting;
        {
            std::lock_guard lock(s.mutex_);
            auto it = s.outgoing_.find(boost::json::serialize(r.id));
            if (it == s.outgoing_.end()) return;
            waiting = it->second;
            s.outgoing_.erase(it);
        }
        std::lock_guard lock(waiting->mutex);
        waiting->reply = std::move(r);
        waiting->answered.notify_all();
    }

    static boost::json::object duplicate_id(const boost::json::value& id) {
        return jsonrpc::make_error(id, jsonrpc::error_code::invalid_request,
                                   "a request with this id is still being served; use a new id");
    }

    static void cancel(const boost::json::object& params, session& s) {
        const auto* id = params.if_contains("requestId");
        if (!id || !jsonrpc::detail::valid_id(*id)) return;
        std::lock_guard lock(s.mutex_);
        auto it = s.in_flight_.find(id_key(*id));
        if (it == s.in_flight_.end()) return; // finished already, or never known: nothing to do
        it->second->cancelled = true;
        it->second->source.request_stop();
    }

    static std::optional<boost::json::value> progress_token(const boost::json::object& params) {
        const auto* meta = params.if_contains("_meta");
        if (!meta || !meta->is_object()) return std::nullopt;
        const auto* token = meta->get_object().if_contains("progressToken");
        if (!token || !jsonrpc::detail::valid_id(*token)) return std::nullopt;
        return *token;
    }

    // Progress and log messages of one call, sent on the session.
    class channel final : public call_channel {
    public:
        channel(session& s, std::optional<boost::json::value> token) : s_(s), token_(std::move(token)) {}

        void progress(double done, std::optional<double> total, std::string_view message) override {
            if (!token_) return;
            boost::json::object p{{"progressToken", *token_}, {"progress", number(done)}};
            if (total) p["total"] = number(*total);
            if (!message.empty()) p["message"] = message;
            s_.send(jsonrpc::make_notification("notifications/progress", std::move(p)));
        }
        void log(log_level level, const boost::json::value& data) override {
            if (static_cast<int>(level) < s_.log_level_.load()) return;
            s_.send(jsonrpc::make_notification("notifications/message",
                                               boost::json::object{{"level", to_string(level)}, {"data", data}}));
        }

        bool client_supports(std::string_view capability) const override {
            std::lock_guard lock(s_.mutex_);
            return s_.client_capabilities_.contains(capability);
        }

        client_reply ask_client(std::string_view method, boost::json::object params,
                                std::chrono::steady_clock::time_point deadline, std::stop_token stop) override {
            boost::json::value id = s_.next_request_id_++;
            std::string key = boost::json::serialize(id);
            auto waiting = std::make_shared<session::outgoing>();
            {
                std::lock_guard lock(s_.mutex_);
                s_.outgoing_[key] = waiting;
            }
            s_.send(boost::json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
            // Registered before the lock is taken: the callback runs at once if stop is requested.
            std::stop_callback wake(stop, [&] {
                std::lock_guard inner(waiting->mutex);
                waiting->answered.notify_all();
            });
            std::unique_lock lock(waiting->mutex);
            waiting->answered.wait_until(lock, deadline, [&] { return waiting->reply.has_value() || stop.stop_requested(); });
            if (!waiting->reply) {
                lock.unlock();
                std::lock_guard forget(s_.mutex_);
                s_.outgoing_.erase(key);
                // The stop token also fires at the deadline: past it, this is a timeout.
                bool cancelled = stop.stop_requested() && std::chrono::steady_clock::now() < deadline;
                // Tell the client to stop asking its user.
                s_.send(jsonrpc::make_notification("notifications/cancelled",
                                                   boost::json::object{{"requestId", id}, {"reason", cancelled ? "cancelled" : "timeout"}}));
                if (cancelled) return {false, nullptr, "cancelled", "The call was cancelled."};
                return {false, nullptr, "client_timeout", "The client did not answer before the call's deadline."};
            }
            if (waiting->reply->error) {
                const auto* m = waiting->reply->error->if_contains("message");
                return {false, nullptr, "client_error",
                        m && m->is_string() ? std::string(m->get_string()) : std::string("The client refused the request.")};
            }
            return {true, std::move(waiting->reply->result), {}, {}};
        }

        bool release_stream() override { return s_.release_ && s_.release_(); }

    private:
        // Whole numbers go out as integers (3, not 3E0), which is how clients write them too.
        static boost::json::value number(double d) {
            if (d == std::trunc(d) && std::fabs(d) < 0x1p53) return static_cast<std::int64_t>(d);
            return d;
        }

        session& s_;
        std::optional<boost::json::value> token_;
    };

    static boost::json::object set_log_level(const boost::json::value& id, const boost::json::object& params, session& s) {
        const auto* level = params.if_contains("level");
        auto parsed = level && level->is_string() ? parse_log_level(level->get_string()) : std::nullopt;
        if (!parsed)
            return jsonrpc::make_error(id, jsonrpc::error_code::invalid_params,
                                       "level must be one of debug, info, notice, warning, error, critical, alert, emergency");
        s.log_level_ = static_cast<int>(*parsed);
        return jsonrpc::make_result(id, boost::json::object{});
    }

    void write_trace(trace_record& trace, std::chrono::steady_clock::time_point started) const {
        if (options_.pipeline.sinks.empty()) return;
        trace.duration = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
        for (const auto& sink : options_.pipeline.sinks) {
            try {
                sink->write(trace);
            } catch (...) {
                // A sink that fails loses its record; the call's answer does not depend on it.
            }
        }
    }

    server_options options_;
    mutable rate_limiter limiter_;
    mutable detail::deadline_timer timer_;
    mutable std::mutex catalog_mutex_;
    std::mutex change_mutex_; // one change at a time, so none is lost
    std::shared_ptr<const catalog> catalog_ = std::make_shared<const catalog>();
    mutable std::mutex sessions_mutex_;
    mutable std::set<session*> live_sessions_; // initialized sessions, for resource updates
};

} // namespace warden

#endif
