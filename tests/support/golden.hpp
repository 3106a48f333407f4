// PyTorch golden data: cases written by tests/golden/generate.py with Debian's
// python3-torch and committed, so the tests need no torch to use them.
//
// Each case holds the keyword arguments of the torch.nn.functional call (the
// same keys as `kata try --json`), and either PyTorch's output or the message
// PyTorch refused the call with.
#pragma once

#include "convkata/tensor.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kata {

struct GoldenTensor {
    std::vector<convkata::Index> shape;
    std::vector<float> data;

    template <int R>
    convkata::Tensor<R> tensor() const {
        std::array<convkata::Index, R> dims{};
        if (shape.size() != R) throw std::runtime_error("golden tensor of rank " + std::to_string(shape.size()));
        std::copy(shape.begin(), shape.end(), dims.begin());
        convkata::Tensor<R> t(dims);
        std::copy(data.begin(), data.end(), t.data());
        return t;
    }
};

class GoldenCase {
public:
    explicit GoldenCase(std::shared_ptr<const void> json);

    int id() const;
    // "case 17: input [2, 3, 10], weight [4, 3, 3], stride=2, padding='same'"
    std::string describe() const;
    bool has(const std::string& key) const;           // present and not null
    bool is_string(const std::string& key) const;     // e.g. padding="same"
    GoldenTensor tensor(const std::string& key) const;
    std::optional<GoldenTensor> optional_tensor(const std::string& key) const;  // null -> nullopt
    convkata::Index integer(const std::string& key) const;
    std::vector<convkata::Index> integers(const std::string& key) const;
    double number(const std::string& key) const;
    bool boolean(const std::string& key) const;
    std::string string(const std::string& key) const;
    bool refused() const;             // PyTorch raised an error for this call
    std::string error() const;        // ... with this message
    GoldenTensor output() const;

private:
    std::shared_ptr<const void> json_;
};

// Every case of tests/golden/<op>.json.
std::vector<GoldenCase> load_golden(const std::string& op);

}  // namespace kata
