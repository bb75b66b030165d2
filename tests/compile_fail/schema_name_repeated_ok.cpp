// Fixed: each struct has its own schema_name.
#include <warden/warden.hpp>

namespace app {

struct home { static constexpr std::string_view schema_name = "address"; std::string street; };
BOOST_DESCRIBE_STRUCT(home, (), (street))
struct office { static constexpr std::string_view schema_name = "office"; std::string building; };
BOOST_DESCRIBE_STRUCT(office, (), (building))

struct in { home h; office o; };
BOOST_DESCRIBE_STRUCT(in, (), (h, o))
struct out { std::string status; };
BOOST_DESCRIBE_STRUCT(out, (), (status))

struct check_addresses {
    static constexpr std::string_view name = "check_addresses";
    static constexpr std::string_view description = "Check a home and an office address.";
    using input = in;
    using output = out;
    using policy = warden::policy<warden::read_only>;
};

static_assert(warden::is_tool<check_addresses>);

} // namespace app
