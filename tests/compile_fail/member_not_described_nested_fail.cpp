// Breaks: a member of a struct nested in the output (a vector element) is not listed.
#include <warden/warden.hpp>

namespace app {

struct line { std::string sku; int quantity; };
BOOST_DESCRIBE_STRUCT(line, (), (sku))
struct in { std::string ticketId; };
BOOST_DESCRIBE_STRUCT(in, (), (ticketId))
struct out { std::vector<line> lines; };
BOOST_DESCRIBE_STRUCT(out, (), (lines))

struct get_ticket {
    static constexpr std::string_view name = "get_ticket";
    static constexpr std::string_view description = "Read one support ticket by its id.";
    using input = in;
    using output = out;
    using policy = warden::policy<warden::read_only>;
};

} // namespace app

static_assert(warden::is_tool<app::get_ticket>);
