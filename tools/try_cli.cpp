// `kata try OP --name value ...`: the command line becomes the JSON request of
// `kata try --json`, the core runs it, and the answer is laid out as matrices.
// See try_cli.hpp.

#include "try_cli.hpp"

#include "convkata/tolerance.hpp"  // the tests' tolerance policy, shared with --compare

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <ostream>
#include <regex>
#include <set>
#include <stdexcept>

namespace kata_try {
namespace {

using json = nlohmann::json;

[[noreturn]] void bad(const std::string& message) { throw std::invalid_argument(message); }

std::string trimmed(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\n");
    if (first == std::string::npos) return "";
    return s.substr(first, s.find_last_not_of(" \t\n") - first + 1);
}

std::string plural(std::size_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string index_list(const std::vector<std::size_t>& index) {
    std::string s = "[";
    for (std::size_t k = 0; k < index.size(); ++k) s += (k ? ", " : "") + std::to_string(index[k]);
    return s + "]";
}

bool is_none(const std::string& word) { return word == "None" || word == "none" || word == "null"; }

// ----------------------------------------------------------------- literals
// value := '[' [value {',' value} [',']] ']' | number | word
// At the top, `2,1` is the list [2, 1] (no brackets needed for a list of sizes).
class LiteralParser {
public:
    LiteralParser(const std::string& text, const std::string& what, bool numbers_only)
        : text_(text), what_(what), numbers_only_(numbers_only) {}

    json parse() {
        skip_space();
        if (at_end()) fail_here("an empty value");
        json first = value();
        skip_space();
        if (at_end()) return first;
        if (text_[pos_] != ',') fail_here("unexpected '" + std::string(1, text_[pos_]) + "'");
        json items = json::array({first});
        while (!at_end() && text_[pos_] == ',') {
            ++pos_;
            skip_space();
            if (at_end()) break;  // a trailing comma, as Python allows
            items.push_back(value());
            skip_space();
        }
        if (!at_end()) fail_here("unexpected '" + std::string(1, text_[pos_]) + "'");
        return items;
    }

private:
    bool at_end() const { return pos_ >= text_.size(); }

    void skip_space() {
        while (!at_end() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }

    [[noreturn]] void fail_at(std::size_t at, const std::string& message) const {
        std::string where = " at character " + std::to_string(at + 1);
        if (at < text_.size()) where += " ('" + text_.substr(at, 20) + (text_.size() > at + 20 ? "...'" : "'") + ")";
        bad(what_ + ": " + message + where);
    }
    [[noreturn]] void fail_here(const std::string& message) const { fail_at(pos_, message); }

    json value() {
        skip_space();
        if (at_end()) {
            // An unquoted tensor with spaces arrives cut into several arguments.
            bad(what_ + ": the list ends before its closing ']' (quote it: " + what_ + " '[[1, 2], [3, 4]]')");
        }
        return text_[pos_] == '[' ? list() : scalar();
    }

    json list() {
        // No tensor of the workbook is deeper than 5; a runaway '[[[[...' must not exhaust the stack.
        if (++depth_ > kMaxDepth) fail_here("lists nested deeper than " + std::to_string(kMaxDepth));
        ++pos_;  // '['
        json items = json::array();
        skip_space();
        if (!at_end() && text_[pos_] == ']') {
            ++pos_;
            --depth_;
            return items;
        }
        for (;;) {
            items.push_back(value());
            skip_space();
            if (at_end()) bad(what_ + ": the list ends before its closing ']' (quote it: " + what_ + " '[[1, 2], [3, 4]]')");
            const char c = text_[pos_];
            if (c == ']') {
                ++pos_;
                --depth_;
                return items;
            }
            if (c != ',') fail_here("expected ',' or ']' after a value, not '" + std::string(1, c) + "'");
            ++pos_;
            skip_space();
            if (!at_end() && text_[pos_] == ']') {  // [1, 2,]
                ++pos_;
                --depth_;
                return items;
            }
        }
    }

    json scalar() {
        const std::size_t start = pos_;
        const char c = text_[pos_];
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') return number(start);
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            while (!at_end() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
            const std::string word = text_.substr(start, pos_ - start);
            if (numbers_only_) fail_at(start, "'" + word + "' is not a number");
            if (is_none(word)) return nullptr;
            if (word == "true" || word == "True") return true;
            if (word == "false" || word == "False") return false;
            return word;
        }
        fail_here(numbers_only_ ? "expected a number or '['" : "expected a value");
    }

    // A number as Python writes one: 2, -1.5, .5, 5., 1e-3, +2.5E+2 (no nan, no inf, no hex).
    json number(std::size_t start) {
        while (!at_end() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.' ||
                             text_[pos_] == '+' || text_[pos_] == '-' || text_[pos_] == '_'))
            ++pos_;
        const std::string token = text_.substr(start, pos_ - start);
        static const std::regex integer("[+-]?[0-9]+"), decimal("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
        const bool is_integer = std::regex_match(token, integer);
        if (!is_integer && !std::regex_match(token, decimal)) fail_at(start, "'" + token + "' is not a number");
        const char* first = token.data() + (token[0] == '+' ? 1 : 0);  // from_chars takes no '+'
        const char* last = token.data() + token.size();
        if (is_integer) {
            long long i = 0;
            if (std::from_chars(first, last, i).ec == std::errc()) return i;
            if (!numbers_only_) fail_at(start, "'" + token + "' is too large for an int");
        }
        double d = 0;
        const auto error = std::from_chars(first, last, d).ec;
        const bool underflow = error == std::errc::result_out_of_range && token.find_first_of("eE") != std::string::npos &&
                               token[token.find_first_of("eE") + 1] == '-';
        if (underflow) return 0.0;  // 1e-400: as float32 it is 0 anyway
        if (error != std::errc() || (numbers_only_ && std::fabs(d) > FLT_MAX))
            fail_at(start, "'" + token + (numbers_only_ ? "' is beyond float32's range (the tensors are float32)"
                                                         : "' is out of range"));
        return d;
    }

    static constexpr int kMaxDepth = 32;
    const std::string& text_;
    std::string what_;
    bool numbers_only_;
    std::size_t pos_ = 0;
    int depth_ = 0;
};

// --------------------------------------------------------- nested lists -> tensors
// The name of the list at `path` in a learner's words: rows hold numbers,
// blocks hold rows (the output labels blocks the same way, counting from 0).
std::string list_name(const std::vector<std::size_t>& path, bool holds_numbers) {
    if (!holds_numbers) return "block " + index_list(path);
    if (path.size() == 1) return "row " + std::to_string(path[0] + 1);
    std::vector<std::size_t> block(path.begin(), path.end() - 1);
    return "row " + std::to_string(path.back() + 1) + " of block " + index_list(block);
}

struct TensorWalk {
    std::string what;
    json data = json::array();

    // The shape of `node`, its numbers appended to data in row-major order.
    std::vector<std::size_t> walk(const json& node, std::vector<std::size_t>& path) {
        if (!node.is_array()) {
            data.push_back(node);
            return {};
        }
        if (node.empty()) return {0};
        std::vector<std::size_t> first_shape;
        for (std::size_t i = 0; i < node.size(); ++i) {
            path.push_back(i);
            const std::vector<std::size_t> shape = walk(node[i], path);
            path.pop_back();
            if (i == 0) {
                first_shape = shape;
            } else if (shape != first_shape) {
                ragged(path, i, shape, first_shape);
            }
        }
        std::vector<std::size_t> out{node.size()};
        out.insert(out.end(), first_shape.begin(), first_shape.end());
        return out;
    }

    // Element i of the list at `path` has `shape`, element 0 has `first`: name the first place they part.
    [[noreturn]] void ragged(const std::vector<std::size_t>& path, std::size_t i, const std::vector<std::size_t>& shape,
                             const std::vector<std::size_t>& first) const {
        std::vector<std::size_t> a = path, b = path;
        a.push_back(i);
        b.push_back(0);
        const std::size_t common = std::min(shape.size(), first.size());
        for (std::size_t d = 0; d < common; ++d) {
            if (shape[d] != first[d]) {
                const bool a_numbers = d + 1 == shape.size(), b_numbers = d + 1 == first.size();
                const std::string unit = a_numbers ? "number" : d + 2 == shape.size() ? "row" : "block";
                bad(what + ": ragged list: " + list_name(a, a_numbers) + " has " + plural(shape[d], unit) + ", " +
                    list_name(b, b_numbers) + " has " + std::to_string(first[d]));
            }
            a.push_back(0);
            b.push_back(0);
        }
        const bool a_list = shape.size() > common;
        bad(what + ": ragged list: entry " + index_list(a) + " is " + (a_list ? "a list" : "a number") + ", entry " +
            index_list(b) + " is " + (a_list ? "a number" : "a list"));
    }
};

// ----------------------------------------------------------- the command line
const std::set<std::string>& bool_words() {
    static const std::set<std::string> words = {"true", "True", "false", "False"};
    return words;
}

std::string known_ops() {
    std::string known;
    for (const OpInfo& op : catalogue()) known += (known.empty() ? "" : ", ") + op.name;
    return known;
}

const Keyword* find_keyword(const OpInfo& op, const std::string& name) {
    for (const Keyword& k : op.keywords)
        if (k.name == name) return &k;
    return nullptr;
}

std::string option_list(const OpInfo& op) {
    std::string s;
    for (const Keyword& k : op.keywords) s += (s.empty() ? "--" : ", --") + k.name;
    return s;
}

void check_impl(const std::string& impl) {
    if (impl != "mine" && impl != "solution" && impl != "reference")
        bad("--impl must be mine, solution or reference, not '" + impl + "'");
}

}  // namespace

json parse_literal(const std::string& text, const std::string& what) {
    return LiteralParser(text, what, false).parse();
}

json tensor_literal(const std::string& text, const std::string& what) {
    if (is_none(trimmed(text))) return nullptr;
    const json tree = LiteralParser(text, what, true).parse();
    TensorWalk walk{what};
    std::vector<std::size_t> path;
    const std::vector<std::size_t> shape = walk.walk(tree, path);
    return json{{"shape", shape}, {"data", walk.data}};
}

CommandLine parse_command_line(const std::vector<std::string>& args) {
    CommandLine cl;
    std::size_t i = 0;
    // --impl and --compare may come before the op too: ./kata try --impl solution conv2d ...
    for (; i < args.size() && args[i].rfind("--", 0) == 0; ++i) {
        if (args[i] == "--compare") {
            cl.compare = true;
        } else if (args[i] == "--impl" && i + 1 < args.size()) {
            cl.impl = args[++i];
        } else if (args[i].rfind("--impl=", 0) == 0) {
            cl.impl = args[i].substr(7);
        } else {
            bad("expected an op before '" + args[i] + "': kata try OP --name value ... (ops: " + known_ops() + ")");
        }
    }
    if (i == args.size()) bad("name an op: kata try OP --name value ... (ops: " + known_ops() + ")");
    cl.op = args[i++];
    const OpInfo* op = find_op(cl.op);
    if (!op) bad("unknown op '" + cl.op + "' (known: " + known_ops() + ")");
    cl.request = json{{"op", cl.op}};
    for (const std::string& a : args)
        if (a == "--help" || a == "-h") cl.help = true;
    if (cl.help) return cl;

    for (; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.rfind("--", 0) != 0 || arg.size() == 2)
            bad("unexpected argument '" + arg + "' (" + cl.op + " takes " + option_list(*op) +
                "; a tensor with spaces needs quotes)");
        std::string name = arg.substr(2);
        std::optional<std::string> inline_value;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inline_value = name.substr(eq + 1);
            name.resize(eq);
        }
        std::replace(name.begin(), name.end(), '-', '_');  // --padding-mode is --padding_mode
        const auto next_value = [&]() -> std::string {
            if (inline_value) return *inline_value;
            if (i + 1 >= args.size() || (args[i + 1].rfind("--", 0) == 0 && args[i + 1].size() > 2))
                bad("--" + name + " needs a value");
            return args[++i];
        };
        if (name == "compare" && !inline_value) {
            cl.compare = true;
            continue;
        }
        if (name == "impl") {
            cl.impl = next_value();
            continue;
        }
        if (name == "json") bad("--json reads the whole request from stdin: kata try --json < request.json");
        const Keyword* k = find_keyword(*op, name);
        if (!k)
            bad(cl.op + "() got an unexpected keyword argument '" + name + "' (it takes " + option_list(*op) +
                "; kata try " + cl.op + " --help)");
        if (cl.request.contains(name)) bad("--" + name + " is given twice");
        switch (k->kind) {
            case Keyword::Kind::tensor: cl.request[name] = tensor_literal(next_value(), "--" + name); break;
            case Keyword::Kind::flag: {
                std::string word = "true";
                if (inline_value) {
                    word = *inline_value;
                } else if (i + 1 < args.size() && bool_words().count(args[i + 1])) {
                    word = args[++i];
                }
                if (!bool_words().count(word)) bad("--" + name + " takes true or false, not '" + word + "'");
                cl.request[name] = word == "true" || word == "True";
                break;
            }
            case Keyword::Kind::value: cl.request[name] = parse_literal(next_value(), "--" + name); break;
        }
    }
    check_impl(cl.impl);
    if (cl.compare && cl.impl == "reference")
        bad("--compare puts --impl mine (or solution) beside the reference; drop --impl reference");
    return cl;
}

// ------------------------------------------------------------------- layout
namespace {

// A number as a person reads it: whole numbers in full (1000001, not 1e+06),
// others with 6 significant digits.
std::string cell_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();  // "nan", "inf", "-inf"
    const double x = v.get<double>();
    char buffer[32];
    if (x == std::trunc(x) && std::fabs(x) < 1e15) {
        std::snprintf(buffer, sizeof buffer, "%.0f", x);
    } else {
        std::snprintf(buffer, sizeof buffer, "%.6g", x);
    }
    return buffer;
}

float value_of(const json& v) {
    if (v.is_string()) {
        const std::string s = v.get<std::string>();
        if (s == "nan") return NAN;
        return s == "-inf" ? -INFINITY : INFINITY;
    }
    return v.get<float>();
}

std::vector<std::size_t> shape_of(const json& tensor) { return tensor["shape"].get<std::vector<std::size_t>>(); }

std::string shape_text(const json& tensor) {
    return "shape " + index_list(shape_of(tensor));
}

// The tensor's lines: its shape, then blocks of aligned rows. marks (when given)
// holds one flag per entry; a flagged entry is followed by '*'.
std::vector<std::string> tensor_lines(const json& tensor, const std::vector<bool>* marks = nullptr) {
    std::vector<std::string> lines{shape_text(tensor)};
    const std::vector<std::size_t> shape = shape_of(tensor);
    const json& data = tensor["data"];
    if (data.empty()) {
        lines.push_back("  (no entries)");
        return lines;
    }
    const std::size_t rank = shape.size();
    const std::size_t cols = rank >= 1 ? shape[rank - 1] : 1;
    const std::size_t rows = rank >= 2 ? shape[rank - 2] : 1;
    const std::size_t block_size = rows * cols;
    // One width per column, the same in every block, so the blocks line up.
    std::vector<std::size_t> width(cols, 1);
    for (std::size_t i = 0; i < data.size(); ++i) width[i % cols] = std::max(width[i % cols], cell_text(data[i]).size());
    const std::vector<std::size_t> leading(shape.begin(), shape.end() - static_cast<std::ptrdiff_t>(std::min<std::size_t>(rank, 2)));
    for (std::size_t block = 0; block * block_size < data.size(); ++block) {
        if (!leading.empty()) {
            std::vector<std::size_t> index(leading.size());
            std::size_t rest = block;
            for (std::size_t d = leading.size(); d-- > 0;) {
                index[d] = rest % leading[d];
                rest /= leading[d];
            }
            if (block > 0) lines.emplace_back();
            lines.push_back(index_list(index) + " =");
        }
        for (std::size_t r = 0; r < rows; ++r) {
            std::string line;
            for (std::size_t c = 0; c < cols; ++c) {
                const std::size_t i = block * block_size + r * cols + c;
                const std::string text = cell_text(data[i]);
                line += "  " + std::string(width[c] - text.size(), ' ') + text;
                if (marks) line += (*marks)[i] ? "*" : " ";
            }
            while (!line.empty() && line.back() == ' ') line.pop_back();
            lines.push_back(line);
        }
    }
    return lines;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string s;
    for (const std::string& line : lines) s += line + "\n";
    return s;
}

// What an answer may hold beside the result: max pooling's argmax, batch_norm's statistics.
const char* const kExtras[] = {"indices", "running_mean", "running_var"};

}  // namespace

std::string layout(const json& answer) {
    std::string s = joined(tensor_lines(answer));
    for (const char* name : kExtras) {
        if (!answer.contains(name)) continue;
        s += "\n" + std::string(name) + (answer[name].is_null() ? " = None\n" : ": " + joined(tensor_lines(answer[name])));
    }
    return s;
}

// ------------------------------------------------------------------ compare
namespace {

struct Outcome {
    int code = 1;
    json answer;
    std::vector<std::string> notes;
};

Outcome run(const Runner& runner, const json& request, Impl impl) {
    Outcome o;
    const std::string text = runner(request.dump(), impl, o.code, &o.notes);
    try {
        o.answer = json::parse(text);
    } catch (const json::exception&) {
        o.code = 1;
        o.answer = json{{"error", "internal error: the core answered " + text.substr(0, 200)}};
    }
    return o;
}

std::string error_of(const Outcome& o) {
    std::string message = o.answer.value("error", std::string("no answer"));
    std::replace(message.begin(), message.end(), '\n', ' ');  // one line, always
    return message;
}

// "note: conv2d in chapters/06_groups is not implemented yet: ..." from the core's exit-3 error.
std::string fallback_note(const std::string& op, const Outcome& mine) {
    static const std::regex chapter_dir("chapters/(([0-9]{2})_[a-z0-9_]+)");
    static const std::regex function_name("not implemented: ([A-Za-z0-9_:]+) is not implemented");
    const std::string error = error_of(mine);
    std::smatch dir, function;
    if (!std::regex_search(error, dir, chapter_dir))
        return "note: your " + op + " is not implemented yet, so this is the reference's answer";
    const std::string what = std::regex_search(error, function, function_name) ? function[1].str() : op;
    return "note: " + what + " in chapters/" + dir[1].str() + " is not implemented yet, so this is the reference's " +
           "answer: finish chapter " + dir[2].str() + " to see yours (./kata test " +
           std::to_string(std::stoi(dir[2].str())) + ")";
}

std::vector<float> values(const json& tensor) {
    std::vector<float> v;
    for (const json& x : tensor["data"]) v.push_back(value_of(x));
    return v;
}

// The tolerance's magnitude for each output entry (convkata/tolerance.hpp):
// the sum of the absolute values of the terms that made it. A convolution, a
// transposed one, an average or a pad is linear in its tensors, so the same op
// on |x|, |w|, |b| gives exactly that sum. batch_norm's y = (x - mean) * alpha + b
// has the terms |x| * alpha, |mean| * alpha and |b|. A max pool copies: |expected|
// (an empty magnitude) is the policy for copies.
std::vector<float> batch_norm_magnitude(const json& request) {
    const json& input = request["input"];
    const auto shape = shape_of(input);
    const std::vector<float> x = values(input);
    if (shape.size() < 2 || x.empty()) return {};
    const std::size_t channels = shape[1];
    std::size_t inner = 1;
    for (std::size_t d = 2; d < shape.size(); ++d) inner *= shape[d];
    const auto channel_of = [&](std::size_t i) { return (i / inner) % channels; };
    const auto optional_values = [&](const char* key) {
        return request.contains(key) && !request[key].is_null() ? values(request[key]) : std::vector<float>();
    };
    std::vector<double> mean(channels, 0.0), var(channels, 0.0), count(channels, 0.0);
    const bool training = request.value("training", false);
    if (training) {
        for (std::size_t i = 0; i < x.size(); ++i) {
            mean[channel_of(i)] += x[i];
            count[channel_of(i)] += 1;
        }
        for (std::size_t c = 0; c < channels; ++c) mean[c] /= count[c];
        for (std::size_t i = 0; i < x.size(); ++i) var[channel_of(i)] += std::pow(x[i] - mean[channel_of(i)], 2);
        for (std::size_t c = 0; c < channels; ++c) var[c] /= count[c];
    } else {
        const std::vector<float> m = optional_values("running_mean"), v = optional_values("running_var");
        if (m.size() != channels || v.size() != channels) return {};
        std::copy(m.begin(), m.end(), mean.begin());
        std::copy(v.begin(), v.end(), var.begin());
    }
    const std::vector<float> w = optional_values("weight"), b = optional_values("bias");
    const double eps = request.value("eps", 1e-5);
    std::vector<float> magnitude;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const std::size_t c = channel_of(i);
        const double alpha = std::fabs(w.size() == channels ? w[c] : 1.0) / std::sqrt(var[c] + eps);
        magnitude.push_back(static_cast<float>((std::fabs(x[i]) + std::fabs(mean[c])) * alpha +
                                               (b.size() == channels ? std::fabs(b[c]) : 0.0)));
    }
    return magnitude;
}

std::vector<float> magnitude_of(const Runner& runner, const json& request) {
    const std::string op = request["op"].get<std::string>();
    if (op == "max_pool1d" || op == "max_pool2d") return {};
    if (op == "batch_norm") return batch_norm_magnitude(request);
    json absolute = request;
    for (auto& [key, v] : absolute.items()) {
        if (v.is_object() && v.contains("data"))
            for (json& x : v["data"]) x = std::fabs(x.get<double>());
        if (key == "divisor_override" && v.is_number_integer()) v = std::abs(v.get<long long>());
    }
    const Outcome o = run(runner, absolute, Impl::reference);
    return o.code == 0 ? values(o.answer) : std::vector<float>();
}

struct Difference {
    std::vector<bool> marks;
    std::size_t count = 0;
    double largest = 0;
};

// Entry by entry, with the tests' own rule (convkata::within_tolerance).
Difference differences(const json& actual, const json& expected, const std::vector<float>& magnitude) {
    Difference d;
    const std::vector<float> a = values(actual), e = values(expected);
    for (std::size_t i = 0; i < e.size(); ++i) {
        const bool close =
            convkata::within_tolerance(a[i], e[i], magnitude.size() == e.size() ? magnitude[i] : std::fabs(e[i]));
        d.marks.push_back(!close);
        if (close) continue;
        ++d.count;
        const double diff = std::isfinite(a[i]) && std::isfinite(e[i]) ? std::fabs(static_cast<double>(a[i]) - e[i])
                                                                        : INFINITY;
        if (!std::isnan(a[i]) || !std::isnan(e[i])) d.largest = std::max(d.largest, diff);
    }
    return d;
}

std::string number_text(double x) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", x);
    return buffer;
}

// Two columns of lines side by side, or one above the other when too wide.
std::string beside(const std::vector<std::string>& left, const std::vector<std::string>& right) {
    std::size_t width = 0, right_width = 0;
    for (const auto& line : left) width = std::max(width, line.size());
    for (const auto& line : right) right_width = std::max(right_width, line.size());
    if (width + 4 + right_width > 110) return joined(left) + "\n" + joined(right);
    std::string s;
    for (std::size_t i = 0; i < std::max(left.size(), right.size()); ++i) {
        const std::string l = i < left.size() ? left[i] : "";
        std::string line = l + std::string(width + 4 - l.size(), ' ') + (i < right.size() ? right[i] : "");
        while (!line.empty() && line.back() == ' ') line.pop_back();
        s += line + "\n";
    }
    return s;
}

// One tensor of mine beside the reference's, and the line that sums up their differences.
std::string compare_tensor(const std::string& impl, const std::string& name, const json& mine, const json& reference,
                           const std::vector<float>& magnitude, bool& marked) {
    const std::string title = name.empty() ? "" : name + ", ";
    if (mine.is_null() || reference.is_null()) {
        if (mine.is_null() && reference.is_null()) return title + impl + ": None    reference: None\n";
        return beside({title + impl + ":", mine.is_null() ? "None" : shape_text(mine)},
                      {"reference:", reference.is_null() ? "None" : shape_text(reference)}) +
               name + ": " + impl + " gives " + (mine.is_null() ? "None" : "a tensor") + ", the reference " +
               (reference.is_null() ? "None" : "a tensor") + "\n";
    }
    if (shape_of(mine) != shape_of(reference)) {
        std::vector<std::string> left = tensor_lines(mine), right = tensor_lines(reference);
        left.insert(left.begin(), title + impl + ":");
        right.insert(right.begin(), "reference:");
        return beside(left, right) + (name.empty() ? "the result" : name) + ": the shapes differ: " + impl + " " +
               index_list(shape_of(mine)) + ", the reference " + index_list(shape_of(reference)) + "\n";
    }
    const Difference d = differences(mine, reference, magnitude);
    marked = marked || d.count > 0;
    std::vector<std::string> left = tensor_lines(mine, &d.marks), right = tensor_lines(reference, &d.marks);
    left.insert(left.begin(), title + impl + ":");
    right.insert(right.begin(), "reference:");
    const std::size_t n = d.marks.size();
    std::string summary = name.empty() ? "" : name + ": ";
    if (n == 0) {
        summary += "no entries in either";
    } else if (d.count == 0) {
        summary += (n == 1 ? "the entry agrees" : "all " + std::to_string(n) + " entries agree") +
                   std::string(" (within the tests' tolerance)");
    } else {
        summary += std::to_string(d.count) + " of " + std::to_string(n) + (n == 1 ? " entry differs" : " entries differ") +
                   " (max |diff| " + number_text(d.largest) + ")";
    }
    return beside(left, right) + summary + "\n";
}

std::string compare_answers(const std::string& impl, const json& request, const json& mine, const json& reference,
                            const Runner& runner) {
    bool marked = false;
    std::string s = compare_tensor(impl, "", mine, reference, magnitude_of(runner, request), marked);
    for (const char* name : kExtras)
        if (reference.contains(name))
            s += "\n" + compare_tensor(impl, name, mine.value(name, json()), reference[name], {}, marked);
    if (marked)
        s += "(* marks an entry off by more than the tests' tolerance: " + number_text(convkata::kRelativeTolerance) +
             " x magnitude + " + number_text(convkata::kAbsoluteTolerance) + ")\n";
    return s;
}

std::string unbatched_layout(int batched_rank) {
    static const char* const layouts[] = {"", "", "", "[C, L]", "[C, H, W]", "[C, D, H, W]"};
    return batched_rank >= 3 && batched_rank <= 5 ? layouts[batched_rank] : "";
}

// A conv or pool input with one dimension less than batched is unbatched, as PyTorch 1.13 reads it.
std::string input_note(const OpInfo& op, const json& request) {
    if (op.batched_rank == 0 || !request.contains("input") || !request["input"].is_object()) return "";
    const std::size_t rank = request["input"]["shape"].size();
    if (rank + 1 == static_cast<std::size_t>(op.batched_rank))
        return "note: the input " + index_list(shape_of(request["input"])) + " is unbatched " +
               unbatched_layout(op.batched_rank) + " (no batch dimension, as PyTorch 1.13 reads it for " + op.name +
               "): the result has none either";
    return "";
}

// The refusal, and what the input's rank may have to do with it, on one line.
std::string error_line(const std::string& op, const OpInfo& info, const json& request, const Outcome& o) {
    std::string line = "kata try " + op + ": " + error_of(o);
    if (info.batched_rank == 0 || !request.contains("input") || !request["input"].is_object()) return line;
    const std::size_t rank = request["input"]["shape"].size();
    if (rank + 2 == static_cast<std::size_t>(info.batched_rank))
        line += " (for one channel, put the input in one more pair of brackets)";
    if (rank + 1 == static_cast<std::size_t>(info.batched_rank))
        line += " (the input " + index_list(shape_of(request["input"])) + " is unbatched " +
                unbatched_layout(info.batched_rank) + ", as PyTorch reads it)";
    return line;
}

}  // namespace

namespace {

// The notes (which code computed it, an unbatched input, an unfinished chapter)
// go to err with a result; a refusal is one line and nothing else.
int run_parsed(const CommandLine& cl, const OpInfo& op, std::ostream& out, std::ostream& err, const Runner& runner) {
    const Impl impl = cl.impl == "reference" ? Impl::reference : Impl::mine;
    Outcome mine = run(runner, cl.request, impl);
    std::vector<std::string> notes = mine.notes;
    bool fell_back = false;
    if (mine.code == 3 && cl.impl == "mine") {
        notes.push_back(fallback_note(cl.op, mine));
        mine = run(runner, cl.request, Impl::reference);
        fell_back = true;
    }
    if (const std::string note = input_note(op, cl.request); !note.empty()) notes.push_back(note);
    const auto say_notes = [&] {
        for (const std::string& note : notes) err << note << "\n";
    };
    if (!cl.compare || fell_back) {
        if (mine.code != 0) {
            err << error_line(cl.op, op, cl.request, mine) << "\n";
            return mine.code;
        }
        say_notes();
        out << layout(mine.answer);
        return 0;
    }
    const Outcome reference = run(runner, cl.request, Impl::reference);
    if (reference.code != 0) {
        // The request itself is wrong (or the reference failed): that is the answer, whatever mine said.
        err << error_line(cl.op, op, cl.request, reference)
            << (mine.code == 0 ? " (" + cl.impl + " gave a result where the reference refuses)" : "") << "\n";
        return reference.code;
    }
    say_notes();
    if (mine.code != 0) {
        out << cl.impl << " refuses: " << error_of(mine) << "\n\nreference:\n" << layout(reference.answer);
        return 0;
    }
    out << compare_answers(cl.impl, cl.request, mine.answer, reference.answer, runner);
    return 0;
}

}  // namespace

int run_command_line(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                     const Runner& runner) {
    CommandLine cl;
    try {
        if (args.empty()) bad("name an op: kata try OP --name value ... (kata try --help)");
        if (args[0] == "--help" || args[0] == "-h") {
            out << command_line_help();
            return 0;
        }
        cl = parse_command_line(args);
    } catch (const std::invalid_argument& e) {
        err << "kata try: " << e.what() << "\n";
        return 2;
    }
    const OpInfo& op = *find_op(cl.op);
    if (cl.help) {
        out << op_help(op);
        return 0;
    }
    try {
        return run_parsed(cl, op, out, err, runner);
    } catch (const std::exception& e) {  // a bug here, not in the request: still one line, never a crash
        err << "kata try " << cl.op << ": internal error: " << e.what() << "\n";
        return 1;
    }
}

// --------------------------------------------------------------------- help
std::string command_line_help() {
    std::string ops;
    for (const OpInfo& op : catalogue()) {
        const std::size_t line_length = ops.size() - (ops.rfind('\n') == std::string::npos ? 0 : ops.rfind('\n') + 1);
        if (!ops.empty()) ops += line_length + op.name.size() > 80 ? "\n              " : " ";
        ops += op.name;
    }
    return "kata try OP --name value ... [--impl mine|solution|reference] [--compare]\n"
           "kata try OP --help          OP's keywords, their defaults and an example\n"
           "\n"
           "Runs one torch.nn.functional op on small tensors and prints the result as matrices: the last two\n"
           "dimensions as rows, the leading ones as blocks labelled [n, c] =, the shape on top.\n"
           "  OP          " + ops + "\n"
           "  tensors     nested lists, the shape read from the nesting: --input '[[1, 2, 3], [4, 5, 6]]' is [2, 3];\n"
           "              None where PyTorch takes None (--bias None)\n"
           "  values      ints, numbers, words and lists: --stride 2,1 or --stride '[2, 1]', --padding same,\n"
           "              --mode reflect, --eps 1e-3, --output_size None,3\n"
           "  flags       --training alone is true; --count_include_pad false\n"
           "  --impl      mine (default): your chapters; one you have not written yet falls back to the\n"
           "              reference, with a note naming the chapter. solution: the model solutions.\n"
           "              reference: the reference implementation.\n"
           "  --compare   mine (or --impl solution) beside the reference, each entry off by more than the\n"
           "              tests' tolerance (" + number_text(convkata::kRelativeTolerance) + " x magnitude + " +
           number_text(convkata::kAbsoluteTolerance) + ") marked *\n"
           "Unbatched inputs: a conv, transposed conv or pool input with one dimension less than batched\n"
           "([C, L] for conv1d, [C, H, W] for conv2d) is read as PyTorch 1.13 reads it, and the result has no\n"
           "batch dimension either. Nothing else is promoted (PyTorch refuses a 2-D conv2d input too).\n"
           "The command line builds the same request as the JSON form below and runs it the same way.\n"
           "Exit codes: 0 a result (--compare finding differences too), 2 a bad command line or arguments\n"
           "PyTorch refuses (one line on stderr), 1 an internal error.\n"
           "Example: kata try conv1d --input '[[[1, 2, 3, 4, 5]]]' --weight '[[[1, 0, -1]]]' --padding 1\n";
}

std::string op_help(const OpInfo& op) {
    std::string s = "kata try " + op.name + " --name value ...   (F." + op.name + ", PyTorch's names and defaults)\n\n";
    const auto accepts = [](const Keyword& k) { return (k.kind == Keyword::Kind::tensor ? "tensor " : "") + k.accepts; };
    std::size_t width = 0, accepts_width = 0;
    for (const Keyword& k : op.keywords) {
        width = std::max(width, k.name.size());
        accepts_width = std::max(accepts_width, accepts(k).size());
    }
    for (const Keyword& k : op.keywords) {
        std::string line = "  --" + k.name + std::string(width - k.name.size() + 2, ' ') + accepts(k);
        line += std::string(4 + width + 2 + accepts_width + 2 - line.size(), ' ');
        line += k.default_value.empty() ? "required" : "default " + k.default_value;
        s += line + "\n";
    }
    s += "\n--impl mine computes it with " + op.computed_by + ".\n";
    if (op.batched_rank > 0)
        s += "An input with one dimension less is unbatched (PyTorch 1.13): so is the result.\n";
    s += "Example: kata try " + op.name + " " + op.example + "\n";
    return s;
}

}  // namespace kata_try
