#ifndef WARDEN_PIPELINE_TOOL_ERROR_HPP
#define WARDEN_PIPELINE_TOOL_ERROR_HPP

#include <stdexcept>
#include <string>
#include <utility>

namespace warden {

// A deliberate failure a handler wants the model to read: its code and message reach the model.
// Any other exception becomes a generic internal_error, so no internal detail leaks.
class tool_error : public std::runtime_error {
public:
    tool_error(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}

    const std::string& code() const noexcept { return code_; }

private:
    std::string code_;
};

} // namespace warden

#endif
