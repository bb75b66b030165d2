#ifndef WARDEN_PIPELINE_PIPELINE_HPP
#define WARDEN_PIPELINE_PIPELINE_HPP

// The stages every tools/call passes, in this order:
//
//   authenticate (the transport) -> decode -> validate -> authorize -> your stages -> rate limit
//   -> approval -> idempotency -> execute (with a deadline) -> sanitize -> trace (the server)
//
// Each stage records its decision in the call's trace; a stage that refuses ends the call with a
// tool execution error whose structuredContent carries a code and a message a model can act on.

#include <warden/decode/decode.hpp>
#include <warden/detail/decoded_input.hpp>
#include <warden/detail/key_text.hpp>
#include <warden/encode/encode.hpp>
#include <warden/pipeline/approval.hpp>
#include <warden/pipeline/context.hpp>
#include <warden/pipeline/rate_limiter.hpp>
#include <warden/pipeline/stage.hpp>
#include <warden/pipeline/tool_call.hpp>
#include <warden/store/idempotency_store.hpp>
#include <warden/tool/tool.hpp>
#include <warden/trace/sinks.hpp>

#include <boost/json/parse.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace warden {

// Settings of one tool that differ from the server's.
struct tool_settings {
    std::optional<rate_limits> rate{};
    std::optional<std::size_t> max_output_bytes{};
};

struct pipeline_options {
    rate_limits default_rate{};                          // for tools without settings of their own
    std::map<std::string, tool_settings, std::less<>> tools{}; // by tool name
    std::size_t max_output_bytes = 1024 * 1024;          // a result larger than this is refused
    std::shared_ptr<idempotency_store> idempotency = std::make_shared<memory_idempotency_store>(); // nullptr: off
    std::shared_ptr<approver> approvals{};               // asked when the client cannot elicit
    std::vector<std::shared_ptr<trace_sink>> sinks{};     // every call's trace record goes to each
    std::vector<std::shared_ptr<stage>> stages{};         // yours: after authorize, before the rate limit
};

// The _meta key a client may use to name a call's idempotency key, and the one that marks a
// result answered from the idempotency store.
inline constexpr std::string_view idempotency_meta_key = "warden/idempotencyKey";
inline constexpr std::string_view replayed_meta_key = "warden/replayed";

namespace detail {

template<class T> concept has_validate = requires(const T& t, const typename T::input& in, context& ctx) {
    { t.validate(in, ctx) } -> std::same_as<std::optional<tool_error>>;
};

template<class Tool>
policy_summary summarize_policy() {
    using P = tool_policy<Tool>;
    policy_summary s{P::is_read_only, P::is_mutating, P::needs_approval, P::has_external_effect, P::is_open_world, {}};
    for (auto scope : P::scopes) s.scopes.emplace_back(scope);
    return s;
}

// The key from the input's idempotency_key field, if it has one.
template<class Input>
std::optional<std::string> key_field(const Input& in) {
    std::optional<std::string> key;
    boost::mp11::mp_for_each<public_members<Input>>([&](auto d) {
        if constexpr (std::is_same_v<std::remove_cvref_t<decltype(in.*d.pointer)>, idempotency_key>) key = *(in.*d.pointer);
    });
    return key;
}

// Keys belong to a tenant and a tool: lengths first, so no two scopes can spell the same key.
inline void scope_key(key_text& into, std::string_view tenant, std::string_view tool, std::string_view key) {
    into.counted(tenant).counted(tool).plain(key);
}

} // namespace detail

// Everything a call's pipeline works with besides the tool.
struct pipeline_call {
    const boost::json::value& arguments; // as sent; unused when `decoded` holds the tool's input
    const detail::decoded_input* decoded; // the input, decoded while the message was read, or null
    const boost::json::object* meta; // the request's _meta, if any
    context& ctx;
    call_details& details;
    trace_record& trace;
    const pipeline_options& options;
    rate_limiter& limiter;
    // When the call began: the rate limit's time, read once for the call (the server passes its own).
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

namespace detail {

// A stage's refusal: recorded in the trace, and the tool execution error the model gets.
inline void refuse(std::string& out, trace_record& trace, std::string_view stage, std::string_view decision,
                   const rejection& r) {
    trace.decide(stage, decision, r.code);
    trace.outcome = r.code;
    write_tool_error(out, r.code, r.message, r.details);
}

// The decode stage's refusal: every issue, for the model to fix.
inline void refuse_arguments(std::string& out, trace_record& trace, const std::vector<error>& errors) {
    if (trace.enabled) trace.decide("decode", "deny", std::to_string(errors.size()) + " issue(s)");
    trace.outcome = "invalid_arguments";
    write_invalid_arguments(out, errors);
}

// What the stages need from the tool's types, as functions of the tool and its input passed
// without their types. The stages are compiled once for all tools, not once per tool; only these
// small functions are per tool, in one constant table per tool (steps_of). A null function is a
// feature the tool does not have.
struct typed_steps {
    const input_decoder* decoder; // the input's type, and decode on a parsed value
    bool needs_approval;
    bool mutating;
    bool has_secrets; // if not, exact and redacted write the same
    std::optional<tool_error> (*validate)(const void* tool, const void* in, context& ctx);
    decision (*authorize)(const void* tool, const void* in, const principal& caller);
    void (*write_input)(const void* in, std::string& out, bool reveal); // the input as JSON text, secrets shown or not
    std::string (*preview)(const void* tool, const void* in);
    std::optional<std::string> (*key_field)(const void* in);
    std::string (*key_function)(const void* tool, const void* in);
    void (*run)(void* tool, const void* in, context& ctx, std::string& out); // the handler, its result appended; may throw
};

template<class Tool>
constexpr typed_steps make_steps() {
    using P = tool_policy<Tool>;
    using input_type = typename Tool::input;
    typed_steps steps{&input_decoder_for<input_type>, P::needs_approval, P::is_mutating, contains_secret<input_type>(),
                      nullptr, nullptr,
                      [](const void* i, std::string& out, bool reveal) { write_json(out, *static_cast<const input_type*>(i), reveal); },
                      nullptr, nullptr, nullptr,
                      [](void* t, const void* i, context& ctx, std::string& out) {
                          write_handler_result(*static_cast<Tool*>(t), *static_cast<const input_type*>(i), ctx, out);
                      }};
    if constexpr (has_validate<Tool>)
        steps.validate = [](const void* t, const void* i, context& ctx) {
            return static_cast<const Tool*>(t)->validate(*static_cast<const input_type*>(i), ctx);
        };
    if constexpr (has_authorize<Tool>)
        steps.authorize = [](const void* t, const void* i, const principal& caller) {
            return static_cast<const Tool*>(t)->authorize(*static_cast<const input_type*>(i), caller);
        };
    if constexpr (has_preview<Tool>)
        steps.preview = [](const void* t, const void* i) -> std::string {
            return std::string(static_cast<const Tool*>(t)->preview(*static_cast<const input_type*>(i)));
        };
    if constexpr (has_key_field<input_type>())
        steps.key_field = [](const void* i) { return key_field(*static_cast<const input_type*>(i)); };
    if constexpr (has_key_function<Tool>)
        steps.key_function = [](const void* t, const void* i) -> std::string {
            return std::string(static_cast<const Tool*>(t)->idempotency_key(*static_cast<const input_type*>(i)));
        };
    return steps;
}

template<class Tool>
inline constexpr typed_steps steps_of = make_steps<Tool>();

// Writes the input's JSON text into `into` at its exact size (one allocation, not one per
// doubling): first into a buffer of the calling thread whose room the next call reuses. Only our
// own code runs between the write and the copy, so no other call on this thread can reach it.
// A string with room of its own (a reused trace record's) is written straight into.
inline void write_input_copy(const typed_steps& steps, const void* in, std::string& into, bool reveal) {
    if (into.capacity() > 64) {
        into.clear();
        steps.write_input(in, into, reveal);
        return;
    }
    thread_local std::string text;
    text.clear();
    steps.write_input(in, text, reveal);
    into = text;
    give_back_room(text);
}

// Every stage of one call, in order, for the tool `steps` describes. Appends the CallToolResult's
// JSON text to `out`, which may already hold what goes before it (a reply's envelope).
inline void run_steps(std::string_view name, const typed_steps& steps, void* tool, const policy_summary& summary,
                      pipeline_call call, std::string& out) {
    const std::size_t start = out.size();
    auto& trace = call.trace;
    auto& ctx = call.ctx;
    const auto& options = call.options;
    const principal& caller = ctx.caller();
    if (trace.enabled) trace.stages.reserve(8);

    // decode: the strict decoder; every issue goes back to the model. The server may have done
    // it already, from the message's bytes.
    const input_decoder& decoder = *steps.decoder;
    const bool decoded_ahead = call.decoded && call.decoded->type() == decoder.type && call.decoded->get();
    const std::vector<error>* errors = call.decoded ? call.decoded->errors_for(decoder.type) : nullptr;
    alignas(std::max_align_t) unsigned char buffer[512]; // most inputs fit: decoded here, they cost no allocation
    std::optional<input_decoded_here> decoded_here;
    if (!decoded_ahead && !errors) errors = decoded_here.emplace(decoder, call.arguments, buffer, sizeof buffer).errors();
    if (errors) return refuse_arguments(out, trace, *errors);
    const void* in = decoded_ahead ? call.decoded->get() : decoded_here->get();
    if (trace.enabled) write_input_copy(steps, in, trace.arguments_json, false);
    trace.decide("decode", "allow");
    // The input as JSON text with its secrets, for your stages and the idempotency fingerprint:
    // written once, when first needed; the trace's copy serves when there are no secrets to tell
    // apart. Not in a buffer of this thread's: your stages and approver run between its uses, and
    // could serve a call of their own on this thread.
    std::string exact_here;
    const std::string* exact_arguments = nullptr;
    auto exact = [&]() -> const std::string& {
        if (!exact_arguments) {
            if (trace.enabled && !steps.has_secrets) {
                exact_arguments = &trace.arguments_json;
            } else {
                write_input_copy(steps, in, exact_here, true);
                exact_arguments = &exact_here;
            }
        }
        return *exact_arguments;
    };

    // validate: what a schema cannot say.
    if (steps.validate) {
        if (auto problem = steps.validate(tool, in, ctx)) return refuse(out, trace, "validate", "deny", {problem->code(), problem->what()});
        trace.decide("validate", "allow");
    }

    // authorize: required scopes, then the tool's own policy check. The model learns which policy
    // refused, not what the caller may not see.
    for (const auto& scope : summary.scopes)
        if (!caller.has_scope(scope))
            return refuse(out, trace, "authorize", "deny",
                          {"forbidden", "This tool needs the scope " + scope + ", which the caller does not have.",
                           {{"policy", "required_scope"}, {"scope", scope}}});
    if (steps.authorize) {
        decision d = steps.authorize(tool, in, caller);
        if (!d) {
            trace.decide("authorize", "deny", d.policy() + ": " + d.reason());
            trace.outcome = "forbidden";
            return write_tool_error(out, "forbidden", "Refused by the policy " + d.policy() + ": " + d.reason(),
                                    {{"policy", d.policy()}});
        }
    }
    trace.decide("authorize", "allow");

    // Your stages.
    if (!options.stages.empty()) {
        // Stages see the validated input as JSON: what the handler gets, however the client spelled it.
        call_info info(name, summary, exact(), ctx, trace);
        for (const auto& st : options.stages) {
            if (auto r = st->check(info)) return refuse(out, trace, st->name(), "deny", *r);
            trace.decide(st->name(), "allow");
        }
    }

    // rate limit
    const auto settings = options.tools.find(name);
    const rate_limits& limits =
        settings != options.tools.end() && settings->second.rate ? *settings->second.rate : options.default_rate;
    auto verdict = call.limiter.take(name, caller, limits, call.started);
    if (!verdict.allowed) {
        auto ms = verdict.retry_after.count();
        return refuse(out, trace, "rate_limit", "deny",
                      {"rate_limited",
                       "Too many calls of " + std::string(name) + " (the per-" + verdict.scope + " limit). Try again in " +
                           std::to_string(ms) + " ms.",
                       {{"retryAfterMs", ms}, {"limit", verdict.scope}}});
    }
    trace.decide("rate_limit", "allow");

    // approval: a human sees the preview and says yes, or nothing runs.
    if (steps.needs_approval) {
        std::string redacted_here;
        if (!trace.enabled) write_input_copy(steps, in, redacted_here, false);
        const std::string& redacted = trace.enabled ? trace.arguments_json : redacted_here;
        std::string preview = steps.preview ? steps.preview(tool, in) : "Run " + std::string(name) + " with " + redacted;
        approval_answer answer = approval_answer::unavailable;
        std::string via = "none";
        if (ctx.client_supports("elicitation")) {
            via = "elicitation";
            boost::json::object approve{{"type", "boolean"}, {"title", "Approve"}, {"description", "Run this action now."}};
            auto reply = ctx.ask_client(
                "elicitation/create",
                {{"mode", "form"},
                 {"message", "Approve this action?\n\n" + preview},
                 {"requestedSchema", {{"type", "object"}, {"properties", {{"approve", approve}}}, {"required", {"approve"}}}}});
            const auto* result = reply.ok ? reply.result.if_object() : nullptr;
            const auto* action = result ? result->if_contains("action") : nullptr;
            const auto* content = result ? result->if_contains("content") : nullptr;
            const auto* yes = content && content->is_object() ? content->get_object().if_contains("approve") : nullptr;
            if (!reply.ok || !action || !action->is_string()) {
                via += reply.ok ? " (no action)" : " (" + reply.error_code + ")";
            } else if (action->get_string() == "accept" && yes && yes->is_bool() && yes->get_bool()) {
                answer = approval_answer::approved;
            } else {
                answer = approval_answer::declined;
            }
        } else if (options.approvals) {
            via = "approver";
            answer = options.approvals->ask({std::string(name), caller, preview, boost::json::parse(redacted), ctx.deadline()});
        }
        if (answer == approval_answer::declined)
            return refuse(out, trace, "approval", "declined", {"approval_declined", "The user declined this call; nothing was done."});
        if (answer == approval_answer::unavailable)
            return refuse(out, trace, "approval", "unavailable",
                          {"approval_unavailable",
                           "This call needs a human's approval and none could be obtained; nothing was done."});
        trace.decide("approval", "approved", via);
    }

    // idempotency: a retry gets the first result; the same key with other arguments is refused.
    key_text scoped;
    std::string_view key;
    const bool deduplicated = steps.mutating && options.idempotency; // no store: idempotency is off
    if (deduplicated) {
        std::optional<std::string> given;
        if (steps.key_field) given = steps.key_field(in);
        if (!given && call.meta)
            if (const auto* k = call.meta->if_contains(idempotency_meta_key)) {
                auto checked = decode<idempotency_key>(*k); // the same rules as an idempotency_key field
                if (!checked)
                    return refuse(out, trace, "idempotency", "deny",
                                  {"invalid_idempotency_key",
                                   "The idempotency key in _meta must be 1 to 128 characters of A-Z a-z 0-9 . _ : -"});
                given = std::string(**checked);
            }
        if (!given && steps.key_function) given = steps.key_function(tool, in);
        call.details.idempotency_key = given ? std::move(*given) : std::string();
        scope_key(scoped, caller.tenant, name, call.details.idempotency_key);
        key = scoped.view();
        // The exact arguments, secrets included: it never leaves the store.
        auto claim = options.idempotency->begin(key, exact(), ctx.deadline());
        switch (claim.kind) {
        case idempotency_claim::replay: {
            trace.decide("idempotency", "hit");
            trace.replayed = true;
            auto& meta = claim.result["_meta"];
            if (!meta.is_object()) meta = boost::json::object{};
            meta.get_object()[replayed_meta_key] = true;
            return append_json(out, claim.result);
        }
        case idempotency_claim::conflict:
            return refuse(out, trace, "idempotency", "conflict",
                          {"idempotency_key_reused",
                           "This idempotency key was used with different arguments. Use a new key for a new operation."});
        case idempotency_claim::busy:
            return refuse(out, trace, "idempotency", "busy",
                          {"idempotency_in_progress", "A call with this idempotency key is still running. Try again later."});
        case idempotency_claim::fresh: trace.decide("idempotency", "miss"); break;
        }
    }

    // execute, under the deadline the server set on ctx.
    bool succeeded = false;
    try {
        steps.run(tool, in, ctx, out);
        succeeded = true;
    } catch (const tool_error& e) {
        out.resize(start);
        write_tool_error(out, e.code(), e.what());
        trace.outcome = e.code();
    } catch (...) {
        // Whatever the handler threw stays here; the model gets the trace id to quote.
        out.resize(start);
        if (trace.trace_id.empty()) trace.trace_id = trace_id_for(call.meta);
        write_tool_error(out, "internal_error", "The tool failed unexpectedly. Reference: " + trace.trace_id + ".");
        trace.outcome = "internal_error";
    }

    // sanitize: the output is its described fields only (the handler's result is written from the
    // output type); its size is bounded. The store keeps the result's text.
    if (succeeded) {
        std::size_t limit = settings != options.tools.end() && settings->second.max_output_bytes
                                ? *settings->second.max_output_bytes
                                : options.max_output_bytes;
        const std::size_t size = out.size() - start;
        trace.result_bytes = size;
        if (size > limit) {
            trace.decide("sanitize", "deny", std::to_string(size) + " bytes");
            trace.outcome = "output_too_large";
            out.resize(start);
            write_tool_error(out, "output_too_large",
                             "The result is larger than the limit of " + std::to_string(limit) +
                                 " bytes. Ask for less, for example a smaller page.",
                             {{"limitBytes", limit}});
        } else {
            trace.decide("sanitize", "allow");
        }
    }

    // A success is kept for retries (a result too large to send too: the work is done). A failure
    // is forgotten, so a retry runs again: see docs/pipeline.md on failed calls.
    if (deduplicated) {
        if (succeeded) options.idempotency->finish(key, std::string_view(out).substr(start));
        else options.idempotency->abandon(key);
    }
}

} // namespace detail

// Runs one call of `tool` through the stages and appends its CallToolResult's JSON text to `out`.
template<class Tool>
    requires runnable_tool<Tool>
void run_pipeline(Tool& tool, const policy_summary& summary, pipeline_call call, std::string& out) {
    detail::run_steps(Tool::name, detail::steps_of<Tool>, &tool, summary, call, out);
}

// The same, returning the CallToolResult as a JSON object.
template<class Tool>
    requires runnable_tool<Tool>
boost::json::object run_pipeline(Tool& tool, const policy_summary& summary, pipeline_call call) {
    std::string text;
    run_pipeline(tool, summary, call, text);
    return boost::json::parse(text).as_object();
}

} // namespace warden

#endif
