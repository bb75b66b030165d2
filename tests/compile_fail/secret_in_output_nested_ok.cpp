// Fixed twin of secret_in_output_nested_fail.cpp: the nested field is a masked string.
#include <warden/warden.hpp>

namespace app {

struct credential { std::string user; std::string passwordMasked; };
BOOST_DESCRIBE_STRUCT(credential, (), (user, passwordMasked))
struct in { std::string ticketId; };
BOOST_DESCRIBE_STRUCT(in, (), (ticketId))
struct out { std::vector<credential> credentials; };
BOOST_DESCRIBE_STRUCT(out, (), (credentials))

struct get_ticket {
    static constexpr std::string_view name = "get_ticket";
    static constexpr std::string_view description = "Read one support ticket by its id.";
    using input = in;
    using output = out;
    using policy = warden::policy<warden::read_only>;
};

} // namespace app

static_assert(warden::is_tool<app::get_ticket>);
