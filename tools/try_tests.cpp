// kata-try's core against PyTorch's golden data: every case of every golden
// file, as a `kata try --json` request, with --impl reference and with this
// tree's chapter code. On the learner track the stubs may answer "not
// implemented" (exit 3): the chapters' own tests are the ones that fail there.
// try_sweep.json (tests/golden/generate_try_sweep.py) calls every op in every
// argument form PyTorch takes and refuses; KATA_TRY_SWEEP=FILE runs another
// sweep (a new seed) instead.

#include "try_core.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>

namespace {

using json = nlohmann::json;

#ifdef KATA_TRACK_learner
constexpr bool kLearnerTrack = true;
#else
constexpr bool kLearnerTrack = false;
#endif

json load(const std::string& file) {
    std::ifstream in(std::string(KATA_GOLDEN_DIR) + "/" + file + ".json");
    REQUIRE_MESSAGE(in.good(), "cannot read tests/golden/" << file << ".json");
    return json::parse(in);
}

json request_for(const std::string& op, const json& c) {
    json request = {{"op", op}};
    for (const auto& [key, value] : c.items())
        if (key != "id" && key != "output" && key != "error" && key != "indices" && key != "running_mean_after" &&
            key != "running_var_after")
            request[key] = value;
    return request;
}

// A number, or the strings kata try and the golden files write for NaN and the infinities.
bool same_number(const json& a, const json& e) {
    if (a.is_number() && e.is_number()) {
        const double x = a.get<double>(), y = e.get<double>();
        return std::abs(x - y) <= 1e-5 * (std::abs(y) + 1);
    }
    return a == e;
}

std::string closeness(const json& actual, const json& expected, const std::string& what) {
    if (actual.is_null() || expected.is_null())
        return actual.is_null() == expected.is_null() ? "" : what + ": one is null, the other is not";
    if (actual["shape"] != expected["shape"])
        return what + ": shape " + actual["shape"].dump() + ", expected " + expected["shape"].dump();
    const json& a = actual["data"];
    const json& e = expected["data"];
    if (a.size() != e.size()) return what + ": " + std::to_string(a.size()) + " values, expected " + std::to_string(e.size());
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!same_number(a[i], e[i])) return what + "[" + std::to_string(i) + "] = " + a[i].dump() + ", expected " + e[i].dump();
    return "";
}

struct Tally {
    int results = 0, refusals = 0, unimplemented = 0;
};

void check_golden(const std::string& file, const std::string& op) {
    const json golden = load(file);
    std::map<std::string, Tally> tallies;
    for (const json& c : golden["cases"]) {
        const int id = c["id"].get<int>();
        for (const auto impl : {kata_try::Impl::reference, kata_try::Impl::mine}) {
            const std::string name = impl == kata_try::Impl::reference ? "reference" : "mine";
            Tally& tally = tallies[name];
            json request = request_for(op, c);
            // The pooling golden data is return_indices' (tests/golden/generate_pooling.py): the values and
            // the argmax of every window.
            if (op.rfind("max_pool", 0) == 0) request["return_indices"] = true;
            int code = -1;
            const std::string text = kata_try::run_request(request.dump(), impl, code);
            CAPTURE(file);
            CAPTURE(id);
            CAPTURE(name);
            CAPTURE(text.substr(0, 400));
            json answer;
            REQUIRE_NOTHROW(answer = json::parse(text));
            if (code == 3 && kLearnerTrack && impl == kata_try::Impl::mine) {
                // The error names the chapter to write: "... write it in chapters/NN_topic ...".
                CHECK(answer.value("error", std::string()).find("chapters/") != std::string::npos);
                ++tally.unimplemented;
                continue;
            }
            if (c.contains("error")) {
                CAPTURE(c["error"].get<std::string>());
                CHECK(code == 2);
                CHECK(answer.contains("error"));
                ++tally.refusals;
            } else {
                REQUIRE(code == 0);
                CHECK(closeness(answer, c["output"], "output") == "");
                if (c.contains("indices")) CHECK(closeness(answer.value("indices", json()), c["indices"], "indices") == "");
                if (op == "batch_norm") {
                    CHECK(closeness(answer["running_mean"], c.value("running_mean_after", json()), "running_mean") == "");
                    CHECK(closeness(answer["running_var"], c.value("running_var_after", json()), "running_var") == "");
                }
                ++tally.results;
            }
        }
    }
    for (const auto& [name, t] : tallies)
        MESSAGE(file << " --impl " << name << ": " << t.results << " results, " << t.refusals << " refusals, "
                     << t.unimplemented << " not implemented");
}

}  // namespace

TEST_CASE("kata try --json answers PyTorch's conv1d golden cases") { check_golden("conv1d", "conv1d"); }
TEST_CASE("kata try --json answers PyTorch's conv2d golden cases") { check_golden("conv2d", "conv2d"); }
TEST_CASE("kata try --json answers PyTorch's conv3d golden cases") { check_golden("conv3d", "conv3d"); }
TEST_CASE("kata try --json answers PyTorch's conv_transpose1d golden cases") {
    check_golden("conv_transpose1d", "conv_transpose1d");
}
TEST_CASE("kata try --json answers PyTorch's conv_transpose2d golden cases") {
    check_golden("conv_transpose2d", "conv_transpose2d");
}
TEST_CASE("kata try --json answers PyTorch's max_pool1d golden cases") { check_golden("max_pool1d", "max_pool1d"); }
TEST_CASE("kata try --json answers PyTorch's max_pool2d golden cases") { check_golden("max_pool2d", "max_pool2d"); }
TEST_CASE("kata try --json answers PyTorch's avg_pool1d golden cases") { check_golden("avg_pool1d", "avg_pool1d"); }
TEST_CASE("kata try --json answers PyTorch's avg_pool2d golden cases") { check_golden("avg_pool2d", "avg_pool2d"); }
TEST_CASE("kata try --json answers PyTorch's adaptive_avg_pool2d golden cases") {
    check_golden("adaptive_avg_pool2d", "adaptive_avg_pool2d");
}
TEST_CASE("kata try --json answers PyTorch's batch_norm golden cases") { check_golden("batch_norm", "batch_norm"); }
TEST_CASE("kata try --json answers PyTorch's pad golden cases (pad1d.json)") { check_golden("pad1d", "pad"); }

namespace {

// ------------------------------------------------------------------ the sweep
using ordered_json = nlohmann::ordered_json;  // PyTorch's messages list a call's keywords in their order

ordered_json load_sweep(std::string& path) {
    const char* other = std::getenv("KATA_TRY_SWEEP");
    path = other && *other ? other : std::string(KATA_GOLDEN_DIR) + "/try_sweep.json";
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    return ordered_json::parse(in);
}

ordered_json sweep_request(const ordered_json& c) {
    ordered_json request = {{"op", c["op"]}};
    for (const auto& [key, value] : c["args"].items()) request[key] = value;
    return request;
}

// PyTorch's first line, and kata try's: the same, or kata try's with "op: " before it.
bool same_refusal(const std::string& op, const std::string& mine, const std::string& torch) {
    const std::string line = mine.substr(0, mine.find('\n'));
    return line == torch || line == op + ": " + torch;
}

// "" when kata try's answer is PyTorch's; otherwise what differs.
std::string disagreement(const ordered_json& c, const json& answer, int code) {
    const std::string op = c["op"];
    if (c.contains("error")) {
        const std::string torch = c["error"];
        if (code != 2) return "PyTorch refuses (" + torch + "), kata try exits " + std::to_string(code) + ": " +
                              answer.dump().substr(0, 300);
        const std::string mine = answer.value("error", std::string());
        if (c.value("form", false) && !same_refusal(op, mine, torch))
            return "refused in other words than PyTorch's: PyTorch: " + torch + " | kata try: " + mine;
        return "";
    }
    if (code != 0) return "PyTorch answers, kata try exits " + std::to_string(code) + ": " + answer.dump().substr(0, 300);
    const json expected = json::parse(c.dump());
    std::string d = closeness(answer, expected["output"], "output");
    if (d.empty() && expected.contains("indices")) d = closeness(answer.value("indices", json()), expected["indices"], "indices");
    if (d.empty() && !expected.contains("indices") && answer.contains("indices")) d = "indices without return_indices";
    if (d.empty() && op == "batch_norm") {
        d = closeness(answer["running_mean"], expected["running_mean_after"], "running_mean");
        if (d.empty()) d = closeness(answer["running_var"], expected["running_var_after"], "running_var");
    }
    return d;
}

}  // namespace

TEST_CASE("kata try --json agrees with PyTorch on a sweep of every op in every argument form") {
    std::string path;
    const ordered_json sweep = load_sweep(path);
    struct Agreement {
        int agree = 0, total = 0, unimplemented = 0;
    };
    std::map<std::string, Agreement> by_impl;
    for (const ordered_json& c : sweep["cases"]) {
        const std::string request = sweep_request(c).dump();
        for (const auto impl : {kata_try::Impl::reference, kata_try::Impl::mine}) {
            const std::string name = impl == kata_try::Impl::reference ? "reference" : kLearnerTrack ? "mine" : "solution";
            Agreement& a = by_impl[name];
            int code = -1;
            const json answer = json::parse(kata_try::run_request(request, impl, code));
            if (code == 3 && kLearnerTrack && impl == kata_try::Impl::mine) {
                ++a.unimplemented;  // an unwritten chapter: its own tests say so
                continue;
            }
            ++a.total;
            const std::string d = disagreement(c, answer, code);
            CHECK_MESSAGE(d.empty(), "case " << c["id"] << " " << c["op"].get<std::string>() << " --impl " << name
                                              << ": " << d << "\n  request: " << request.substr(0, 400));
            a.agree += d.empty();
        }
    }
    for (const auto& [name, a] : by_impl) {
        char share[32];
        std::snprintf(share, sizeof share, "%.1f%%", a.total ? 100.0 * a.agree / a.total : 0.0);
        MESSAGE(path << " (seed " << sweep.value("seed", 0) << "): --impl " << name << " agrees with PyTorch "
                     << sweep.value("torch", std::string("?")) << " on " << a.agree << " of " << a.total << " calls ("
                     << share << ")" << (a.unimplemented ? ", " + std::to_string(a.unimplemented) + " not implemented" : ""));
    }
}

namespace {

// The forms a keyword's type takes, as the sweep must show them: the table drives the test.
std::set<std::string> forms_taken(const kata_try::Keyword& k, int dims) {
    using T = kata_try::Keyword::Type;
    std::set<std::string> forms;
    if (!k.default_value.empty()) forms.insert("left out");
    switch (k.type) {
        case T::tensor: forms.insert("tensor"); break;
        case T::optional_tensor: forms.insert({"tensor", "None"}); break;
        case T::optional_int_list: forms.insert({"None", "[]"}); [[fallthrough]];
        case T::int_list: forms.insert({"int", "[1 int]"}); if (dims > 1) forms.insert("[" + std::to_string(dims) + " ints]"); break;
        case T::conv_padding:
            forms.insert({"int", "[1 int]", "'same'", "'valid'"});
            if (dims > 1) forms.insert("[" + std::to_string(dims) + " ints]");
            break;
        case T::output_size: forms.insert({"int", "[2 ints]", "[with None]"}); break;
        case T::pad_list: forms.insert({"[2 ints]", "[4 ints]", "[6 ints]"}); break;
        case T::integer: forms.insert("int"); break;
        case T::optional_integer: forms.insert({"int", "None"}); break;
        case T::boolean:
        case T::truthy: forms.insert({"true", "false"}); break;
        case T::real: forms.insert("number"); break;
        case T::optional_real: forms.insert({"number", "None"}); break;
        case T::word: forms.insert("str"); break;
    }
    return forms;
}

std::string form_of(const ordered_json& v) {
    if (v.is_null()) return "None";
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer()) return "int";
    if (v.is_number()) return "number";
    if (v.is_string()) return v == "same" || v == "valid" ? "'" + v.get<std::string>() + "'" : "str";
    if (v.is_object()) return "tensor";
    if (v.empty()) return "[]";
    for (const auto& e : v)
        if (e.is_null()) return "[with None]";
    return v.size() == 1 ? "[1 int]" : "[" + std::to_string(v.size()) + " ints]";
}

}  // namespace

TEST_CASE("the sweep calls every op in every form the table takes, and refuses each op often") {
    std::string path;
    const ordered_json sweep = load_sweep(path);
    for (const kata_try::OpInfo& op : kata_try::catalogue()) {
        CAPTURE(op.name);
        int calls = 0, refusals = 0, form_refusals = 0;
        std::map<std::string, std::set<std::string>> seen;
        for (const ordered_json& c : sweep["cases"]) {
            if (c["op"] != op.name) continue;
            if (c.contains("error")) {
                ++refusals;
                form_refusals += c.value("form", false);
                continue;
            }
            ++calls;
            for (const kata_try::Keyword& k : op.keywords) {
                std::string form = c["args"].contains(k.name) ? form_of(c["args"][k.name]) : "left out";
                const bool real = k.type == kata_try::Keyword::Type::real || k.type == kata_try::Keyword::Type::optional_real;
                if (real && form == "int") form = "number";  // Python takes an int for a float
                seen[k.name].insert(form);
            }
        }
        CHECK(calls >= 40);
        CHECK(refusals >= 10);
        CHECK(form_refusals >= 5);
        for (const kata_try::Keyword& k : op.keywords) {
            if (k.name == "padding_mode") continue;  // nn.Conv1d's, which F.conv1d does not take
            CAPTURE(k.name);
            for (const std::string& form : forms_taken(k, op.dims)) {
                CAPTURE(form);
                CHECK(seen[k.name].count(form) == 1);
            }
        }
    }
}

namespace {

// A request of `op` with `key` set to `value` (JSON text) on a small valid call.
json with(const std::string& op, const std::string& key, const std::string& value) {
    static const std::map<std::string, std::string> base = {
        {"conv1d", R"("input": {"shape": [1, 1, 4], "data": [1, 2, 3, 4]}, "weight": {"shape": [1, 1, 2], "data": [1, 1]})"},
        {"conv2d", R"("input": {"shape": [1, 1, 2, 2], "data": [1, 2, 3, 4]}, "weight": {"shape": [1, 1, 1, 1], "data": [2]})"},
        {"max_pool1d", R"("input": {"shape": [1, 1, 4], "data": [1, 3, 2, 4]}, "kernel_size": 2)"},
        {"pad", R"("input": {"shape": [1, 1, 3], "data": [1, 2, 3]}, "pad": [1, 1])"},
    };
    return json::parse("{\"op\": \"" + op + "\", " + base.at(op) + ", \"" + key + "\": " + value + "}");
}

}  // namespace

TEST_CASE("kata try --json takes an int list as PyTorch's parser does, and refuses it in its words") {
    int code = -1;
    // One value for every dimension, or a list of one: the same call.
    for (const char* stride : {"2", "[2]"}) {
        const json a = json::parse(kata_try::run_request(with("conv1d", "stride", stride).dump(), kata_try::Impl::reference, code));
        CHECK(code == 0);
        CHECK(a["data"] == json::parse("[3, 7]"));
    }
    // After an int, a bool counts as an int (PyTorch reads [2, True] as [2, 1]) ...
    const json b = json::parse(kata_try::run_request(with("conv2d", "stride", "[2, true]").dump(), kata_try::Impl::reference, code));
    CHECK(code == 0);
    CHECK(b["shape"] == json::parse("[1, 1, 1, 2]"));
    // ... but not first, and a float never.
    const json c = json::parse(kata_try::run_request(with("conv2d", "stride", "[true, 2]").dump(), kata_try::Impl::reference, code));
    CHECK(code == 2);
    CHECK(c["error"].get<std::string>().rfind("conv2d() received an invalid combination of arguments - got (", 0) == 0);
    const json d = json::parse(kata_try::run_request(with("conv2d", "stride", "[2, 2.0]").dump(), kata_try::Impl::reference, code));
    CHECK(code == 2);
    CHECK(d["error"] == "conv2d(): argument 'stride' must be tuple of ints, but found element of type float at pos 2");
    // A list of another length, in the op's own words.
    const json e = json::parse(kata_try::run_request(with("conv1d", "dilation", "[1, 1]").dump(), kata_try::Impl::reference, code));
    CHECK(code == 2);
    CHECK(e["error"] == "conv1d: expected dilation to be a single integer value or a list of 1 values to match the "
                       "convolution dimensions, but got dilation=[1, 1]");
    // max_pool1d names its parser, and with return_indices the other one.
    const json f = json::parse(kata_try::run_request(with("max_pool1d", "ceil_mode", "1").dump(), kata_try::Impl::reference, code));
    CHECK(f["error"] == "max_pool1d(): argument 'ceil_mode' (position 6) must be bool, not int");
    json g_request = with("max_pool1d", "ceil_mode", "1");
    g_request["return_indices"] = true;
    const json g = json::parse(kata_try::run_request(g_request.dump(), kata_try::Impl::reference, code));
    CHECK(g["error"] == "max_pool1d_with_indices(): argument 'ceil_mode' (position 6) must be bool, not int");
    // F.pad's pad is a list, never an int.
    const json h = json::parse(kata_try::run_request(with("pad", "pad", "2").dump(), kata_try::Impl::reference, code));
    CHECK(h["error"] == "pad(): argument 'pad' must be tuple of ints, not int");
}

TEST_CASE("kata try --json: return_indices adds the argmax of every window, and F.pad crops, fills and pads N-D") {
    int code = -1;
    json request = with("max_pool1d", "return_indices", "true");
    const json pooled = json::parse(kata_try::run_request(request.dump(), kata_try::Impl::reference, code));
    REQUIRE(code == 0);
    CHECK(pooled["data"] == json::parse("[3, 4]"));
    CHECK(pooled["indices"]["data"] == json::parse("[1, 3]"));
    // NaN and the infinities go in as they come out: as strings.
    const json inf = json::parse(kata_try::run_request(
        R"({"op": "max_pool1d", "input": {"shape": [1, 1, 4], "data": ["-inf", "nan", 1, "inf"]}, "kernel_size": 2})",
        kata_try::Impl::reference, code));
    REQUIRE(code == 0);
    CHECK(inf["data"] == json::parse(R"(["nan", "inf"])"));
    // Python's truth: [] is false.
    const json plain = json::parse(kata_try::run_request(with("max_pool1d", "return_indices", "[]").dump(), kata_try::Impl::reference, code));
    CHECK_FALSE(plain.contains("indices"));
    // F.pad(x, (-1, 2), value=9): one cropped on the left, two nines on the right.
    json cropped = with("pad", "pad", "[-1, 2]");
    cropped["value"] = 9;
    const json c = json::parse(kata_try::run_request(cropped.dump(), kata_try::Impl::reference, code));
    REQUIRE(code == 0);
    CHECK(c["data"] == json::parse("[2, 3, 9, 9]"));
    // reflect of a [1, 1, 2, 2] input on both dimensions: F.pad(x, (1, 1, 1, 1), 'reflect').
    const json two_d = json::parse(kata_try::run_request(
        R"({"op": "pad", "input": {"shape": [1, 1, 2, 2], "data": [1, 2, 3, 4]}, "pad": [1, 1, 1, 1], "mode": "reflect"})",
        kata_try::Impl::reference, code));
    REQUIRE(code == 0);
    CHECK(two_d["shape"] == json::parse("[1, 1, 4, 4]"));
    CHECK(two_d["data"] == json::parse("[4, 3, 4, 3, 2, 1, 2, 1, 4, 3, 4, 3, 2, 1, 2, 1]"));
}

TEST_CASE("kata try --json refuses bad requests with exit code 2 and an error") {
    const std::string input = R"("input": {"shape": [1, 1, 3], "data": [1, 2, 3]})";
    for (const std::string& request :
         {std::string("{\"op\": \"conv1d\","), std::string("[1, 2]"), std::string("{\"input\": 1}"),
          std::string("{\"op\": \"conv4d\"}"), "{\"op\": \"pad\", " + input + ", \"pad\": [1, 1], \"colour\": 1}",
          "{\"op\": \"pad\", " + input + ", \"pad\": [1, 1], \"mode\": \"mirror\"}",
          "{\"op\": \"pad\", " + input + ", \"pad\": [1, 1], \"mode\": \"reflect\", \"value\": 2}",
          "{\"op\": \"max_pool1d\", " + input + ", \"kernel_size\": 2, \"return_indices\": true, \"ceil_mode\": 1}",
          "{\"op\": \"max_pool1d\", " + input + ", \"kernel_size\": \"two\"}",
          std::string(R"({"op": "pad", "input": {"shape": [1, 1, 3], "data": [1, 2]}, "pad": [1, 1]})")}) {
        CAPTURE(request);
        int code = -1;
        const json answer = json::parse(kata_try::run_request(request, kata_try::Impl::reference, code));
        CHECK(code == 2);
        CHECK(answer.contains("error"));
    }
}

TEST_CASE("kata try --json: defaults, unbatched inputs and float32 round trips") {
    int code = -1;
    // 1/3 as float32 prints with 9 significant digits and reads back as the same float.
    const json pad = json::parse(kata_try::run_request(
        R"({"op": "pad", "input": {"shape": [1, 1, 2], "data": [0.333333343, 2]}, "pad": [1, 0]})",
        kata_try::Impl::reference, code));
    REQUIRE(code == 0);
    CHECK(pad["shape"] == json::parse("[1, 1, 3]"));
    CHECK(pad["data"][1].get<float>() == 1.0f / 3.0f);
    // An unbatched conv1d input [C, L] gives an unbatched output.
    const json conv = json::parse(kata_try::run_request(
        R"({"op": "conv1d", "input": {"shape": [1, 4], "data": [1, 2, 3, 4]},
            "weight": {"shape": [1, 1, 2], "data": [1, 1]}})",
        kata_try::Impl::reference, code));
    REQUIRE(code == 0);
    CHECK(conv["shape"] == json::parse("[1, 3]"));
    CHECK(conv["data"] == json::parse("[3, 5, 7]"));
    // batch_norm without running statistics answers null for them.
    const json bn = json::parse(kata_try::run_request(
        R"({"op": "batch_norm", "input": {"shape": [2, 1], "data": [1, 3]}, "running_mean": null,
            "running_var": null, "training": true})",
        kata_try::Impl::reference, code));
    REQUIRE(code == 0);
    CHECK(bn["running_mean"].is_null());
    CHECK(bn["running_var"].is_null());
}
