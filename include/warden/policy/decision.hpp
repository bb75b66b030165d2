#ifndef WARDEN_POLICY_DECISION_HPP
#define WARDEN_POLICY_DECISION_HPP

#include <string>
#include <utility>

namespace warden {

// The answer of a policy check. A denial names the policy that denied and a reason the model
// may read, so it must not reveal what the caller may not see.
class decision {
public:
    static decision allow() { return decision(true, {}, {}); }
    static decision deny(std::string policy, std::string reason) {
        return decision(false, std::move(policy), std::move(reason));
    }

    bool allowed() const noexcept { return allowed_; }
    explicit operator bool() const noexcept { return allowed_; }
    const std::string& policy() const noexcept { return policy_; }
    const std::string& reason() const noexcept { return reason_; }

private:
    decision(bool allowed, std::string policy, std::string reason)
        : allowed_(allowed), policy_(std::move(policy)), reason_(std::move(reason)) {}

    bool allowed_;
    std::string policy_;
    std::string reason_;
};

} // namespace warden

#endif
