#include "tensor_printer.h"

#include "half_float.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace loom::run {
namespace {

constexpr int kMaxFractionDigits = 8;
constexpr long kEllipsis = -1; // marks "..." in a list of shown indices

bool isFloat(loom_dtype_t dtype) {
  return dtype == LOOM_DTYPE_F32 || dtype == LOOM_DTYPE_F64 ||
         dtype == LOOM_DTYPE_F16 || dtype == LOOM_DTYPE_BF16;
}

double floatAt(const void *data, loom_dtype_t dtype, size_t i) {
  switch (dtype) {
  case LOOM_DTYPE_F32:
    return static_cast<const float *>(data)[i];
  case LOOM_DTYPE_F64:
    return static_cast<const double *>(data)[i];
  case LOOM_DTYPE_F16:
    return halfToFloat(static_cast<const uint16_t *>(data)[i]);
  case LOOM_DTYPE_BF16:
    return bf16ToFloat(static_cast<const uint16_t *>(data)[i]);
  default:
    return 0;
  }
}

long long integerAt(const void *data, loom_dtype_t dtype, size_t i) {
  switch (dtype) {
  case LOOM_DTYPE_I8:
    return static_cast<const int8_t *>(data)[i];
  case LOOM_DTYPE_I32:
    return static_cast<const int32_t *>(data)[i];
  case LOOM_DTYPE_I64:
    return static_cast<const int64_t *>(data)[i];
  case LOOM_DTYPE_I1:
    return static_cast<const uint8_t *>(data)[i];
  default:
    return 0;
  }
}

// The value `text` denotes, rounded to the tensor's precision.
double roundTrip(const char *text, loom_dtype_t dtype) {
  double v = std::strtod(text, nullptr);
  switch (dtype) {
  case LOOM_DTYPE_F32:
    return static_cast<float>(v);
  case LOOM_DTYPE_F16:
    return halfToFloat(floatToHalf(static_cast<float>(v)));
  case LOOM_DTYPE_BF16:
    return bf16ToFloat(floatToBf16(static_cast<float>(v)));
  default:
    return v;
  }
}

// The shortest "%.{d}f" or "%.{d}e" (d <= 8) that reads back as v.
std::string shortest(double v, loom_dtype_t dtype, bool scientific) {
  char buffer[64];
  for (int digits = 0; digits <= kMaxFractionDigits; ++digits) {
    std::snprintf(buffer, sizeof(buffer), scientific ? "%.*e" : "%.*f", digits,
                  v);
    if (roundTrip(buffer, dtype) == v)
      break;
  }
  std::string s = buffer;
  if (!scientific) { // at the digit limit the tail may be zeros: trim them
    size_t dot = s.find('.');
    if (dot == std::string::npos)
      return s + ".";
    size_t last = s.find_last_not_of('0');
    return s.substr(0, std::max(last, dot) + 1);
  }
  return s;
}

std::string pad(const std::string &s, size_t left, size_t right) {
  return std::string(left > s.size() ? left - s.size() : 0, ' ') + s +
         std::string(right, ' ');
}

// Formats the shown float values with NumPy's shared layout.
std::vector<std::string> formatFloats(const std::vector<double> &values,
                                      loom_dtype_t dtype) {
  double maxAbs = 0, minAbs = INFINITY;
  for (double v : values) {
    if (!std::isfinite(v) || v == 0)
      continue;
    maxAbs = std::max(maxAbs, std::fabs(v));
    minAbs = std::min(minAbs, std::fabs(v));
  }
  bool scientific = maxAbs >= 1e8 || (maxAbs > 0 && (minAbs < 1e-4 ||
                                                      maxAbs / minAbs > 1e3));
  // Split finite values into integer part, fraction and exponent.
  struct Parts {
    std::string integer, fraction, exponent;
  };
  std::vector<Parts> parts(values.size());
  size_t padLeft = 0, padRight = 0, exponentDigits = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i]))
      continue;
    std::string s = shortest(values[i], dtype, scientific);
    size_t e = s.find('e');
    std::string mantissa = s.substr(0, e);
    if (e != std::string::npos) {
      parts[i].exponent = s.substr(e + 2); // digits after "e+" / "e-"
      parts[i].exponent.insert(0, 1, s[e + 1]);
      exponentDigits = std::max(exponentDigits, parts[i].exponent.size() - 1);
    }
    size_t dot = mantissa.find('.');
    parts[i].integer = mantissa.substr(0, dot);
    parts[i].fraction =
        dot == std::string::npos ? "" : mantissa.substr(dot + 1);
    padLeft = std::max(padLeft, parts[i].integer.size());
    padRight = std::max(padRight, parts[i].fraction.size());
  }
  std::vector<std::string> out(values.size());
  size_t width = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i]))
      continue;
    Parts &p = parts[i];
    std::string s = pad(p.integer, padLeft, 0) + ".";
    if (scientific) { // zeros to a common precision, e+XX to common digits
      s += p.fraction + std::string(padRight - p.fraction.size(), '0');
      std::string digits = p.exponent.substr(1);
      digits.insert(0, std::max<size_t>(2, exponentDigits) - digits.size(),
                    '0');
      s += "e" + p.exponent.substr(0, 1) + digits;
    } else {
      s += p.fraction + std::string(padRight - p.fraction.size(), ' ');
    }
    out[i] = s;
    width = std::max(width, s.size());
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::isfinite(values[i]))
      continue;
    std::string s = std::isnan(values[i]) ? "nan"
                                          : (values[i] < 0 ? "-inf" : "inf");
    width = std::max(width, s.size());
    out[i] = s;
  }
  for (std::string &s : out)
    s = pad(s, width, 0);
  return out;
}

class Layout {
public:
  Layout(const std::vector<int64_t> &shape,
         const std::vector<std::vector<long>> &shown,
         const std::vector<std::string> &words, const PrintOptions &options)
      : shape_(shape), shown_(shown), words_(words), options_(options) {}

  std::string format() {
    if (shape_.empty())
      return words_.empty() ? "" : words_[0];
    next_ = 0;
    return formatAxis(0, 0);
  }

private:
  std::string formatAxis(size_t axis, size_t indent) {
    const std::vector<long> &indices = shown_[axis];
    std::string s = "[";
    if (axis + 1 == shape_.size()) { // the last axis: words, wrapped
      // `line` carries the indent the caller already printed, so widths
      // count from column 0; the first line is returned without it.
      std::string line = std::string(indent, ' ') + "[";
      std::string done;
      bool firstLine = true;
      for (size_t k = 0; k < indices.size(); ++k) {
        std::string word = indices[k] == kEllipsis ? "..." : words_[next_++];
        bool last = k + 1 == indices.size();
        if (line.size() + word.size() + 1 > options_.lineWidth &&
            line.size() > indent + 1) {
          done += rstrip(firstLine ? line.substr(indent) : line) + "\n";
          firstLine = false;
          line = std::string(indent + 1, ' ');
        }
        line += word + (last ? "]" : " ");
      }
      if (indices.empty())
        line += "]";
      return done + (firstLine ? line.substr(indent) : line);
    }
    std::string separator = std::string(shape_.size() - axis - 1, '\n') +
                            std::string(indent + 1, ' ');
    for (size_t k = 0; k < indices.size(); ++k) {
      if (k > 0)
        s += separator;
      s += indices[k] == kEllipsis ? "..." : formatAxis(axis + 1, indent + 1);
    }
    return s + "]";
  }

  static std::string rstrip(const std::string &s) {
    size_t end = s.find_last_not_of(' ');
    return end == std::string::npos ? "" : s.substr(0, end + 1);
  }

  const std::vector<int64_t> &shape_;
  const std::vector<std::vector<long>> &shown_;
  const std::vector<std::string> &words_;
  const PrintOptions &options_;
  size_t next_ = 0;
};

// Linear indices of the shown elements, in order.
void collect(const std::vector<int64_t> &shape,
             const std::vector<std::vector<long>> &shown, size_t axis,
             size_t base, std::vector<size_t> *out) {
  if (axis == shape.size()) {
    out->push_back(base);
    return;
  }
  for (long i : shown[axis])
    if (i != kEllipsis)
      collect(shape, shown, axis + 1, base * shape[axis] + i, out);
}

} // namespace

std::string formatTensor(loom_tensor_t *tensor, const PrintOptions &options) {
  loom_dtype_t dtype = loom_tensor_dtype(tensor);
  std::vector<int64_t> shape(loom_tensor_shape(tensor),
                             loom_tensor_shape(tensor) +
                                 loom_tensor_rank(tensor));
  bool summarize = loom_tensor_element_count(tensor) > options.threshold;
  std::vector<std::vector<long>> shown(shape.size());
  for (size_t a = 0; a < shape.size(); ++a) {
    long n = static_cast<long>(shape[a]);
    long edge = static_cast<long>(options.edgeItems);
    for (long i = 0; i < n; ++i) {
      if (summarize && n > 2 * edge && i == edge) {
        shown[a].push_back(kEllipsis);
        i = n - edge;
      }
      shown[a].push_back(i);
    }
  }
  std::vector<size_t> linear;
  collect(shape, shown, 0, 0, &linear);
  const void *data = loom_tensor_data(tensor);
  std::vector<std::string> words;
  if (isFloat(dtype)) {
    std::vector<double> values;
    for (size_t i : linear)
      values.push_back(floatAt(data, dtype, i));
    words = formatFloats(values, dtype);
  } else {
    size_t width = 0;
    for (size_t i : linear) {
      long long v = integerAt(data, dtype, i);
      words.push_back(dtype == LOOM_DTYPE_I1 ? (v ? "True" : "False")
                                             : std::to_string(v));
      width = std::max(width, words.back().size());
    }
    for (std::string &w : words)
      w = pad(w, width, 0);
  }
  return Layout(shape, shown, words, options).format();
}

} // namespace loom::run
