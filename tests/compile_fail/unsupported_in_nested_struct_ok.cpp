// Fixed twin of unsupported_in_nested_struct_fail.cpp: the nested field is a std::string.
#include <warden/warden.hpp>

namespace app {

struct attachment { std::string name; std::string bytes; };
BOOST_DESCRIBE_STRUCT(attachment, (), (name, bytes))
struct in { std::string ticketId; std::vector<attachment> attachments; };
BOOST_DESCRIBE_STRUCT(in, (), (ticketId, attachments))
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

static_assert(warden::is_tool<app::get_ticket>);
