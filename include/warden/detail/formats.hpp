#ifndef WARDEN_DETAIL_FORMATS_HPP
#define WARDEN_DETAIL_FORMATS_HPP

// Validators for the `format` values warden enforces. Each follows its RFC; docs/constraints.md
// lists them. Hand-written rather than std::regex: they run on every call.

#include <array>
#include <string_view>

namespace warden::detail {

inline constexpr std::array<std::string_view, 6> known_formats{
    "date", "time", "date-time", "email", "uuid", "ipv4"};

constexpr bool is_known_format(std::string_view name) noexcept {
    for (auto f : known_formats)
        if (f == name) return true;
    return false;
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_hex(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Reads `n` decimal digits at s[pos]; -1 when they are not all digits.
constexpr int read_digits(std::string_view s, std::size_t pos, std::size_t n) noexcept {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!is_digit(s[pos + i])) return -1;
        v = v * 10 + (s[pos + i] - '0');
    }
    return v;
}

// RFC 3339 full-date: YYYY-MM-DD with a day that exists in that month.
constexpr bool is_date(std::string_view s) noexcept {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    int y = read_digits(s, 0, 4), m = read_digits(s, 5, 2), d = read_digits(s, 8, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1) return false;
    constexpr int days[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= (m == 2 && leap ? 29 : days[m]);
}

// RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM). Second 60 is accepted only where a leap
// second can be, at 23:59 UTC.
constexpr bool is_time(std::string_view s) noexcept {
    if (s.size() < 9 || s[2] != ':' || s[5] != ':') return false;
    int h = read_digits(s, 0, 2), mi = read_digits(s, 3, 2), sec = read_digits(s, 6, 2);
    if (h < 0 || mi < 0 || sec < 0) return false;
    std::size_t pos = 8;
    if (pos < s.size() && s[pos] == '.') {
        std::size_t start = ++pos;
        while (pos < s.size() && is_digit(s[pos])) ++pos;
        if (pos == start) return false;
    }
    if (pos >= s.size()) return false;
    int off_h = 0, off_m = 0, sign = 1;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        sign = s[pos] == '-' ? -1 : 1;
        if (s.size() - pos != 6 || s[pos + 3] != ':') return false;
        off_h = read_digits(s, pos + 1, 2);
        off_m = read_digits(s, pos + 4, 2);
        if (off_h < 0 || off_h > 23 || off_m < 0 || off_m > 59) return false;
        pos += 6;
    } else {
        return false;
    }
    if (pos != s.size()) return false;
    if (h > 23 || mi > 59 || sec > 60) return false;
    if (sec < 60) return true;
    int utc = ((h * 60 + mi - sign * (off_h * 60 + off_m)) % 1440 + 1440) % 1440;
    return utc == 23 * 60 + 59;
}

// RFC 3339 date-time; the separator is T, t or a space (RFC 3339 section 5.6, note).
constexpr bool is_date_time(std::string_view s) noexcept {
    if (s.size() < 11) return false;
    char sep = s[10];
    if (sep != 'T' && sep != 't' && sep != ' ') return false;
    return is_date(s.substr(0, 10)) && is_time(s.substr(11));
}

// RFC 4122 textual UUID, any version, either case, optionally as a `urn:uuid:` URN.
constexpr bool is_uuid(std::string_view s) noexcept {
    constexpr std::string_view urn = "urn:uuid:";
    if (s.size() == 36 + urn.size()) {
        for (std::size_t i = 0; i < urn.size(); ++i) {
            char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
            if (c != urn[i]) return false;
        }
        s.remove_prefix(urn.size());
    }
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
    }
    return true;
}

// Dotted quad, each part 0..255 without leading zeros.
constexpr bool is_ipv4(std::string_view s) noexcept {
    int parts = 0;
    std::size_t pos = 0;
    while (true) {
        std::size_t start = pos;
        int v = 0;
        while (pos < s.size() && is_digit(s[pos]) && pos - start < 3) v = v * 10 + (s[pos++] - '0');
        std::size_t len = pos - start;
        if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
        if (++parts == 4) return pos == s.size();
        if (pos >= s.size() || s[pos] != '.') return false;
        ++pos;
    }
}

// An address of the form local@domain: the local part is dot-separated atoms of RFC 5322 atext,
// the domain at least two dot-separated labels of letters, digits and inner hyphens.
constexpr bool is_email(std::string_view s) noexcept {
    auto at = s.find('@');
    if (at == std::string_view::npos || at == 0) return false;
    std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
    constexpr std::string_view atext_extra = "!#$%&'*+/=?^_`{|}~-";
    bool prev_dot = true;
    for (char c : local) {
        if (c == '.') {
            if (prev_dot) return false;
            prev_dot = true;
        } else if (is_alpha(c) || is_digit(c) || atext_extra.find(c) != std::string_view::npos) {
            prev_dot = false;
        } else {
            return false;
        }
    }
    if (prev_dot) return false;
    int labels = 0;
    std::size_t pos = 0;
    while (true) {
        std::size_t start = pos;
        while (pos < domain.size() && (is_alpha(domain[pos]) || is_digit(domain[pos]) || domain[pos] == '-')) ++pos;
        if (pos == start || domain[start] == '-' || domain[pos - 1] == '-') return false;
        ++labels;
        if (pos == domain.size()) return labels >= 2;
        if (domain[pos] != '.') return false;
        ++pos;
    }
}

inline bool matches_format(std::string_view format, std::string_view s) noexcept {
    if (format == "date") return is_date(s);
    if (format == "time") return is_time(s);
    if (format == "date-time") return is_date_time(s);
    if (format == "email") return is_email(s);
    if (format == "uuid") return is_uuid(s);
    if (format == "ipv4") return is_ipv4(s);
    return false;
}

} // namespace warden::detail

#endif
