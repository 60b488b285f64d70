//===- ContractOrder.cpp - N-ary loom.contract -> pairwise tree -----------===//
//
// --loom-contract-order. See Passes.td. The path finding itself is the plain
// C++ library in lib/contraction; this pass translates a loom.contract into
// its Network, asks for a tree (and slicing), and emits the tree as binary
// loom.contract ops.
//
//===----------------------------------------------------------------------===//

#include "loom/contraction/Cost.h"
#include "loom/contraction/PathFinder.h"
#include "loom/dialect/EinsumSpec.h"
#include "loom/dialect/LoomOps.h"
#include "loom/passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

namespace loom {
#define GEN_PASS_DEF_LOOMCONTRACTORDER
#include "passes/Passes.h.inc"
} // namespace loom

using namespace mlir;
using namespace loom;
using contraction::IndexId;

namespace {

/// A tensor of the tree being emitted and the order of its indices.
struct Node {
  Value value;
  SmallVector<IndexId> order;
};

class TreeEmitter {
public:
  TreeEmitter(ContractOp op, const EinsumSpec &spec)
      : op(op), builder(op), loc(op.getLoc()),
        elementType(op.getType().getElementType()) {
    for (auto [t, term] : llvm::enumerate(spec.inputs)) {
      ArrayRef<int64_t> shape =
          cast<RankedTensorType>(op.getInputs()[t].getType()).getShape();
      std::vector<IndexId> ids;
      for (auto [label, size] : llvm::zip(term, shape)) {
        auto it = idOf.find(label);
        if (it == idOf.end()) {
          it = idOf.try_emplace(label, network.addIndex(size, label)).first;
          labels.push_back(label);
        }
        ids.push_back(it->second);
      }
      network.addInput(std::move(ids));
    }
    for (const std::string &label : spec.output)
      network.output.push_back(idOf.lookup(label));
    sizes.assign(network.sizes.begin(), network.sizes.end());
  }

  const contraction::Network &getNetwork() const { return network; }

  /// Emits the whole contraction (all slices) and returns its result.
  FailureOr<Value> emit(const contraction::ContractionResult &result) {
    FailureOr<contraction::TreeReport> report =
        toFailure(contraction::describeTree(network, result.tree));
    if (failed(report))
      return failure();
    this->report = &*report;
    this->tree = &result.tree;
    SmallVector<Value> operands(op.getInputs());
    return emitSlices(result.sliced, 0, operands);
  }

private:
  template <typename T>
  FailureOr<T> toFailure(contraction::Result<T> r) {
    if (!r.ok()) {
      op.emitError() << "cannot order the contraction: " << r.error();
      return failure();
    }
    return r.take();
  }

  /// Slices indices sliced[k:] one after the other: a summed index
  /// accumulates the slices, an output index concatenates them.
  FailureOr<Value> emitSlices(ArrayRef<IndexId> sliced, size_t k,
                              SmallVector<Value> operands) {
    if (k == sliced.size())
      return emitTree(operands);
    IndexId idx = sliced[k];
    int64_t extent = network.sizes[idx];
    sizes[idx] = 1;
    auto outPos = llvm::find(network.output, idx);
    bool isOutput = outPos != network.output.end();
    SmallVector<Value> parts;
    Value sum;
    for (int64_t v = 0; v < extent; ++v) {
      SmallVector<Value> slicedOperands;
      for (auto [t, operand] : llvm::enumerate(operands))
        slicedOperands.push_back(sliceOperand(operand, network.inputs[t], idx, v));
      FailureOr<Value> part = emitSlices(sliced, k + 1, slicedOperands);
      if (failed(part))
        return failure();
      if (isOutput)
        parts.push_back(*part);
      else
        sum = sum ? AddOp::create(builder, loc, sum, *part).getResult() : *part;
    }
    sizes[idx] = extent;
    if (!isOutput)
      return sum;
    int64_t axis = outPos - network.output.begin();
    SmallVector<int64_t> shape(cast<RankedTensorType>(parts[0].getType()).getShape());
    shape[axis] = extent;
    return ConcatOp::create(builder, loc,
                            RankedTensorType::get(shape, elementType), parts,
                            builder.getI64IntegerAttr(axis))
        .getResult();
  }

  /// operand[..., v:v+1 at every position of `idx`, ...].
  Value sliceOperand(Value operand, ArrayRef<IndexId> term, IndexId idx,
                     int64_t v) {
    if (!llvm::is_contained(term, idx))
      return operand;
    auto type = cast<RankedTensorType>(operand.getType());
    SmallVector<int64_t> starts(type.getRank(), 0), limits(type.getShape()),
        strides(type.getRank(), 1), shape(type.getShape());
    for (auto [pos, id] : llvm::enumerate(term)) {
      if (id != idx)
        continue;
      starts[pos] = v;
      limits[pos] = v + 1;
      shape[pos] = 1;
    }
    return SliceOp::create(builder, loc,
                           RankedTensorType::get(shape, elementType), operand,
                           builder.getDenseI64ArrayAttr(starts),
                           builder.getDenseI64ArrayAttr(limits),
                           builder.getDenseI64ArrayAttr(strides))
        .getResult();
  }

  Value contract(ArrayRef<Node> inputs, ArrayRef<IndexId> outOrder) {
    SmallVector<std::string> terms;
    SmallVector<Value> values;
    for (const Node &n : inputs) {
      std::string term;
      for (IndexId id : n.order)
        term += EinsumSpec::labelString(labels[id]);
      terms.push_back(term);
      values.push_back(n.value);
    }
    std::string out;
    SmallVector<int64_t> shape;
    for (IndexId id : outOrder) {
      out += EinsumSpec::labelString(labels[id]);
      shape.push_back(sizes[id]);
    }
    std::string spec = llvm::join(terms, ",") + "->" + out;
    return ContractOp::create(builder, loc,
                              RankedTensorType::get(shape, elementType),
                              builder.getStringAttr(spec), values)
        .getResult();
  }

  FailureOr<Value> emitTree(ArrayRef<Value> operands) {
    size_t n = operands.size();
    SmallVector<Node> nodes(n + tree->numSteps());
    for (size_t t = 0; t < n; ++t) {
      Node leaf{operands[t], SmallVector<IndexId>(network.inputs[t].begin(),
                                                  network.inputs[t].end())};
      // Sum out indices found in this tensor only, and take diagonals,
      // keeping the remaining indices in their order of appearance.
      const contraction::LeafInfo &info = report->leaves[t];
      SmallVector<IndexId> kept;
      for (IndexId id : leaf.order)
        if (llvm::is_contained(info.indices, id) && !llvm::is_contained(kept, id))
          kept.push_back(id);
      if (kept != leaf.order)
        leaf = Node{contract({leaf}, kept), kept};
      nodes[t] = leaf;
    }
    for (auto [k, step] : llvm::enumerate(report->steps)) {
      const Node &lhs = nodes[step.lhs], &rhs = nodes[step.rhs];
      SmallVector<IndexId> order;
      if ((int)(n + k) == tree->root()) {
        order.assign(network.output.begin(), network.output.end());
      } else {
        // Batch, lhs-free, rhs-free: the layout of a batched GEMM result.
        for (IndexId id : lhs.order)
          if (llvm::is_contained(step.batch, id))
            order.push_back(id);
        for (IndexId id : lhs.order)
          if (llvm::is_contained(step.resultIndices, id) &&
              !llvm::is_contained(order, id))
            order.push_back(id);
        for (IndexId id : rhs.order)
          if (llvm::is_contained(step.resultIndices, id) &&
              !llvm::is_contained(order, id))
            order.push_back(id);
      }
      nodes[n + k] = Node{contract({lhs, rhs}, order), order};
    }
    return nodes[tree->root()].value;
  }

  ContractOp op;
  OpBuilder builder;
  Location loc;
  Type elementType;
  contraction::Network network;
  llvm::StringMap<IndexId> idOf;
  SmallVector<std::string> labels;  // by index id
  SmallVector<int64_t> sizes;       // by index id; 1 while sliced
  const contraction::TreeReport *report = nullptr;
  const contraction::ContractionTree *tree = nullptr;
};

struct LoomContractOrderPass
    : public loom::impl::LoomContractOrderBase<LoomContractOrderPass> {
  using LoomContractOrderBase::LoomContractOrderBase;

  void runOnOperation() override {
    contraction::PathOptions options;
    contraction::Result<contraction::Optimizer> opt =
        contraction::parseOptimizer(optimizer);
    if (!opt.ok()) {
      emitError(getOperation().getLoc()) << "--loom-contract-order: "
                                         << opt.error();
      return signalPassFailure();
    }
    options.optimizer = opt.value();
    contraction::Result<contraction::Objective> objective =
        contraction::parseObjective(minimize);
    if (!objective.ok()) {
      emitError(getOperation().getLoc()) << "--loom-contract-order: "
                                         << objective.error();
      return signalPassFailure();
    }
    options.objective.kind = objective.value();
    options.memoryLimit = memoryLimit;
    options.timeBudget = timeBudget;

    SmallVector<ContractOp> ops;
    getOperation().walk([&](ContractOp op) {
      if (op.getInputs().size() > 2)
        ops.push_back(op);
    });
    for (ContractOp op : ops) {
      std::string parseError;
      EinsumSpec spec = *EinsumSpec::parse(op.getSpec(), parseError);
      TreeEmitter emitter(op, spec);
      contraction::ContractionResult result =
          contraction::optimizeContraction(emitter.getNetwork(), options);
      if (!result.ok()) {
        op.emitError() << "cannot order the contraction: " << result.error;
        return signalPassFailure();
      }
      if (result.numSlices > static_cast<double>(maxSlices)) {
        op.emitError() << "the memory limit of "
                       << static_cast<int64_t>(memoryLimit)
                       << " elements needs "
                       << static_cast<int64_t>(result.numSlices)
                       << " slices; at most " << static_cast<int64_t>(maxSlices)
                       << " are emitted (raise max-slices or the limit)";
        return signalPassFailure();
      }
      FailureOr<Value> value = emitter.emit(result);
      if (failed(value))
        return signalPassFailure();
      op.replaceAllUsesWith(*value);
      op.erase();
    }
  }
};

} // namespace
