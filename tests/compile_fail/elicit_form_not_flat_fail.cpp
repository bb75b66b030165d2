// Breaks: an elicitation form with a nested list, which the restricted elicitation schema cannot express.
#include <warden/warden.hpp>

namespace app {

struct form {
    bool confirm;
    std::vector<std::string> reasons;
};
BOOST_DESCRIBE_STRUCT(form, (), (confirm, reasons))

inline void ask(warden::context& ctx) { (void)warden::elicit<form>(ctx, "Go ahead?"); }

} // namespace app
