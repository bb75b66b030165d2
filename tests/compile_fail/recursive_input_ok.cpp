// Fixed: the tree is flattened into a list of nodes that name their parent.
#include <warden/warden.hpp>

namespace app {

struct node {
    std::string name;
    std::optional<std::string> parent;
};
BOOST_DESCRIBE_STRUCT(node, (), (name, parent))
struct category_list { std::vector<node> nodes; };
BOOST_DESCRIBE_STRUCT(category_list, (), (nodes))
struct out { std::string status; };
BOOST_DESCRIBE_STRUCT(out, (), (status))

struct get_tree {
    static constexpr std::string_view name = "get_tree";
    static constexpr std::string_view description = "Read a category tree.";
    using input = category_list;
    using output = out;
    using policy = warden::policy<warden::read_only>;
};

} // namespace app

static_assert(warden::is_tool<app::get_tree>);
