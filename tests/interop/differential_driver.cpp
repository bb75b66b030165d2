// The C++ half of the differential test (differential.mjs is the other half).
//
//   differential_driver --schemas
//       prints {"support_note": ..., "order": ..., "formats": ..., "integers": ...}, the schemas
//       warden::schema_of generates for the four probe inputs.
//   differential_driver
//       reads lines "<schema-name>\t<raw JSON text>" from stdin and prints, for each, one line
//       {"ok": bool, "codes": [...], "paths": [...]}: what warden::parse and then
//       warden::decode<T> say about the text.

#include "../../examples/shared/orders.hpp"
#include "../../examples/shared/support_note.hpp"

#include <warden/warden.hpp>

#include <boost/json/serialize.hpp>

#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace probe {

// One optional string per format warden validates. The max_length values leave room for every
// valid value of the format (the urn:uuid: form is 45 characters) so that the format, not the
// length, decides.
struct format_probe {
    std::optional<warden::field<std::string, warden::max_length<16>, warden::format<"date">>> date;
    std::optional<warden::field<std::string, warden::max_length<40>, warden::format<"time">>> time;
    std::optional<warden::field<std::string, warden::max_length<64>, warden::format<"date-time">>> dateTime;
    std::optional<warden::field<std::string, warden::max_length<254>, warden::format<"email">>> email;
    std::optional<warden::field<std::string, warden::max_length<45>, warden::format<"uuid">>> uuid;
    std::optional<warden::field<std::string, warden::max_length<15>, warden::format<"ipv4">>> ipv4;
};
BOOST_DESCRIBE_STRUCT(format_probe, (), (date, time, dateTime, email, uuid, ipv4))

enum class shade { red, green, blue };
BOOST_DESCRIBE_ENUM(shade, red, green, blue)

struct inner_probe {
    std::int32_t id;
    std::optional<std::string> label;
};
BOOST_DESCRIBE_STRUCT(inner_probe, (), (id, label))

struct integer_probe {
    std::optional<std::int8_t> i8;
    std::optional<std::uint8_t> u8;
    std::optional<std::int16_t> i16;
    std::optional<std::uint16_t> u16;
    std::optional<std::int32_t> i32;
    std::optional<std::uint32_t> u32;
    std::optional<warden::integer<-5, 5>> bounded;
    std::optional<float> f32;
    std::optional<double> f64;
    std::optional<bool> flag;
    std::optional<shade> color;
    std::optional<warden::field<std::vector<std::string>, warden::min_items<1>, warden::max_items<3>>> names;
    std::optional<std::map<std::string, std::int32_t>> counts;
    std::optional<inner_probe> inner;
};
BOOST_DESCRIBE_STRUCT(integer_probe, (),
                      (i8, u8, i16, u16, i32, u32, bounded, f32, f64, flag, color, names, counts, inner))

} // namespace probe

namespace {

boost::json::object verdict(const std::vector<warden::error>& errors) {
    boost::json::array codes, paths;
    for (const auto& e : errors) {
        codes.emplace_back(warden::to_string(e.code));
        paths.emplace_back(e.path);
    }
    return {{"ok", errors.empty()}, {"codes", std::move(codes)}, {"paths", std::move(paths)}};
}

template<class T>
boost::json::object check(std::string_view text) {
    auto parsed = warden::parse(text);
    if (!parsed) return verdict(parsed.errors());
    auto decoded = warden::decode<T>(*parsed);
    if (!decoded) return verdict(decoded.errors());
    return verdict({});
}

} // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    if (argc == 2 && std::string_view(argv[1]) == "--schemas") {
        boost::json::object all{{"support_note", warden::schema_of<desk::note_input>()},
                                {"order", warden::schema_of<shop::order>()},
                                {"formats", warden::schema_of<probe::format_probe>()},
                                {"integers", warden::schema_of<probe::integer_probe>()}};
        std::cout << boost::json::serialize(all) << '\n';
        return 0;
    }
    if (argc != 1) {
        std::cerr << "usage: differential_driver [--schemas] < cases\n";
        return 2;
    }
    std::string line;
    std::size_t line_no = 0;
    while (std::getline(std::cin, line)) {
        ++line_no;
        auto tab = line.find('\t');
        if (tab == std::string::npos) {
            std::cerr << "differential_driver: line " << line_no << " has no tab\n";
            return 2;
        }
        std::string_view name(line.data(), tab);
        std::string_view text(line.data() + tab + 1, line.size() - tab - 1);
        boost::json::object out;
        if (name == "support_note") out = check<desk::note_input>(text);
        else if (name == "order") out = check<shop::order>(text);
        else if (name == "formats") out = check<probe::format_probe>(text);
        else if (name == "integers") out = check<probe::integer_probe>(text);
        else {
            std::cerr << "differential_driver: line " << line_no << ": unknown schema '" << name << "'\n";
            return 2;
        }
        std::cout << boost::json::serialize(out) << '\n';
    }
    std::cout.flush();
    return std::cout ? 0 : 1;
}
