#include <warden/warden.hpp>

#include <iostream>

struct ping_input {
    warden::text<1, 10> word;
};
BOOST_DESCRIBE_STRUCT(ping_input, (), (word))

int main() {
    auto ok = warden::decode<ping_input>(*warden::parse(R"({"word":"hi"})"));
    auto bad = warden::decode<ping_input>(*warden::parse(R"({"word":""})"));
    if (!ok || bad) return 1;
    std::cout << bad.errors()[0].message << "\n";
}
