#ifndef WARDEN_TESTS_SAMPLE_TYPES_HPP
#define WARDEN_TESTS_SAMPLE_TYPES_HPP

// A struct with every kind of member the decoders handle, for the tests that compare two ways of
// decoding the same text.

#include <warden/warden.hpp>

#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace sample {

enum class color { red, green };
BOOST_DESCRIBE_ENUM(color, red, green)

struct point {
    warden::integer<-100, 100> x;
    double y;
};
BOOST_DESCRIBE_STRUCT(point, (), (x, y))

struct everything {
    std::string name;
    bool on;
    color hue;
    std::optional<point> at;
    std::vector<std::vector<std::int64_t>> grid;
    std::map<std::string, point> named;
    warden::field<std::vector<warden::text<1, 3>>, warden::min_items<1>, warden::max_items<3>> tags;
    std::optional<warden::secret<std::string>> token;
    std::optional<std::map<std::string, std::optional<double>>> weights;
    std::uint8_t small;
};
BOOST_DESCRIBE_STRUCT(everything, (), (name, on, hue, at, grid, named, tags, token, weights, small))

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace sample

#endif
