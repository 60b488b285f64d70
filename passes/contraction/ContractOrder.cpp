//===- ContractOrder.cpp - N-ary loom.contract -> pairwise tree -----------===//
//
// --loom-contract-order. See Passes.td. The path finding itself is the plain
// C++ library in lib/contraction; this pass translates a loom.contract into
// its Network, asks for a tree (and slicing), and emits the tree as binary
// loom.contract ops: inline (slices unrolled), or, with slice-loops, as a
// loom.slice_loop over a private function holding one slice's tree.
//
//===----------------------------------------------------------------------===//

#include "loom/contraction/Cost.h"
#include "loom/contraction/PathFinder.h"
#include "loom/dialect/EinsumSpec.h"
#include "loom/dialect/LoomDialect.h"
#include "loom/dialect/LoomOps.h"
#include "loom/passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
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

  /// The tree given by the op's `loom.path` (numpy-style linear path, pairs
  /// flattened) and `loom.sliced` (labels) attributes, as a path finder's
  /// result; nullopt when the op has no `loom.path`.
  FailureOr<std::optional<contraction::ContractionResult>> givenTree() {
    auto path = op->getAttrOfType<DenseI64ArrayAttr>(kPathAttr);
    auto sliced = op->getAttr(kSlicedAttr);
    if (!path) {
      if (sliced)
        return op.emitError() << "'" << kSlicedAttr << "' needs '"
                              << kPathAttr << "'";
      return std::optional<contraction::ContractionResult>();
    }
    ArrayRef<int64_t> flat = path.asArrayRef();
    if (flat.size() % 2 != 0)
      return op.emitError() << "'" << kPathAttr
                            << "' must list pairs of positions (it has "
                            << flat.size() << " entries)";
    std::vector<contraction::NodePair> pairs;
    for (size_t i = 0; i < flat.size(); i += 2)
      pairs.push_back({static_cast<int>(flat[i]), static_cast<int>(flat[i + 1])});
    auto tree =
        contraction::ContractionTree::fromLinearPath(network.numTensors(), pairs);
    if (!tree.ok())
      return op.emitError() << "'" << kPathAttr << "' is not a contraction "
                            << "path of its " << network.numTensors()
                            << " operands: " << tree.error();
    contraction::ContractionResult result;
    result.tree = tree.take();
    result.method = "given";
    if (sliced) {
      auto labelsAttr = dyn_cast<ArrayAttr>(sliced);
      if (!labelsAttr)
        return op.emitError() << "'" << kSlicedAttr
                              << "' must be an array of index labels";
      for (Attribute a : labelsAttr) {
        auto label = dyn_cast<StringAttr>(a);
        auto it = label ? idOf.find(label.getValue()) : idOf.end();
        if (it == idOf.end())
          return op.emitError() << "'" << kSlicedAttr << "' names " << a
                                << ", which is not an index of " << op.getSpec();
        if (llvm::is_contained(result.sliced, it->second))
          return op.emitError() << "'" << kSlicedAttr << "' names " << a
                                << " twice";
        result.sliced.push_back(it->second);
        result.numSlices *= static_cast<double>(network.sizes[it->second]);
      }
    }
    auto cost = result.sliced.empty()
                    ? contraction::computeCost(network, result.tree)
                    : contraction::computeSlicedCost(network, result.tree,
                                                     result.sliced);
    if (!cost.ok())
      return op.emitError() << "cannot order the contraction: " << cost.error();
    result.cost = cost.take();
    return std::optional<contraction::ContractionResult>(std::move(result));
  }

  static constexpr StringLiteral kPathAttr = kContractPathAttrName;
  static constexpr StringLiteral kSlicedAttr = kContractSlicedAttrName;

  /// Emits the whole contraction (all slices, unrolled) and returns its
  /// result.
  FailureOr<Value> emit(const contraction::ContractionResult &result) {
    if (failed(useTree(result)))
      return failure();
    SmallVector<Value> operands(op.getInputs());
    return emitSlices(result.sliced, 0, operands);
  }

  /// Emits a sliced contraction as a loom.slice_loop whose body and
  /// accumulation functions are new private functions of `symbols`' module,
  /// named after `name`; returns the contraction's result.
  FailureOr<Value> emitLoop(const contraction::ContractionResult &result,
                            SymbolTable &symbols, StringRef name) {
    if (failed(useTree(result)))
      return failure();
    ArrayRef<IndexId> sliced = result.sliced;
    size_t k = sliced.size();
    auto slot = [&](IndexId id) -> int {
      auto it = llvm::find(sliced, id);
      return it == sliced.end() ? -1 : int(it - sliced.begin());
    };

    // Inputs with their sliced dimensions outermost (in slicing order):
    // a slice of each is then one contiguous block.
    SmallVector<Value> inputs;
    SmallVector<int64_t> inputStrides;
    SmallVector<Type> bodyInputs;
    for (auto [t, operand] : llvm::enumerate(op.getInputs())) {
      ArrayRef<IndexId> term = network.inputs[t];
      auto type = cast<RankedTensorType>(operand.getType());
      SmallVector<int64_t> perm;
      for (size_t j = 0; j < k; ++j)
        for (auto [pos, id] : llvm::enumerate(term))
          if (id == sliced[j])
            perm.push_back(pos);
      for (auto [pos, id] : llvm::enumerate(term))
        if (slot(id) < 0)
          perm.push_back(pos);
      Value input = operand;
      if (!llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
        input = TransposeOp::create(builder, loc, operand, perm).getResult();
      SmallVector<int64_t> shape(type.getShape());
      SmallVector<int64_t> strides(k, 0);
      int64_t stride = 1;
      for (int64_t p = perm.size() - 1; p >= 0; --p) {
        if (int j = slot(term[perm[p]]); j >= 0) {
          strides[j] += stride;
          shape[perm[p]] = 1;
        }
        stride *= type.getDimSize(perm[p]);
      }
      inputs.push_back(input);
      llvm::append_range(inputStrides, strides);
      bodyInputs.push_back(RankedTensorType::get(shape, elementType));
    }

    // The accumulator: sliced output indices outermost, then the rest of
    // the output in order; a slice's partial result is one block of it.
    SmallVector<int64_t> extents, accShape, partialShape, accOrder;
    for (IndexId id : sliced)
      extents.push_back(network.sizes[id]);
    for (IndexId id : sliced)
      if (llvm::is_contained(network.output, id))
        accOrder.push_back(id);
    for (IndexId id : network.output) {
      partialShape.push_back(slot(id) >= 0 ? 1 : network.sizes[id]);
      if (slot(id) < 0)
        accOrder.push_back(id);
    }
    for (IndexId id : accOrder)
      accShape.push_back(network.sizes[id]);
    SmallVector<int64_t> outputStrides(k, 0);
    int64_t stride = 1;
    for (int64_t p = accOrder.size() - 1; p >= 0; --p) {
      if (int j = slot(accOrder[p]); j >= 0)
        outputStrides[j] = stride;
      stride *= accShape[p];
    }
    auto partialType = RankedTensorType::get(partialShape, elementType);
    auto accType = RankedTensorType::get(accShape, elementType);

    // The body: one slice's tree over its blocks (sliced dimensions of
    // size 1, the layout of the block).
    OpBuilder::InsertionGuard guard(builder);
    auto newFunction = [&](StringRef fnName, TypeRange args,
                           Type result) -> func::FuncOp {
      builder.setInsertionPoint(op->getParentOfType<func::FuncOp>());
      auto fn = func::FuncOp::create(
          builder, loc, fnName, builder.getFunctionType(args, {result}));
      fn.setPrivate();
      symbols.insert(fn);
      builder.setInsertionPointToStart(fn.addEntryBlock());
      return fn;
    };
    for (IndexId id : sliced)
      sizes[id] = 1;
    func::FuncOp body =
        newFunction((name + "_slice").str(), bodyInputs, partialType);
    SmallVector<Value> args(body.getArguments());
    FailureOr<Value> partial = emitTree(args);
    for (IndexId id : sliced)
      sizes[id] = network.sizes[id];
    if (failed(partial))
      return failure();
    func::ReturnOp::create(builder, loc, *partial);

    auto adder = [&](StringRef fnName, Type type) -> func::FuncOp {
      func::FuncOp fn = newFunction(fnName, {type, type}, type);
      Value sum = AddOp::create(builder, loc, fn.getArgument(0),
                                fn.getArgument(1));
      func::ReturnOp::create(builder, loc, sum);
      return fn;
    };
    func::FuncOp accumulate = adder((name + "_slice_acc").str(), partialType);
    func::FuncOp reduce = partialType == accType
                              ? accumulate
                              : adder((name + "_slice_reduce").str(), accType);

    builder.setInsertionPoint(op);
    Value acc = SliceLoopOp::create(
        builder, loc, accType, FlatSymbolRefAttr::get(body.getSymNameAttr()),
        FlatSymbolRefAttr::get(accumulate.getSymNameAttr()),
        FlatSymbolRefAttr::get(reduce.getSymNameAttr()),
        builder.getDenseI64ArrayAttr(extents),
        builder.getDenseI64ArrayAttr(inputStrides),
        builder.getDenseI64ArrayAttr(outputStrides), inputs);
    // Back to the output's order.
    SmallVector<int64_t> perm;
    for (IndexId id : network.output)
      perm.push_back(llvm::find(accOrder, id) - accOrder.begin());
    if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
      return acc;
    return TransposeOp::create(builder, loc, acc, perm).getResult();
  }

private:
  /// Describes `result`'s tree for the emitters.
  LogicalResult useTree(const contraction::ContractionResult &result) {
    FailureOr<contraction::TreeReport> described =
        toFailure(contraction::describeTree(network, result.tree));
    if (failed(described))
      return failure();
    reportStorage = std::move(*described);
    report = &*reportStorage;
    tree = &result.tree;
    return success();
  }

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
  std::optional<contraction::TreeReport> reportStorage;
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
    SymbolTable symbols(getOperation());
    for (ContractOp op : ops) {
      std::string parseError;
      EinsumSpec spec = *EinsumSpec::parse(op.getSpec(), parseError);
      TreeEmitter emitter(op, spec);
      FailureOr<std::optional<contraction::ContractionResult>> given =
          emitter.givenTree();
      if (failed(given))
        return signalPassFailure();
      contraction::ContractionResult result =
          *given ? std::move(**given)
                 : contraction::optimizeContraction(emitter.getNetwork(),
                                                    options);
      if (!result.ok()) {
        op.emitError() << "cannot order the contraction: " << result.error;
        return signalPassFailure();
      }
      if (sliceLoops && !result.sliced.empty()) {
        auto parent = op->getParentOfType<func::FuncOp>();
        FailureOr<Value> value = emitter.emitLoop(
            result, symbols, parent ? parent.getName() : "contract");
        if (failed(value))
          return signalPassFailure();
        op.replaceAllUsesWith(*value);
        op.erase();
        continue;
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
