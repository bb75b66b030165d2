// Breaks: the input is described, but in the global namespace instead of the struct's own.
#include <warden/warden.hpp>

namespace app {

struct in { std::string ticketId; };
struct out { std::string status; };
BOOST_DESCRIBE_STRUCT(out, (), (status))

struct get_ticket {
    static constexpr std::string_view name = "get_ticket";
    static constexpr std::string_view description = "Read one support ticket by its id.";
    using input = in;
    using output = out;
    using policy = warden::policy<warden::read_only>;
};

} // namespace app

// Boost.Describe accepts this outside namespace app, but argument-dependent lookup never finds it.
BOOST_DESCRIBE_STRUCT(app::in, (), (ticketId))

static_assert(warden::is_tool<app::get_ticket>);
