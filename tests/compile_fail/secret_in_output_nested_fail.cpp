// Breaks: a secret<T> hides in a struct inside a std::vector in the output.
#include <warden/warden.hpp>

namespace app {

struct credential { std::string user; warden::secret<std::string> password; };
BOOST_DESCRIBE_STRUCT(credential, (), (user, password))
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
