#ifndef WARDEN_PIPELINE_CONTEXT_HPP
#define WARDEN_PIPELINE_CONTEXT_HPP

#include <warden/policy/principal.hpp>

#include <chrono>
#include <stop_token>

namespace warden {

// What a handler knows about the call it serves: who asked, until when, and whether the caller
// has given up (cancellation or deadline: check stop_requested() in long loops).
class context {
public:
    using clock = std::chrono::steady_clock;

    context(const principal& caller, clock::time_point deadline, std::stop_token stop)
        : caller_(caller), deadline_(deadline), stop_(std::move(stop)) {}

    const principal& caller() const noexcept { return caller_; }
    clock::time_point deadline() const noexcept { return deadline_; }
    std::stop_token stop_token() const noexcept { return stop_; }
    bool stop_requested() const noexcept { return stop_.stop_requested() || clock::now() >= deadline_; }

private:
    const principal& caller_;
    clock::time_point deadline_;
    std::stop_token stop_;
};

} // namespace warden

#endif
