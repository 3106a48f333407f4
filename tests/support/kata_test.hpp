// Everything a chapter's tests use: doctest, the tensor comparison, refusals,
// seeded randomness, golden data and the reference implementations.
#pragma once

#include "check.hpp"
#include "conv1d_call.hpp"
#include "conv2d_call.hpp"
#include "golden.hpp"
#include "random.hpp"
#include "refuse.hpp"

#include "convkata/padding.hpp"
#include "convkata/shape.hpp"
#include "convkata/tensor.hpp"
#include "reference.hpp"

#include <doctest/doctest.h>
