// Prints tensors the way NumPy does: nested brackets, values aligned to a
// common width, floats with the fewest digits that identify them (at most
// 8 after the point), scientific notation when magnitudes call for it, rows
// wrapped at 75 columns, and arrays over 1000 elements summarized with the
// first and last 3 entries of each long axis around "...".
#ifndef LOOM_TOOLS_LOOM_RUN_TENSOR_PRINTER_H
#define LOOM_TOOLS_LOOM_RUN_TENSOR_PRINTER_H

#include "loom/runtime.h"

#include <string>

namespace loom::run {

struct PrintOptions {
  size_t threshold = 1000; // summarize above this many elements
  size_t edgeItems = 3;    // entries kept at each end of a summarized axis
  size_t lineWidth = 75;
};

std::string formatTensor(loom_tensor_t *tensor,
                         const PrintOptions &options = PrintOptions());

} // namespace loom::run

#endif // LOOM_TOOLS_LOOM_RUN_TENSOR_PRINTER_H
