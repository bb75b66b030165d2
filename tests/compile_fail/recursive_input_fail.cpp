// Breaks: the input contains itself through a vector, so its schema would be infinite.
#include <warden/warden.hpp>

namespace app {

struct category {
    std::string name;
    std::vector<category> children;
};
BOOST_DESCRIBE_STRUCT(category, (), (name, children))
struct out { std::string status; };
BOOST_DESCRIBE_STRUCT(out, (), (status))

struct get_tree {
    static constexpr std::string_view name = "get_tree";
    static constexpr std::string_view description = "Read a category tree.";
    using input = category;
    using output = out;
    using policy = warden::policy<warden::read_only>;
};

} // namespace app

static_assert(warden::is_tool<app::get_tree>);
