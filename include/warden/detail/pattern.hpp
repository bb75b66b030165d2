#ifndef WARDEN_DETAIL_PATTERN_HPP
#define WARDEN_DETAIL_PATTERN_HPP

// The regular expressions of JSON Schema `pattern`: ECMAScript syntax read with the `u` flag, as
// ajv does (code points, not bytes or UTF-16 units). The same parser checks a pattern at compile
// time and builds it at run time into a Thompson NFA, which is searched in time linear in the
// input and without recursion, so no input can make matching slow or overflow the stack.
//
// Supported: literals, `.`, classes with ranges and negation, \d \D \w \W \s \S, \t \n \v \f \r \0,
// \xHH, \uHHHH, \u{H...}, escaped syntax characters, groups `(...)` and `(?:...)`, alternation,
// the quantifiers * + ? {n} {n,} {n,m} (greedy or lazy: the same for a yes/no match), ^ and $.
// Not supported, a compile error: backreferences, lookaround, \b \B, named groups, flags.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::detail {

struct code_range {
    char32_t lo, hi;
};

// The recursive-descent parser. Builder receives the structure; the compile-time check uses one
// that only counts NFA states, the run time one that builds them.
template<class Builder>
class pattern_parser {
public:
    constexpr pattern_parser(std::string_view p, Builder& b) : p_(p), b_(b) {}

    // The problem with the pattern, or nullptr when it is fine.
    constexpr const char* parse() {
        auto frag = alternation();
        if (error_) return error_;
        if (pos_ != p_.size()) return p_[pos_] == ')' ? "unbalanced )" : "unexpected character";
        b_.finish(frag);
        return error_;
    }

private:
    using frag = typename Builder::fragment;

    constexpr bool at_end() const { return pos_ >= p_.size(); }
    constexpr char peek() const { return at_end() ? '\0' : p_[pos_]; }

    constexpr void fail(const char* why) {
        if (!error_) error_ = why;
    }

    // One UTF-8 encoded code point of the pattern itself.
    constexpr char32_t next_code_point() {
        auto c = static_cast<unsigned char>(p_[pos_++]);
        if (c < 0x80) return c;
        int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
        char32_t cp = c & (0x3F >> extra);
        for (int i = 0; i < extra && !at_end(); ++i) cp = (cp << 6) | (static_cast<unsigned char>(p_[pos_++]) & 0x3F);
        return cp;
    }

    constexpr frag alternation() {
        frag left = sequence();
        while (!error_ && peek() == '|') {
            ++pos_;
            frag right = sequence();
            left = b_.alternate(left, right);
        }
        return left;
    }

    constexpr frag sequence() {
        frag seq = b_.empty();
        while (!error_ && !at_end() && peek() != '|' && peek() != ')') seq = b_.concat(seq, quantified());
        return seq;
    }

    constexpr bool read_number(std::size_t& out) {
        std::size_t start = pos_;
        out = 0;
        while (!at_end() && peek() >= '0' && peek() <= '9') {
            out = out * 10 + static_cast<std::size_t>(peek() - '0');
            if (out > 100000) {
                fail("a repetition count is too large");
                return false;
            }
            ++pos_;
        }
        return pos_ != start;
    }

    constexpr frag quantified() {
        bool assertion = peek() == '^' || peek() == '$';
        std::size_t atom_start = b_.mark();
        frag a = atom();
        if (error_) return a;
        std::size_t lo = 1, hi = 1;
        bool unbounded = false;
        char q = peek();
        if (q == '*' || q == '+' || q == '?') {
            ++pos_;
            lo = q == '+' ? 1 : 0;
            hi = q == '?' ? 1 : 0;
            unbounded = q != '?';
        } else if (q == '{') {
            ++pos_;
            if (!read_number(lo)) {
                fail("{ must start a quantifier such as {2} or {1,3}; escape it as \\{");
                return a;
            }
            hi = lo;
            if (peek() == ',') {
                ++pos_;
                if (!read_number(hi)) unbounded = true;
            }
            if (peek() != '}') {
                fail("a quantifier needs its closing }");
                return a;
            }
            ++pos_;
            if (!unbounded && hi < lo) {
                fail("a quantifier {n,m} needs n <= m");
                return a;
            }
        } else {
            return a;
        }
        if (peek() == '?') ++pos_; // lazy: the same language
        if (assertion) {
            fail("^ and $ cannot be repeated");
            return a;
        }
        if (q == '*' || q == '+' || q == '?' || q == '{') {
            char after = peek();
            if (after == '*' || after == '+' || after == '{') fail("nothing to repeat");
        }
        return b_.repeat(atom_start, a, lo, hi, unbounded);
    }

    constexpr frag atom() {
        char c = peek();
        switch (c) {
        case '(': {
            ++pos_;
            if (peek() == '?') {
                if (pos_ + 1 < p_.size() && p_[pos_ + 1] == ':') {
                    pos_ += 2;
                } else {
                    fail("lookaround and named groups are not supported; use (...) or (?:...)");
                    return b_.empty();
                }
            }
            frag inner = alternation();
            if (peek() != ')') {
                fail("unbalanced (");
                return inner;
            }
            ++pos_;
            return inner;
        }
        case '^': ++pos_; return b_.begin_assertion();
        case '$': ++pos_; return b_.end_assertion();
        case '.': {
            ++pos_;
            std::vector<code_range> r{{U'\n', U'\n'}, {U'\r', U'\r'}, {0x2028, 0x2029}};
            return b_.set(std::move(r), true);
        }
        case '[': return char_class();
        case '\\': {
            ++pos_;
            std::vector<code_range> r;
            bool negated = false;
            escape(r, negated, false);
            return b_.set(std::move(r), negated);
        }
        case '*':
        case '+':
        case '?':
            fail("nothing to repeat");
            return b_.empty();
        case '{':
        case '}':
        case ']':
            fail("{, } and ] must be escaped outside a class");
            return b_.empty();
        default: {
            char32_t cp = next_code_point();
            std::vector<code_range> r{{cp, cp}};
            return b_.set(std::move(r), false);
        }
        }
    }

    static constexpr void add_digits(std::vector<code_range>& r) { r.push_back({U'0', U'9'}); }
    static constexpr void add_word(std::vector<code_range>& r) {
        r.push_back({U'0', U'9'});
        r.push_back({U'A', U'Z'});
        r.push_back({U'_', U'_'});
        r.push_back({U'a', U'z'});
    }
    static constexpr void add_space(std::vector<code_range>& r) {
        for (code_range x : {code_range{0x09, 0x0D}, code_range{0x20, 0x20}, code_range{0xA0, 0xA0},
                             code_range{0x1680, 0x1680}, code_range{0x2000, 0x200A}, code_range{0x2028, 0x2029},
                             code_range{0x202F, 0x202F}, code_range{0x205F, 0x205F}, code_range{0x3000, 0x3000},
                             code_range{0xFEFF, 0xFEFF}})
            r.push_back(x);
    }

    // Appends the complement of `add`'s set, for \D \W \S.
    template<class Add>
    static constexpr void add_complement(std::vector<code_range>& r, Add add) {
        std::vector<code_range> s;
        add(s);
        char32_t next = 0;
        for (const auto& x : s) {
            if (x.lo > next) r.push_back({next, x.lo - 1});
            next = x.hi + 1;
        }
        if (next <= 0x10FFFF) r.push_back({next, 0x10FFFF});
    }

    constexpr int hex_digit(char c) const {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    constexpr char32_t read_hex(std::size_t digits) {
        char32_t v = 0;
        for (std::size_t i = 0; i < digits; ++i) {
            int d = at_end() ? -1 : hex_digit(peek());
            if (d < 0) {
                fail("a \\x or \\u escape needs hexadecimal digits");
                return 0;
            }
            v = v * 16 + static_cast<char32_t>(d);
            ++pos_;
        }
        return v;
    }

    // After a backslash: adds the escape's code points to r. Returns whether it was one code
    // point (a class range may end at it) and sets it in `single`.
    constexpr bool escape(std::vector<code_range>& r, bool& negated, bool in_class, char32_t* single = nullptr) {
        if (at_end()) {
            fail("the pattern ends with a lone backslash");
            return false;
        }
        char c = p_[pos_++];
        char32_t cp = 0;
        switch (c) {
        case 'd': add_digits(r); return false;
        case 'w': add_word(r); return false;
        case 's': add_space(r); return false;
        case 'D':
        case 'W':
        case 'S':
            if (in_class) {
                if (c == 'D') add_complement(r, add_digits);
                if (c == 'W') add_complement(r, add_word);
                if (c == 'S') add_complement(r, add_space);
            } else {
                if (c == 'D') add_digits(r);
                if (c == 'W') add_word(r);
                if (c == 'S') add_space(r);
                negated = true;
            }
            return false;
        case 't': cp = U'\t'; break;
        case 'n': cp = U'\n'; break;
        case 'v': cp = U'\v'; break;
        case 'f': cp = U'\f'; break;
        case 'r': cp = U'\r'; break;
        case '0':
            if (!at_end() && peek() >= '0' && peek() <= '9') {
                fail("octal escapes are not allowed");
                return false;
            }
            cp = 0;
            break;
        case 'x': cp = read_hex(2); break;
        case 'u':
            if (peek() == '{') {
                ++pos_;
                cp = 0;
                std::size_t n = 0;
                while (!at_end() && peek() != '}' && hex_digit(peek()) >= 0) {
                    cp = cp * 16 + static_cast<char32_t>(hex_digit(peek()));
                    ++pos_;
                    if (++n > 6 || cp > 0x10FFFF) {
                        fail("\\u{...} must name a code point up to 10FFFF");
                        return false;
                    }
                }
                if (n == 0 || peek() != '}') {
                    fail("\\u{...} needs hexadecimal digits and a closing }");
                    return false;
                }
                ++pos_;
            } else {
                cp = read_hex(4);
                // A surrogate pair written as two escapes is one code point.
                if (cp >= 0xD800 && cp <= 0xDBFF && pos_ + 6 <= p_.size() && p_[pos_] == '\\' && p_[pos_ + 1] == 'u') {
                    std::size_t save = pos_;
                    pos_ += 2;
                    char32_t low = read_hex(4);
                    if (low >= 0xDC00 && low <= 0xDFFF) cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    else pos_ = save;
                }
            }
            break;
        case 'b':
        case 'B': fail("\\b and \\B are not supported"); return false;
        default:
            if (c >= '1' && c <= '9') {
                fail("backreferences are not supported");
                return false;
            }
            if (std::string_view("^$\\.*+?()[]{}|/").find(c) != std::string_view::npos || (in_class && c == '-')) {
                cp = static_cast<unsigned char>(c);
                break;
            }
            fail("unknown escape; escape only syntax characters, or use \\d \\w \\s \\t \\n \\xHH \\uHHHH");
            return false;
        }
        r.push_back({cp, cp});
        if (single) *single = cp;
        return true;
    }

    constexpr frag char_class() {
        ++pos_; // [
        bool negated = false;
        if (peek() == '^') {
            negated = true;
            ++pos_;
        }
        std::vector<code_range> r;
        while (!error_) {
            if (at_end()) {
                fail("unbalanced [");
                break;
            }
            if (peek() == ']') { // so [] matches nothing and [^] anything
                ++pos_;
                break;
            }
            char32_t lo = 0;
            bool lo_single = class_atom(r, lo);
            if (error_) break;
            if (peek() == '-' && pos_ + 1 < p_.size() && p_[pos_ + 1] != ']') {
                ++pos_;
                char32_t hi = 0;
                bool hi_single = class_atom(r, hi);
                if (error_) break;
                if (!lo_single || !hi_single) {
                    fail("a class range must go from one character to another");
                    break;
                }
                if (hi < lo) {
                    fail("a class range is out of order");
                    break;
                }
                r.push_back({lo, hi});
            }
        }
        return b_.set(std::move(r), negated);
    }

    // One member of a class; returns whether it is a single code point (set in cp).
    constexpr bool class_atom(std::vector<code_range>& r, char32_t& cp) {
        if (peek() == '\\') {
            ++pos_;
            bool ignored = false;
            return escape(r, ignored, true, &cp);
        }
        cp = next_code_point();
        r.push_back({cp, cp});
        return true;
    }

    std::string_view p_;
    Builder& b_;
    std::size_t pos_ = 0;
    const char* error_ = nullptr;
};

// Counts NFA states, for the compile-time check.
struct pattern_size {
    using fragment = std::size_t; // states in the fragment
    std::size_t total = 0;

    constexpr std::size_t mark() const { return 0; }
    constexpr fragment empty() { return 1; }
    constexpr fragment set(std::vector<code_range>&&, bool) { return 1; }
    constexpr fragment begin_assertion() { return 1; }
    constexpr fragment end_assertion() { return 1; }
    constexpr fragment concat(fragment a, fragment b) { return a + b; }
    constexpr fragment alternate(fragment a, fragment b) { return a + b + 1; }
    constexpr fragment repeat(std::size_t, fragment a, std::size_t lo, std::size_t hi, bool unbounded) {
        std::size_t copies = unbounded ? (lo == 0 ? 1 : lo) : hi;
        std::size_t n = a * copies + copies + 1;
        return n > 1000000 ? 1000000 : n;
    }
    constexpr void finish(fragment f) { total = f + 1; }
};

inline constexpr std::size_t max_pattern_states = 4096;

// nullptr when warden can match the pattern, or what is wrong with it.
constexpr const char* pattern_problem(std::string_view p) {
    pattern_size size;
    pattern_parser<pattern_size> parser(p, size);
    if (const char* why = parser.parse()) return why;
    if (size.total > max_pattern_states) return "the pattern is too large once its repetitions are expanded";
    return nullptr;
}

// The NFA: states in one vector. A fragment is a contiguous run of states with an entry state;
// its exits not yet connected hold `open`, and connecting a fragment patches them.
class compiled_pattern {
public:
    explicit compiled_pattern(std::string_view pattern) {
        builder b{*this};
        pattern_parser<builder> parser(pattern, b);
        (void)parser.parse(); // pattern_problem() has accepted it at compile time
        if (states_.size() <= 64) precompute_closures();
        fixed_shape shape;
        pattern_parser<fixed_shape> again(pattern, shape);
        if (!again.parse() && shape.result.ok && shape.result.begins && shape.result.ends) {
            fixed_ = std::move(shape.result.at);
            is_fixed_ = true;
        }
    }

    // True when the pattern matches somewhere in the UTF-8 text (JSON Schema's search semantics).
    bool search(std::string_view text) const {
        if (is_fixed_) {
            // ASCII text has one code point per byte; other text takes the automaton.
            const std::size_t n = text.size();
            if (n < fixed_.size()) return false; // never more code points than bytes
            if (is_ascii(text)) {
                if (n != fixed_.size()) return false;
                for (std::size_t i = 0; i < n; ++i) {
                    const auto byte = static_cast<unsigned char>(text[i]);
                    if (!(fixed_[i][byte >> 6] >> (byte & 63) & 1)) return false;
                }
                return true;
            }
        }
        return small_ ? search_small(text) : search_large(text);
    }

    // Whether search() can take the fixed-shape path; for tests.
    bool fixed_shape_path() const { return is_fixed_; }

private:
    // No byte past ASCII: the high bits of every byte, or-ed eight at a time.
    static bool is_ascii(std::string_view text) noexcept {
        std::uint64_t high = 0;
        std::size_t i = 0;
        for (; i + 8 <= text.size(); i += 8) {
            std::uint64_t w;
            std::memcpy(&w, text.data() + i, 8);
            high |= w;
        }
        for (; i < text.size(); ++i) high |= static_cast<unsigned char>(text[i]);
        return (high & 0x8080808080808080ull) == 0;
    }

    // Patterns such as ^[A-Z]{3}-[0-9]{4}$: anchored at both ends, made of single characters and
    // classes repeated a fixed number of times. On ASCII text they match exactly when the length
    // agrees and each byte is in its position's class, which search() checks without the
    // automaton. A builder for pattern_parser that finds them; anything else comes out not ok.
    struct fixed_shape {
        using ascii_class = std::array<std::uint64_t, 2>;
        struct fragment {
            bool ok = true;
            bool begins = false, ends = false;
            std::vector<ascii_class> at; // one class per code point
        };
        static constexpr std::size_t max_length = 256;
        static fragment refused() { return {false, false, false, {}}; }
        fragment result = refused();

        std::size_t mark() const { return 0; }
        fragment empty() { return {}; }
        fragment set(std::vector<code_range>&& ranges, bool negated) {
            ascii_class c{};
            for (char32_t cp = 0; cp < 0x80; ++cp) {
                bool in = false;
                for (const auto& r : ranges) in = in || (cp >= r.lo && cp <= r.hi);
                if (in != negated) c[cp >> 6] |= std::uint64_t{1} << (cp & 63);
            }
            return {true, false, false, {c}};
        }
        fragment begin_assertion() { return {true, true, false, {}}; }
        fragment end_assertion() { return {true, false, true, {}}; }
        fragment concat(fragment a, fragment b) {
            // ^ only before every code point, $ only after them all.
            if (!a.ok || !b.ok || (b.begins && (a.ends || !a.at.empty())) || (a.ends && (b.begins || !b.at.empty())) ||
                a.at.size() + b.at.size() > max_length)
                return refused();
            a.begins = a.begins || b.begins;
            a.ends = a.ends || b.ends;
            a.at.insert(a.at.end(), b.at.begin(), b.at.end());
            return a;
        }
        fragment alternate(const fragment&, const fragment&) { return refused(); }
        fragment repeat(std::size_t, const fragment& a, std::size_t lo, std::size_t hi, bool unbounded) {
            if (!a.ok || unbounded || lo != hi || a.begins || a.ends || a.at.size() * lo > max_length) return refused();
            fragment r;
            for (std::size_t i = 0; i < lo; ++i) r.at.insert(r.at.end(), a.at.begin(), a.at.end());
            return r;
        }
        void finish(fragment f) { result = std::move(f); }
    };

    // Patterns of up to 64 states (nearly all of them) run on bit masks: the empty-move closure of
    // every state is computed once for each kind of position, so a step is a few ORs.
    enum position_kind { middle = 0, at_begin = 1, at_end = 2 }; // combinable: begin|end is the empty text

    // ASCII runs through a DFA built at construction from the masks; other code points, and
    // patterns whose DFA would be large, step the masks directly.
    bool search_small(std::string_view text) const {
        const std::size_t n = text.size();
        if (n == 0 || dfa_.empty()) return search_masks(text, closure_[n == 0 ? at_begin | at_end : at_begin][start_], 0);
        std::uint16_t at = 0; // the DFA starts at closure_[at_begin][start_]
        std::size_t pos = 0;
        while (true) {
            const dfa_state& d = dfa_[at];
            if (d.accepting) return true;
            if (pos >= n || d.dead) return false;
            auto byte = static_cast<unsigned char>(text[pos]);
            if (byte >= 0x80) return search_masks(text, d.mask, pos);
            ++pos;
            at = d.next[pos == n][byte];
        }
    }

    bool search_masks(std::string_view text, std::uint64_t current, std::size_t pos) const {
        const std::size_t n = text.size();
        while (true) {
            if (current & match_bit_) return true;
            if (pos >= n) return false;
            std::uint64_t readers; // the active states that accept the next code point
            auto byte = static_cast<unsigned char>(text[pos]);
            if (byte < 0x80) {
                readers = current & ascii_readers_[byte];
                ++pos;
            } else {
                char32_t cp = decode(text, pos);
                readers = 0;
                for (std::uint64_t m = current; m; m &= m - 1) {
                    auto k = static_cast<std::size_t>(__builtin_ctzll(m));
                    if (states_[k].kind == op::set && matches(states_[k], cp)) readers |= std::uint64_t{1} << k;
                }
            }
            current = advance(readers, pos == n);
            if (current == 0 && start_middle_ == 0 && start_end_ == 0) return false; // anchored, and dead
        }
    }

    // The states after the readers consume a code point; at the end of the text, $ holds.
    std::uint64_t advance(std::uint64_t readers, bool end) const {
        // A match may start at every position: the start state's closure joins each step.
        const std::uint64_t* step = end ? step_end_ : step_middle_;
        std::uint64_t next = end ? start_end_ : start_middle_;
        for (std::uint64_t m = readers; m; m &= m - 1) next |= step[__builtin_ctzll(m)];
        return next;
    }

    // Subset construction over ASCII, on the masks. Gives up past max_dfa_states.
    void build_dfa() {
        static constexpr std::size_t max_dfa_states = 64;
        auto intern = [&](std::uint64_t mask) -> std::size_t {
            for (std::size_t i = 0; i < dfa_.size(); ++i)
                if (dfa_[i].mask == mask) return i;
            dfa_.push_back({mask, (mask & match_bit_) != 0,
                            mask == 0 && start_middle_ == 0 && start_end_ == 0, {}});
            return dfa_.size() - 1;
        };
        intern(closure_[at_begin][start_]);
        for (std::size_t i = 0; i < dfa_.size(); ++i) {
            for (int end = 0; end < 2; ++end)
                for (unsigned b = 0; b < 0x80; ++b) {
                    std::size_t to = intern(advance(dfa_[i].mask & ascii_readers_[b], end == 1));
                    if (dfa_.size() > max_dfa_states) {
                        dfa_.clear();
                        return;
                    }
                    dfa_[i].next[end][b] = static_cast<std::uint16_t>(to);
                }
        }
    }

    void precompute_closures() {
        small_ = true;
        for (std::uint32_t i = 0; i < states_.size(); ++i)
            if (states_[i].kind == op::match) match_bit_ = std::uint64_t{1} << i;
        for (std::uint32_t i = 0; i < states_.size(); ++i)
            if (states_[i].kind == op::set)
                for (char32_t c = 0; c < 0x80; ++c)
                    if (matches(states_[i], c)) ascii_readers_[c] |= std::uint64_t{1} << i;
        std::vector<std::uint32_t> stack;
        for (int w = 0; w < 4; ++w) {
            closure_[w].assign(states_.size(), 0);
            for (std::uint32_t s = 0; s < states_.size(); ++s) {
                std::uint64_t seen = 0, found = 0;
                follow(s, w, stack,
                       [&](std::uint32_t x) {
                           bool was = seen >> x & 1;
                           seen |= std::uint64_t{1} << x;
                           return was;
                       },
                       [&](std::uint32_t x) {
                           found |= std::uint64_t{1} << x;
                           return false;
                       });
                closure_[w][s] = found;
            }
        }
        for (std::uint32_t k = 0; k < states_.size(); ++k)
            if (states_[k].kind == op::set) {
                step_middle_[k] = closure_[middle][states_[k].out];
                step_end_[k] = closure_[at_end][states_[k].out];
            }
        start_middle_ = closure_[middle][start_];
        start_end_ = closure_[at_end][start_];
        build_dfa();
    }

    // Larger patterns: the same simulation over lists of states.
    bool search_large(std::string_view text) const {
        // Per-thread scratch space: after the first calls, a search allocates nothing.
        thread_local scratch sc;
        if (sc.seen.size() < states_.size()) sc.seen.resize(states_.size(), 0);
        auto& current = sc.current;
        auto& next = sc.next;
        current.clear();
        std::size_t pos = 0;
        std::uint32_t gen = sc.next_generation();
        while (true) {
            // A match may start at every position: the start state joins each step.
            if (close(start_, pos, text.size(), current, sc, gen)) return true;
            if (pos >= text.size()) return false;
            char32_t cp = decode(text, pos);
            gen = sc.next_generation();
            next.clear();
            for (std::uint32_t s : current)
                if (matches(states_[s], cp) && close(states_[s].out, pos, text.size(), next, sc, gen)) return true;
            std::swap(current, next);
        }
    }

private:
    static constexpr std::uint32_t open = ~0u;
    enum class op : std::uint8_t { set, split, jump, begin, end, match };
    struct state {
        op kind;
        bool negated = false;
        std::uint32_t out = open, out2 = open;
        std::uint32_t first_range = 0, last_range = 0;
    };

    struct builder {
        compiled_pattern& p;
        struct fragment {
            std::uint32_t first, last, start;
        };

        std::uint32_t size() const { return static_cast<std::uint32_t>(p.states_.size()); }
        std::size_t mark() const { return p.states_.size(); }
        fragment single(state s) {
            std::uint32_t at = size();
            p.states_.push_back(s);
            return {at, at + 1, at};
        }
        fragment empty() { return single({op::jump}); }
        fragment begin_assertion() { return single({op::begin}); }
        fragment end_assertion() { return single({op::end}); }
        fragment set(std::vector<code_range>&& r, bool negated) {
            state s{op::set, negated};
            s.first_range = static_cast<std::uint32_t>(p.ranges_.size());
            p.ranges_.insert(p.ranges_.end(), r.begin(), r.end());
            s.last_range = static_cast<std::uint32_t>(p.ranges_.size());
            return single(s);
        }
        void patch(const fragment& f, std::uint32_t target) {
            for (std::uint32_t i = f.first; i < f.last; ++i) {
                state& s = p.states_[i];
                if (s.kind == op::match) continue;
                if (s.out == open) s.out = target;
                if (s.kind == op::split && s.out2 == open) s.out2 = target;
            }
        }
        fragment concat(fragment a, fragment b) {
            patch(a, b.start);
            return {a.first, b.last, a.start};
        }
        fragment alternate(fragment a, fragment b) {
            state s{op::split};
            s.out = a.start;
            s.out2 = b.start;
            fragment split = single(s);
            return {a.first, split.last, split.start};
        }
        // A fresh copy of the states of f, which has not been patched yet.
        fragment copy(const fragment& f) {
            std::uint32_t offset = size() - f.first;
            for (std::uint32_t i = f.first; i < f.last; ++i) {
                state s = p.states_[i];
                if (s.out != open) s.out += offset;
                if (s.kind == op::split && s.out2 != open) s.out2 += offset;
                p.states_.push_back(s);
            }
            return {f.first + offset, f.last + offset, f.start + offset};
        }
        // The template atom stays unreachable and unpatched (the pieces' ranges start after it);
        // every use is a fresh copy of it.
        fragment repeat(std::size_t, fragment atom, std::size_t lo, std::size_t hi, bool unbounded) {
            fragment result = empty();
            for (std::size_t i = 0; i < lo; ++i) result = concat(result, copy(atom));
            if (unbounded) {
                fragment body = copy(atom);
                state s{op::split};
                s.out = body.start;
                fragment loop = single(s);
                patch(body, loop.start);
                result = concat(result, fragment{body.first, loop.last, loop.start});
            } else {
                for (std::size_t i = lo; i < hi; ++i) {
                    fragment body = copy(atom);
                    state s{op::split};
                    s.out = body.start;
                    fragment maybe = single(s);
                    result = concat(result, fragment{body.first, maybe.last, maybe.start});
                }
            }
            return {atom.first, result.last, result.start};
        }
        void finish(fragment f) {
            fragment m = single({op::match});
            patch(f, m.start);
            p.start_ = f.start;
        }
    };

    struct scratch {
        std::vector<std::uint32_t> current, next, stack, seen;
        std::uint32_t generation = 0;

        // A fresh mark for `seen`; when the counter wraps, old marks are cleared so none can
        // pass for new.
        std::uint32_t next_generation() {
            if (++generation == 0) {
                std::fill(seen.begin(), seen.end(), 0);
                generation = 1;
            }
            return generation;
        }
    };

    // Follows the empty moves from s, where `where` (a position_kind) says which of ^ and $ hold.
    // `seen(x)` marks a state and says whether it was marked already; `reach(x)` gets each state
    // that reads a code point or matches, and stops the walk by returning true. An explicit
    // stack: no recursion.
    template<class Seen, class Reach>
    bool follow(std::uint32_t s, int where, std::vector<std::uint32_t>& stack, Seen seen, Reach reach) const {
        stack.assign(1, s);
        while (!stack.empty()) {
            std::uint32_t x = stack.back();
            stack.pop_back();
            if (x == open || seen(x)) continue;
            const state& st = states_[x];
            switch (st.kind) {
            case op::match:
            case op::set:
                if (reach(x)) return true;
                break;
            case op::split:
                stack.push_back(st.out2);
                stack.push_back(st.out);
                break;
            case op::jump: stack.push_back(st.out); break;
            case op::begin:
                if (where & at_begin) stack.push_back(st.out);
                break;
            case op::end:
                if (where & at_end) stack.push_back(st.out);
                break;
            }
        }
        return false;
    }

    // The empty-move closure of s at position pos, for the list-based search: the states that
    // read a code point join `list`; true when the match state is reached.
    bool close(std::uint32_t s, std::size_t pos, std::size_t n, std::vector<std::uint32_t>& list, scratch& sc,
               std::uint32_t gen) const {
        int where = (pos == 0 ? at_begin : 0) | (pos == n ? at_end : 0);
        return follow(s, where, sc.stack,
                      [&](std::uint32_t x) {
                          bool was = sc.seen[x] == gen;
                          sc.seen[x] = gen;
                          return was;
                      },
                      [&](std::uint32_t x) {
                          if (states_[x].kind == op::match) return true;
                          list.push_back(x);
                          return false;
                      });
    }

    bool matches(const state& st, char32_t cp) const {
        bool in = false;
        for (std::uint32_t i = st.first_range; i < st.last_range && !in; ++i)
            in = cp >= ranges_[i].lo && cp <= ranges_[i].hi;
        return in != st.negated;
    }

    // The code point at pos, advancing pos; a byte that starts no valid sequence reads as U+FFFD.
    static char32_t decode(std::string_view t, std::size_t& pos) {
        auto b = static_cast<unsigned char>(t[pos]);
        if (b < 0x80) {
            ++pos;
            return b;
        }
        int extra = b >= 0xF0 && b < 0xF8 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : -1;
        if (extra < 0 || pos + static_cast<std::size_t>(extra) >= t.size()) {
            ++pos;
            return 0xFFFD;
        }
        char32_t cp = b & (0x3F >> extra);
        for (int i = 1; i <= extra; ++i) {
            auto c = static_cast<unsigned char>(t[pos + static_cast<std::size_t>(i)]);
            if ((c & 0xC0) != 0x80) {
                ++pos;
                return 0xFFFD;
            }
            cp = (cp << 6) | (c & 0x3F);
        }
        pos += static_cast<std::size_t>(extra) + 1;
        return cp;
    }

    std::vector<std::array<std::uint64_t, 2>> fixed_; // the fixed shape's class of each code point
    bool is_fixed_ = false;
    std::vector<state> states_;
    std::vector<code_range> ranges_;
    std::uint32_t start_ = 0;
    bool small_ = false;
    std::uint64_t match_bit_ = 0;
    std::vector<std::uint64_t> closure_[4]; // by position_kind, then state
    std::uint64_t ascii_readers_[0x80] = {}; // for each ASCII byte, the states that accept it
    std::uint64_t step_middle_[64] = {}, step_end_[64] = {}; // where a set state leads, by position
    std::uint64_t start_middle_ = 0, start_end_ = 0;        // the start state's closure, by position
    struct dfa_state {
        std::uint64_t mask;
        bool accepting, dead;
        std::uint16_t next[2][0x80]; // [at the end of the text?][ASCII byte]
    };
    std::vector<dfa_state> dfa_;
};

} // namespace warden::detail

#endif
