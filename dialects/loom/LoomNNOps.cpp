//===- LoomNNOps.cpp - verifiers of the ops in LoomNNOps.td ---------------===//
#include "loom/dialect/LoomOps.h"

using namespace mlir;
using namespace loom;
