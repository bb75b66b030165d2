#ifndef WARDEN_PIPELINE_APPROVAL_HPP
#define WARDEN_PIPELINE_APPROVAL_HPP

// Approval of high-risk calls by a human. The server asks through the client (elicitation);
// when the client cannot, an approver of your own (a chat-ops bot, a ticket queue) may answer.
// Without either, a call that needs approval does not run.

#include <warden/policy/principal.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <string>

namespace warden {

struct approval_request {
    std::string tool;
    principal caller;
    std::string preview;          // what the human approves: the tool's preview(input)
    boost::json::value arguments; // validated, secrets redacted
    std::chrono::steady_clock::time_point deadline;
};

enum class approval_answer { approved, declined, unavailable };

class approver {
public:
    virtual ~approver() = default;
    // Blocks until a human has answered or the deadline has passed (then: unavailable).
    virtual approval_answer ask(const approval_request& request) = 0;
};

} // namespace warden

#endif
