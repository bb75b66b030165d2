#ifndef WARDEN_PIPELINE_STAGE_HPP
#define WARDEN_PIPELINE_STAGE_HPP

// A stage of the pipeline a tools/call passes: it looks at the call and lets it go on or stops
// it with a rejection the model can act on. The built-in stages and yours see the same call.

#include <warden/pipeline/context.hpp>
#include <warden/policy/principal.hpp>
#include <warden/trace/trace.hpp>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

// Why a call stops: a machine-readable code, a message a model can act on, and details (merged
// into structuredContent). The model gets it as a tool execution error (isError: true).
struct rejection {
    std::string code;
    std::string message;
    boost::json::object details{};
};

// A tool's policy, as values (tool_policy<T> holds it as types).
struct policy_summary {
    bool read_only = false;
    bool mutating = false;
    bool needs_approval = false;
    bool external_effect = false;
    bool open_world = false;
    std::vector<std::string> scopes{};
};

// The call as a stage sees it: which tool, who asks, with which validated arguments.
class call_info {
public:
    call_info(std::string_view tool, const policy_summary& policy, std::string_view arguments_json, context& ctx,
              trace_record& trace)
        : tool_(tool), policy_(policy), arguments_json_(arguments_json), ctx_(ctx), trace_(trace) {}

    std::string_view tool() const noexcept { return tool_; }
    const principal& caller() const noexcept { return ctx_.caller(); }
    const policy_summary& policy() const noexcept { return policy_; }
    // The validated input as JSON, secrets included: what the handler gets, in the order its
    // struct declares its members, whatever order or spelling the client used. As text, and as a
    // value read from that text when first asked for.
    std::string_view arguments_json() const noexcept { return arguments_json_; }
    const boost::json::value& arguments() const {
        if (!arguments_) arguments_ = boost::json::parse(arguments_json_);
        return *arguments_;
    }
    context& ctx() noexcept { return ctx_; }
    trace_record& trace() noexcept { return trace_; }

private:
    std::string_view tool_;
    const policy_summary& policy_;
    std::string_view arguments_json_;
    mutable std::optional<boost::json::value> arguments_;
    context& ctx_;
    trace_record& trace_;
};

class stage {
public:
    virtual ~stage() = default;
    // The name the trace records its decisions under.
    virtual std::string_view name() const = 0;
    // Nothing: the call goes on. A rejection: the call stops here and nothing else runs.
    virtual std::optional<rejection> check(call_info& call) = 0;
};

} // namespace warden

#endif
